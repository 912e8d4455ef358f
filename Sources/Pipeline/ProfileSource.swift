/// Where a profile comes from: a file, standard input, or (later) a live service.
public enum ProfileSource: Sendable, Equatable {
    case file(String)
    case standardInput

    /// A command-line argument as a source: `-` is standard input, anything else a path.
    public init(argument: String) {
        self = argument == "-" ? .standardInput : .file(argument)
    }

    /// How reports name the source.
    public var name: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "-"
        }
    }
}
