/// What go tool pprof's -top output says, read back for checks against it.
public enum PprofTopText {
    /// A value as go tool pprof prints it ("-1.57s", "120ms", "0") in nanoseconds.
    public static func nanoseconds(_ text: Substring) -> Int64? {
        for (suffix, factor) in [("ms", 1e6), ("us", 1e3), ("ns", 1.0), ("s", 1e9)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { Int64(($0 * factor).rounded()) }
        }
        return text == "0" ? 0 : nil
    }

    /// The table's rows of a CPU -top output: each function's flat and cum (nanoseconds),
    /// inline marks left out of its name.
    public static func cpuRows(_ text: String) -> [(name: String, flat: Int64, cum: Int64)] {
        text.split(separator: "\n").drop(while: { !$0.hasPrefix("      flat") }).dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 5, let flat = nanoseconds(fields[0]), let cum = nanoseconds(fields[3]) else { return nil }
            return (fields[5...].filter { $0 != "(inline)" && $0 != "(partial-inline)" }.joined(separator: " "), flat, cum)
        }
    }
}
