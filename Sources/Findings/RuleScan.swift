import Analysis
import Pprof

/// One pass over a profile's distinct stacks for every rule that reads it: for each rule, the
/// matched stacks with their culprits (summed into groups); for each of its frame signals, the
/// values it counts.
/// Frame patterns are matched once per frame name, and folded into a mask per location of the
/// rules that care about it, so a stack that no rule cares about costs one look at each of
/// its locations, and a rule looks only at the stacks that hold one of its frames.
struct RuleScan {
    /// The matched stacks that a finding reads alike: the same culprit, the same matched
    /// frames, in the same signal populations. A heap rule matches every stack, so stacks are
    /// summed into their group as they are scanned rather than held one by one.
    struct HitGroup {
        /// The group's stacks, summed.
        var value: Int64 = 0
        /// The group's heaviest stack (the first, of equals), and the heaviest of those whose
        /// culprit line names a source file, with that line: where a finding shows the
        /// culprit called.
        private(set) var heaviest = Heaviest()
        private(set) var heaviestSited = Heaviest()
        private var storedCulprit: Int32
        /// Which list of matched frames, in `RuleResult.matchedLists`.
        fileprivate var matchedList: Int32
        /// Bit i: the stacks are in frameShare signal i's population; counted by it.
        var inPopulation: UInt32
        var counted: UInt32

        struct Heaviest {
            var value: Int64 = 0
            private var storedStack: Int32 = -1
            private var storedLineSlot: Int32 = -1

            /// -1 while there is none.
            var stack: Int { Int(storedStack) }
            var lineSlot: Int { Int(storedLineSlot) }

            /// Whether this stack is heavier than `other` (of equal ones, the first scanned).
            func isHeavier(than other: Heaviest) -> Bool {
                other.stack < 0 || (stack >= 0 && (value != other.value ? value > other.value : stack < other.stack))
            }

            fileprivate mutating func offer(stack: Int, value: Int64, lineSlot: Int) {
                if self.stack < 0 || value > self.value {
                    self.value = value
                    storedStack = Int32(stack)
                    storedLineSlot = Int32(lineSlot)
                }
            }
        }

        fileprivate init(_ key: Key) {
            storedCulprit = key.culprit
            matchedList = key.matchedList
            inPopulation = key.inPopulation
            counted = key.counted
        }

        /// A frame, or -1.
        var culprit: Int { Int(storedCulprit) }

        fileprivate var key: Key {
            Key(culprit: storedCulprit, matchedList: matchedList, inPopulation: inPopulation, counted: counted)
        }

        fileprivate mutating func add(stack: Int, value: Int64, lineSlot: Int, sited: Bool) {
            self.value &+= value
            heaviest.offer(stack: stack, value: value, lineSlot: lineSlot)
            if sited { heaviestSited.offer(stack: stack, value: value, lineSlot: lineSlot) }
        }

        /// What stacks must share to be summed into one group.
        fileprivate struct Key: Equatable {
            var culprit: Int32
            var matchedList: Int32
            var inPopulation: UInt32
            var counted: UInt32

            var hash: UInt64 {
                let ids = UInt64(UInt32(bitPattern: culprit)) << 32 | UInt64(UInt32(bitPattern: matchedList))
                return OpenAddressingIndex.hash(ids ^ OpenAddressingIndex.hash(UInt64(inPopulation) << 32 | UInt64(counted)))
            }
        }
    }

    /// What one rule collected.
    struct RuleResult {
        var typeIndex: Int
        var groups: [HitGroup] = []
        private var groupIndex = OpenAddressingIndex()
        /// The distinct lists of matched frames (none for allocator rules, whose findings list
        /// no frames).
        private var matchedLists = StackInterner<UInt32>()
        /// The sample types a perSecond signal counts in, other than the rule's, and each
        /// group's value in each (`extraValues[group * extraTypes.count + k]`).
        var extraTypes: [Int] = []
        private var extraValues: [Int64] = []
        /// Culprits that also lead into the rule's `alsoFrames`.
        var alsoCulprits = Set<Int>()
        /// Per signal (by position in the rule's signals): per culprit frame, the value of a
        /// culpritFrames signal.
        var signalByCulprit: [[Int: Int64]]

