/// A side's paths in order, each stored as the number of frames it shares with the path
/// before and the frames that follow (front coding), big-endian as they were sorted.
struct SortedPaths: Sendable {
    private(set) var shared: [Int] = []
    private(set) var suffixStarts: [Int] = [0]
    private(set) var suffixes: [UInt32] = []
    private(set) var values: [Int64] = []
    /// Where each path's stack was among the side's stacks.
    private(set) var given: [Int] = []

    init(capacity: Int = 0) {
        shared.reserveCapacity(capacity)
        suffixStarts.reserveCapacity(capacity + 1)
        values.reserveCapacity(capacity)
        given.reserveCapacity(capacity)
    }

    /// The next path: how many frames it shares with the one before, and the rest.
    mutating func append(shared: Int, suffix: UnsafeBufferPointer<UInt32>, value: Int64, given stack: Int) {
        self.shared.append(shared)
        suffixes.append(contentsOf: suffix)
        suffixStarts.append(suffixes.count)
        values.append(value)
        given.append(stack)
    }

    var count: Int { values.count }
    /// Frames stored: what no path shares with the one before.
    var frameCount: Int { suffixes.count }
}

/// Reads sorted paths one after the other, each rebuilt whole from the one before.
struct PathCursor {
    private let paths: SortedPaths
    private(set) var index = 0
    /// The current path's frames, root end first, big-endian.
    private(set) var frames: [UInt32] = []

    init(_ paths: SortedPaths) {
        self.paths = paths
        read()
    }

    var isDone: Bool { index == paths.count }
    var value: Int64 { paths.values[index] }
    var given: Int { paths.given[index] }

    mutating func advance() {
        index += 1
        read()
    }

    private mutating func read() {
        guard index < paths.count else { return }
        frames.removeLast(frames.count - paths.shared[index])
        frames.append(contentsOf: paths.suffixes[paths.suffixStarts[index]..<paths.suffixStarts[index + 1]])
    }
}
