import Pprof

/// The frames of a profile at function granularity, as `go tool pprof` builds its nodes:
/// one frame per distinct function name; a location without a named function becomes its
/// binary's frame (`[libc.so.6]`) or `<unknown>`. Inlined functions are frames of their own.
public struct FrameTable: Sendable {
    /// What makes two frames the same node (pprof's NodeInfo at function granularity).
    public struct Key: Hashable, Sendable {
        public var name: String
        public var objfile: String
        public var startLine: Int64
        /// The source line, at line granularity; 0 at function granularity.
        public var line: Int64 = 0
    }

    public private(set) var keys: [Key] = []
    /// The printable name of each frame.
    public private(set) var names: [String] = []
    /// Frames of location i, innermost (inlined) first:
    /// `frames[frameStarts[i]..<frameStarts[i+1]]`.
    public private(set) var frameStarts: [Int32] = [0]
    public private(set) var frames: [UInt32] = []

    public var count: Int { names.count }

    /// Frames per function (pprof's default), or per source line (`function:line`).
    public enum Granularity: Sendable { case functions, lines }

    public init(profile: Profile, granularity: Granularity = .functions) {
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

        frames.reserveCapacity(profile.lines.count + profile.locations.count)
        frameStarts.reserveCapacity(profile.locations.count + 1)
        for location in profile.locations {
            let objfile = location.mappingIndex >= 0 ? profile.mappings[Int(location.mappingIndex)].filename : ""
            let lines = profile.lines(of: location)
            if lines.isEmpty {
                frames.append(intern(Key(name: "", objfile: objfile, startLine: 0)))
            }
            for line in lines {
                let function = Int(line.functionIndex)
                let name = displayNames[function]
                if name.isEmpty {
                    frames.append(intern(Key(name: "", objfile: objfile, startLine: profile.functions[function].startLine)))
                } else if granularity == .lines {
                    frames.append(intern(Key(name: name, objfile: "", startLine: 0, line: line.line)))
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
    }

    @inline(__always)
    public func frames(ofLocation location: Int) -> ArraySlice<UInt32> {
        frames[Int(frameStarts[location])..<Int(frameStarts[location + 1])]
    }

    static func printableName(_ key: Key) -> String {
        if !key.name.isEmpty { return key.line != 0 ? "\(key.name):\(key.line)" : key.name }
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

