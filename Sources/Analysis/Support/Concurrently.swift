import Pprof

/// Two independent pieces of work run at once: `first` on this thread, `second` on a thread
/// of its own (once a profile is read, the second core is otherwise idle). A plain thread, not
/// Dispatch's pool: work that runs `both` itself would wait there for a free worker.
public enum Concurrently {
    public static func both<A, B: Sendable>(_ first: () throws -> A, _ second: @Sendable () -> B) rethrows -> (A, B) {
        let other = ResultBox<B>()
        // `second` escapes only until the thread is joined, below (before `first`'s error, if
        // it throws, is passed on).
        let result = try withoutActuallyEscaping(second) { second in
            let thread = JoinableThread { other.value = second() }
            defer { thread.join() }
            return try first()
        }
        return (result, other.value!)
    }
}

/// Where the other thread leaves its result: written there once, read here only after the
/// thread is joined (which orders the write before the read), so never by both at once.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
