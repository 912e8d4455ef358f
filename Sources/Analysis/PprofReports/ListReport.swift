import Pprof

/// The annotated source `go tool pprof -list REGEX` prints: for each function whose name
/// matches, per source file, the lines from the function's start (or 5 lines before its first
/// sampled line) to 5 lines after its last one, each with its flat and cumulative value.
/// Values are counted at line granularity, as pprof's list does: a line's cum counts each
/// sample once, flat goes to the innermost line of the leaf location.
public struct ListReport: Sendable {
    /// One function in one file.
    public struct Routine: Sendable {
        public var function: String
        /// The file name as the profile gives it (trimmed as pprof trims it).
        public var file: String
        public var flat: Int64
        public var cum: Int64
        /// The function's first line (0 when the profile does not say).
        public var startLine: Int64
        /// Per sampled line: flat and cum.
        public var lineValues: [Int64: (flat: Int64, cum: Int64)]
        /// The lines printed, with their text; empty when the source was not found.
        public var lines: [(number: Int64, text: String, flat: Int64, cum: Int64)]
        public var sourceFound: Bool
    }

    public var total: Int64
    public var unit: String
    public var routines: [Routine]
    /// The search path, for the error line of a file not found.
    public var searchDescription: String

    struct Key: Hashable {
        var function: String
        var file: String
        var line: Int64
    }

    /// `matching` selects functions by name (pprof matches the regular expression anywhere in
    /// the name); `total` is the whole profile's.
    public init(profile: Profile, sampleIndex: Int, matching: (String) -> Bool, total: Int64, locator: SourceLocator) {
        self.total = total
        unit = profile.sampleTypes[sampleIndex].unit
        searchDescription = locator.searchPaths.joined(separator: ":")
        let names = profile.functions.map(FunctionNames.displayName)
        let stackSums = profile.samples.stackSums(index: sampleIndex)
        // Per location: its (function, file, line) keys, innermost first, for the functions
        // that match; nil where the line's function does not.
        var keyIDs: [Key: Int] = [:]
        var keys: [Key] = []
        var startLines: [String: Int64] = [:]
        var locationKeys: [[Int?]] = []
        locationKeys.reserveCapacity(profile.locations.count)
        var matchCache = [Bool?](repeating: nil, count: profile.functions.count)
        for location in profile.locations {
            locationKeys.append(profile.lines(of: location).map { line in
                let function = Int(line.functionIndex)
                if matchCache[function] == nil { matchCache[function] = !names[function].isEmpty && matching(names[function]) }
                guard matchCache[function]!, !profile.functions[function].filename.isEmpty else { return nil }
                let key = Key(function: names[function], file: locator.displayName(profile.functions[function].filename), line: line.line)
                if startLines[key.function + "\u{0}" + key.file] == nil {
                    startLines[key.function + "\u{0}" + key.file] = profile.functions[function].startLine
                }
                if let id = keyIDs[key] { return id }
                keyIDs[key] = keys.count
                keys.append(key)
                return keys.count - 1
            })
        }
        var flat = [Int64](repeating: 0, count: keys.count)
        var cum = [Int64](repeating: 0, count: keys.count)
        var seen = [Int](repeating: -1, count: keys.count)
        let samples = profile.samples
        for stack in 0..<samples.stackCount where stackSums.nonZero[stack] {
            let value = stackSums.sums[stack]
            let locations = samples.stack(stack)
            for (position, location) in locations.enumerated() {
                for (slot, id) in locationKeys[Int(location)].enumerated() {
                    guard let id else { continue }
                    if seen[id] != stack {
                        seen[id] = stack
                        cum[id] &+= value
                    }
                    if position == 0 && slot == 0 { flat[id] &+= value }
                }
            }
        }
        // Routines: functions by name, then files by name.
        var grouped: [String: [String: [Int]]] = [:]
        for id in keys.indices where flat[id] != 0 || cum[id] != 0 {
            grouped[keys[id].function, default: [:]][keys[id].file, default: []].append(id)
        }
        routines = []
        for function in grouped.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for file in grouped[function]!.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let ids = grouped[function]![file]!
                var values: [Int64: (flat: Int64, cum: Int64)] = [:]
                var routineFlat: Int64 = 0, routineCum: Int64 = 0
                for id in ids {
                    values[keys[id].line, default: (0, 0)].flat &+= flat[id]
                    values[keys[id].line, default: (0, 0)].cum &+= cum[id]
                    routineFlat &+= flat[id]
                    routineCum &+= cum[id]
                }
                let startLine = startLines[function + "\u{0}" + file] ?? 0
                var routine = Routine(function: function, file: file, flat: routineFlat, cum: routineCum, startLine: startLine,
                                      lineValues: values, lines: [], sourceFound: false)
                if let text = locator.lines(of: file) {
                    routine.sourceFound = true
                    // pprof's range: the function's start line (else 5 before the first
                    // sampled line) to 5 after the last, within the file.
                    let sampled = values.keys
                    let first = max(startLine != 0 ? startLine : sampled.min()! - 5, 1)
                    let last = sampled.max()! + 5
                    var number = first
                    while number <= last && number <= Int64(text.count) {
                        let lineValue = values[number] ?? (0, 0)
                        routine.lines.append((number, text[Int(number) - 1], lineValue.flat, lineValue.cum))
                        number += 1
                    }
                }
                routines.append(routine)
            }
        }
    }

    /// The text `go tool pprof -list` prints.
    public func text() -> [UInt8] {
        var out: [UInt8] = []
        func line(_ text: String) {
            out.append(contentsOf: ProfileText.rawBytes(text))
            out.append(UInt8(ascii: "\n"))
        }
        func format(_ value: Int64) -> String { Measurement.scaledLabel(value, from: unit, to: "minimum") }
        func valueOrDot(_ value: Int64) -> String { value == 0 ? "." : format(value) }
        line("Total: \(format(total))")
        for routine in routines {
            line("ROUTINE ======================== \(routine.function) in \(routine.file)")
            line(format(routine.flat).leftPadded(to: 10) + " " + format(routine.cum).leftPadded(to: 10)
                 + " (flat, cum) " + Measurement.percentage(routine.cum, of: total) + " of Total")
            guard routine.sourceFound else {
                // pprof's wording: an absolute path is opened as it is, a relative one searched.
                line(routine.file.hasPrefix("/") ? " Error: open \(routine.file): no such file or directory"
                                                 : " Error: could not find file \(routine.file) on path \(searchDescription)")
                continue
            }
            for entry in routine.lines {
                line(valueOrDot(entry.flat).leftPadded(to: 10) + " " + valueOrDot(entry.cum).leftPadded(to: 10) + " "
                     + String(entry.number).leftPadded(to: 6) + ":" + entry.text)
            }
        }
        return out
    }
}
