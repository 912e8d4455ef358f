import Analysis
import Pprof

/// Findings as text for a terminal (optionally coloured) and as JSON. Profile strings are
/// cleaned for the terminal (`TerminalText`) and escaped in JSON.
public enum FindingsReport {
    public static func text(_ findings: [Finding], color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func clean(_ text: String) -> String { TerminalText.clean(text) }
        guard !findings.isEmpty else { return "Findings: none (no map anti-pattern above its threshold)\n" }
        var out = "Findings (most severe first):\n"
        for finding in findings {
            let levelText: String
            switch finding.level {
            case .critical: levelText = paint("CRITICAL", "1;31")
            case .warning: levelText = paint("WARNING ", "1;33")
            case .info: levelText = paint("INFO    ", "36")
            }
            let amount = Measurement.label(finding.value, unit: finding.unit)
            out += "\n\(levelText) \(paint(finding.id, "1")) \(clean(finding.title)): \(percent(finding.share)) of \(clean(finding.sampleType)) (\(amount)) in \(clean(finding.file))\n"
            let frames = finding.frames.prefix(5).map { "\(clean($0.name)) \(percent(Double($0.value) / Double(max(finding.value, 1)) * finding.share))" }
            if !frames.isEmpty { out += "  frames:    \(frames.joined(separator: ", "))\n" }
            if finding.culprits.isEmpty {
                out += "  culprits:  none in user code (reached only from the runtime or libraries)\n"
            } else {
                for (index, culprit) in finding.culprits.prefix(5).enumerated() {
                    let site = culprit.location.map { " (\(clean($0)))" } ?? ""
                    let kept = culprit.keeps.map { " keeps what \(clean($0)) allocates:" } ?? ""
                    out += "  \(index == 0 ? "culprits:" : "         ")  \(paint(clean(culprit.name), "1"))\(site)\(kept) \(percent(culprit.share))\n"
                }
            }
            out += "  example:   \(finding.exampleStack.map(clean).joined(separator: " > "))\n"
            for signal in finding.signals {
                let mark = signal.seen ? paint("seen   ", "32") : paint("not seen", "33")
                let role: String
                switch signal.role {
                case .requires: role = "required"
                case .discriminates: role = "tells it from its look-alike"
                case .confirms: role = "confirms"
                }
                out += "  signal:    \(mark) \(signal.name) (\(role)): \(clean(signal.detail))\n"
            }
            if let evidence = finding.sourceEvidence {
                let place = evidence.file.map { file in evidence.line.map { " at \(clean(file)):\($0)" } ?? " in \(clean(file))" } ?? ""
                let statement = evidence.statement.map { ": `\(clean($0))`" } ?? ""
                out += "  source:    \(paint(evidence.status.rawValue, evidence.status == .confirmed ? "1;31" : "33"))\(place)\(statement) (\(clean(evidence.reason)))\n"
            }
            if let listing = finding.source { out += sourceText(listing, unit: finding.unit, paint: paint) }
            if let confirm = finding.confirm { out += "  confirm:   \(clean(confirm))\n" }
            out += "  why:       \(clean(finding.explanation))\n"
            out += "  fix:       \(paint(clean(finding.fix), "32"))\n"
        }
        return out
    }

    /// The costly lines of a culprit with a line of context, gaps elided, at most 16 lines;
    /// the hottest marked with ">".
    static func sourceText(_ listing: SourceListing, unit: String, paint: (String, String) -> String) -> String {
        func value(_ v: Int64) -> String { v == 0 ? "." : Measurement.scaledLabel(v, from: unit, to: "minimum") }
        var out = "  lines:     \(TerminalText.clean(listing.path)) (\(TerminalText.clean(listing.function)); flat, cum)\n"
        for index in listing.excerpt() {
            guard let index else {
                out += "             ...\n"
                continue
            }
            let line = listing.lines[index]
            let text = "\(line.hot ? ">" : " ") \(value(line.flat).leftPadded(to: 9)) \(value(line.cum).leftPadded(to: 9)) \(String(line.line).leftPadded(to: 6)): \(TerminalText.clean(line.text.replacingTabs()))"
            out += "           " + (line.hot ? paint(text, "1") : text) + "\n"
        }
        return out
    }

