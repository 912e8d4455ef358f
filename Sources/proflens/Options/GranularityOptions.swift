import Analysis
import ArgumentParser

/// pprof's report granularities, one at a most: what a row (top) or a frame (traces) is.
struct GranularityOptions: ParsableArguments {
    @Flag(name: [.customLong("functions"), .customLong("functions", withSingleDash: true)],
          help: "One node per function (the default), as go tool pprof -functions.")
    var functions = false

    @Flag(name: [.customLong("lines"), .customLong("lines", withSingleDash: true)],
          help: "One node per source line (function file:line), as go tool pprof -lines.")
    var lines = false

    @Flag(name: [.customLong("files"), .customLong("files", withSingleDash: true)],
          help: "One node per source file, as go tool pprof -files.")
    var files = false

    @Flag(name: [.customLong("filefunctions"), .customLong("filefunctions", withSingleDash: true)],
          help: "One node per function and file (function file), as go tool pprof -filefunctions.")
    var fileFunctions = false

    @Flag(name: [.customLong("addresses"), .customLong("addresses", withSingleDash: true)],
          help: "One node per instruction address (address function file:line), as go tool pprof -addresses.")
    var addresses = false

    func validate() throws {
        let chosen = [functions, lines, files, fileFunctions, addresses].filter { $0 }.count
        if chosen > 1 { throw ValidationError("choose one of --functions, --lines, --files, --filefunctions, --addresses") }
    }

    /// The option given, as spelled (nil for the default, per function).
    var given: String? { granularity == .functions ? nil : "--" + granularity.optionName }

    var granularity: FrameTable.Granularity {
        if lines { return .fileLines }
        if files { return .files }
        if fileFunctions { return .fileFunctions }
        if addresses { return .addresses }
        return .functions
    }
}

/// The options that shape a table (`given`, as spelled), refused where no table is printed:
/// "--cum and --unit apply to the tables, which SARIF output does not have".
func refuseTableOptions(_ given: [String], table: String, which reason: String) throws {
    guard !given.isEmpty else { return }
    throw ValidationError("\(given.joined(separator: " and ")) \(given.count > 1 ? "apply" : "applies") to the \(table), which \(reason)")
}
