import Pprof

/// The frames of a profile at function granularity, as `go tool pprof` builds its nodes:
/// one frame per distinct function name; a location without a named function becomes its
/// binary's frame (`[libc.so.6]`) or `<unknown>`. Inlined functions are frames of their own.
/// At line granularity, one frame per function and source line.
public struct FrameTable: Sendable {
    /// What makes two frames the same node (pprof's NodeInfo at function granularity).
    public struct Key: Hashable, Sendable {
        public var name: String
        public var objfile: String
        public var startLine: Int64
        /// The source line, at line granularity; 0 at function granularity.
        public var line: Int64 = 0
        /// The function's file, at pprof's line granularity (`fileLines`); "" otherwise.
        public var file = ""
    }

    public private(set) var keys: [Key] = []
    /// The printable name of each frame.
    public private(set) var names: [String] = []
    /// Frames of location i, innermost (inlined) first:
    /// `frames[frameStarts[i]..<frameStarts[i+1]]`.
    public private(set) var frameStarts: [Int32] = [0]
    public private(set) var frames: [UInt32] = []

    public var count: Int { names.count }

    /// Frames per function (pprof's default), per source line named `function:line` (folded
    /// stacks), or per source line named `function file:line` (pprof's -lines).
    public enum Granularity: Sendable { case functions, lines, fileLines }

    /// `fileName`: how a file is named at `fileLines` granularity (pprof trims the profile's
    /// paths as -source_path and -trim_path say).
    public init(profile: Profile, granularity: Granularity = .functions, fileName: (String) -> String = { $0 }) {
        var index: [Key: UInt32] = [:]
        func intern(_ key: Key) -> UInt32 {
            if let id = index[key] { return id }
            let id = UInt32(keys.count)
            index[key] = id
            keys.append(key)
            names.append(granularity == .fileLines ? Self.pprofLineName(key) : Self.printableName(key))
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
                if granularity == .fileLines {
                    frames.append(intern(Self.lineKey(name: name, line: line.line, function: profile.functions[function],
                                                      objfile: objfile, fileName: fileName)))
                } else if name.isEmpty {
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

    /// pprof's node at line granularity: the function, its (trimmed) file and the line; a
    /// function without a name or line keeps its binary and start line to tell it apart.
    static func lineKey(name: String, line: Int64, function: Function, objfile: String, fileName: (String) -> String) -> Key {
        let file = function.filename.isEmpty ? "" : fileName(function.filename)
        if name.isEmpty && line == 0 {
            return Key(name: name, objfile: objfile, startLine: function.startLine, line: 0, file: file)
        }
        return Key(name: name, objfile: "", startLine: 0, line: line, file: file)
    }

    /// pprof's printable name of a line-granularity node: "function file:line", "function
    /// file" when the line is unknown, and the function alone when the file is too.
    static func pprofLineName(_ key: Key) -> String {
        var parts: [String] = key.name.isEmpty ? [] : [key.name]
        if key.line != 0 {
            parts.append("\(key.file):\(key.line)")
        } else if !key.file.isEmpty {
            parts.append(key.file)
        } else if key.name.isEmpty {
            parts.append(printableName(key))
        }
        return parts.joined(separator: " ")
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
    /// fmt.Sprint of the NodeInfo struct (Name, OrigName, Address, File, StartLine, Lineno,
    /// Columnno, Objfile).
    func tieBreakKey(_ frame: Int) -> String {
        let key = keys[frame]
        return "{\(key.name)  0 \(key.file) \(key.startLine) \(key.line) 0 \(key.objfile)}"
    }
}

