import Analysis
import GoSource
import Pprof

/// Runs anti-pattern rules over one or several profiles of a program and returns findings
/// with their evidence, most severe first. Each profile is read in one pass for all its
/// rules; signals that need another profile of the program (heap growth, a CPU profile's
/// duration, a goroutine profile) read the other inputs.
public enum Classifier {
    /// `evidence`: other profiles of the program that signals may read but that are not
    /// judged themselves (the base of a comparison, as the earlier of two heap profiles).
    public static func findings(_ inputs: [Input], evidence: [Input] = [], rules: RuleSet = .builtin) -> [Finding] {
        var kept: [String: (finding: Finding, time: Int64)] = [:]
        var order: [String] = []
        let context = EvidenceContext(inputs: inputs + evidence)
        for (position, input) in inputs.enumerated() {
            let applicable = rules.rules.filter { $0.kinds.contains(input.kind.rawValue) }
            guard !applicable.isEmpty else { continue }
            let scan = RuleScan(input: input, rules: applicable)
            for (index, rule) in applicable.enumerated() {
                guard let finding = finding(rule, scan.results[index], scan: scan, inputIndex: position, context: context) else { continue }
                // One finding per rule and culprit: evidence of one culprit from several
                // profiles keeps its strongest reading; different culprits, and a pattern's
                // kinds (AP2's sync.Map and its lock contention), stay separate findings.
                let key = finding.identity
                let time = input.profile.timeNanos
                if let existing = kept[key] {
                    if isStronger(finding, time, than: existing.finding, existing.time) { kept[key] = (finding, time) }
                } else {
                    kept[key] = (finding, time)
                    order.append(key)
                }
            }
        }
        return ordered(withoutYielded(order.compactMap { kept[$0]?.finding }, rules: rules))
    }

    /// The findings, less those of a rule that `yieldsTo` another finding of the same pattern
    /// and culprit at the same level or higher (applied again after the source check).
    static func withoutYielded(_ findings: [Finding], rules: RuleSet) -> [Finding] {
        findings.filter { finding in
            guard let stronger = rules.rule(of: finding)?.yieldsTo,
                  let culprit = finding.culprits.first?.name else { return true }
            return !findings.contains { $0.id == finding.id && $0.title == stronger && $0.culprits.first?.name == culprit && $0.level >= finding.level }
        }
    }

