/// One signal a rule looked for, and what was measured: seen or not, with the numbers.
public struct Signal: Sendable, Equatable {
    public var name: String
    public var role: SignalSpec.Role
    public var seen: Bool
    /// What was measured, in words ("73% of the iteration time skips empty slots").
    public var detail: String
    /// For graded signals, the level the measured value reached.
    public var level: Finding.Level?

    public init(name: String, role: SignalSpec.Role, seen: Bool, detail: String, level: Finding.Level? = nil) {
        self.name = name
        self.role = role
        self.seen = seen
        self.detail = detail
        self.level = level
    }
}
