import Findings
import Foundation
import GoSource

/// Where a SARIF result stands: on the statement with the pattern's shape when the source
/// shows it (the confirmed statement of the shape check), else on the culprit's heaviest call
/// site. An AP2 result on a read of a `sync.Map` (the heaviest call site, or a hot `Load` of a
/// map written per request elsewhere) moves to a write of that map, `Store`, `LoadOrStore`,
/// `Delete`…: a write-heavy sync.Map is fixed where it is written.
enum SARIFSite {
    static func of(_ finding: Finding, paths: SARIFPaths) -> SARIFPaths.Site? {
        var site = finding.culprits.first?.location.flatMap(SARIFPaths.Site.init)
        if let evidence = finding.sourceEvidence, evidence.status == .confirmed, let file = evidence.file, let line = evidence.line {
            site = SARIFPaths.Site(file: file, line: line)
        }
        guard finding.id == MapPattern.ap2.rawValue, let read = site, let line = read.line,
              let path = paths.locator?.locate(read.file),
              let bytes = FileManager.default.contents(atPath: path) else { return site }
        let file = GoFile(path: path, source: Array(bytes))
        guard let write = SyncMapWrites.writes(ofMapReadAt: line, in: file, package: SourceAnnotator.packageSiblings(of: path)).first else { return site }
        return SARIFPaths.Site(file: write.path, line: write.line)
    }
}
