import Analysis
import GoSource
import Pprof

extension Classifier {
    /// A profile ready for the rules: drop_frames applied (and filters, when the user gave
    /// any), frames named, totals computed once for every rule.
    public struct Input: Sendable {
        public var file: String
        public var profile: Profile
        public var kind: ProfileKind
        public var frames: FrameTable
        /// For each frame, whether it is the user's own code.
        public var isUser: [Bool]
        /// For each user frame, the frame that stands for its source function as a culprit
        /// (a compiler-made wrapper — f.deferwrap1 for `defer mu.Unlock()`, f.gowrap1,
        /// (*T).M-fm — is f's code: one culprit, the first frame of that function met); -1 for
        /// frames that are not the user's.
        public var culpritFrame: [Int32]
        /// Per sample type: the total shares are of (the whole profile's, when `profile` was
        /// filtered, as pprof's percentages are).
        public var totals: [Int64]

        /// `frames`, when given, must be the frame table of `profile`.
        public init(file: String, profile: Profile, frames: FrameTable? = nil, totals: [Int64]? = nil) {
            self.file = file
            self.profile = profile
            kind = ProfileKind.of(profile)
            self.frames = frames ?? FrameTable(profile: profile)
            isUser = self.frames.names.map { FrameOrigin(functionName: $0) == .user }
            culpritFrame = Self.culpritFrames(names: self.frames.names, isUser: isUser)
            self.totals = totals ?? profile.samples.absoluteSums()
        }

        static func culpritFrames(names: [String], isUser: [Bool]) -> [Int32] {
            var first: [String: Int32] = [:]
            return names.indices.map { frame in
                guard isUser[frame] else { return -1 }
                let function = SourceFunctionName.enclosing(names[frame])
                if let standing = first[function] { return standing }
                first[function] = Int32(frame)
                return Int32(frame)
            }
        }

        /// One sample type's values per stack (a pass over the samples: computed where a rule
        /// or signal reads that type, not for every type).
        public func stackSums(_ typeIndex: Int) -> SampleTable.StackSums {
            profile.samples.stackSums(index: typeIndex)
        }

        /// The first of `names` the profile has as a sample type.
        func sampleTypeIndex(_ names: [String]) -> Int? {
            names.lazy.compactMap { name in self.profile.sampleTypes.firstIndex { $0.type == name } }.first
        }

        /// The stack's frames, root first, each with the location and line it came from.
        func rootFirstFrames(ofStack stack: Int, into frames: inout [StackFrame]) {
            frames.removeAll(keepingCapacity: true)
            for location in profile.samples.stack(stack).reversed() {
                let record = profile.locations[Int(location)]
                let locationFrames = self.frames.frames(ofLocation: Int(location))
                var offset = locationFrames.count - 1
                for frame in locationFrames.reversed() {
                    let slot = record.lineCount > 0 ? Int(record.lineStart) + offset : -1
                    frames.append(StackFrame(frame: Int(frame), lineSlot: slot))
                    offset -= 1
                }
            }
        }

        /// The user frame nearest the leaf of the stack, or -1 (what rootFirstFrames' last
        /// user frame is, without building the list).
        func leafmostUserFrame(ofStack stack: Int) -> Int {
            for location in profile.samples.stack(stack) {
                for frame in frames.frames(ofLocation: Int(location)) where isUser[Int(frame)] { return Int(frame) }
            }
            return -1
        }

        /// Whether a profile line's function names a source file: whether `site(ofLineSlot:)`
        /// has a site for it.
        func hasSite(lineSlot slot: Int) -> Bool {
            !profile.functions[Int(profile.lines[slot].functionIndex)].filename.isEmpty
        }

        /// "file:line" of a frame's line slot, when the profile has it.
        func site(ofLineSlot slot: Int) -> String? {
            guard slot >= 0, hasSite(lineSlot: slot) else { return nil }
            let line = profile.lines[slot]
            let function = profile.functions[Int(line.functionIndex)]
            return line.line > 0 ? "\(function.filename):\(line.line)" : function.filename
        }
    }

    /// A frame of a stack and the profile line it came from (-1: none).
    struct StackFrame {
        var frame: Int
        var lineSlot: Int
    }
}
