/// One signal a rule looked for, and what was measured: seen or not, with the numbers.
public struct Signal: Sendable, Equatable {
    public var name: String
    public var role: SignalSpec.Role
    public var seen: Bool
    /// What was measured, in words ("73% of the iteration time skips empty slots").
    public var detail: String
    /// For graded signals, the level the measured value reached.
    public var level: Finding.Level?
    /// The number measured and the one it is held against (the least that counts as seen; for
    /// graded signals, the warning level), when the signal measures one: how far a finding is
    /// from changing (the findings report's margins).
    public var measured: Double?
    public var needed: Double?

    public init(name: String, role: SignalSpec.Role, seen: Bool, detail: String, level: Finding.Level? = nil,
                measured: Double? = nil, needed: Double? = nil) {
        self.name = name
        self.role = role
        self.seen = seen
        self.detail = detail
        self.level = level
        self.measured = measured
        self.needed = needed
    }
}
