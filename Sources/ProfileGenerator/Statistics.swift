// What a generated profile turned out to hold, for the report on standard
// error and the --meta file scripts/bench.sh reads.

struct GeneratorStatistics {
    var samples = 0
    var locations = 0
    var functions = 0
    var strings = 0
    var bytes = 0
    /// Sum of the first value (the sample count, or alloc_objects) over all samples.
    var totalCount: UInt64 = 0
    /// Sum of the stack depths of all samples, in locations and in frames
    /// (a location with inlined calls is several frames).
    var totalLocations = 0
    var totalFrames = 0
    var minDepth = Int.max
    var maxDepth = 0
    /// Distinct stacks used.
    var stacks = 0
    /// Functions and locations the program has (not all need be used).
    var programFunctions = 0
    var programLocations = 0

    mutating func add(depth: (locations: Int, frames: Int), count: UInt64) {
        samples += 1
        totalCount += count
        totalLocations += depth.locations
        totalFrames += depth.frames
        minDepth = min(minDepth, depth.locations)
        maxDepth = max(maxDepth, depth.locations)
    }

    mutating func finish(_ builder: ProfileBuilder) throws {
        let end = try builder.finish()
        locations = end.locations
        functions = end.functions
        strings = end.strings
        bytes = end.bytes
        stacks = builder.stacksUsed
    }

    var meanLocations: Double { samples == 0 ? 0 : Double(totalLocations) / Double(samples) }
    var meanFrames: Double { samples == 0 ? 0 : Double(totalFrames) / Double(samples) }

    /// key=value lines.
    var keyValues: String {
        """
        samples=\(samples)
        total_count=\(totalCount)
        stacks=\(stacks)
        locations=\(locations)
        functions=\(functions)
        strings=\(strings)
        mean_depth_locations=\(rounded(meanLocations))
        mean_depth_frames=\(rounded(meanFrames))
        min_depth=\(samples == 0 ? 0 : minDepth)
        max_depth=\(maxDepth)
        protobuf_bytes=\(bytes)

        """
    }

    private func rounded(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

extension GeneratorStatistics {
    /// Adds another profile's figures (for a set of files): sums, except
    /// stacks, locations and functions, which keep the largest.
    mutating func accumulate(_ other: GeneratorStatistics) {
        samples += other.samples
        totalCount += other.totalCount
        totalLocations += other.totalLocations
        totalFrames += other.totalFrames
        minDepth = min(minDepth, other.minDepth)
        maxDepth = max(maxDepth, other.maxDepth)
        bytes += other.bytes
        strings = max(strings, other.strings)
        stacks = max(stacks, other.stacks)
        locations = max(locations, other.locations)
        functions = max(functions, other.functions)
        programFunctions = other.programFunctions
        programLocations = other.programLocations
    }
}
