import Foundation

public enum TemporaryFile {
    /// Writes `bytes` to a new file in the temporary folder, `proflens-<label>-<UUID><suffix>`
    /// (`proflens-<UUID><suffix>` without a label): a name no other test running at once can
    /// have. The caller removes it, or leaves it to be looked at when a test fails.
    public static func write(_ bytes: [UInt8], label: String? = nil, suffix: String = "") throws -> URL {
        let name = "proflens-" + (label.map { $0 + "-" } ?? "") + UUID().uuidString + suffix
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