        init(typeIndex: Int, extraTypes: [Int], signalCount: Int) {
            self.typeIndex = typeIndex
            self.extraTypes = extraTypes
            signalByCulprit = Array(repeating: [:], count: signalCount)
        }

        func matchedFrames(of group: HitGroup) -> [Int] {
            matchedLists.sequence(Int(group.matchedList)).map { Int($0) }
        }

        /// The group's value in sample type `typeIndex` (the rule's own or an extra type).
        func value(of group: Int, inType typeIndex: Int) -> Int64 {
            if typeIndex == self.typeIndex { return groups[group].value }
            guard let k = extraTypes.firstIndex(of: typeIndex) else { return 0 }
            return extraValues[group * extraTypes.count + k]
        }

        /// Adds a matched stack to its group. `sited`: the culprit's line names a source file.
        fileprivate mutating func add(stack: Int, value: Int64, culprit: Int, culpritLineSlot: Int, sited: Bool, matched: UnsafeBufferPointer<UInt32>,
                                      inPopulation: UInt32, counted: UInt32, extraStackValues: [[Int64]]) {
            let key = HitGroup.Key(culprit: Int32(culprit), matchedList: Int32(matchedLists.intern(buffer: matched)),
                                   inPopulation: inPopulation, counted: counted)
            let (slot, found) = groupIndex.lookUp(hash: key.hash) { groups[$0].key == key }
            let group = found ?? groupIndex.insert(hash: key.hash, at: slot)
            if found == nil {
                groups.append(HitGroup(key))
                extraValues.append(contentsOf: repeatElement(0, count: extraTypes.count))
            }
            groups[group].add(stack: stack, value: value, lineSlot: culpritLineSlot, sited: sited)
            for (k, values) in extraStackValues.enumerated() { extraValues[group * extraTypes.count + k] &+= values[stack] }
        }
    }

    let input: Classifier.Input
    private(set) var results: [RuleResult] = []
    /// Per sample type a rule reads: the value of each stack.
    private var stackValues: [Int: [Int64]] = [:]

    /// Compiled patterns of one rule, as per-frame flags, and what the scan of a stack needs
    /// of the rule (read once here, not per stack).
    private struct CompiledRule {
        var matched: [Bool]
        var also: [Bool]?
        var caller: [Bool]?
        /// The frames of every signal that names frames.
        var signalFrames: [[Bool]] = []
        var culprit: Rule.CulpritRule
        var userCulpritsOnly: Bool
        /// The rule's signals of each kind that have frames: (position, frames, within).
        var culpritFrameSignals: [CompiledSignal] = []
        var frameShareSignals: [CompiledSignal] = []

        init(_ rule: Rule, compile: ([String]?) -> [Bool]?) {
            let signals = rule.signals ?? []
            matched = compile(rule.frames)!
            also = compile(rule.alsoFrames)
            caller = compile(rule.calledFrom)
            culprit = rule.culprit ?? .caller
            userCulpritsOnly = rule.userCulpritsOnly == true
            for (position, spec) in signals.enumerated() {
                guard let frames = compile(spec.frames) else { continue }
                signalFrames.append(frames)
                let signal = CompiledSignal(position: position, frames: frames, within: compile(spec.within))
                if spec.kind == .culpritFrames { culpritFrameSignals.append(signal) }
                // A hit records its frameShare populations in 32 bits.
                if spec.kind == .frameShare && position < 32 { frameShareSignals.append(signal) }
            }
        }

        /// Whether the rule has anything to do with a stack that holds `frame`: a matched
        /// frame, one its culprits must also lead into, or one a signal counts.
        func cares(about frame: Int) -> Bool {
            matched[frame] || also?[frame] == true || signalFrames.contains { $0[frame] }
        }
    }

    private struct CompiledSignal {
        var position: Int
        var frames: [Bool]
        var within: [Bool]?
    }