    public static func writeJSON(_ findings: [Finding], _ json: inout JSONWriter) {
        json.objects("findings", findings) { json, finding in
            json.field("id", finding.id)
            json.field("title", finding.title)
            json.field("level", finding.level.name)
            json.field("share", finding.share)
            json.field("value", finding.value)
            json.field("sampleType", finding.sampleType)
            json.field("unit", finding.unit)
            json.field("file", finding.file)
            json.objects("frames", finding.frames) { json, frame in
                json.field("name", frame.name)
                json.field("value", frame.value)
            }
            json.strings("culprits", finding.culprits.map(\.name))
            json.objects("culpritDetails", finding.culprits) { json, culprit in
                json.field("name", culprit.name)
                json.field("location", culprit.location)
                json.field("value", culprit.value)
                json.field("share", culprit.share)
                if let keeps = culprit.keeps { json.field("keeps", keeps) }
            }
            json.strings("exampleStack", finding.exampleStack)
            json.objects("signals", finding.signals) { json, signal in
                json.field("name", signal.name)
                json.field("role", signal.role.rawValue)
                json.field("seen", signal.seen)
                json.field("detail", signal.detail)
                json.field("level", signal.level?.name)
                json.field("measured", signal.measured)
                json.field("needed", signal.needed)
            }
            json.field("confirm", finding.confirm)
            if let listing = finding.source {
                json.object("source") { json in
                    json.field("function", listing.function)
                    json.field("file", listing.file)
                    json.field("path", listing.path)
                    json.field("startLine", listing.startLine)
                    json.objects("lines", listing.lines) { json, line in
                        json.field("line", line.line)
                        json.field("text", line.text)
                        json.field("flat", line.flat)
                        json.field("cum", line.cum)
                        json.field("hot", line.hot)
                    }
                }
            }
            if let evidence = finding.sourceEvidence {
                json.object("sourceEvidence") { json in
                    json.field("status", evidence.status.rawValue)
                    json.field("file", evidence.file)
                    if let line = evidence.line { json.field("line", line) }
                    json.field("statement", evidence.statement)
                    json.field("reason", evidence.reason)
                }
            }
            json.field("explanation", finding.explanation)
            json.field("fix", finding.fix)
        }
    }

    public static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return "\(tenths)%"
    }
}

extension SourceListing {
    /// The lines a report shows, as indices into `lines` in file order: the costly lines with a
    /// line of context, at most `limit` (then the costliest); nil where lines are skipped.
    public func excerpt(limit: Int = 16) -> [Int?] {
        var keep = Set<Int>()
        for (index, line) in lines.enumerated() where line.cum != 0 || line.flat != 0 {
            for near in max(index - 1, 0)...min(index + 1, lines.count - 1) { keep.insert(near) }
        }
        var chosen = keep.sorted()
        if chosen.count > limit {
            // The costliest lines first, then back in file order.
            let costly = lines.indices.sorted { lines[$0].cum > lines[$1].cum }.prefix(limit)
            chosen = Array(costly).sorted()
        }
        var out: [Int?] = []
        var previous: Int?
        for index in chosen {
            if let previous, index > previous + 1 { out.append(nil) }
            out.append(index)
            previous = index
        }
        return out
    }
}

extension String {
    /// Tabs as spaces to the next multiple of 4 (source lines in a report line up).
    public func replacingTabs() -> String {
        var out = ""
        var column = 0
        for character in self {
            if character == "\t" {
                let spaces = 4 - column % 4
                out += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                out.append(character)
                column += 1
            }
        }
        return out
    }
}
