import Analysis
import Pipeline

/// What a row of `analyze`'s and `compare`'s tables is: pprof's granularity (-functions, the
/// default, -lines, -files, -filefunctions, -addresses), with file names trimmed as
/// -source_path and -trim_path say, as pprof trims them. Only the tables read it: the
/// findings, heap growth and flame graphs read the prepared profile's functions, whatever it
/// says.
public struct RowGranularity: Sendable {
    public var granularity: FrameTable.Granularity
    /// How the granularities that name files name them.
    public var fileNames: SourceLocator

    public init(_ granularity: FrameTable.Granularity = .functions, fileNames: SourceLocator = SourceLocator()) {
        self.granularity = granularity
        self.fileNames = fileNames
    }

    /// The frames of `prepared` at this granularity: its own when both are per function (the
    /// common case builds no second table).
    func frames(of prepared: PreparedProfile) -> FrameTable {
        if granularity == .functions && prepared.frames.granularity == .functions { return prepared.frames }
        return FrameTable(profile: prepared.profile, granularity: granularity, fileName: fileNames.displayName)
    }
}

extension FrameTable.Granularity {
    /// What the rows of a table at this granularity are, in a sentence ("12 more changed
    /// lines").
    var rowNoun: String {
        switch self {
        case .functions: return "functions"
        case .lines, .fileLines: return "lines"
        case .files: return "files"
        case .fileFunctions: return "functions (per file)"
        case .addresses: return "addresses"
        }
    }
}
