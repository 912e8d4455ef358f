import ArgumentParser

/// A length of time as the options take it: a number of seconds with an optional unit,
/// `ms`, `s`, `m` or `h` (30, 30s, 1.5m, 2h).
struct Duration: ExpressibleByArgument {
    var seconds: Double

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var text = Substring(argument)
        var factor = 1.0
        if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
            text = text.dropLast(unit.suffix.count)
            factor = unit.seconds
        }
        guard let value = Double(text), value.isFinite else { return nil }
        seconds = value * factor
    }
}
