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
                    out += "  \(index == 0 ? "culprits:" : "         ")  \(paint(clean(culprit.name), "1"))\(site) \(percent(culprit.share))\n"
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
            if let confirm = finding.confirm { out += "  confirm:   \(clean(confirm))\n" }
            out += "  why:       \(clean(finding.explanation))\n"
            out += "  fix:       \(paint(clean(finding.fix), "32"))\n"
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
            }
            json.strings("exampleStack", finding.exampleStack)
            json.objects("signals", finding.signals) { json, signal in
                json.field("name", signal.name)
                json.field("role", signal.role.rawValue)
                json.field("seen", signal.seen)
                json.field("detail", signal.detail)
                json.field("level", signal.level?.name)
            }
            json.field("confirm", finding.confirm)
            json.field("explanation", finding.explanation)
            json.field("fix", finding.fix)
        }
    }

    public static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return "\(tenths)%"
    }
}
