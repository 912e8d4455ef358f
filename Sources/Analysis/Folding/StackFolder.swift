import Pprof

/// Builds `FoldedStacks` from a profile: each sample's locations, leaf first in the profile,
/// become frames root first, with inlined functions expanded (a location's lines are listed
/// innermost first); identical stacks are merged; zero values are left out.
public enum StackFolder {
    public static func fold(_ profile: Profile, sampleIndex: Int, granularity: FrameTable.Granularity = .functions) -> FoldedStacks {
        fold(profile, sampleIndex: sampleIndex, frames: FrameTable(profile: profile, granularity: granularity))
    }

    /// `frames` must be the frame table of `profile`. Without `merging` (for a flame graph,
    /// whose tree merges identical stacks itself), two stacks with the same frames stay two,
    /// unless a stack's value is negative: summed first, values of a delta profile can cancel.
    public static func fold(_ profile: Profile, sampleIndex: Int, frames table: FrameTable, merging: Bool = true) -> FoldedStacks {
        let samples = profile.samples
        let stackValues = samples.stackSums(index: sampleIndex).sums
        if !merging && !stackValues.contains(where: { $0 < 0 }) {
            return unmerged(profile, stackValues: stackValues, frames: table, sampleType: profile.sampleTypes[sampleIndex])
        }
        // Distinct location stacks can still give the same frames (two addresses in one
        // function): frame sequences are interned again and their values summed, a batch of
        // stacks at a time (see StackInterner.intern(batch:)).
        var interner = StackInterner<UInt32>()
        var values: [Int64] = []
        var batch: [UInt32] = []
        var ranges: [Range<Int>] = []
        var batchValues: [Int64] = []
        var scratch = StackInterner<UInt32>.BatchScratch()
        func internBatch() {
            var item = 0
            batch.withUnsafeBufferPointer { sequences in
                ranges.withUnsafeBufferPointer { ranges in
                    interner.intern(batch: sequences, ranges: ranges, scratch: &scratch) { id, inserted in
                        if inserted { values.append(0) }
                        values[id] &+= batchValues[item]
                        item += 1
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            batchValues.removeAll(keepingCapacity: true)
        }
        table.frames.withUnsafeBufferPointer { frames in
        table.frameStarts.withUnsafeBufferPointer { frameStarts in
        samples.stackLocations.withUnsafeBufferPointer { stackLocations in
            for stack in 0..<samples.stackCount where stackValues[stack] != 0 {
                let start = batch.count
                for position in (samples.stackStarts[stack]..<samples.stackStarts[stack + 1]).reversed() {
                    // Outermost line first: root to leaf within the location too.
                    let location = Int(stackLocations[position])
                    for slot in (Int(frameStarts[location])..<Int(frameStarts[location + 1])).reversed() { batch.append(frames[slot]) }
                }
                if batch.count == start { continue }
                ranges.append(start..<batch.count)
                batchValues.append(stackValues[stack])
                if ranges.count == 64 { internBatch() }
            }
        }
        }
        }
        internBatch()
        // Stacks whose values cancel out (delta profiles) show nothing.
        let sampleType = profile.sampleTypes[sampleIndex]
        if !values.contains(0) {
            let (frames, starts) = interner.take()
            return FoldedStacks(names: table.names, frames: frames, starts: starts, values: values, sampleType: sampleType)
        }
        var folded = FoldedStacks(names: table.names, frames: [], starts: [0], values: [], sampleType: sampleType)
        for stack in 0..<values.count where values[stack] != 0 {
            folded.frames.append(contentsOf: interner.sequence(stack))
            folded.starts.append(folded.frames.count)
            folded.values.append(values[stack])
        }
        return folded
    }

    /// Each stack with a value, root first, as it is.
    static func unmerged(_ profile: Profile, stackValues: [Int64], frames table: FrameTable, sampleType: ValueType) -> FoldedStacks {
        let samples = profile.samples
        var folded = FoldedStacks(names: table.names, frames: [], starts: [0], values: [], sampleType: sampleType)
        folded.frames.reserveCapacity(samples.stackLocations.count + samples.stackLocations.count / 2)
        table.frames.withUnsafeBufferPointer { frames in
        table.frameStarts.withUnsafeBufferPointer { frameStarts in
        samples.stackLocations.withUnsafeBufferPointer { stackLocations in
            for stack in 0..<samples.stackCount where stackValues[stack] != 0 {
                let start = folded.frames.count
                for position in (samples.stackStarts[stack]..<samples.stackStarts[stack + 1]).reversed() {
                    let location = Int(stackLocations[position])
                    for slot in (Int(frameStarts[location])..<Int(frameStarts[location + 1])).reversed() { folded.frames.append(frames[slot]) }
                }
                if folded.frames.count == start { continue }
                folded.starts.append(folded.frames.count)
                folded.values.append(stackValues[stack])
            }
        }
        }
        }
        return folded
    }
}
