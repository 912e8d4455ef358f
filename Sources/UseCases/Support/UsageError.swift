/// A request a command cannot honour, found once its options are parsed (an option that needs
/// a URL and no profile is one, a `list` pattern that matches nothing): exit code 64. The
/// pipeline's own (`PipelineError.usage`) and a bad rules file are usage errors too; the
/// argument parser's `ValidationError` is for the options' shape alone, checked before.
public struct UsageError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
