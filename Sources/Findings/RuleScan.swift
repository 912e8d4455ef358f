import Analysis
import Pprof

/// One pass over a profile's distinct stacks for every rule that reads it: for each rule, the
/// matched stacks with their culprits; for each of its frame signals, the values it counts;
/// and, for every user frame, its cumulative value. Frame patterns are matched once per frame
/// name, into bit masks, so a stack that no rule cares about costs one look at each frame.
struct RuleScan {
    /// A matched stack.
    struct Hit {
        var stack: Int
        var value: Int64
        var culprit: Int  // frame, or -1
        var culpritLineSlot: Int
        var matchedFrames: [Int]
        /// Bit i: the stack is in frameShare signal i's population; counted by it.
        var inPopulation: UInt32 = 0
        var counted: UInt32 = 0
    }

    /// What one rule collected.
    struct RuleResult {
        var typeIndex: Int
        var hits: [Hit] = []
        /// Culprits that also lead into the rule's `alsoFrames`.
        var alsoCulprits = Set<Int>()
        /// Per signal (by position in the rule's signals): per culprit frame, the value of a
        /// culpritFrames signal.
        var signalByCulprit: [[Int: Int64]]
    }

    let input: Classifier.Input
    let rules: [Rule]
    private(set) var results: [RuleResult] = []
    /// Per sample type used by a rule: each user frame's cumulative value (a frame that recurs
    /// in a stack counts once).
    private(set) var userCum: [Int: [Int64]] = [:]

    /// Compiled patterns of one rule, as per-frame flags.
    private struct CompiledRule {
        var matched: [Bool]
        var also: [Bool]?
        var caller: [Bool]?
        var signalFrames: [[Bool]?]
        var signalWithin: [[Bool]?]
    }

    init(input: Classifier.Input, rules: [Rule]) {
        self.input = input
        self.rules = rules
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
        var interest = [Bool](repeating: false, count: frames.count)
        for rule in rules {
            let signals = rule.signals ?? []
            let entry = CompiledRule(matched: compile(rule.frames)!, also: compile(rule.alsoFrames), caller: compile(rule.calledFrom),
                                     signalFrames: signals.map { compile($0.frames) }, signalWithin: signals.map { compile($0.within) })
            for frame in 0..<frames.count where entry.matched[frame] || entry.also?[frame] == true
                || entry.signalFrames.contains(where: { $0?[frame] == true }) {
                interest[frame] = true
            }
            compiled.append(entry)
            results.append(RuleResult(typeIndex: input.sampleTypeIndex(rule.sampleTypes) ?? -1,
                                      signalByCulprit: Array(repeating: [:], count: signals.count)))
        }
        scan(compiled, interest)
    }

    private mutating func scan(_ compiled: [CompiledRule], _ interest: [Bool]) {
        let samples = input.profile.samples
        let isUser = input.isUser
        let typeIndices = Set(results.map(\.typeIndex).filter { $0 >= 0 })
        for typeIndex in typeIndices { userCum[typeIndex] = [Int64](repeating: 0, count: input.frames.count) }
        var lastStack = [Int](repeating: -1, count: input.frames.count)
        var stack: [Classifier.StackFrame] = []
        for id in 0..<samples.stackCount {
            // Only stacks some rule reads with a positive value.
            var anyValue = false
            for typeIndex in typeIndices where input.stackSums[typeIndex].sums[id] > 0 { anyValue = true }
            guard anyValue else { continue }
            input.rootFirstFrames(ofStack: id, into: &stack)
            for entry in stack where isUser[entry.frame] && lastStack[entry.frame] != id {
                lastStack[entry.frame] = id
                for typeIndex in typeIndices {
                    let value = input.stackSums[typeIndex].sums[id]
                    if value > 0 { userCum[typeIndex]![entry.frame] &+= value }
                }
            }
            guard stack.contains(where: { interest[$0.frame] }) else { continue }
            for (index, rule) in compiled.enumerated() where results[index].typeIndex >= 0 {
                let value = input.stackSums[results[index].typeIndex].sums[id]
                guard value > 0 else { continue }
                scan(rule: rules[index], rule, into: &results[index], stack: stack, stackID: id, value: value)
            }
        }
    }

    private func nearestUser(above position: Int, _ stack: [Classifier.StackFrame]) -> Classifier.StackFrame? {
        var index = position - 1
        while index >= 0 {
            if input.isUser[stack[index].frame] { return stack[index] }
            index -= 1
        }
        return nil
    }

    private func scan(rule: Rule, _ compiled: CompiledRule, into result: inout RuleResult,
                      stack: [Classifier.StackFrame], stackID: Int, value: Int64) {
        if let also = compiled.also, let position = stack.firstIndex(where: { also[$0.frame] }),
           let user = nearestUser(above: position, stack) {
            result.alsoCulprits.insert(user.frame)
        }
        // Signals that count frames below a culprit, whatever the rule matched.
        for (signal, spec) in (rule.signals ?? []).enumerated() where spec.kind == .culpritFrames {
            guard let frames = compiled.signalFrames[signal] else { continue }
            let within = compiled.signalWithin[signal]
            var withinSeen = within == nil
            for (position, entry) in stack.enumerated() {
                if let within, within[entry.frame] { withinSeen = true }
                if withinSeen && frames[entry.frame] {
                    if let user = nearestUser(above: position, stack) { result.signalByCulprit[signal][user.frame, default: 0] &+= value }
                    break
                }
            }
        }
        let matched = compiled.matched
        var rootmost = -1
        var matchedFrames: [Int] = []
        for (position, entry) in stack.enumerated() where matched[entry.frame] {
            if let caller = compiled.caller, !(position > 0 && caller[stack[position - 1].frame]) { continue }
            if rootmost < 0 { rootmost = position }
            if !matchedFrames.contains(entry.frame) { matchedFrames.append(entry.frame) }
        }
        guard rootmost >= 0 else { return }
        let culprit: Classifier.StackFrame?
        switch rule.culprit ?? .caller {
        case .caller: culprit = nearestUser(above: rootmost, stack)
        case .allocator: culprit = nearestUser(above: stack.count, stack)
        }
        if rule.userCulpritsOnly == true && culprit == nil { return }
        var hit = Hit(stack: stackID, value: value, culprit: culprit?.frame ?? -1, culpritLineSlot: culprit?.lineSlot ?? -1,
                      matchedFrames: matchedFrames)
        for (signal, spec) in (rule.signals ?? []).enumerated().prefix(32) where spec.kind == .frameShare {
            guard let frames = compiled.signalFrames[signal] else { continue }
            if let within = compiled.signalWithin[signal], !stack.contains(where: { within[$0.frame] }) { continue }
            hit.inPopulation |= 1 << signal
            if stack.contains(where: { frames[$0.frame] }) { hit.counted |= 1 << signal }
        }
        result.hits.append(hit)
    }
}
