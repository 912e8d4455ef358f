import Foundation
import Pprof

/// The frames of a profile at function granularity, as `go tool pprof` builds its nodes:
/// one frame per distinct function name; a location without a named function becomes its
/// binary's frame (`[libc.so.6]`) or `<unknown>`. Inlined functions are frames of their own.
/// The profile's drop_frames/keep_frames are applied here, as pprof applies them on load.
public struct FrameTable: Sendable {
    /// What makes two frames the same node (pprof's NodeInfo at function granularity).
    public struct Key: Hashable, Sendable {
        public var name: String
        public var objfile: String
        public var startLine: Int64
    }

    public private(set) var keys: [Key] = []
    /// The printable name of each frame.
    public private(set) var names: [String] = []
    /// Frames of location i, innermost (inlined) first:
    /// `frames[frameStarts[i]..<frameStarts[i+1]]`.
    public private(set) var frameStarts: [Int32] = [0]
    public private(set) var frames: [UInt32] = []
    /// Where drop_frames cuts each sample: sample s keeps its locations from index
    /// `sampleLeafStart[s]` on (leaf first). Empty when the profile has no drop_frames.
    public private(set) var sampleLeafStart: [Int32] = []

    public var count: Int { names.count }

    public init(profile: Profile) {
        var index: [Key: UInt32] = [:]
        func intern(_ key: Key) -> UInt32 {
            if let id = index[key] { return id }
            let id = UInt32(keys.count)
            index[key] = id
            keys.append(key)
            names.append(Self.printableName(key))
            return id
        }
        let displayNames = profile.functions.map(FunctionNames.displayName)
        var functionFrame = [UInt32?](repeating: nil, count: profile.functions.count)

        let pruner = FramePruner(profile: profile, displayNames: displayNames)
        frames.reserveCapacity(profile.lines.count + profile.locations.count)
        frameStarts.reserveCapacity(profile.locations.count + 1)
        for (locationIndex, location) in profile.locations.enumerated() {
            let objfile = location.mappingIndex >= 0 ? profile.mappings[Int(location.mappingIndex)].filename : ""
            var lines = profile.lines(of: location)
            if let keepOuter = pruner?.keptLineCount[locationIndex] { lines = lines.suffix(Int(keepOuter)) }
            if lines.isEmpty {
                frames.append(intern(Key(name: "", objfile: objfile, startLine: 0)))
            }
            for line in lines {
                let function = Int(line.functionIndex)
                let name = displayNames[function]
                if name.isEmpty {
                    frames.append(intern(Key(name: "", objfile: objfile, startLine: profile.functions[function].startLine)))
                } else if let frame = functionFrame[function] {
                    frames.append(frame)
                } else {
                    let frame = intern(Key(name: name, objfile: "", startLine: 0))
                    functionFrame[function] = frame
                    frames.append(frame)
                }
            }
            frameStarts.append(Int32(frames.count))
        }
        if let pruner { sampleLeafStart = pruner.sampleLeafStarts(profile.samples) }
    }

    @inline(__always)
    public func frames(ofLocation location: Int) -> ArraySlice<UInt32> {
        frames[Int(frameStarts[location])..<Int(frameStarts[location + 1])]
    }

    /// Sample s's locations after drop_frames, leaf first.
    @inline(__always)
    public func locations(of sample: Int, in samples: SampleTable) -> ArraySlice<UInt32> {
        let all = samples.locations(of: sample)
        if sampleLeafStart.isEmpty { return all }
        return all.dropFirst(Int(sampleLeafStart[sample]))
    }

    static func printableName(_ key: Key) -> String {
        if !key.name.isEmpty { return key.name }
        if !key.objfile.isEmpty { return "[" + baseName(key.objfile) + "]" }
        return "<unknown>"
    }

