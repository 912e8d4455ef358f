import Pprof

/// The text `go tool pprof -traces` prints: every (merged) sample with its labels, its value
/// and its stack, leaf first, inlined frames marked.
public enum TracesReport {
    /// Every sample of `profile` in order (a profile pprof would merge on load must come
    /// merged: see `Profile.mergingIdenticalSamples`). `total` is the header's total when
    /// `profile` was filtered (pprof's totals are of the whole profile).
    public static func text(profile: Profile, sampleIndex: Int, total totalOverride: Int64? = nil,
                            compatibility: PprofCompatibility = .current, frames: FrameTable? = nil) -> [UInt8] {
        let sampleType = profile.sampleTypes[sampleIndex]
        let frames = frames ?? FrameTable(profile: profile)
        let samples = profile.samples
        let total = totalOverride ?? samples.absoluteSums()[sampleIndex]
        let numericUnits = numericLabelUnits(profile)
        let separator = "-----------+-------------------------------------------------------"
        var out: [UInt8] = []
        func line(_ text: String) {
            out.append(contentsOf: ProfileText.rawBytes(text))
            out.append(UInt8(ascii: "\n"))
        }
        // Values are scaled one by one here: pprof picks no common unit for traces.
        let format = { (value: Int64) in Measurement.scaledLabel(value, from: sampleType.unit, to: "minimum") }
        // pprof prints the header lines joined, then a newline: a blank line when there are none.
        line(ReportHeader.lines(profile: profile, sampleType: sampleType, total: total, compatibility: compatibility, format: format)
            .joined(separator: "\n"))
        for sample in 0..<samples.count {
            let stack = samples.locations(of: sample)
            if stack.allSatisfy({ frames.frames(ofLocation: Int($0)).isEmpty }) { continue }
            line(separator)
            var strings: [String: [String]] = [:]
            var numbers: [String: [Int64]] = [:]
            for label in profile.labels(of: sample) {
                if label.isString {
                    strings[label.key, default: []].append(label.str)
                } else if label.isNumeric {
                    numbers[label.key, default: []].append(label.num)
                }
            }
            let stringLines = strings.map { $0.key.leftPadded(to: 10) + ":  " + $0.value.joined(separator: " ") }
            for text in stringLines.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { line(text) }
            let numberLines = numbers.map { key, values in
                key.leftPadded(to: 10) + ":  " + values.map { Measurement.label($0, unit: numericUnits[key] ?? key) }.joined(separator: " ")
            }
            for text in numberLines.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) { line(text) }
            var first = true
            for location in stack {
                let locationFrames = frames.frames(ofLocation: Int(location))
                for slot in locationFrames.indices {
                    let value = first ? format(samples.value(of: sample, index: sampleIndex)) : ""
                    first = false
                    let inline = slot != locationFrames.endIndex - 1 ? " (inline)" : ""
                    line(value.leftPadded(to: 10) + "   " + frames.names[Int(locationFrames[slot])] + inline)
                }
            }
        }
        line(separator)
        return out
    }

    /// The unit of each numeric label key: the first unit the profile gives it, else "bytes"
    /// for the keys pprof knows hold sizes, else the key itself (pprof's NumLabelUnits).
    static func numericLabelUnits(_ profile: Profile) -> [String: String] {
        var units: [String: String] = [:]
        var keys = Set<String>()
        // Label sets in the order of their first sample: the same first unit as sample order.
        for reference in profile.samples.labelSets.labels where reference.isNumeric {
            let label = profile.label(for: reference)
            keys.insert(label.key)
            if !label.numUnit.isEmpty && units[label.key] == nil { units[label.key] = label.numUnit }
        }
        for key in keys where units[key] == nil {
            units[key] = key == "alignment" || key == "request" ? "bytes" : key
        }
        return units
    }
}
