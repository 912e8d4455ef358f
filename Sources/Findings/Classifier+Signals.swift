import Analysis
import GoSource
import Pprof

extension Classifier {
    /// Measures one signal of a rule's finding.
    /// `groups`: the indices of the rule's groups of matched stacks that count.
    static func signal(_ spec: SignalSpec, index: Int, rule: Rule, groups: [Int], result: RuleScan.RuleResult,
                       scan: RuleScan, topCulprit: Int?, inputIndex: Int, context: EvidenceContext) -> Signal {
        let input = scan.input
        let unit = input.profile.sampleTypes[result.typeIndex].unit
        func amount(_ value: Int64) -> String { Measurement.label(value, unit: unit) }
        func make(_ seen: Bool, _ detail: String, level: Finding.Level? = nil, measured: Double? = nil, needed: Double? = nil) -> Signal {
            Signal(name: spec.name, role: spec.role, seen: seen, detail: detail, level: level, measured: measured, needed: needed)
        }
        let culpritName = topCulprit.map { input.frames.names[$0] }
        switch spec.kind {
        case .frameShare:
            var population: Int64 = 0, counted: Int64 = 0
            for group in groups.map({ result.groups[$0] }) where index < 32 && group.inPopulation & (1 << index) != 0 {
                population &+= group.value
                if group.counted & (1 << index) != 0 { counted &+= group.value }
            }
            guard population > 0 else { return make(false, "\(spec.description): nothing to measure") }
            let share = Double(counted) / Double(population)
            return make(share >= spec.requiredShare,
                        "\(spec.description): \(percent(share)) (\(amount(counted)) of \(amount(population)); needs \(percent(spec.requiredShare)))",
                        measured: share, needed: spec.requiredShare)
        case .culpritFrames:
            let value = topCulprit.flatMap { result.signalByCulprit[index][$0] } ?? 0
            let share = Double(value) / Double(max(input.totals[result.typeIndex], 1))
            let who = culpritName.map { " under \($0)" } ?? ""
            return make(value > 0 && share >= spec.requiredShare,
                        "\(spec.description)\(who): \(amount(value)), \(percent(share)) of the total (needs \(percent(spec.requiredShare)))",
                        measured: share, needed: spec.requiredShare)
        case .culpritShare:
            guard let topCulprit, case let cum = scan.userCum(typeIndex: result.typeIndex, frame: topCulprit), cum > 0 else {
                return make(false, "\(spec.description): no culprit in user code")
            }
            let under = value(under: topCulprit, groups, result)
            let share = Double(under) / Double(cum)
            return make(share >= spec.requiredShare,
                        "\(spec.description): \(percent(share)) of \(culpritName!)'s \(amount(cum)) (needs \(percent(spec.requiredShare)))",
                        measured: share, needed: spec.requiredShare)
        case .heapHeld:
            let heapType = spec.sampleType ?? "inuse_space"
            guard let heap = context.latestHeap, heap != inputIndex, let owners = context.heapOwners(heap, sampleType: heapType),
                  owners.totalInuseSpace > 0 else {
                return make(false, "\(spec.description): no heap profile given")
            }
            guard let culpritName else { return make(false, "\(spec.description): no culprit in user code") }
            let type = receiverType(culpritName)
            let held = owners.held(by: culpritName, orType: type)
            let share = Double(held) / Double(owners.totalInuseSpace)
            let largest = owners.owners.filter { $0.name == culpritName || (type != nil && receiverType($0.name) == type) }
                .map(\.largestAllocation).max() ?? 0
            let largestText = largest > 0 ? ", largest single allocation \(Measurement.label(largest, unit: "bytes"))" : ""
            return make(share >= spec.requiredShare,
                        "\(owners.file): \(type ?? culpritName) holds \(percent(share)) of \(heapType) (\(Measurement.label(held, unit: "bytes"))\(largestText)); \(spec.description)",
                        measured: share, needed: spec.requiredShare)
        case .heapGrowth:
            let change: HeapGrowth.Change?
            let growth: HeapGrowth?
            if input.kind == .heap {
                if let earlier = context.earlierHeap(than: inputIndex), let before = context.heapOwners(earlier), let after = context.heapOwners(inputIndex) {
                    growth = HeapGrowth(earlier: before, later: after)
                    change = growth!.changes.first { $0.name == culpritName }
                } else {
                    growth = nil
                    change = nil
                }
            } else {
                growth = context.latestGrowth
                change = growth?.changes.first
            }
            guard let growth else { return make(false, "\(spec.description): needs two heap profiles of one run, taken some time apart") }
            guard let change else { return make(false, "\(spec.description): \(culpritName ?? "the owner") holds nothing in \(growth.earlier)") }
            let minimum = Int64(spec.minValue ?? 0)
            let relative = change.before > 0 ? Double(change.delta) / Double(change.before) : (change.delta > 0 ? Double.infinity : 0)
            return make(change.delta > 0 && change.delta >= minimum && relative >= (spec.requiredShare),
                        "\(growth.describe(change)); \(spec.description)", measured: Double(change.delta), needed: Double(minimum))
        case .perSecond:
            guard let (seconds, source) = context.durationSeconds(of: inputIndex), seconds > 0 else {
                return make(false, "\(spec.description): the profile has no duration; give the CPU profile of the same run")
            }
            // The matched stacks, counted in the signal's sample type.
            let typeIndex = spec.sampleType.flatMap { name in input.profile.sampleTypes.firstIndex { $0.type == name } } ?? result.typeIndex
            let counted = groups.reduce(Int64(0)) { $0 &+ result.value(of: $1, inType: typeIndex) }
            let countedUnit = input.profile.sampleTypes[typeIndex].unit
            let (amount, scaledUnit) = Measurement.scale(counted, from: countedUnit, to: "seconds")
            let isTime = scaledUnit == "s"
            let rate = (isTime ? amount : Double(counted)) / seconds
            let level = spec.levels?.level(of: rate)
            // Seconds waited per second is, by Little's law, the number of goroutines waiting
            // on average.
            let rateText = isTime ? String(format: "%.2f (%.2f s waited per second)", rate, rate) : String(format: "%.0f %@ per second", rate, input.profile.sampleTypes[typeIndex].type)
            let needs = spec.levels.map { isTime ? String(format: "; warning from %.2f, critical from %.2f", $0.warning, $0.critical) : String(format: "; warning from %.0f, critical from %.0f", $0.warning, $0.critical) } ?? ""
            let detail = "\(spec.description): \(rateText) over \(Measurement.label(Int64(seconds * 1e9), unit: "nanoseconds")) (duration from \(source))\(needs)"
            return make(level.map { $0 >= .warning } ?? false, detail, level: level, measured: rate, needed: spec.levels?.warning)
        case .objectSize:
            guard let culpritName, let owners = context.heapOwners(inputIndex),
                  let owner = owners.owners.first(where: { $0.name == culpritName }), owner.inuseObjects > 0 else {
                return make(false, "\(spec.description): no object counts for the culprit")
            }
            let average = Double(owner.inuseSpace) / Double(owner.inuseObjects)
            let seen = average >= (spec.minValue ?? 0) && average <= (spec.maxValue ?? .infinity)
            return make(seen, "\(spec.description): \(culpritName) holds \(owner.inuseObjects) objects of \(Measurement.label(Int64(average), unit: "bytes")) on average")
        case .source:
            return make(false, "\(spec.description): needs the source (--source-path)")
        case .culpritCount:
            guard let topCulprit, let culpritName else { return make(false, "\(spec.description): no culprit in user code") }
            let count = value(under: topCulprit, groups, result)
            let level = spec.levels?.level(of: Double(count))
            let needs = spec.levels.map { String(format: "; needs %.0f", $0.warning) } ?? ""
            return make(level.map { $0 >= .warning } ?? false, "\(spec.description) under \(culpritName): \(amount(count))\(needs)",
                        level: level, measured: Double(count), needed: spec.levels?.warning)
        case .goroutinesParked:
            guard let goroutines = context.inputs.firstIndex(where: { $0.kind == .goroutine }) else {
                return make(false, "\(spec.description): no goroutine profile given")
            }
            guard let culpritName else { return make(false, "\(spec.description): no culprit in user code") }
            let other = context.inputs[goroutines]
            let (parked, total) = parkedGoroutines(other, waitFrames: spec.frames ?? [], culprit: culpritName)
            let share = total > 0 ? Double(parked) / Double(total) : 0
            return make(share >= spec.requiredShare,
                        "\(other.file): \(parked) of \(total) goroutines wait on a lock under \(culpritName) (\(percent(share))); \(spec.description)",
                        measured: share, needed: spec.requiredShare)
        }
    }