    /// Most severe first, then the larger share (stable otherwise): applied again after the
    /// source check adjusts levels.
    public static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { a, b in
            (a.element.level, a.element.share) != (b.element.level, b.element.share)
                ? (a.element.level, a.element.share) > (b.element.level, b.element.share) : a.offset < b.offset
        }.map(\.element)
    }

    /// Of two readings of one finding: the higher level, then more signals seen, then the
    /// later profile (growth is measured on the later of two heap profiles), then the larger
    /// share.
    static func isStronger(_ a: Finding, _ aTime: Int64, than b: Finding, _ bTime: Int64) -> Bool {
        if a.level != b.level { return a.level > b.level }
        let aSeen = a.signals.filter(\.seen).count, bSeen = b.signals.filter(\.seen).count
        if aSeen != bSeen { return aSeen > bSeen }
        if aTime != bTime { return aTime > bTime }
        return a.share > b.share
    }

    /// One rule on one profile (tests).
    static func evaluate(_ rule: Rule, on input: Input) -> Finding? {
        let scan = RuleScan(input: input, rules: [rule])
        return finding(rule, scan.results[0], scan: scan, inputIndex: 0, context: EvidenceContext(inputs: [input]))
    }

    static func finding(_ rule: Rule, _ result: RuleScan.RuleResult, scan: RuleScan, inputIndex: Int, context: EvidenceContext) -> Finding? {
        let input = scan.input
        let typeIndex = result.typeIndex
        guard typeIndex >= 0 else { return nil }
        let total = input.totals[typeIndex]
        guard total > 0 else { return nil }
        // Indices of the groups of matched stacks that count.
        var groups = Array(result.groups.indices)
        if rule.alsoFrames != nil {
            // The culprit must also lead into the other frames (or there is no pattern).
            groups.removeAll { result.groups[$0].culprit < 0 || !result.alsoCulprits.contains(result.groups[$0].culprit) }
        }
        let names = input.frames.names
        var culpritValues: [Int: Int64] = [:]
        // The call site of each culprit's heaviest stack that has one.
        var culpritSite: [Int: RuleScan.HitGroup.Heaviest] = [:]
        var frameValues: [Int: Int64] = [:]
        var value: Int64 = 0
        for group in groups.map({ result.groups[$0] }) {
            value &+= group.value
            for frame in result.matchedFrames(of: group) { frameValues[frame, default: 0] &+= group.value }
            guard group.culprit >= 0 else { continue }
            culpritValues[group.culprit, default: 0] &+= group.value
            if group.heaviestSited.stack >= 0, culpritSite[group.culprit].map({ group.heaviestSited.isHeavier(than: $0) }) ?? true {
                culpritSite[group.culprit] = group.heaviestSited
            }
        }
        guard value > 0 else { return nil }
        // A culprit frame stands for its source function (Input.culpritFrame): named for it.
        let ranked = culpritValues.map { (name: SourceFunctionName.enclosing(names[$0.key]), key: $0.key, value: $0.value) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.name < $1.name }
        // Culprits that carry at least 1% of the matched value (the heaviest always) and at
        // least `minimumCulpritShare` of the profile's total: smaller ones are noise.
        let culprits = ranked.enumerated().filter { $0.offset == 0 || $0.element.value * 100 >= value }.map(\.element)
            .filter { Double($0.value) >= minimumCulpritShare * Double(total) }
            .map { Finding.Culprit(name: $0.name, location: culpritSite[$0.key].flatMap { input.site(ofLineSlot: $0.lineSlot) }, value: $0.value, share: Double($0.value) / Double(total)) }
        let measured = (rule.shareOf ?? .matched) == .topCulprit ? (ranked.first?.value ?? 0) : value
        if let minimum = rule.minValue, Double(measured) < minimum { return nil }
        let share = Double(measured) / Double(total)
        guard let shareLevel = rule.thresholds.level(of: share) else { return nil }

        let topCulprit = ranked.first?.key
        let signals = (rule.signals ?? []).enumerated().map { signal, spec in
            Self.signal(spec, index: signal, rule: rule, groups: groups, result: result, scan: scan, topCulprit: topCulprit,
                        inputIndex: inputIndex, context: context)
        }
        if signals.contains(where: { $0.role == .requires && !$0.seen }) { return nil }
        let level = Self.level(share: shareLevel, signals: signals, hasCulprit: !culprits.isEmpty)
        let heaviest = groups.map { result.groups[$0].heaviest }.max { $1.isHeavier(than: $0) }!
        let example = input.profile.samples.stack(heaviest.stack).reversed().flatMap { location in
            input.frames.frames(ofLocation: Int(location)).reversed().map { names[Int($0)] }
        }
        let sampleType = input.profile.sampleTypes[typeIndex]
        let missing = signals.contains { $0.role == .discriminates && !$0.seen }
        var finding = Finding(
            id: rule.id, title: rule.title, level: level, share: share, value: measured,
            sampleType: sampleType.type, unit: sampleType.unit, file: input.file,
            // An allocator rule matches whole stacks: its frames say nothing.
            frames: (rule.culprit ?? .caller) == .allocator ? [] : frameValues.sorted { $0.value != $1.value ? $0.value > $1.value : names[$0.key] < names[$1.key] }
                .map { Finding.MatchedFrame(name: names[$0.key], value: $0.value) },
            culprits: Array(culprits.prefix(10)), exampleStack: example, signals: signals,
            confirm: missing ? rule.confirm : nil, explanation: rule.explanation, fix: rule.fix)
        finding.shareLevel = shareLevel
        if let steps = rule.confirmWith {
            finding.confirmSteps = steps
            finding.keepConfirmSteps(notIn: context.givenEvidence)
        }
        return finding
    }

    /// A culprit below this share of the profile's total is not named (and a finding without
    /// one stays at info): a function that costs under half a percent is not where to look.
    public static let minimumCulpritShare = 0.005

    /// The share's level, capped at info unless a discriminating signal is seen (graded
    /// signals cap at the level they reach), raised to critical from warning by a confirming
    /// one; at most info without the user's code to change.
    static func level(share: Finding.Level, signals: [Signal], hasCulprit: Bool) -> Finding.Level {
        var level = share
        let discriminating = signals.filter { $0.role == .discriminates }
        if !discriminating.isEmpty {
            let reached = discriminating.filter(\.seen).map { $0.level ?? .critical }.max() ?? .info
            level = min(level, reached)
        }
        if level == .warning && signals.contains(where: { $0.role == .confirms && $0.seen }) { level = .critical }
        if !hasCulprit { level = min(level, .info) }
        return level
    }
}
