import Foundation

/// Where the sample programs' profiles are: the one place that knows the layout, which is
/// `samples/profiles/CASE/FILE` or, per Go version, `samples/profiles/goX.Y/CASE/FILE` (the
/// newest version that has the file wins).
public enum SampleProfiles {
    public static let root = Paths.samples.appendingPathComponent("profiles")

    /// The profile, or nil with a printed notice when no layout has it.
    public static func url(_ sample: String, _ file: String) -> URL? {
        let manager = FileManager.default
        let flat = root.appendingPathComponent(sample).appendingPathComponent(file)
        if manager.fileExists(atPath: flat.path) { return flat }
        let versions = ((try? manager.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0.hasPrefix("go") }
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
        for version in versions {
            let candidate = root.appendingPathComponent(version).appendingPathComponent(sample).appendingPathComponent(file)
            if manager.fileExists(atPath: candidate.path) { return candidate }
        }
        print("notice: sample profile \(sample)/\(file) not found under \(root.path)")
        return nil
    }
}