    /// The matched value whose culprit is `culprit`.
    static func value(under culprit: Int, _ groups: [Int], _ result: RuleScan.RuleResult) -> Int64 {
        groups.filter { result.groups[$0].culprit == culprit }.reduce(Int64(0)) { $0 &+ result.groups[$1].value }
    }

    /// Goroutines whose stack waits in one of `waitFrames` under `culprit` (or a method of its
    /// receiver type), and all goroutines.
    static func parkedGoroutines(_ input: Input, waitFrames: [String], culprit: String) -> (Int64, Int64) {
        guard let typeIndex = input.profile.sampleTypes.indices.first else { return (0, 0) }
        let regexes = waitFrames.compactMap { try? GoRegex($0) }
        let waits = input.frames.names.map { name in regexes.contains { $0.matches(name) } }
        let type = receiverType(culprit)
        let related = input.frames.names.map { SourceFunctionName.enclosing($0) == culprit || (type != nil && receiverType($0) == type) }
        var parked: Int64 = 0
        let samples = input.profile.samples
        let sums = input.stackSums(typeIndex)
        for id in 0..<samples.stackCount where sums.sums[id] > 0 {
            var waiting = false, under = false
            for location in samples.stack(id) {
                for frame in input.frames.frames(ofLocation: Int(location)) {
                    if waits[Int(frame)] { waiting = true }
                    if related[Int(frame)] { under = true }
                }
            }
            if waiting && under { parked &+= sums.sums[id] }
        }
        return (parked, input.totals[typeIndex])
    }

    /// "pkg.(*T)" for a method "pkg.(*T).M", else nil.
    static func receiverType(_ name: String) -> String? {
        guard let open = name.range(of: ".(*"), let close = name[open.upperBound...].firstIndex(of: ")") else { return nil }
        return String(name[..<name.index(after: close)])
    }

    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "∞%" }
        return "\((share * 1000).rounded() / 10)%"
    }
}
