import Foundation

/// Units and value formatting as `go tool pprof` prints them (its internal/measurement package):
/// bytes scale by 1024 to kB, MB, GB, TB, PB; times scale to ns, us, ms, s, hrs; any other
/// unit is printed as a plain number.
public enum Measurement {
    struct UnitDefinition: Sendable {
        let name: String
        let aliases: [String]
        let factor: Double
    }

    struct UnitFamily: Sendable {
        let units: [UnitDefinition]
        let defaultUnit: UnitDefinition

        /// Finds a unit by name, case-insensitively and ignoring a plural "s".
        func find(_ unit: String) -> UnitDefinition? {
            var name = unit.lowercased()
            if name.count > 2, name.hasSuffix("s") { name.removeLast() }
            return units.first { $0.aliases.contains(name) }
        }

        /// The largest unit in which the value is at least 1.
        func autoScale(_ value: Double) -> (Double, String)? {
            var factor = 0.0
            var name = ""
            for unit in units where unit.factor >= factor && value / unit.factor >= 1 {
                factor = unit.factor
                name = unit.name
            }
            return factor == 0 ? nil : (value / factor, name)
        }

        func convert(_ value: Int64, from: String, to: String) -> (Double, String)? {
            guard let fromUnit = find(from) else { return nil }
            let base = Double(value) * fromUnit.factor
            if to == "minimum" || to == "auto" {
                if let scaled = autoScale(base) { return scaled }
                return (base / defaultUnit.factor, defaultUnit.name)
            }
            guard let toUnit = find(to) else { return (base / defaultUnit.factor, defaultUnit.name) }
            return (base / toUnit.factor, toUnit.name)
        }
    }

    static let memory = UnitFamily(
        units: [
            UnitDefinition(name: "B", aliases: ["b", "byte"], factor: 1),
            UnitDefinition(name: "kB", aliases: ["kb", "kbyte", "kilobyte"], factor: 1024),
            UnitDefinition(name: "MB", aliases: ["mb", "mbyte", "megabyte"], factor: 1024 * 1024),
            UnitDefinition(name: "GB", aliases: ["gb", "gbyte", "gigabyte"], factor: 1024 * 1024 * 1024),
            UnitDefinition(name: "TB", aliases: ["tb", "tbyte", "terabyte"], factor: 1024 * 1024 * 1024 * 1024),
            UnitDefinition(name: "PB", aliases: ["pb", "pbyte", "petabyte"], factor: 1024 * 1024 * 1024 * 1024 * 1024),
        ],
        defaultUnit: UnitDefinition(name: "B", aliases: ["b", "byte"], factor: 1))

    static let time = UnitFamily(
        units: [
            UnitDefinition(name: "ns", aliases: ["ns", "nanosecond"], factor: 1),
            UnitDefinition(name: "us", aliases: ["μs", "us", "microsecond"], factor: 1e3),
            UnitDefinition(name: "ms", aliases: ["ms", "millisecond"], factor: 1e6),
            UnitDefinition(name: "s", aliases: ["s", "sec", "second"], factor: 1e9),
            UnitDefinition(name: "hrs", aliases: ["hour", "hr"], factor: 3600e9),
        ],
        defaultUnit: UnitDefinition(name: "s", aliases: [], factor: 1e9))

    static let gcu = UnitFamily(
        units: [
            UnitDefinition(name: "n*GCU", aliases: ["nanogcu"], factor: 1e-9),
            UnitDefinition(name: "u*GCU", aliases: ["microgcu"], factor: 1e-6),
            UnitDefinition(name: "m*GCU", aliases: ["milligcu"], factor: 1e-3),
            UnitDefinition(name: "GCU", aliases: ["gcu"], factor: 1),
            UnitDefinition(name: "k*GCU", aliases: ["kilogcu"], factor: 1e3),
            UnitDefinition(name: "M*GCU", aliases: ["megagcu"], factor: 1e6),
            UnitDefinition(name: "G*GCU", aliases: ["gigagcu"], factor: 1e9),
            UnitDefinition(name: "T*GCU", aliases: ["teragcu"], factor: 1e12),
            UnitDefinition(name: "P*GCU", aliases: ["petagcu"], factor: 1e15),
        ],
        defaultUnit: UnitDefinition(name: "GCU", aliases: [], factor: 1))

