import Analysis
import Findings
import Foundation

/// Findings as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), the file
/// GitHub code scanning and other viewers read: one run of the tool `proflens`, with one rule
/// per kind of finding (`SARIFRules`), one result per finding, most severe first (the order of
/// `Classifier.ordered` and of `FindingsDiff`: a worse finding's level is its new one).
///
/// A result's level is the finding's (critical: error, warning: warning, info: note); its
/// message says the share, the amount, the culprit and the signals seen; its location is the
/// statement with the pattern's shape where the source shows it (`SARIFSite`), else the
/// heaviest culprit's call site (`file:line`), named relative to the source root `%SRCROOT%`
/// (see `SARIFPaths`), with the culprit function as logical location. A finding without a
/// culprit in user code (or whose culprit has no file) is placed on the profile it was measured
/// on, without a region, with the heaviest matched frame as logical location: GitHub code
/// scanning refuses a log in which any result lacks a physical location. Culprit files that
/// were not found are named in the run's invocation, with the options that find them.
///
/// `partialFingerprints["proflens/v1"]` identifies a finding across runs: a hash of the SARIF
/// rule id, the culprit function and the culprit's file as the result names it (its URI), or of
/// the rule id and the heaviest matched frame when there is no culprit. Shares, amounts, line
/// numbers, the profile's name and the level are left out, so that the same pattern in the
/// same function keeps its identity while the code around it moves or the profile changes.
public struct SARIFReport: Sendable {
    /// One result: a finding and, in a comparison, the base's finding of the same id.
    public struct Item: Sendable {
        public var finding: Finding
        /// Whether the finding comes from a comparison (then `base` nil means new).
        public var compared: Bool
        public var base: Finding?
    }

    public static let fingerprintKey = "proflens/v1"
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public let items: [Item]
    public let rules: RuleSet
    public let paths: SARIFPaths
    public let toolVersion: String
    /// What to say, on stderr and in the log's invocation, when culprits' files were not found:
    /// worked out once (it asks the file system), when the log is made.
    public let sourceNote: String?

    /// `analyze`: every finding.
    public init(findings: [Finding], rules: RuleSet, paths: SARIFPaths, toolVersion: String = ToolInfo.version) {
        self.init(items: findings.map { Item(finding: $0, compared: false, base: nil) }, rules: rules, paths: paths, toolVersion: toolVersion)
    }

    /// `compare`: the findings that are new or worse than in the base, nothing else (a fixed
    /// or unchanged finding is not a result).
    public init(diff: FindingsDiff, rules: RuleSet, paths: SARIFPaths, toolVersion: String = ToolInfo.version) {
        let items = diff.entries.compactMap { entry -> Item? in
            guard entry.worsened, let new = entry.new else { return nil }
            return Item(finding: new, compared: true, base: entry.base)
        }
        self.init(items: items, rules: rules, paths: paths, toolVersion: toolVersion)
    }

    private init(items: [Item], rules: RuleSet, paths: SARIFPaths, toolVersion: String) {
        self.items = items
        self.rules = rules
        self.paths = paths
        self.toolVersion = toolVersion
        sourceNote = Self.sourceNote(missing: Self.sourcesNotFound(items, paths))
    }

    /// The culprits' files that were not found, each once: their results are placed on the
    /// file as the profile names it, which may be no file of the repository.
    private static func sourcesNotFound(_ items: [Item], _ paths: SARIFPaths) -> [String] {
        var missing: [String] = []
        for item in items {
            for culprit in item.finding.culprits.prefix(5) {
                guard let site = culprit.location.flatMap(SARIFPaths.Site.init),
                      !paths.artifact(for: site.file, listing: item.finding.source).found else { continue }
                let shown = paths.locator?.displayName(site.file) ?? site.file
                if !missing.contains(shown) { missing.append(shown) }
            }
        }
        return missing
    }