    /// The last element of a slash-separated path, as Go's filepath.Base.
    static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed == "/" { return "/" }
        if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
        return String(trimmed)
    }

    /// pprof's last-resort order between two nodes with the same printable name: its
    /// fmt.Sprint of the NodeInfo struct.
    func tieBreakKey(_ frame: Int) -> String {
        let key = keys[frame]
        return "{\(key.name)  0  \(key.startLine) 0 \(key.objfile)}"
    }
}

/// drop_frames/keep_frames, as pprof's Profile.Prune: a location whose function matches
/// drop_frames (and not keep_frames) is cut together with everything it calls, but never
/// before the first frame, counted from the root, that does not match.
private struct FramePruner {
    /// For each location matched below its outermost line, how many of its outermost lines
    /// stay; nil for the others.
    var keptLineCount: [Int32?]
    /// Locations whose lines were matched.
    var pruneBeneath: [Bool]
    /// Locations matched at their outermost line: removed from stacks whole.
    var pruneWhole: [Bool]

    init?(profile: Profile, displayNames: [String]) {
        guard !profile.dropFrames.isEmpty,
              let drop = try? NSRegularExpression(pattern: "^(" + profile.dropFrames + ")$")
        else { return nil }
        let keep = profile.keepFrames.isEmpty ? nil : try? NSRegularExpression(pattern: "^(" + profile.keepFrames + ")$")
        func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
            regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        var matchCache = [Bool?](repeating: nil, count: displayNames.count)
        keptLineCount = Array(repeating: nil, count: profile.locations.count)
        pruneBeneath = Array(repeating: false, count: profile.locations.count)
        pruneWhole = Array(repeating: false, count: profile.locations.count)
        for (index, location) in profile.locations.enumerated() {
            let lines = profile.lines(of: location)
            // The outermost line that matches.
            for (position, line) in lines.enumerated().reversed() {
                let function = Int(line.functionIndex)
                let name = displayNames[function]
                if name.isEmpty { continue }
                let matched: Bool
                if let cached = matchCache[function] {
                    matched = cached
                } else {
                    let simple = Self.simplify(name)
                    matched = matches(drop, simple) && !(keep.map { matches($0, simple) } ?? false)
                    matchCache[function] = matched
                }
                if matched {
                    pruneBeneath[index] = true
                    if position == lines.count - 1 {
                        // Matched at the outermost line: stacks drop the location whole, but
                        // its lines stay as they are (a stack that is not cut keeps them all).
                        pruneWhole[index] = true
                    } else {
                        keptLineCount[index] = Int32(lines.count - 1 - position)
                    }
                    break
                }
            }
        }
    }

    func sampleLeafStarts(_ samples: SampleTable) -> [Int32] {
        var starts = [Int32](repeating: 0, count: samples.count)
        for sample in 0..<samples.count {
            let locations = samples.locations(of: sample)
            var foundUserFrame = false
            var position = locations.endIndex - 1
            while position >= locations.startIndex {
                let location = Int(locations[position])
                let relative = position - locations.startIndex
                if !pruneWhole[location] && !pruneBeneath[location] {
                    foundUserFrame = true
                } else if foundUserFrame {
                    starts[sample] = Int32(pruneWhole[location] ? relative + 1 : relative)
                    break
                }
                position -= 1
            }
        }
        return starts
    }

    /// A function name without its argument list, as pprof's simplifyFunc.
    static func simplify(_ name: String) -> String {
        var text = Substring(name)
        if text.hasPrefix(".") { text.removeFirst() }
        var search = text.startIndex
        while let paren = text[search...].firstIndex(of: "(") {
            let rest = text[paren...]
            if rest.hasPrefix("(anonymous namespace)") {
                search = text.index(paren, offsetBy: "(anonymous namespace)".count)
            } else if paren > text.startIndex, text[..<paren].hasSuffix("operator"), rest.hasPrefix("()") {
                search = text.index(paren, offsetBy: 2)
            } else {
                return String(text[..<paren])
            }
        }
        return String(text)
    }
}
