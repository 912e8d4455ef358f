import Analysis
import Pprof

/// Runs anti-pattern rules over one or several profiles of a program and returns findings
/// with their evidence, most severe first.
public enum Classifier {
    /// A profile ready for the rules: drop_frames applied, frames named.
    public struct Input: Sendable {
        public var file: String
        public var profile: Profile
        public var kind: ProfileKind
        public var frames: FrameTable
        /// For each frame, whether it is the user's own code.
        public var isUser: [Bool]
        /// Per sample type: the values per stack, computed once for all rules.
        public var stackSums: [SampleTable.StackSums]
        /// Per sample type: the total shares are of (the whole profile's, when `profile` was
        /// filtered, as pprof's percentages are).
        public var totals: [Int64]

        /// `frames`, when given, must be the frame table of `profile`.
        public init(file: String, profile: Profile, frames: FrameTable? = nil, totals: [Int64]? = nil) {
            self.file = file
            self.profile = profile
            kind = ProfileKind.of(profile)
            self.frames = frames ?? FrameTable(profile: profile)
            isUser = self.frames.names.map { FrameOrigin(functionName: $0) == .user }
            stackSums = profile.sampleTypes.indices.map { profile.samples.stackSums(index: $0) }
            self.totals = totals ?? stackSums.map(\.total)
        }
    }

    public static func findings(_ inputs: [Input], rules: RuleSet = .builtin) -> [Finding] {
        var byID: [String: Finding] = [:]
        var order: [String] = []
        for input in inputs {
            for rule in rules.rules where rule.kinds.contains(input.kind.rawValue) {
                guard var finding = evaluate(rule, on: input) else { continue }
                if let corroboration = rule.corroboration {
                    corroborate(&finding, corroboration, with: inputs.filter { $0.file != input.file })
                }
                if let existing = byID[finding.id] {
                    if (finding.level, finding.share) > (existing.level, existing.share) { byID[finding.id] = finding }
                } else {
                    byID[finding.id] = finding
                    order.append(finding.id)
                }
            }
        }
        return order.compactMap { byID[$0] }.sorted { ($0.level, $0.share) > ($1.level, $1.share) }
    }

    /// Per distinct stack: its frames root first, with where each came from.
    private struct StackFrame {
        var frame: Int
        var location: Int
        var lineSlot: Int  // index into Profile.lines, or -1
    }

    static func evaluate(_ rule: Rule, on input: Input) -> Finding? {
        let profile = input.profile
        guard let typeIndex = rule.sampleTypes.lazy.compactMap({ name in
            profile.sampleTypes.firstIndex { $0.type == name }
        }).first else { return nil }
        let frames = input.frames
        func compile(_ patterns: [String]?) -> [Bool]? {
            guard let patterns else { return nil }
            let regexes = patterns.compactMap { try? GoRegex($0) }
            return frames.names.map { name in regexes.contains { $0.matches(name) } }
        }
        let matched = compile(rule.frames)!
        let also = compile(rule.alsoFrames)
        let caller = compile(rule.calledFrom)
        let isUser = input.isUser

        let samples = profile.samples
        let total = input.totals[typeIndex]
        guard total > 0 else { return nil }
        let stackValues = input.stackSums[typeIndex].sums

        struct Hit { var culprit: StackFrame?; var value: Int64; var stack: Int; var matchedFrames: [Int] }
        var hits: [Hit] = []
        var alsoCulprits = Set<Int>()
        var stack: [StackFrame] = []
        for id in 0..<samples.stackCount where stackValues[id] > 0 {
            stack.removeAll(keepingCapacity: true)
            for location in samples.stack(id).reversed() {
                let loc = profile.locations[Int(location)]
                let locationFrames = frames.frames(ofLocation: Int(location))
                for (offset, frame) in locationFrames.enumerated().reversed() {
                    let slot = loc.lineCount > 0 ? Int(loc.lineStart) + offset : -1
                    stack.append(StackFrame(frame: Int(frame), location: Int(location), lineSlot: slot))
                }
            }
            func nearestUser(above position: Int) -> StackFrame? {
                var index = position - 1
                while index >= 0 {
                    if isUser[stack[index].frame] { return stack[index] }
                    index -= 1
                }
                return nil
            }
            if let also, let position = stack.firstIndex(where: { also[$0.frame] }), let user = nearestUser(above: position) {
                alsoCulprits.insert(user.frame)
            }
            let positions = stack.indices.filter { position in
                matched[stack[position].frame] && (caller.map { position > 0 && $0[stack[position - 1].frame] } ?? true)
            }
            guard let rootmost = positions.first else { continue }
            let culprit = nearestUser(above: rootmost)
            if rule.userCulpritsOnly == true && culprit == nil { continue }
            hits.append(Hit(culprit: culprit, value: stackValues[id], stack: id, matchedFrames: Array(Set(positions.map { stack[$0].frame }))))
        }
        if also != nil {
            // The culprit must also lead into the other frames (or there is no pattern).
            hits.removeAll { hit in hit.culprit.map { !alsoCulprits.contains($0.frame) } ?? true }
        }
        let value = hits.reduce(Int64(0)) { $0 &+ $1.value }
        guard value > 0 else { return nil }
        let share = Double(value) / Double(total)
        var level: Finding.Level
        if share >= rule.thresholds.critical {
            level = .critical
        } else if share >= rule.thresholds.warning {
            level = .warning
        } else if share >= rule.thresholds.info {
            level = .info
        } else {
            return nil
        }

        var culpritValues: [Int: Int64] = [:]
        var culpritSite: [Int: (String, Int64)] = [:]
        var frameValues: [Int: Int64] = [:]
        for hit in hits {
            for frame in hit.matchedFrames { frameValues[frame, default: 0] &+= hit.value }
            guard let culprit = hit.culprit else { continue }
            culpritValues[culprit.frame, default: 0] &+= hit.value
            // The heaviest call site of each culprit.
            if culprit.lineSlot >= 0, culpritSite[culprit.frame].map({ $0.1 < hit.value }) ?? true {
                let line = profile.lines[culprit.lineSlot]
                let function = profile.functions[Int(line.functionIndex)]
                if !function.filename.isEmpty {
                    let site = line.line > 0 ? "\(function.filename):\(line.line)" : function.filename
                    culpritSite[culprit.frame] = (site, hit.value)
                }
            }
        }
        let culprits = culpritValues.sorted { $0.value != $1.value ? $0.value > $1.value : frames.names[$0.key] < frames.names[$1.key] }
            .map { Finding.Culprit(name: frames.names[$0.key], location: culpritSite[$0.key]?.0, value: $0.value, share: Double($0.value) / Double(total)) }
        // A pattern without the user's code to change is worth mentioning, not more.
        if culprits.isEmpty { level = min(level, .info) }
        let heaviest = hits.max { $0.value < $1.value }!
        let example = samples.stack(heaviest.stack).reversed().flatMap { location in
            frames.frames(ofLocation: Int(location)).reversed().map { frames.names[Int($0)] }
        }
        let sampleType = profile.sampleTypes[typeIndex]
        return Finding(
            id: rule.id, title: rule.title, level: level, share: share, value: value,
            sampleType: sampleType.type, unit: sampleType.unit, file: input.file,
            frames: frameValues.sorted { $0.value != $1.value ? $0.value > $1.value : frames.names[$0.key] < frames.names[$1.key] }
                .map { Finding.MatchedFrame(name: frames.names[$0.key], value: $0.value) },
            culprits: Array(culprits.prefix(10)), exampleStack: example, corroboration: [],
            explanation: rule.explanation, fix: rule.fix)
    }

