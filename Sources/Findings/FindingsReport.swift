import Analysis
import Pprof

/// Findings as text for a terminal (optionally coloured) and as JSON.
public enum FindingsReport {
    public static func text(_ findings: [Finding], color: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
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
            out += "\n\(levelText) \(paint(finding.id, "1")) \(finding.title): \(percent(finding.share)) of \(finding.sampleType) (\(amount)) in \(TerminalText.clean(finding.file))\n"
            let frames = finding.frames.prefix(5).map { "\(TerminalText.clean($0.name)) \(percent(Double($0.value) / Double(max(finding.value, 1)) * finding.share))" }
            out += "  frames:    \(frames.joined(separator: ", "))\n"
            if finding.culprits.isEmpty {
                out += "  culprits:  none in user code (reached only from the runtime or libraries)\n"
            } else {
                for (index, culprit) in finding.culprits.prefix(5).enumerated() {
                    let site = culprit.location.map { " (\(TerminalText.clean($0)))" } ?? ""
                    out += "  \(index == 0 ? "culprits:" : "         ")  \(paint(TerminalText.clean(culprit.name), "1"))\(site) \(percent(culprit.share))\n"
                }
            }
            out += "  example:   \(finding.exampleStack.map(TerminalText.clean).joined(separator: " > "))\n"
            for line in finding.corroboration { out += "  evidence:  \(TerminalText.clean(line))\n" }
            out += "  why:       \(finding.explanation)\n"
            out += "  fix:       \(paint(finding.fix, "32"))\n"
        }
        return out
    }

    public static func writeJSON(_ findings: [Finding], _ json: inout JSONWriter) {
        json.key("findings")
        json.beginArray()
        for finding in findings {
            json.beginObject()
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
            json.strings("corroboration", finding.corroboration)
            json.field("explanation", finding.explanation)
            json.field("fix", finding.fix)
            json.endObject()
        }
        json.endArray()
    }

    public static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded() / 10
        return "\(tenths)%"
    }
}
