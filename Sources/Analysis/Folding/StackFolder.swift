import Pprof

/// Builds `FoldedStacks` from a profile: each sample's locations, leaf first in the profile,
/// become frames root first, with inlined functions expanded (a location's lines are listed
/// innermost first); identical stacks are merged; zero values are left out.
public enum StackFolder {
    public static func fold(_ profile: Profile, sampleIndex: Int, granularity: FrameTable.Granularity = .functions) -> FoldedStacks {
        fold(profile, sampleIndex: sampleIndex, frames: FrameTable(profile: profile, granularity: granularity))
    }

    /// `frames` must be the frame table of `profile`.
    public static func fold(_ profile: Profile, sampleIndex: Int, frames table: FrameTable) -> FoldedStacks {
        let samples = profile.samples
        let stackValues = samples.stackSums(index: sampleIndex).sums
        // Distinct location stacks can still give the same frames (two addresses in one
        // function): frame sequences are interned again and their values summed.
        var interner = StackInterner<UInt32>()
        var values: [Int64] = []
        var scratch: [UInt32] = []
        for stack in 0..<samples.stackCount where stackValues[stack] != 0 {
            scratch.removeAll(keepingCapacity: true)
            for location in samples.stack(stack).reversed() {
                // Outermost line first: root to leaf within the location too.
                scratch.append(contentsOf: table.frames(ofLocation: Int(location)).reversed())
            }
            if scratch.isEmpty { continue }
            let id = interner.intern(scratch)
            if id == values.count { values.append(0) }
            values[id] &+= stackValues[stack]
        }
        // Stacks whose values cancel out (delta profiles) show nothing.
        var folded = FoldedStacks(names: table.names, frames: [], starts: [0], values: [], sampleType: profile.sampleTypes[sampleIndex])
        for stack in 0..<values.count where values[stack] != 0 {
            folded.frames.append(contentsOf: interner.sequence(stack))
            folded.starts.append(folded.frames.count)
            folded.values.append(values[stack])
        }
        return folded
    }
}
