import Analysis
import ArgumentParser
import Pprof

/// Exactly what `go tool pprof -traces` prints.
struct Traces: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every sample's stack exactly as `go tool pprof -traces` does.")

    @Argument(help: "A pprof profile (gzip-compressed or raw protobuf).")
    var file: String

    @OptionGroup var input: InputOptions

    @Option(name: .customLong("sample-index"), help: "Sample type to print, by name or number.")
    var sampleIndex: String?

    func run() throws {
        let profile = try Loading.profile(file, input).applyingDropFrames()
        let index = try Loading.sampleIndex(sampleIndex, profile: profile, file: file)
        try Output.write(TracesReport.text(profile: profile, sampleIndex: index), to: "-")
    }
}
