import ArgumentParser
import Pprof

/// Options every command that reads a profile takes.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("max-inflated-size"),
            help: "Refuse gzip input that inflates to more than this many bytes (suffixes k, M, G allowed).")
    var maxInflatedSize: ByteCount = ByteCount(bytes: Gzip.defaultMaxInflatedSize)

    var reader: ProfileReader { ProfileReader(maxInflatedSize: maxInflatedSize.bytes) }
}

/// Options that choose what a report measures.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("sample-index"),
            help: "Sample type to report, by name (e.g. alloc_space) or number; default: the profile's default type, else the last.")
    var sampleIndex: String?

    @Option(name: .customLong("nodecount"), help: "Show at most this many rows (0: all, as go tool pprof -top).")
    var nodeCount: Int = 0

    func validate() throws {
        if nodeCount < 0 { throw ValidationError("--nodecount must be 0 or more") }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
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
