import Pprof

/// What `proflens analyze` says about a profile before its table: what it is, what it
/// measured, when, and how big it is.
public struct ProfileSummary: Sendable {
    public var file: String
    public var kind: ProfileKind
    public var sampleTypes: [ValueType]
    public var sampleIndex: Int
    public var periodType: ValueType
    public var period: Int64
    public var durationNanos: Int64
    public var timeNanos: Int64
    public var total: Int64
    public var sampleCount: Int
    public var locationCount: Int
    public var functionCount: Int
    public var mappingCount: Int

    public init(file: String, profile: Profile, sampleIndex: Int, total: Int64) {
        self.file = file
        kind = ProfileKind.of(profile)
        sampleTypes = profile.sampleTypes
        self.sampleIndex = sampleIndex
        periodType = profile.periodType
        period = profile.period
        durationNanos = profile.durationNanos
        timeNanos = profile.timeNanos
        self.total = total
        sampleCount = profile.samples.count
        locationCount = profile.locations.count
        functionCount = profile.functions.count
        mappingCount = profile.mappings.count
    }

    public var sampleType: ValueType { sampleTypes[sampleIndex] }

    /// Human-readable lines for a terminal.
    public func textLines() -> [String] {
        var lines: [String] = []
        lines.append("Profile:      \(file)")
        let contention = kind == .mutex || kind == .block
        // An empty contention profile cannot say which of the two it is (its stacks do).
        lines.append("Kind:         \(contention && sampleCount == 0 ? "mutex or block profile" : kind.title)")
        let types = sampleTypes.enumerated().map { index, type in
            let text = "\(type.type)/\(type.unit)"
            return index == sampleIndex ? "[\(text)]" : text
        }
        lines.append("Sample types: \(types.joined(separator: " ")) (in use in brackets)")
        if period != 0 || !periodType.type.isEmpty {
            let value = Measurement.label(period, unit: periodType.unit)
            lines.append("Period:       \(value)\(periodType.type.isEmpty ? "" : " of \(periodType.type)")")
        }
        if durationNanos != 0 { lines.append("Duration:     \(Measurement.label(durationNanos, unit: "nanoseconds"))") }
        if timeNanos != 0 { lines.append("Collected:    \(GoTime.iso(unixNanos: timeNanos))") }
        lines.append("Total:        \(Measurement.label(total, unit: sampleType.unit)) \(sampleType.type)")
        lines.append("Contents:     \(sampleCount) samples, \(locationCount) locations, \(functionCount) functions, \(mappingCount) mappings")
        if let hint = emptyHint { lines.append("Note:         \(hint)") }
        return lines
    }

    /// Why a profile may have no samples, when the reason is a setting of the program: an empty
    /// profile is not good news.
    public var emptyHint: String? {
        guard sampleCount == 0 || total == 0 else { return nil }
        switch kind {
        case .mutex, .block:
            return "no samples: Go records mutex and block profiles only after the program calls runtime.SetMutexProfileFraction (mutex) or runtime.SetBlockProfileRate (block) with a rate above 0; no finding can come from it"
        case .cpu:
            return "no samples: the CPU profile covers no CPU time (the program was idle, or the profile was stopped at once)"
        case .heap:
            return "no samples: nothing allocated was sampled (runtime.MemProfileRate may be 0, or the program allocated little)"
        default:
            return "no samples: no finding can come from it"
        }
    }

    /// Writes the summary's fields into an open JSON object.
    public func writeJSON(_ json: inout JSONWriter) {
        json.field("file", file)
        json.field("kind", kind.rawValue)
        json.objects("sampleTypes", sampleTypes) { json, type in
            json.field("type", type.type)
            json.field("unit", type.unit)
        }
        json.object("sampleType") { json in
            json.field("index", sampleIndex)
            json.field("type", sampleType.type)
            json.field("unit", sampleType.unit)
        }
        json.object("period") { json in
            json.field("type", periodType.type)
            json.field("unit", periodType.unit)
            json.field("value", period)
        }
        json.field("durationNanos", durationNanos)
        json.field("timeNanos", timeNanos)
        json.field("total", total)
        json.object("counts") { json in
            json.field("samples", sampleCount)
            json.field("locations", locationCount)
            json.field("functions", functionCount)
            json.field("mappings", mappingCount)
        }
    }
}

extension TopReport {
    /// Writes the table's fields into an open JSON object: raw integer values, in the
    /// sample type's unit, whatever unit the text table prints them in (`textUnit`).
    public func writeJSON(_ json: inout JSONWriter) {
        json.object("top") { json in
            json.field("granularity", granularity.optionName)
            json.field("sortedBy", sortByCum ? "cum" : "flat")
            json.field("textUnit", outputUnit)
            json.field("total", total)
            json.field("shownFlat", rows.reduce(Int64(0)) { $0 &+ $1.flat })
            json.field("nodesShown", rows.count)
            json.field("nodesAfterDropping", shownOutOf)
            json.field("nodesDropped", droppedNodes)
            json.objects("rows", rows) { json, row in
                json.field("name", row.name)
                json.field("flat", row.flat)
                json.field("cum", row.cum)
                json.field("inline", row.inlineLabel.trimmingCharacters(in: "()"))
            }
        }
    }
}

extension String {
    func trimmingCharacters(in characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return String(text)
    }
}
