import Pprof

/// What a profile measures, told from its sample types (and, for contention profiles, from
/// where the samples end).
public enum ProfileKind: String, Sendable, CaseIterable {
    case cpu, heap, goroutine, mutex, block, wallclock, other

    public var title: String {
        switch self {
        case .cpu: return "CPU profile"
        case .heap: return "heap profile"
        case .goroutine: return "goroutine profile"
        case .mutex: return "mutex contention profile"
        case .block: return "block profile"
        case .wallclock: return "wall-clock profile"
        case .other: return "profile"
        }
    }

    public static func of(_ profile: Profile) -> ProfileKind {
        let types = Set(profile.sampleTypes.map { $0.type.lowercased() })
        if !types.isDisjoint(with: ["alloc_space", "alloc_objects", "inuse_space", "inuse_objects", "space", "objects"]) {
            return .heap
        }
        if types.contains("cpu") { return .cpu }
        if types.contains("goroutine") || types.contains("goroutines") { return .goroutine }
        if types.contains("contentions") || types.contains("delay") {
            return endsInMutexUnlock(profile) ? .mutex : .block
        }
        if types.contains("wall") || types.contains("time") && profile.periodType.type.lowercased().contains("wall") {
            return .wallclock
        }
        return .other
    }

    /// Go's mutex profile charges the delay to the Unlock that ended the wait; the block
    /// profile to the operation that waited. The leaf is the innermost line of the leaf
    /// location: Unlock is usually inlined into its caller.
    private static func endsInMutexUnlock(_ profile: Profile) -> Bool {
        let samples = profile.samples
        var unlockLeaves = 0
        var counted = 0
        for sample in 0..<min(samples.count, 1000) {
            guard let leaf = samples.locations(of: sample).first else { continue }
            let location = profile.locations[Int(leaf)]
            guard location.lineCount > 0 else { continue }
            let name = profile.functions[Int(profile.lines[Int(location.lineStart)].functionIndex)].name
            counted += 1
            if unlockFunctions.contains(where: { name.hasPrefix($0) }) { unlockLeaves += 1 }
        }
        return counted > 0 && unlockLeaves * 2 >= counted
    }

    /// Where Go's mutex profile ends a stack: sync's Unlock (internal/sync's since Go 1.24)
    /// and, since Go 1.22, the runtime's own locks.
    private static let unlockFunctions = [
        "sync.(*Mutex).Unlock", "sync.(*RWMutex).Unlock", "sync.(*RWMutex).RUnlock",
        "internal/sync.(*Mutex).Unlock", "runtime.unlock",
    ]
}
