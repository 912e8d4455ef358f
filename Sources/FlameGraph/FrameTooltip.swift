import Analysis

/// The text of a frame's tooltip after its name: its value and share of the total
/// ("1.50s, 12.5%"), or in a differential graph its base, new value and change.
struct FrameTooltip {
    let values: ValueText
    let total: Int64
    /// A differential graph's shares are of the larger of its two totals.
    let largerTotal: Int64

    init(unit: String, layout: FlameLayout) {
        values = ValueText(unit: unit)
        total = layout.total
        largerTotal = max(layout.total, layout.baseTotal)
    }

    func plain(_ frame: FlameLayout.Frame) -> String {
        "\(values(frame.value)), \(Self.percent(frame.value, of: total))"
    }

    func differential(_ frame: FlameLayout.Frame) -> String {
        let delta = frame.value - frame.baseValue
        let sign = delta > 0 ? "+" : ""
        let relative = frame.baseValue != 0 ? sign + Markup.number(Double(delta) / Double(frame.baseValue) * 100) + "%" : (delta == 0 ? "0%" : "new")
        let ofTotal = sign + Self.percent(delta, of: largerTotal)
        return "base \(values(frame.baseValue)), new \(values(frame.value)), delta \(sign)\(values(delta)) (\(relative) of the frame, \(ofTotal) of the total)"
    }

    static func percent(_ value: Int64, of total: Int64) -> String {
        guard total != 0 else { return "0%" }
        return Markup.number(Double(value) / Double(total) * 100) + "%"
    }

    /// A value as text ("1.50s", "12 samples", "3 requests") for many values of one unit, the
    /// unit looked up once.
    struct ValueText {
        let label: Measurement.AutoLabel
        /// What follows the number, when its unit says nothing (counts) or is not one pprof knows.
        let suffix: String

        init(unit: String) {
            label = Measurement.AutoLabel(unit: unit)
            switch unit.lowercased() {
            case "count", "": suffix = " samples"
            case "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes": suffix = ""
            default: suffix = Measurement.scale(1, from: unit, to: "auto").1.isEmpty ? " \(unit)" : ""
            }
        }

        func callAsFunction(_ value: Int64) -> String { label(value) + suffix }
    }
}
