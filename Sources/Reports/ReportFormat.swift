/// How `analyze` and `compare` write their report (`--format`).
public enum ReportFormat: String, Sendable, CaseIterable { case text, json, sarif }
