/// Checks that the code at a profile's culprit really has the shape of a map anti-pattern.
///
/// proflens finds a pattern in a profile and knows the culprit function and its hot lines; when
/// the source is at hand, `ShapeChecker` looks at the code around those lines and answers
/// `confirmed` (with the statement that has the shape), `contradicted` (the code there has no
/// such shape) or `unknown` (no source, or the source cannot tell). A `confirmed` must be right,
/// so every check asks for positive evidence (declared map types, a loop around the write, no
/// lock in the same path) and answers `unknown` when part of it cannot be seen.
///
///     let file = GoFile(path: "main.go", text: source)
///     let checker = ShapeChecker(file: file)
///     let result = checker.check(.ap1, function: "main.(*SessionCache).Expire",
///                                hotLines: [HotLine(line: 90, cost: 1_810), HotLine(line: 88, cost: 340)])
///     // result.status == .confirmed, result.line == 93, result.statement == "c.sessions = next"

/// The four anti-patterns of shared/antipatterns.md.
public enum MapPattern: String, Sendable, CaseIterable {
    /// Mutating a map while ranging over it.
    case ap1 = "AP1"
    /// Concurrent map writes, and their mitigations gone wrong (hot lock, write-heavy sync.Map).
    case ap2 = "AP2"
    /// Deleting the key but keeping the value alive (or "deleting" by storing nil).
    case ap3 = "AP3"
    /// A map emptied key by key that keeps its peak size.
    case ap4 = "AP4"
}

public enum ShapeStatus: String, Sendable {
    case confirmed, contradicted, unknown
}

/// Which shape a check recognized (or looked for).
public enum ShapeKind: String, Sendable {
    /// AP1: `M = ...` inside `for ... range M`.
    case rangeReassign
    /// AP1: `M[k2] = ...` inside `for k := range M`, with `k2` not the loop's key.
    case rangeInsert
    /// AP2: a map written by a function run as several goroutines, with no lock taken.
    case unlockedGoroutineWrite
    /// AP2: `sync.Map` written in a loop or for every request.
    case syncMapWriteHeavy
    /// AP2: one mutex for a whole map, held across work that does not touch the map.
    case lockHeldAcrossWork
    /// AP3: `M[k] = nil` where `delete(M, k)` was meant.
    case zeroValueOverwrite
    /// AP3: `delete(M, k)` while the value stays in a slice or map that is never trimmed.
    case deletedValueKept
    /// AP3: an entry marked dead (`s.Active = false`, `o.Status = "cancelled"`) where a delete
    /// belongs, in a map the package never deletes from.
    case softDelete
    /// AP4: a map emptied key by key (deletes in a loop) and never re-made or cleared.
    case prunedNeverShrunk
}

/// A source line of the culprit with its cost in the profile (any unit; only the order matters:
/// costlier lines are looked at first).
public struct HotLine: Sendable, Hashable {
    public var line: Int
    public var cost: Int64

    public init(line: Int, cost: Int64 = 1) {
        self.line = line
        self.cost = cost
    }
}

/// The answer of a shape check.
public struct ShapeResult: Sendable, Equatable, CustomStringConvertible {
    public var status: ShapeStatus
    public var pattern: MapPattern
    /// The shape that was found (confirmed) or that came closest (unknown); nil otherwise.
    public var shape: ShapeKind?
    /// The culprit as given.
    public var function: String
    /// The path of the file holding `line`.
    public var file: String
    /// The line of `statement`: the statement with the shape (confirmed), the closest candidate
    /// (unknown), or the hot statement that was looked at (contradicted).
    public var line: Int?
    /// The statement's source text, on one line, trimmed.
    public var statement: String?
    /// Why, in one or two sentences.
    public var reason: String
    /// The function holding `line`, named as the profile names functions, when it is not the
    /// culprit (a value kept alive by code elsewhere in the package); nil otherwise.
    public var holder: String? = nil

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        let code = statement.map { " `\($0)`" } ?? ""
        return "\(status.rawValue) \(pattern.rawValue) \(location)\(code): \(reason)"
    }
}

/// Checks anti-pattern shapes in the functions of one Go file (and its package).
public struct ShapeChecker: Sendable {
    public let file: GoFile
    /// Other files of the same package: their types, methods and callers are taken into account.
    public let siblings: [GoFile]

    public init(file: GoFile, package siblings: [GoFile] = []) {
        self.file = file
        self.siblings = siblings
    }

    /// Checks `pattern` at the culprit `function` (its name as the profile prints it) around
    /// `hotLines` (lines of this file). With no hot line inside the function, the whole
    /// function is checked. Returns `unknown` when the function is not in the file.
    public func check(_ pattern: MapPattern, function: String, hotLines: [HotLine]) -> ShapeResult {
        guard let index = file.functionIndex(named: function) else {
            return ShapeResult(status: .unknown, pattern: pattern, shape: nil, function: function, file: file.path,
                               line: nil, statement: nil, reason: "\(function) is not defined in \(file.path.isEmpty ? "the file" : file.path)")
        }
        guard file.functions[index].body != nil else {
            return ShapeResult(status: .unknown, pattern: pattern, shape: nil, function: function, file: file.path,
                               line: file.functions[index].lines.lowerBound, statement: nil,
                               reason: "\(function) has no body in the source (declared only, e.g. implemented in assembly)")
        }
        let context = CheckContext(index: PackageIndex(files: [file] + siblings), function: index, name: function, hotLines: hotLines)
        switch pattern {
        case .ap1: return RangeMutationCheck(context).run()
        case .ap2: return ConcurrencyCheck(context).run()
        case .ap3: return DeleteKeepsValueCheck(context).run()
        case .ap4: return NeverShrinkCheck(context).run()
        }
    }
}