    /// Raises a warning to critical when another profile of the program shows the same culprit
    /// (or a method of the same receiver type) holding a large share; info findings only get
    /// the evidence.
    static func corroborate(_ finding: inout Finding, _ rule: Rule.Corroboration, with others: [Input]) {
        guard let culprit = finding.culprits.first?.name else { return }
        let owner = receiverType(culprit)
        for other in others where rule.kinds.contains(other.kind.rawValue) {
            let profile = other.profile
            guard let typeIndex = rule.sampleTypes.lazy.compactMap({ name in
                profile.sampleTypes.firstIndex { $0.type == name }
            }).first else { continue }
            let related = other.frames.names.map { name in name == culprit || (owner != nil && receiverType(name) == owner) }
            let total = other.totals[typeIndex]
            var held: Int64 = 0
            let samples = profile.samples
            let stackValues = other.stackSums[typeIndex].sums
            var involvedStack = [Bool](repeating: false, count: samples.stackCount)
            for id in 0..<samples.stackCount {
                let value = stackValues[id]
                let involved = samples.stack(id).contains { location in
                    other.frames.frames(ofLocation: Int(location)).contains { related[Int($0)] }
                }
                involvedStack[id] = involved
                if involved { held &+= value }
            }
            // Go heap profiles label each sample with its allocation size ("bytes"): a map's
            // bucket array shows as one large allocation, which survives when its runtime
            // frames do not.
            var largestAllocation: Int64 = 0
            if let bytesKey = profile.stringTable.firstIndex(of: "bytes").map(Int32.init) {
                for sample in 0..<samples.count where involvedStack[Int(samples.sampleStacks[sample])] && samples.value(of: sample, index: typeIndex) > 0 {
                    for label in samples.labels(of: sample) where label.key == bytesKey && label.isNumeric {
                        largestAllocation = max(largestAllocation, label.num)
                    }
                }
            }
            guard total > 0 else { continue }
            let share = Double(held) / Double(total)
            if share >= rule.minShare {
                // Confirms a warning into a critical; an info finding gets the evidence only.
                if finding.level == .warning { finding.level = .critical }
                let who = owner ?? culprit
                let percent = (share * 1000).rounded() / 10
                let largest = largestAllocation > 0 ? " (largest single allocation \(Measurement.label(largestAllocation, unit: "bytes")))" : ""
                finding.corroboration.append("\(other.file): \(who) holds \(percent)% of \(profile.sampleTypes[typeIndex].type)\(largest): \(rule.description)")
                return
            }
        }
    }

    /// "pkg.(*T)" for a method "pkg.(*T).M", else nil.
    static func receiverType(_ name: String) -> String? {
        guard let open = name.range(of: ".(*"), let close = name[open.upperBound...].firstIndex(of: ")") else { return nil }
        return String(name[..<name.index(after: close)])
    }
}
