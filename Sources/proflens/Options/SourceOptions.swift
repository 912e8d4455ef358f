import Analysis
import ArgumentParser

/// Where the source files a profile names are found (pprof's -source_path and -trim_path).
struct SourceOptions: ParsableArguments {
    @Option(name: [.customLong("source-path"), .customLong("source_path", withSingleDash: true)],
            help: "Directories to look for source files in, DIR[:DIR...] (default: the current directory).")
    var sourcePath: String?

    @Option(name: [.customLong("trim-path"), .customLong("trim_path", withSingleDash: true)],
            help: "Path prefixes to remove from the profile's file names before looking them up, PREFIX[:PREFIX...].")
    var trimPath: String?

    var locator: SourceLocator { SourceLocator(sourcePath: sourcePath, trimPath: trimPath) }
}
