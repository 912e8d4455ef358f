import ArgumentParser

/// How every command describes and completes its profile arguments: each is a file, `-`, a
/// URL or host:port (README, "Where profiles come from"); shells complete file names.
enum ProfileArguments {
    static func help(_ what: String) -> ArgumentHelp {
        ArgumentHelp("\(what): files (gzip-compressed or raw protobuf), - for standard input, "
                     + "or http(s):// URLs or host:port[/path] of a running program (fetched as go tool pprof fetches them).")
    }

    static let completion = CompletionKind.file()
}
