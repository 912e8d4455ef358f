import Analysis
import ArgumentParser
import Pipeline
import Pprof
import UseCases

/// Options every command that reads profiles takes.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("max-inflated-size"),
            help: "Refuse gzip input (and standard input) larger than this once inflated (suffixes k, M, G).")
    var maxInflatedSize: ByteCount = ByteCount(bytes: Gzip.defaultMaxInflatedSize)

    @Option(name: [.customLong("seconds"), .customLong("seconds", withSingleDash: true)],
            help: "URL sources: profile for this many seconds (adds ?seconds=N, as pprof's -seconds).")
    var seconds: Int?

    @Option(name: [.customLong("timeout"), .customLong("timeout", withSingleDash: true)],
            help: "URL sources: wait at most this many seconds (default: 1.5 x --seconds, else 60, as go tool pprof).")
    var timeout: Double?

    @Flag(name: .customLong("no-save"),
          help: "URL sources: do not keep a copy of each fetched profile (kept, as go tool pprof keeps them, in $PPROF_TMPDIR, else ~/pprof).")
    var noSave = false

    func validate() throws {
        if let seconds, seconds <= 0 || seconds > 86_400 { throw ValidationError("--seconds must be between 1 and 86400") }
        if let timeout, !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be more than 0 and at most 86400 seconds") }
    }

    /// The profiles named by `arguments` (and `base`, a comparison's) with these options and
    /// the selection's.
    func profiles(_ arguments: [String], base: [String] = [], selection: SelectionOptions,
                  compatibility: CompatibilityOptions? = nil) -> ProfileInput {
        var input = ProfileInput(arguments, base: base)
        input.maxInflatedSize = maxInflatedSize.bytes
        input.seconds = seconds
        input.timeout = timeout
        input.saveDirectory = noSave ? nil : FetchedProfileArchive.defaultDirectory()
        input.sampleIndex = selection.sampleIndex
        input.filters = selection.filters
        input.compatibility = compatibility?.compatibility ?? .current
        return input
    }
}

/// Which samples a report shows, with pprof's meaning (and pprof's spellings as aliases).
struct SelectionOptions: ParsableArguments {
    @Option(name: [.customLong("sample-index"), .customLong("sample_index", withSingleDash: true)],
            help: "Sample type, by name (e.g. alloc_space) or number; default: the profile's default type, else the last.")
    var sampleIndex: String?

    @Option(name: [.customLong("focus"), .customLong("focus", withSingleDash: true)],
            help: "Keep only samples with a frame matching this regular expression.")
    var focus: String?

    @Option(name: [.customLong("ignore"), .customLong("ignore", withSingleDash: true)],
            help: "Drop samples with a frame matching this regular expression.")
    var ignore: String?

    @Option(name: [.customLong("hide"), .customLong("hide", withSingleDash: true)],
            help: "Remove frames matching this regular expression from stacks.")
    var hide: String?

    @Option(name: [.customLong("show"), .customLong("show", withSingleDash: true)],
            help: "Keep only frames matching this regular expression in stacks.")
    var show: String?

    @Option(name: [.customLong("show-from"), .customLong("show_from", withSingleDash: true)],
            help: "Drop the frames above the root-most frame matching this regular expression (stacks without one are dropped).")
    var showFrom: String?

    @Option(name: [.customLong("tagfocus"), .customLong("tagfocus", withSingleDash: true)],
            help: "Keep only samples with this label: KEY=REGEX[,REGEX...] (repeatable).")
    var tagFocus: [String] = []

    @Option(name: [.customLong("tagignore"), .customLong("tagignore", withSingleDash: true)],
            help: "Drop samples with this label: KEY=REGEX[,REGEX...] (repeatable).")
    var tagIgnore: [String] = []

    @Option(name: [.customLong("tagshow"), .customLong("tagshow", withSingleDash: true)],
            help: "Keep only the labels whose key matches this regular expression (samples stay).")
    var tagShow: String?

    @Option(name: [.customLong("taghide"), .customLong("taghide", withSingleDash: true)],
            help: "Remove the labels whose key matches this regular expression (samples stay).")
    var tagHide: String?

    func validate() throws {
        // Checked here so that a bad pattern is refused before any profile is read. The
        // argument parser exits 64 for a ValidationError only (1 for any other error).
        do { _ = try filters.compiled() } catch { throw ValidationError(error.description) }
    }

    var filters: FilterSpec { FilterSpec(focus: focus, ignore: ignore, hide: hide, show: show, showFrom: showFrom, tagFocus: tagFocus, tagIgnore: tagIgnore,
                                      tagShow: tagShow, tagHide: tagHide) }
}

/// Which `go tool pprof` the pprof-exact output reproduces.
struct CompatibilityOptions: ParsableArguments {
    @Option(name: .customLong("pprof-compat"),
            help: "Reproduce this go tool pprof: current (Go 1.24 to 1.27) or 1.19 (its Time: format, samples merged on load).")
    var compatibility: PprofCompatibility = .current
}

extension PprofCompatibility: ExpressibleByArgument {}

/// Rows of a table. Unset, each command's options keep their own default (all rows; compare's
/// CompareReport.defaultNodeCount largest changes).
struct NodeCountOption: ParsableArguments {
    @Option(name: [.customLong("nodecount"), .customLong("nodecount", withSingleDash: true)],
            help: "Show at most this many rows (0: all).")
    var nodeCount: Int?

    func validate() throws {
        if let nodeCount, nodeCount < 0 { throw ValidationError("--nodecount must be 0 or more") }
    }
}

/// A byte size such as 4G, 512M or 1048576.
struct ByteCount: ExpressibleByArgument {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        var text = Substring(argument)
        var factor = 1
        switch text.last?.lowercased() {
        case "k": factor = 1 << 10
        case "m": factor = 1 << 20
        case "g": factor = 1 << 30
        default: break
        }
        if factor != 1 { text.removeLast() }
        guard let value = Int(text), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        bytes = product
    }

    var defaultValueDescription: String { "4G" }
}