    init(input: Classifier.Input, rules: [Rule]) {
        self.input = input
        let frames = input.frames
        var cache: [String: [Bool]] = [:]
        func compile(_ patterns: [String]?) -> [Bool]? {
            guard let patterns else { return nil }
            let key = patterns.joined(separator: "\u{0}")
            if let cached = cache[key] { return cached }
            let regexes = patterns.compactMap { try? GoRegex($0) }
            let flags = frames.names.map { name in regexes.contains { $0.matches(name) } }
            cache[key] = flags
            return flags
        }
        var compiled: [CompiledRule] = []
        for rule in rules {
            compiled.append(CompiledRule(rule, compile: compile))
            let typeIndex = input.sampleTypeIndex(rule.sampleTypes) ?? -1
            // The types perSecond signals count in, summed per group as the stacks are scanned.
            var extraTypes: [Int] = []
            for spec in rule.signals ?? [] where spec.kind == .perSecond {
                guard let name = spec.sampleType, let extra = input.profile.sampleTypes.firstIndex(where: { $0.type == name }),
                      extra != typeIndex, !extraTypes.contains(extra) else { continue }
                extraTypes.append(extra)
            }
            results.append(RuleResult(typeIndex: typeIndex, extraTypes: extraTypes, signalCount: rule.signals?.count ?? 0))
        }
        for typeIndex in Set(results.flatMap { [$0.typeIndex] + $0.extraTypes }) where typeIndex >= 0 {
            stackValues[typeIndex] = input.stackSums(typeIndex).sums
        }
        scan(compiled)
    }

    /// The value of each stack in a sample type.
    private func values(ofType typeIndex: Int) -> [Int64] {
        stackValues[typeIndex] ?? input.stackSums(typeIndex).sums
    }

    /// A user frame's cumulative value in a sample type: the stacks that hold it (once each,
    /// however often it recurs), with a positive value.
    func userCum(typeIndex: Int, frame: Int) -> Int64 {
        let values = values(ofType: typeIndex)
        let samples = input.profile.samples
        var cum: Int64 = 0
        for id in 0..<samples.stackCount where values[id] > 0 {
            let holds = samples.stack(id).contains { location in input.frames.frames(ofLocation: Int(location)).contains { Int(input.culpritFrame[Int($0)]) == frame } }
            if holds { cum &+= values[id] }
        }
        return cum
    }

    private mutating func scan(_ compiled: [CompiledRule]) {
        let samples = input.profile.samples
        let frameTable = input.frames
        // Per location, a bit per rule that cares about one of its frames.
        let words = (compiled.count + 63) / 64
        var locationRules = [UInt64](repeating: 0, count: input.profile.locations.count * words)
        for location in 0..<input.profile.locations.count {
            for frame in frameTable.frames(ofLocation: location) {
                for (index, rule) in compiled.enumerated() where rule.cares(about: Int(frame)) {
                    locationRules[location * words + index / 64] |= 1 << UInt64(index % 64)
                }
            }
        }
        var results = self.results
        let typeValues = results.map { $0.typeIndex >= 0 ? stackValues[$0.typeIndex]! : [] }
        let extraValues = results.map { $0.typeIndex >= 0 ? $0.extraTypes.map { stackValues[$0]! } : [] }
        var matched: [UInt32] = []
        // Per profile line: its function names a source file (a finding can show it).
        let sitedLines = input.profile.lines.indices.map { input.hasSite(lineSlot: $0) }
        var stackRules = [UInt64](repeating: 0, count: words)
        var stack: [Classifier.StackFrame] = []
        let culpritFrame = input.culpritFrame
        // First the functions that range (lead into a rule's alsoFrames), so that the culprit
        // of a growth can be the function up the stack that ranges, whatever order the stacks
        // come in.
        for (index, rule) in compiled.enumerated() where rule.also != nil && results[index].typeIndex >= 0 {
            let also = rule.also!
            let ranges = (0..<input.profile.locations.count).map { frameTable.frames(ofLocation: $0).contains { also[Int($0)] } }
            for id in 0..<samples.stackCount where typeValues[index][id] > 0 && samples.stack(id).contains(where: { ranges[Int($0)] }) {
                input.rootFirstFrames(ofStack: id, into: &stack)
                if let position = stack.firstIndex(where: { also[$0.frame] }), let user = Self.nearestUser(above: position, stack, culpritFrame) {
                    results[index].alsoCulprits.insert(user.frame)
                }
            }
        }
        for id in 0..<samples.stackCount {
            for word in 0..<words { stackRules[word] = 0 }
            var any: UInt64 = 0
            for location in samples.stack(id) {
                for word in 0..<words {
                    stackRules[word] |= locationRules[Int(location) * words + word]
                    any |= stackRules[word]
                }
            }
            guard any != 0 else { continue }
            var built = false
            for index in compiled.indices where stackRules[index / 64] & (1 << UInt64(index % 64)) != 0 && results[index].typeIndex >= 0 {
                let value = typeValues[index][id]
                guard value > 0 else { continue }
                if !built {
                    input.rootFirstFrames(ofStack: id, into: &stack)
                    built = true
                }
                Self.scan(compiled[index], into: &results[index], stack: stack, stackID: id, value: value, culpritFrame: culpritFrame,
                          sitedLines: sitedLines, extraValues: extraValues[index], matched: &matched)
            }
        }
        self.results = results
    }