    private static func sourceNote(missing: [String]) -> String? {
        guard !missing.isEmpty else { return nil }
        let listed = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? " and \(missing.count - 3) more" : "")
        return "source not found for \(listed): results are placed on the files as the profile names them, "
            + "which code scanning cannot show in the repository; give --source-path DIR (the checkout) "
            + "or --trim-path PREFIX (the module path a -trimpath build records)"
    }

    public static func level(_ level: Finding.Level) -> String {
        switch level {
        case .critical: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    public func render() -> [UInt8] {
        let ruleSet = SARIFRules(rules, findings: items.map(\.finding))
        var json = JSONWriter()
        json.beginObject()
        json.field("$schema", Self.schemaURI)
        json.field("version", "2.1.0")
        json.key("runs")
        json.beginArray()
        json.beginObject()
        json.object("tool") { json in
            json.object("driver") { json in
                json.field("name", ToolInfo.name)
                json.field("version", toolVersion)
                json.field("semanticVersion", toolVersion)
                json.objects("rules", ruleSet.descriptors) { json, rule in
                    json.field("id", rule.id)
                    json.object("shortDescription") { $0.field("text", rule.title) }
                    json.object("fullDescription") { $0.field("text", rule.fullDescription) }
                    json.object("help") { json in
                        json.field("text", rule.helpText)
                        json.field("markdown", rule.helpMarkdown)
                    }
                    json.object("defaultConfiguration") { $0.field("level", Self.level(rule.level)) }
                    json.object("properties") { json in
                        json.field("pattern", rule.pattern)
                        json.strings("tags", ["performance", "go", "maps"])
                    }
                }
            }
        }
        // The run went well; what it could not do is said here, where a viewer shows it.
        json.objects("invocations", [sourceNote]) { json, note in
            json.field("executionSuccessful", true)
            if let note {
                json.objects("toolExecutionNotifications", [note]) { json, text in
                    json.field("level", "warning")
                    json.object("message") { $0.field("text", text) }
                }
            }
        }
        json.object("originalUriBaseIds") { json in
            json.object(SARIFPaths.rootId) { json in
                json.field("uri", paths.rootURI)
                json.object("description") { $0.field("text", "The source tree's root: --source-path's first directory, else the directory proflens ran in.") }
            }
        }
        json.objects("results", items) { json, item in
            writeResult(item, rules: ruleSet, &json)
        }
        json.endObject()
        json.endArray()
        json.endObject()
        return json.bytes
    }

    func writeResult(_ item: Item, rules: SARIFRules, _ json: inout JSONWriter) {
        let finding = item.finding
        let ruleIndex = rules.index(of: finding)
        let ruleId = rules.descriptors[ruleIndex].id
        let culprit = finding.culprits.first
        let culpritSite = culprit.flatMap { $0.location.flatMap(SARIFPaths.Site.init) }
        let culpritArtifact = culpritSite.map { paths.artifact(for: $0.file, listing: finding.source) }
        let site = SARIFSite.of(finding, paths: paths)
        // GitHub code scanning rejects a whole log when one result has no physical location:
        // a finding without a call site is anchored to the profile it was measured on.
        let anchor = site.map { paths.artifact(for: $0.file, listing: finding.source) } ?? paths.profileArtifact(finding.file)
        json.field("ruleId", ruleId)
        json.field("ruleIndex", ruleIndex)
        json.field("level", Self.level(finding.level))
        json.object("message") { $0.field("text", message(item)) }
        json.key("locations")
        json.beginArray()
        json.beginObject()
        if let anchor { writePhysical(anchor, line: site?.line, &json) }
        json.objects("logicalLocations", [culprit?.name ?? finding.frames.first?.name ?? finding.title]) { json, name in
            json.field("fullyQualifiedName", name)
            json.field("kind", "function")
        }
        json.endObject()
        json.endArray()
        let others = finding.culprits.dropFirst().prefix(4)
        if !others.isEmpty {
            json.objects("relatedLocations", Array(others.enumerated())) { json, pair in
                let (index, other) = pair
                json.field("id", index + 1)
                if let otherSite = other.location.flatMap(SARIFPaths.Site.init) {
                    writePhysical(paths.artifact(for: otherSite.file, listing: finding.source), line: otherSite.line, &json)
                }
                json.object("message") { $0.field("text", "Also under \(other.name): \(FindingsReport.percent(other.share)) (\(Measurement.label(other.value, unit: finding.unit)))") }
                json.objects("logicalLocations", [other.name]) { json, name in
                    json.field("fullyQualifiedName", name)
                    json.field("kind", "function")
                }
            }
        }
        json.object("partialFingerprints") { json in
            json.field(Self.fingerprintKey, Self.fingerprint(finding, ruleId: ruleId, uri: culpritArtifact?.uri))
        }
        if item.compared { json.field("baselineState", item.base == nil ? "new" : "updated") }
        json.object("properties") { json in
            json.field("title", finding.title)
            json.field("share", finding.share)
            json.field("value", finding.value)
            json.field("sampleType", finding.sampleType)
            json.field("unit", finding.unit)
            json.field("profile", finding.file)
            json.strings("culprits", finding.culprits.map(\.name))
            if let base = item.base {
                json.object("base") { json in
                    json.field("level", base.level.name)
                    json.field("share", base.share)
                    json.field("value", base.value)
                }
            }
        }
    }

    func writePhysical(_ artifact: SARIFPaths.Artifact, line: Int?, _ json: inout JSONWriter) {
        json.object("physicalLocation") { json in
            json.object("artifactLocation") { json in
                json.field("uri", artifact.uri)
                if artifact.relative { json.field("uriBaseId", SARIFPaths.rootId) }
            }
            if let line { json.object("region") { $0.field("startLine", line) } }
        }
    }

    /// "AP1 Map rebuilt ... (critical): 27.6% of cpu (1.03s) in cpu.pb.gz, under culprit
    /// main.(*SessionCache).Expire at main.go:90 (27.6%). Evidence: ..."
    func message(_ item: Item) -> String {
        let finding = item.finding
        var text = ""
        if item.compared {
            if let base = item.base {
                text += "Worse than in the base (\(base.level.name) \(FindingsReport.percent(base.share)) -> \(finding.level.name) \(FindingsReport.percent(finding.share))). "
            } else {
                text += "New since the base. "
            }
        }
        text += "\(finding.id) \(finding.title) (\(finding.level.name)): \(FindingsReport.percent(finding.share)) of \(finding.sampleType) (\(Measurement.label(finding.value, unit: finding.unit))) in \(finding.file)"
        if let culprit = finding.culprits.first {
            text += ", under the culprit \(culprit.name)"
            if let location = culprit.location { text += " at \(location)" }
            text += " (\(FindingsReport.percent(culprit.share)), \(Measurement.label(culprit.value, unit: finding.unit)))."
        } else {
            let frame = finding.frames.first.map { " (heaviest frame: \($0.name))" } ?? ""
            text += ", with no culprit in user code: reached only from the runtime or libraries\(frame)."
        }
        let seen = finding.signals.filter(\.seen)
        if !seen.isEmpty {
            text += " Evidence: " + seen.map { "\($0.name): \($0.detail)" }.joined(separator: "; ") + "."
        }
        let missing = finding.signals.filter { !$0.seen && $0.role != .confirms }
        if !missing.isEmpty { text += " Not seen: " + missing.map(\.name).joined(separator: ", ") + "." }
        if let evidence = finding.sourceEvidence, evidence.status != .unknown {
            let place = evidence.file.map { file in evidence.line.map { " at \(file):\($0)" } ?? " in \(file)" } ?? ""
            let statement = evidence.statement.map { ": `\($0)`" } ?? ""
            text += " Source \(evidence.status.rawValue)\(place)\(statement) (\(evidence.reason))."
        }
        return text
    }

    /// The `proflens/v1` fingerprint: 16 hex digits of FNV-1a (64 bits) over the SARIF rule
    /// id, the culprit function and the culprit file's URI, NUL-separated (no culprit: the rule
    /// id and the heaviest matched frame).
    static func fingerprint(_ finding: Finding, ruleId: String, uri: String?) -> String {
        let parts: [String]
        if let culprit = finding.culprits.first {
            parts = ["v1", ruleId, culprit.name, uri ?? ""]
        } else {
            parts = ["v1", ruleId, "", finding.frames.first?.name ?? ""]
        }
        return fnv1a64(parts.joined(separator: "\u{0}"))
    }

    static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// How a profile's file names become SARIF artifact locations that a code-scanning upload can
/// put on the source tree: relative URIs against the root `%SRCROOT%`, which is the first
/// `--source-path` directory when one is given, else the directory proflens runs in.
///
/// A file the source locator finds (under a `--source-path` directory or the current
/// directory, after `--trim-path`) is named relative to the root, or to the search directory
/// it was found in when that is outside the root. A file not found is named as `go tool pprof
/// -list` would name it (`--trim-path` prefixes removed): relative to the root when it is an
/// absolute path inside it, as an absolute `file://` URI when it is elsewhere, and as it is
/// when it is relative (a module path from a `-trimpath` build: `--trim-path
/// github.com/org/repo` makes it a path in the repository).
public struct SARIFPaths: Sendable {
    public static let rootId = "%SRCROOT%"

    /// A culprit's call site, "file:line" or "file".
    public struct Site: Sendable, Equatable {
        public var file: String
        public var line: Int?

        public init(file: String, line: Int?) {
            self.file = file
            self.line = line
        }

        public init?(_ location: String) {
            if let colon = location.lastIndex(of: ":"), let number = Int(location[location.index(after: colon)...]) {
                file = String(location[..<colon])
                line = number > 0 ? number : nil
            } else {
                file = location
                line = nil
            }
            if file.isEmpty { return nil }
        }
    }

    public struct Artifact: Sendable, Equatable {
        public var uri: String
        /// Relative to `%SRCROOT%`.
        public var relative: Bool
        /// Whether the file was found (a file not found is named as the profile names it).
        public var found = true
    }

    /// The root, absolute and without a trailing slash ("/" for the file system's root).
    public let root: String
    public let locator: SourceLocator?
    let searchDirectories: [String]

    public init(locator: SourceLocator?, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let current = Self.normalized(currentDirectory, in: "/")
        self.locator = locator
        let searched = (locator?.searchPathsGiven ?? false) ? locator!.searchPaths.map { Self.normalized($0, in: current) } : [current]
        root = searched.first ?? current
        searchDirectories = searched
    }

    /// `file:///root/`: the root as SARIF's originalUriBaseIds names it (with a final slash).
    var rootURI: String { "file://" + Self.encoded(root == "/" ? "/" : root + "/") }

    /// Where a profile (as the command line named it) is: nil for standard input.
    func profileArtifact(_ name: String) -> Artifact? {
        if name == "-" || name.isEmpty { return nil }
        if name.contains("://") { return URL(string: name) != nil ? Artifact(uri: name, relative: false) : nil }
        let absolute = Self.normalized(name, in: FileManager.default.currentDirectoryPath)
        if let relative = Self.relative(absolute, to: root) { return Artifact(uri: Self.encoded(relative), relative: true) }
        return Artifact(uri: "file://" + Self.encoded(absolute), relative: false)
    }

    /// Where `file` (as the profile names it) is, for a result.
    func artifact(for file: String, listing: SourceListing? = nil) -> Artifact {
        let found: String?
        if let listing, listing.file == (locator?.displayName(file) ?? file) {
            found = listing.path
        } else {
            found = locator?.locate(file)
        }
        if let found {
            let absolute = Self.normalized(found, in: FileManager.default.currentDirectoryPath)
            for directory in [root] + searchDirectories {
                if let relative = Self.relative(absolute, to: directory) { return Artifact(uri: Self.encoded(relative), relative: true) }
            }
            return Artifact(uri: "file://" + Self.encoded(absolute), relative: false)
        }
        let shown = locator?.displayName(file) ?? file
        if shown.hasPrefix("/") {
            let absolute = Self.normalized(shown, in: "/")
            if let relative = Self.relative(absolute, to: root) { return Artifact(uri: Self.encoded(relative), relative: true, found: false) }
            return Artifact(uri: "file://" + Self.encoded(absolute), relative: false, found: false)
        }
        let components = shown.split(separator: "/").filter { $0 != "." }
        return Artifact(uri: Self.encoded(components.joined(separator: "/")), relative: true, found: false)
    }

    /// `path` made absolute against `directory`, with "." and ".." resolved (symbolic links are
    /// left as they are).
    static func normalized(_ path: String, in directory: String) -> String {
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        var components: [Substring] = []
        for component in full.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// `path` relative to `directory` when it is inside it.
    static func relative(_ path: String, to directory: String) -> String? {
        let prefix = directory == "/" ? "/" : directory + "/"
        guard path.hasPrefix(prefix), path.count > prefix.count else { return nil }
        return String(path.dropFirst(prefix.count))
    }

    /// Percent-encodes everything but unreserved characters and "/" (RFC 3986), so that any
    /// file name is a valid URI reference and a colon cannot read as a scheme.
    static func encoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

/// The tool's name and version, as `--version` and reports give them.
public enum ToolInfo {
    public static let name = "proflens"
    public static let version = "0.2.0"
}
