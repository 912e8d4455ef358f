#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain thread that its owner must join: started at once, whatever else runs (work that
/// blocks, like the inflater on its semaphores, or that waits for work of its own, is not for
/// Dispatch's pool, which may hold it back until a worker is free). Without a thread
/// (pthread_create failed) the body runs at once, here.
package final class JoinableThread {
    private var thread: pthread_t?

    /// `willExit` runs on the thread after the body, once the body's captures are released.
    package init(willExit: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable () -> Void) {
        final class Box {
            let body: @Sendable () -> Void
            let willExit: (@Sendable () -> Void)?
            init(_ body: @escaping @Sendable () -> Void, _ willExit: (@Sendable () -> Void)?) {
                self.body = body
                self.willExit = willExit
            }
        }
        let box = Unmanaged.passRetained(Box(body, willExit)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            var willExit: (@Sendable () -> Void)?
            do {
                let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
                willExit = box.willExit
                box.body()
            }
            willExit?()
            return nil
        }, box)
        if result == 0 {
            thread = handle
        } else {
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }

    /// Waits for the body to end; the thread's resources go with it.
    package func join() {
        guard let handle = thread else { return }
        thread = nil
        pthread_join(handle, nil)
    }

    deinit { join() }
}
