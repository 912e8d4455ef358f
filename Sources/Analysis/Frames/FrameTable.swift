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
        /// The function's file, at pprof's granularities that name files; "" otherwise.
        public var file = ""
        /// The location's address, at pprof's address granularity; 0 otherwise.
        public var address: UInt64 = 0
    }

    public private(set) var keys: [Key] = []
    /// The printable name of each frame.
    public private(set) var names: [String] = []
    /// Frames of location i, innermost (inlined) first:
    /// `frames[frameStarts[i]..<frameStarts[i+1]]`.
    public private(set) var frameStarts: [Int32] = [0]
    public private(set) var frames: [UInt32] = []

    public var count: Int { names.count }
    /// What a frame is: the granularity the table was built at.
    public let granularity: Granularity

    /// Frames per function (pprof's default), per source line named `function:line` (folded
    /// stacks), or as pprof's report granularities name them: per source line `function
    /// file:line` (-lines), per file (-files), per function and file (-filefunctions), per
    /// address `address function file:line` (-addresses).
    public enum Granularity: Sendable { case functions, lines, fileLines, files, fileFunctions, addresses }

    /// `fileName`: how a file is named at `fileLines` granularity (pprof trims the profile's
    /// paths as -source_path and -trim_path say).
    public init(profile: Profile, granularity: Granularity = .functions, fileName: (String) -> String = { $0 }) {
        self.granularity = granularity
        var index: [Key: UInt32] = [:]
        func intern(_ key: Key) -> UInt32 {
            if let id = index[key] { return id }
            let id = UInt32(keys.count)
            index[key] = id
            keys.append(key)
            names.append(granularity == .functions || granularity == .lines ? Self.printableName(key) : Self.pprofLineName(key))
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
                // pprof keeps an address only at address granularity (its Aggregate zeroes it).
                let address = granularity == .addresses ? location.address : 0
                frames.append(intern(Key(name: "", objfile: objfile, startLine: 0, address: address)))
            }
            for line in lines {
                let function = Int(line.functionIndex)
                let name = displayNames[function]
                if granularity == .fileLines || granularity == .files || granularity == .fileFunctions || granularity == .addresses {
                    frames.append(intern(Self.pprofKey(granularity, name: name, line: line.line, function: profile.functions[function],
                                                       objfile: objfile, address: location.address, fileName: fileName)))
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

    /// pprof's node at a report granularity (its Aggregate, then NodeInfo): what the
    /// granularity keeps of the function (name), its (trimmed) file, the line and the address;
    /// a frame left without a name keeps its binary and start line to tell it apart.
    static func pprofKey(_ granularity: Granularity, name: String, line: Int64, function: Function, objfile: String, address: UInt64,
                         fileName: (String) -> String) -> Key {
        let keepsName = granularity != .files, keepsLine = granularity == .fileLines || granularity == .addresses
        let name = keepsName ? name : ""
        let line = keepsLine ? line : 0
        let file = function.filename.isEmpty ? "" : fileName(function.filename)
        let address = granularity == .addresses ? address : 0
        if name.isEmpty && (line == 0 || granularity == .files) {
            return Key(name: name, objfile: objfile, startLine: function.startLine, line: line, file: file, address: address)
        }
        return Key(name: name, objfile: "", startLine: 0, line: line, file: file, address: address)
    }

    /// pprof's printable name of a line-granularity node: "function file:line", "function
    /// file" when the line is unknown, and the function alone when the file is too.
    static func pprofLineName(_ key: Key) -> String {
        var parts: [String] = key.address == 0 ? [] : [hex16(key.address)]
        if !key.name.isEmpty { parts.append(key.name) }
        if key.line != 0 {
            parts.append("\(key.file):\(key.line)")
        } else if !key.file.isEmpty {
            parts.append(key.file)
        } else if key.name.isEmpty {
            parts.append(printableName(key))
        }
        return parts.joined(separator: " ")
    }

    /// An address as pprof prints it: 16 lower-case hex digits.
    static func hex16(_ address: UInt64) -> String {
        let digits = String(address, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
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


extension FrameTable.Granularity {
    /// The granularity as pprof's option names it ("functions", "lines", "files",
    /// "filefunctions", "addresses"); folded stacks' `function:line` frames are "lines" too.
    public var optionName: String {
        switch self {
        case .functions: return "functions"
        case .lines, .fileLines: return "lines"
        case .files: return "files"
        case .fileFunctions: return "filefunctions"
        case .addresses: return "addresses"
        }
    }
}