    static let families = [memory, time, gcu]

    /// Converts `value` in `from` units to `to` ("minimum"/"auto" pick a readable unit).
    /// The unit is empty when it is not worth printing (counts, samples).
    public static func scale(_ value: Int64, from: String, to: String) -> (Double, String) {
        if value < 0 && value != Int64.min {
            let (scaled, unit) = scale(-value, from: from, to: to)
            return (-scaled, unit)
        }
        for family in families {
            if let result = family.convert(value, from: from, to: to) { return result }
        }
        switch to {
        case "count", "sample", "unit", "minimum", "auto": return (Double(value), "")
        default: return (Double(value), to)
        }
    }

    /// A value with its unit, two decimals at most: "1.76s", "482.80MB", "190".
    public static func scaledLabel(_ value: Int64, from: String, to: String) -> String {
        label(scale(value, from: from, to: to))
    }

    static func label(_ scaled: (Double, String)) -> String {
        let (scaled, unit) = scaled
        var text = CFormat.string("%.2f", scaled)
        if text.hasSuffix(".00") { text.removeLast(3) }
        if text == "0" || text == "-0" { return "0" }
        return text + unit
    }

    /// A value in the most readable unit ("9.99s").
    public static func label(_ value: Int64, unit: String) -> String {
        scaledLabel(value, from: unit, to: "auto")
    }

    /// `label(_:unit:)` for many values of one unit: the unit is looked up once, not for each
    /// value (a flame graph labels thousands).
    public struct AutoLabel: Sendable {
        let unit: String
        /// The family and factor of `unit`, when a family knows it.
        let family: UnitFamily?
        let factor: Double

        public init(unit: String) {
            self.unit = unit
            for family in families {
                if let definition = family.find(unit) {
                    self.family = family
                    factor = definition.factor
                    return
                }
            }
            family = nil
            factor = 1
        }

        /// The same text as `Measurement.label(value, unit: unit)`.
        public func callAsFunction(_ value: Int64) -> String {
            label(scale(value))
        }

        /// `Measurement.scale(value, from: unit, to: "auto")`.
        func scale(_ value: Int64) -> (Double, String) {
            if value < 0 && value != Int64.min {
                let (scaled, name) = scale(-value)
                return (-scaled, name)
            }
            guard let family else { return (Double(value), "") }
            let base = Double(value) * factor
            return family.autoScale(base) ?? (base / family.defaultUnit.factor, family.defaultUnit.name)
        }
    }

    /// A share of a total as pprof prints it: "  100%", "72.73%", " 0.57%", "0.0012%".
    public static func percentage(_ value: Int64, of total: Int64) -> String {
        var ratio = 0.0
        if total != 0 { ratio = abs(Double(value) / Double(total)) * 100 }
        if ratio >= 99.95 && ratio <= 100.05 { return "  100%" }
        if ratio >= 1.0 { return CFormat.string("%5.2f%%", ratio) }
        return CFormat.string("%5.2g%%", ratio)
    }

    /// The unit `go tool pprof` chooses for a table whose smallest entry is `minValue` and
    /// whose total is `maxValue` (report.selectOutputUnit).
    package static func outputUnit(sampleUnit: String, minValue: Int64, maxValue: Int64) -> String {
        let minValue = minValue == 0 ? maxValue : minValue
        let minUnit = scale(minValue, from: sampleUnit, to: "minimum").1
        let maxUnit = scale(maxValue, from: sampleUnit, to: "minimum").1
        var unit = minUnit
        if minUnit != maxUnit && minValue.multipliedReportingOverflow(by: 100).partialValue < maxValue {
            // Allow the smallest value to show as 0.01 of a larger unit.
            unit = scale(minValue &* 100, from: sampleUnit, to: "minimum").1
        }
        return unit.isEmpty ? sampleUnit : unit
    }
}
