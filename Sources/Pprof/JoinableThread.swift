#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain thread that its owner must join: started at once, whatever else runs (work that
/// blocks, like the inflater on its semaphores, or that waits for work of its own, is not for
/// Dispatch's pool, which may hold it back until a worker is free). Without a thread
/// (pthread_create failed) the body runs at once, here — unless made by `start`.
package final class JoinableThread {
    private var thread: pthread_t?

    /// `willExit` runs on the thread after the body, once the body's captures are released.
    package convenience init(willExit: (@Sendable () -> Void)? = nil, _ body: @escaping @Sendable () -> Void) {
        self.init(willExit: willExit, body, runsHereWithoutThread: true)
    }

    /// A thread running `body`, or nil when none could be made (and the body did not run): for
    /// a body that waits for work others give it, which run here would never return.
    package static func start(_ body: @escaping @Sendable () -> Void) -> JoinableThread? {
        let started = JoinableThread(willExit: nil, body, runsHereWithoutThread: false)
        return started.thread == nil ? nil : started
    }

    private init(willExit: (@Sendable () -> Void)?, _ body: @escaping @Sendable () -> Void, runsHereWithoutThread: Bool) {
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
            let unstarted = Unmanaged<Box>.fromOpaque(box).takeRetainedValue()
            if runsHereWithoutThread { unstarted.body() }
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
