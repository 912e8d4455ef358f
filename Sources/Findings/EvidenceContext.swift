import Analysis
import Pprof

/// The other profiles of the program a finding can draw evidence from, read once: heap
/// owners per heap profile, the run's duration from a CPU profile, goroutine profiles.
final class EvidenceContext: @unchecked Sendable {
    let inputs: [Classifier.Input]
    private var owners: [String: HeapOwners?] = [:]

    init(inputs: [Classifier.Input]) {
        self.inputs = inputs
    }

    /// Heap owners of input `index` for a sample type, when it is a heap profile with it.
    func heapOwners(_ index: Int, sampleType: String = "inuse_space") -> HeapOwners? {
        let key = "\(index) \(sampleType)"
        if let cached = owners[key] { return cached }
        let computed = inputs[index].kind == .heap ? HeapOwners(inputs[index], sampleType: sampleType) : nil
        owners[key] = .some(computed)
        return computed
    }

    /// Indices of the heap profiles given, oldest first (by time_nanos).
    var heapIndices: [Int] {
        inputs.indices.filter { inputs[$0].kind == .heap && heapOwners($0) != nil }
            .sorted { inputs[$0].profile.timeNanos < inputs[$1].profile.timeNanos }
    }

    /// The heap profile taken before `index` (the latest such), for growth.
    func earlierHeap(than index: Int) -> Int? {
        let time = inputs[index].profile.timeNanos
        return heapIndices.last { $0 != index && inputs[$0].profile.timeNanos < time }
    }

    /// The latest heap profile, for a CPU finding's evidence.
    var latestHeap: Int? { heapIndices.last }

    /// The growth between the two latest heap profiles, when two were given.
    var latestGrowth: HeapGrowth? {
        let heaps = heapIndices
        guard heaps.count >= 2, let earlier = heapOwners(heaps[heaps.count - 2]), let later = heapOwners(heaps[heaps.count - 1]) else { return nil }
        return HeapGrowth(earlier: earlier, later: later)
    }

    /// The kinds of evidence the profiles given are (for a rule's confirm steps).
    var givenEvidence: Set<Rule.ConfirmStep.Evidence> {
        var given: Set<Rule.ConfirmStep.Evidence> = []
        for input in inputs {
            switch input.kind {
            case .cpu: given.insert(.cpu)
            case .heap: given.insert(.heap)
            case .mutex, .block: given.insert(.mutexOrBlock)
            case .goroutine: given.insert(.goroutine)
            default: break
            }
        }
        if heapIndices.count >= 2 { given.insert(.heaps) }
        return given
    }

    /// Seconds of wall time a profile covers: its own duration, else that of a CPU profile of
    /// the same run given with it (Go's mutex and block profiles carry none).
    func durationSeconds(of index: Int) -> (Double, String)? {
        let own = inputs[index].profile.durationNanos
        if own > 0 { return (Double(own) / 1e9, inputs[index].file) }
        for other in inputs where other.kind == .cpu && other.profile.durationNanos > 0 {
            return (Double(other.profile.durationNanos) / 1e9, other.file)
        }
        return nil
    }
}
