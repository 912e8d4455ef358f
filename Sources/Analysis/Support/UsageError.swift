/// A request that cannot be honoured as given, the one error that means exit code 64: a bad
/// pattern, an unknown sample type, a rules file that is not one, two options that do not go
/// together, a `list` pattern that matches nothing. Every library throws this one (it lives
/// here, the lowest target the request-taking ones share: Pipeline and Findings both need it);
/// the argument parser's `ValidationError` is for the options' shape alone, checked before.
public struct UsageError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
