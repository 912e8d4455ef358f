import Foundation
import TestSupport
import UseCases

/// A run's messages for standard error, collected instead of written.
final class CollectedMessages: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []

    var lines: [String] { lock.withLock { collected } }
    var messages: Messages { Messages { [self] line in lock.withLock { collected.append(line) } } }
}

extension ProfileInput {
    /// The profiles named, with nothing said on standard error and nothing saved.
    static func quiet(_ arguments: [String], base: [String] = []) -> ProfileInput {
        var input = ProfileInput(arguments, base: base)
        input.messages = Messages { _ in }
        return input
    }
}

extension CommandResult {
    /// What goes to standard output, as text.
    func standardOutputText() throws -> String {
        String(decoding: try bytes(for: .standardOutput) ?? [], as: UTF8.self)
    }
}
