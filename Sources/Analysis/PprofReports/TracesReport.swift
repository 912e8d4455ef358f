import Pprof

/// The text `go tool pprof -traces` prints: every (merged) sample with its labels, its value
/// and its stack, leaf first, inlined frames marked.
public enum TracesReport {
    /// Every sample of `profile` in order (a profile pprof would merge on load must come
    /// merged: see `Profile.mergingIdenticalSamples`). `total` is the header's total when
    /// `profile` was filtered (pprof's totals are of the whole profile).
    public static func text(profile: Profile, sampleIndex: Int, total totalOverride: Int64? = nil,
                            compatibility: PprofCompatibility = .current, frames: FrameTable? = nil, unit: String = "minimum") -> [UInt8] {
        var out: [UInt8] = []
        // Collecting into an array throws nothing.
        try! write(profile: profile, sampleIndex: sampleIndex, total: totalOverride, compatibility: compatibility, frames: frames, unit: unit) {
            out.append(contentsOf: $0)
        }
        return out
    }

    /// The text of `text(...)`, handed to `emit` a piece at a time: it has a line per frame
    /// of every sample, gigabytes for a profile of millions of samples. What repeats is made
    /// once: each label set's lines, each frame's line, each value's text.
    /// `unit`: pprof's -unit (`minimum`, the default, scales each value to its own unit).
    public static func write(profile: Profile, sampleIndex: Int, total totalOverride: Int64? = nil,
                             compatibility: PprofCompatibility = .current, frames: FrameTable? = nil, unit: String = "minimum",
                             to emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try withoutActuallyEscaping(emit) { emit in
            try write(profile: profile, sampleIndex: sampleIndex, total: totalOverride, compatibility: compatibility, frames: frames,
                      unit: unit, into: OutputPiece(emit))
        }
    }

    private static func write(profile: Profile, sampleIndex: Int, total totalOverride: Int64?, compatibility: PprofCompatibility,
                              frames: FrameTable?, unit: String, into piece: OutputPiece) throws {
        var out = piece
        let sampleType = profile.sampleTypes[sampleIndex]
        let frames = frames ?? FrameTable(profile: profile)
        let samples = profile.samples
        let total = totalOverride ?? samples.absoluteSums()[sampleIndex]
        let numericUnits = numericLabelUnits(profile)
        let separator = Array("-----------+-------------------------------------------------------\n".utf8)
        func line(_ text: String) throws {
            try out.append(ProfileText.rawBytes(text))
            try out.append(UInt8(ascii: "\n"))
        }
        // Values are scaled one by one here: pprof picks no common unit for traces.
        let format = { (value: Int64) in Measurement.scaledLabel(value, from: sampleType.unit, to: unit) }
        // pprof prints the header lines joined, then a newline: a blank line when there are none.
        try line(ReportHeader.lines(profile: profile, sampleType: sampleType, total: total, compatibility: compatibility, format: format)
            .joined(separator: "\n"))
        // Each frame as a stack line without the value column: 13 spaces, the name, and as an
        // inlined frame (not its location's outermost line) " (inline)" too.
        let padding = [UInt8](repeating: UInt8(ascii: " "), count: 13)
        let frameNames = frames.names.map { ProfileText.rawBytes($0) }
        let inline = Array(" (inline)".utf8)
        var labelLines: [[UInt8]?] = Array(repeating: nil, count: samples.labelSets.count)
        var valueTexts: [Int64: [UInt8]] = [:]
        var stackShown: [Bool?] = Array(repeating: nil, count: samples.stackCount)
        for sample in 0..<samples.count {
            let stackID = Int(samples.sampleStacks[sample])
            let stack = samples.stack(stackID)
            if stackShown[stackID] == nil {
                stackShown[stackID] = !stack.allSatisfy { frames.frames(ofLocation: Int($0)).isEmpty }
            }
            guard stackShown[stackID]! else { continue }
            try out.append(separator)
            let set = Int(samples.sampleLabelSets[sample])
            if labelLines[set] == nil { labelLines[set] = labelText(samples.labels(of: sample), profile: profile, units: numericUnits) }
            try out.append(labelLines[set]!)
            var first = true
            for location in stack {
                let locationFrames = frames.frames(ofLocation: Int(location))
                for slot in locationFrames.indices {
                    if first {
                        let value = samples.value(of: sample, index: sampleIndex)
                        if valueTexts[value] == nil { valueTexts[value] = ProfileText.rawBytes(format(value).leftPadded(to: 10) + "   ") }
                        try out.append(valueTexts[value]!)
                        first = false
                    } else {
                        try out.append(padding)
                    }
                    try out.append(frameNames[Int(locationFrames[slot])])
                    if slot != locationFrames.endIndex - 1 { try out.append(inline) }
                    try out.append(UInt8(ascii: "\n"))
                }
            }
        }
        try out.append(separator)
        try out.flush()
    }

    /// A sample's label lines: string labels, then numeric ones, each kind sorted by bytes.
    static func labelText(_ labels: ArraySlice<LabelReference>, profile: Profile, units numericUnits: [String: String]) -> [UInt8] {
        var strings: [String: [String]] = [:]
        var numbers: [String: [Int64]] = [:]
        for reference in labels {
            let label = profile.label(for: reference)
            if label.isString {
                strings[label.key, default: []].append(label.str)
            } else if label.isNumeric {
                numbers[label.key, default: []].append(label.num)
            }
        }
        var text: [UInt8] = []
        let stringLines = strings.map { $0.key.leftPadded(to: 10) + ":  " + $0.value.joined(separator: " ") }
        let numberLines = numbers.map { key, values in
            key.leftPadded(to: 10) + ":  " + values.map { Measurement.label($0, unit: numericUnits[key] ?? key) }.joined(separator: " ")
        }
        for line in stringLines.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            + numberLines.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            text.append(contentsOf: ProfileText.rawBytes(line))
            text.append(UInt8(ascii: "\n"))
        }
        return text
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

/// Output gathered into pieces of a megabyte, each handed on when full.
struct OutputPiece {
    private let emit: (UnsafeRawBufferPointer) throws -> Void
    private var bytes: [UInt8] = []
    private static let size = 1 << 20

    init(_ emit: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.emit = emit
        bytes.reserveCapacity(Self.size)
    }

    mutating func append(_ more: [UInt8]) throws {
        bytes.append(contentsOf: more)
        if bytes.count >= Self.size { try flush() }
    }

    mutating func append(_ byte: UInt8) throws {
        bytes.append(byte)
        if bytes.count >= Self.size { try flush() }
    }

    mutating func flush() throws {
        if !bytes.isEmpty { try bytes.withUnsafeBytes(emit) }
        bytes.removeAll(keepingCapacity: true)
    }
}
