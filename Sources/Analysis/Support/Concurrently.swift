import Dispatch

/// Two independent pieces of work run at once: `first` on this thread, `second` on another
/// (once a profile is read, the second core is otherwise idle).
public enum Concurrently {
    public static func both<A, B: Sendable>(_ first: () -> A, _ second: @Sendable () -> B) -> (A, B) {
        let other = ResultBox<B>()
        let group = DispatchGroup()
        var result: A?
        // `second` escapes only until the group is waited for, below.
        withoutActuallyEscaping(second) { second in
            DispatchQueue.global().async(group: group) { other.value = second() }
            result = first()
            group.wait()
        }
        return (result!, other.value!)
    }
}

/// Where the other thread leaves its result: written there once, read here only after the
/// group is waited for (which orders the write before the read), so never by both at once.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