    /// The user frame nearest above `position`, as a culprit: the frame of its function (see
    /// `Input.culpritFrame`), with the line it was called at.
    private static func nearestUser(above position: Int, _ stack: [Classifier.StackFrame], _ culpritFrame: [Int32]) -> Classifier.StackFrame? {
        var index = position - 1
        while index >= 0 {
            let culprit = culpritFrame[stack[index].frame]
            if culprit >= 0 { return Classifier.StackFrame(frame: Int(culprit), lineSlot: stack[index].lineSlot) }
            index -= 1
        }
        return nil
    }

    private static func scan(_ compiled: CompiledRule, into result: inout RuleResult, stack: [Classifier.StackFrame], stackID: Int,
                             value: Int64, culpritFrame: [Int32], sitedLines: [Bool], extraValues: [[Int64]], matched matchedList: inout [UInt32]) {
        // Signals that count frames below a culprit, whatever the rule matched.
        for signal in compiled.culpritFrameSignals {
            var withinSeen = signal.within == nil
            for (position, entry) in stack.enumerated() {
                if let within = signal.within, within[entry.frame] { withinSeen = true }
                if withinSeen && signal.frames[entry.frame] {
                    if let user = nearestUser(above: position, stack, culpritFrame) {
                        result.signalByCulprit[signal.position][user.frame, default: 0] &+= value
                    }
                    break
                }
            }
        }
        let matched = compiled.matched
        let listsFrames = compiled.culprit != .allocator
        matchedList.removeAll(keepingCapacity: true)
        var rootmost = -1
        for (position, entry) in stack.enumerated() where matched[entry.frame] {
            if let caller = compiled.caller, !(position > 0 && caller[stack[position - 1].frame]) { continue }
            if rootmost < 0 {
                rootmost = position
                if !listsFrames { break }
            }
            if !matchedList.contains(UInt32(entry.frame)) { matchedList.append(UInt32(entry.frame)) }
        }
        guard rootmost >= 0 else { return }
        let culprit: Classifier.StackFrame?
        switch compiled.culprit {
        case .caller where compiled.also != nil:
            // The user function up the stack that also ranges (AP1: the range loop may be any
            // number of calls above the insert that grows the map), else the nearest.
            culprit = stack[..<rootmost].last { result.alsoCulprits.contains(Int(culpritFrame[$0.frame])) }
                .map { Classifier.StackFrame(frame: Int(culpritFrame[$0.frame]), lineSlot: $0.lineSlot) }
                ?? nearestUser(above: rootmost, stack, culpritFrame)
        case .caller: culprit = nearestUser(above: rootmost, stack, culpritFrame)
        case .allocator: culprit = nearestUser(above: stack.count, stack, culpritFrame)
        }
        if compiled.userCulpritsOnly && culprit == nil { return }
        var inPopulation: UInt32 = 0, counted: UInt32 = 0
        for signal in compiled.frameShareSignals {
            if let within = signal.within, !stack.contains(where: { within[$0.frame] }) { continue }
            inPopulation |= 1 << signal.position
            if stack.contains(where: { signal.frames[$0.frame] }) { counted |= 1 << signal.position }
        }
        let lineSlot = culprit?.lineSlot ?? -1
        matchedList.withUnsafeBufferPointer { matchedList in
            result.add(stack: stackID, value: value, culprit: culprit?.frame ?? -1, culpritLineSlot: lineSlot,
                       sited: lineSlot >= 0 && sitedLines[lineSlot], matched: matchedList, inPopulation: inPopulation, counted: counted, extraStackValues: extraValues)
        }
    }
}
