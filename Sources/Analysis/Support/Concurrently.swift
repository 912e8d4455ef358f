import Pprof

/// Two independent pieces of work run at once: `first` on this thread, `second` on a thread
/// of its own (once a profile is read, the second core is otherwise idle). A plain thread, not
/// Dispatch's pool: work that runs `both` itself would wait there for a free worker.
public enum Concurrently {
    public static func both<A, B: Sendable>(_ first: () -> A, _ second: @Sendable () -> B) -> (A, B) {
        let other = ResultBox<B>()
        var result: A?
        // `second` escapes only until the thread is joined, below.
        withoutActuallyEscaping(second) { second in
            let thread = JoinableThread { other.value = second() }
            result = first()
            thread.join()
        }
        return (result!, other.value!)
    }
}

/// Where the other thread leaves its result: written there once, read here only after the
/// thread is joined (which orders the write before the read), so never by both at once.
private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
