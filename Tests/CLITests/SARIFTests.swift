import Foundation
import Testing
import TestSupport

/// `analyze --format sarif` and `compare --format sarif`: valid SARIF 2.1.0 (checked against
/// the OASIS schema with Python's jsonschema), locations a code-scanning upload puts on the
/// source tree, levels, fingerprints that survive a new run, and compare's new or worse
/// findings only.
@Suite struct SARIFTests {
    typealias JSON = [String: Any]

    static let programs = ["ap1-range-mutate", "ap2-lock-contention", "ap3-delete-keep-ref", "ap4-never-shrink", "healthy"]

    /// Every profile of a program's folder.
    static func allProfiles(_ program: String) -> [String] {
        Paths.files(in: SampleProfiles.folder(program), suffix: ".pb.gz").map(\.path)
    }

    func sarif(_ arguments: [String], in directory: URL? = CLI.packageRoot) throws -> (log: JSON, bytes: Data) {
        let result = try CLI.run(arguments, in: directory)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let log = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? JSON)
        return (log, result.stdout)
    }

    func run(_ log: JSON) throws -> JSON { try #require((log["runs"] as? [JSON])?.first) }
    func results(_ log: JSON) throws -> [JSON] { try #require(try run(log)["results"] as? [JSON]) }

    func rules(_ log: JSON) throws -> [JSON] { try #require(((try run(log)["tool"] as? JSON)?["driver"] as? JSON)?["rules"] as? [JSON]) }

    /// The pattern id and title of a result's rule (what a finding names its rule by).
    func rule(of result: JSON, in log: JSON) throws -> (pattern: String?, title: String?) {
        let rule = try rules(log)[try #require(result["ruleIndex"] as? Int)]
        #expect(rule["id"] as? String == result["ruleId"] as? String)
        return ((rule["properties"] as? JSON)?["pattern"] as? String, (rule["shortDescription"] as? JSON)?["text"] as? String)
    }

    static let severity = ["error": 3, "warning": 2, "note": 1]

    /// The source line a result stands on, read from the file.
    func sourceLine(_ result: JSON, root: URL = CLI.packageRoot) throws -> String {
        let place = try #require(physical(result))
        let line = try #require(place.line)
        let lines = try String(contentsOf: root.appendingPathComponent(place.uri), encoding: .utf8).components(separatedBy: "\n")
        return lines[line - 1]
    }

    func fingerprint(_ result: JSON) -> String? { (result["partialFingerprints"] as? [String: String])?["proflens/v1"] }

    func physical(_ result: JSON) -> (uri: String, base: String?, line: Int?)? {
        guard let location = (result["locations"] as? [JSON])?.first,
              let physical = location["physicalLocation"] as? JSON,
              let artifact = physical["artifactLocation"] as? JSON,
              let uri = artifact["uri"] as? String else { return nil }
        return (uri, artifact["uriBaseId"] as? String, (physical["region"] as? JSON)?["startLine"] as? Int)
    }

    // MARK: Schema

    @Test(.enabled(if: SchemaValidator.available, "needs python3 with jsonschema (pip install jsonschema) and ../shared/schemas"))
    func analyzeAndCompareOutputValidatesAgainstTheSchema() throws {
        var documents: [(String, Data)] = []
        for program in Self.programs {
            documents.append(("analyze \(program)", try sarif(["analyze", "--format", "sarif"] + Self.allProfiles(program)).bytes))
        }
        for program in Self.programs.dropLast() {
            let fixed = SampleProfiles.path(program + "-fixed"), broken = SampleProfiles.path(program)
            documents.append(("compare \(program)", try sarif(["compare", "--format", "sarif", fixed, broken]).bytes))
            documents.append(("compare \(program) fixed", try sarif(["compare", "--format", "sarif", broken, fixed]).bytes))
        }
        // A finding without a culprit (logical location only), run from another directory.
        documents.append(("no culprit", try sarif(["analyze", "--format", "sarif", "--rules", try Self.runtimeOnlyRules().path,
                                                   SampleProfiles.path("ap1-range-mutate")], in: FileManager.default.temporaryDirectory).bytes))
        for (name, bytes) in documents {
            let errors = try SchemaValidator.validate(bytes)
            #expect(errors.isEmpty, "\(name): \(errors)")
        }
        // The validator does reject what is not SARIF.
        #expect(try !SchemaValidator.validate(Data(#"{"version": "2.1.0", "runs": [{"tool": {}}]}"#.utf8)).isEmpty)
    }

    // MARK: Locations and levels

    @Test func locationIsTheShapeStatementRelativeToTheSourceRoot() throws {
        let program = "ap1-range-mutate"
        let json = try CLI.run(["analyze", "--format", "json"] + SampleProfiles.cpuAndHeap(program), in: CLI.packageRoot)
        let findings = try #require((try JSONSerialization.jsonObject(with: json.stdout) as? JSON)?["findings"] as? [JSON])
        let finding = try #require(findings.first { $0["id"] as? String == "AP1" })
        let culprit = try #require((finding["culpritDetails"] as? [JSON])?.first)
        let location = try #require(culprit["location"] as? String)
        let line = try #require(Int(location.split(separator: ":").last ?? ""))
        let evidence = try #require(finding["sourceEvidence"] as? JSON)
        #expect(evidence["status"] as? String == "confirmed")
        let shapeLine = try #require(evidence["line"] as? Int)
        #expect(shapeLine != line, "the sample's shape statement is not the culprit's call site")

        let log = try sarif(["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap(program)).log
        let ap1 = try #require(try results(log).first { $0["ruleId"] as? String == "AP1" })
        let place = try #require(physical(ap1))
        #expect(place.uri == SampleProfiles.source(program))
        #expect(place.base == "%SRCROOT%")
        // With the source at hand, the region is the statement with the pattern's shape: the
        // ranged map reassigned inside its range loop.
        #expect(place.line == shapeLine)
        let statement = try #require(evidence["statement"] as? String)
        #expect(try sourceLine(ap1).trimmingCharacters(in: .whitespaces) == statement)
        let bases = try #require(try run(log)["originalUriBaseIds"] as? JSON)
        #expect((bases["%SRCROOT%"] as? JSON)?["uri"] as? String == "file://" + CLI.packageRoot.resolvingSymlinksInPath().path + "/")
        let logical = try #require(((ap1["locations"] as? [JSON])?.first?["logicalLocations"] as? [JSON])?.first)
        #expect(logical["fullyQualifiedName"] as? String == culprit["name"] as? String)

        // From elsewhere: --source-path names the root; --trim-path turns the profile's module
        // path into a path in the repository when the source is not at hand. Same URI, same
        // fingerprint.
        let elsewhere = try Self.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let bySourcePath = try sarif(["analyze", "--format", "sarif", "--source-path", CLI.packageRoot.path] + SampleProfiles.cpuAndHeap(program), in: elsewhere).log
        let profileFile = String(location[..<location.lastIndex(of: ":")!])
        #expect(profileFile.hasSuffix("/" + SampleProfiles.source(program)))
        let prefix = String(profileFile.dropLast(SampleProfiles.source(program).count))
        let byTrimPath = try sarif(["analyze", "--format", "sarif", "--trim-path", prefix] + SampleProfiles.cpuAndHeap(program), in: elsewhere).log
        let bySource = try #require(try results(bySourcePath).first { $0["ruleId"] as? String == "AP1" })
        #expect(physical(bySource)?.uri == place.uri && physical(bySource)?.line == shapeLine)
        // Without the source (only the module path trimmed), the culprit's call site: the
        // statement that grows the map.
        let byTrim = try #require(try results(byTrimPath).first { $0["ruleId"] as? String == "AP1" })
        #expect(physical(byTrim)?.uri == place.uri && physical(byTrim)?.line == line)
        #expect(try sourceLine(byTrim).contains("] = "))
        for result in [bySource, byTrim] { #expect(fingerprint(result) == fingerprint(ap1)) }
        // Without either, the module path is all there is: it is kept, relative.
        let untrimmed = try sarif(["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap(program), in: elsewhere).log
        #expect(physical(try #require(try results(untrimmed).first))?.uri == profileFile)
    }

    @Test func aFindingWithoutACulpritIsPlacedOnItsProfile() throws {
        // GitHub code scanning refuses a log with a result that has no physical location.
        let profile = SampleProfiles.path("ap1-range-mutate")
        let log = try sarif(["analyze", "--format", "sarif", "--rules", try Self.runtimeOnlyRules().path, profile]).log
        let result = try #require(try results(log).first)
        #expect(result["ruleId"] as? String == "GC1" && result["ruleIndex"] as? Int == 0)
        let location = try #require((result["locations"] as? [JSON])?.first)
        let place = try #require(physical(result))
        #expect(place.uri == String(profile.dropFirst(CLI.packageRoot.path.count + 1)) && place.base == "%SRCROOT%" && place.line == nil)
        #expect((location["logicalLocations"] as? [JSON])?.first?["fullyQualifiedName"] as? String == "runtime.gcBgMarkWorker")
        let text = try #require((result["message"] as? JSON)?["text"] as? String)
        #expect(text.contains("no culprit in user code"))
        #expect(fingerprint(result)?.count == 16)
    }

    @Test func oneResultPerFindingAtItsLevel() throws {
        let levels = ["critical": "error", "warning": "warning", "info": "note"]
        for program in Self.programs {
            let profiles = Self.allProfiles(program)
            let json = try CLI.run(["analyze", "--format", "json"] + profiles, in: CLI.packageRoot)
            let findings = try #require((try JSONSerialization.jsonObject(with: json.stdout) as? JSON)?["findings"] as? [JSON])
            let log = try sarif(["analyze", "--format", "sarif"] + profiles).log
            let results = try results(log)
            // Each result under the rule of its own kind (pattern and title).
            let named = try results.map { try rule(of: $0, in: log) }
            #expect(named.map(\.pattern) == findings.map { $0["id"] as? String }, "\(program)")
            #expect(named.map(\.title) == findings.map { $0["title"] as? String }, "\(program)")
            #expect(results.map { $0["level"] as? String } == findings.map { levels[$0["level"] as? String ?? ""] }, "\(program)")
            let severities = results.map { Self.severity[$0["level"] as? String ?? ""] ?? 0 }
            #expect(severities == severities.sorted(by: >), "\(program): errors, then warnings, then notes")
            for result in results {
                let text = try #require((result["message"] as? JSON)?["text"] as? String)
                #expect(text.contains("% of ") && text.contains("culprit"), "\(text)")
                #expect(physical(result) != nil, "every result has a physical location (GitHub code scanning needs one)")
            }
        }
        // The critical AP1 of the sample says what it measured and what it saw.
        let ap1 = try #require(try results(try sarif(["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap("ap1-range-mutate")).log).first)
        #expect(ap1["level"] as? String == "error")
        let text = try #require((ap1["message"] as? JSON)?["text"] as? String)
        #expect(text.contains("main.(*SessionCache).Expire") && text.contains("Evidence: ") && text.contains("heapAllocated"))
    }

    @Test func oneRulePerKindOfFindingWithItsOwnTexts() throws {
        let log = try sarif(["analyze", "--format", "sarif", SampleProfiles.path("healthy")]).log
        let driver = try #require((try run(log)["tool"] as? JSON)?["driver"] as? JSON)
        #expect(driver["name"] as? String == "proflens")
        let version = try CLI.run(["--version"]).text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(driver["version"] as? String == version)
        let rules = try #require(driver["rules"] as? [JSON])
        #expect(rules.map { $0["id"] as? String } == ["AP1", "AP1/keys-inserted", "AP2/concurrent-writes", "AP2/sync-map", "AP2/lock-contention", "AP2/lock-queue",
                                                      "AP3/gc-marking", "AP3/heap-kept", "AP4/sparse-iteration", "AP4/cleared-table", "AP4/peak-table"])
        // Each descriptor is one built-in rule's: its title, explanation, fix, and the highest
        // level its thresholds reach.
        let builtin = try #require((try JSONSerialization.jsonObject(with: try CLI.run(["rules"]).stdout) as? JSON)?["rules"] as? [JSON])
        #expect(builtin.count == rules.count)
        for (rule, source) in zip(rules, builtin) {
            let id = try #require(rule["id"] as? String)
            #expect((rule["shortDescription"] as? JSON)?["text"] as? String == source["title"] as? String, "\(id)")
            #expect((rule["fullDescription"] as? JSON)?["text"] as? String == source["explanation"] as? String, "\(id)")
            let help = try #require(rule["help"] as? JSON)
            #expect(help["text"] as? String == source["fix"] as? String, "\(id)")
            #expect((help["markdown"] as? String)?.isEmpty == false && (help["markdown"] as? String)?.contains("- **") == false, "\(id)")
            #expect((rule["properties"] as? JSON)?["pattern"] as? String == source["id"] as? String, "\(id)")
            let thresholds = try #require(source["thresholds"] as? [String: Double])
            let reachable = thresholds["critical"]! <= 1 ? "error" : thresholds["warning"]! <= 1 ? "warning" : "note"
            #expect((rule["defaultConfiguration"] as? JSON)?["level"] as? String == reachable, "\(id)")
        }
        // A write-heavy sync.Map alert is headed by its own kind alone.
        #expect((rules.first { $0["id"] as? String == "AP2/sync-map" }?["shortDescription"] as? JSON)?["text"] as? String == "Write-heavy sync.Map")
        #expect(rules.filter { ($0["shortDescription"] as? JSON)?["text"] as? String == "Concurrent map writes" }.count == 1)
    }

    @Test func rulesOfAFileThatShareAnIdWithoutVariantsGetIdsOfTheirOwn() throws {
        let rules = #"{"rules": [{"id": "GC1", "title": "Background marking", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^runtime\\.gcBgMarkWorker$"], "thresholds": {"info": 0.0001, "warning": 2, "critical": 2}, "explanation": "GC", "fix": "allocate less"}, {"id": "GC1", "title": "Marking, assisted!", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^runtime\\.gcAssistAlloc$"], "thresholds": {"info": 0.5, "warning": 0.6, "critical": 0.7}, "explanation": "assists", "fix": "allocate less often"}, {"id": "GC2", "variant": "drain", "title": "Drain", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^runtime\\.gcDrain$"], "thresholds": {"info": 0.5, "warning": 0.6, "critical": 0.7}, "explanation": "drain", "fix": "less"}]}"#
        let file = try CLI.temporaryFile(Array(rules.utf8), name: "shared-rules-\(UUID().uuidString).json")
        let log = try sarif(["analyze", "--format", "sarif", "--rules", file.path, SampleProfiles.path("ap1-range-mutate")]).log
        #expect(try self.rules(log).map { $0["id"] as? String } == ["GC1", "GC1/marking-assisted", "GC2/drain"])
        let result = try #require(try results(log).first)
        #expect(result["ruleId"] as? String == "GC1" && result["ruleIndex"] as? Int == 0)
        // A variant that is not a slug is refused with the rule named.
        let bad = try CLI.temporaryFile(Array(rules.replacingOccurrences(of: #""variant": "drain""#, with: #""variant": "Drain/1""#).utf8),
                                        name: "bad-rules-\(UUID().uuidString).json")
        let refused = try CLI.run(["analyze", "--rules", bad.path, SampleProfiles.path("ap1-range-mutate")])
        #expect(refused.status == 64 && refused.stderr.contains("rule GC2: variant"), "\(refused.stderr)")
    }

    @Test func aWriteHeavySyncMapStandsOnAWriteOfTheMap() throws {
        let program = "ap2-lock-contention"
        let log = try sarif(["analyze", "--format", "sarif"] + Self.allProfiles(program)).log
        let all = try results(log)
        let syncMap = try #require(all.first { $0["ruleId"] as? String == "AP2/sync-map" }, "\(all.map { $0["ruleId"] as? String })")
        let text = try sourceLine(syncMap)
        let writes = ["Store(", "LoadOrStore(", "LoadAndDelete(", "Delete(", "Swap(", "CompareAndSwap(", "CompareAndDelete("]
        #expect(writes.contains { text.contains("." + $0) }, "\(text)")
        // The culprit's heaviest call site in this profile is a Load: the finding names it.
        let json = try CLI.run(["analyze", "--format", "json"] + Self.allProfiles(program), in: CLI.packageRoot)
        let findings = try #require((try JSONSerialization.jsonObject(with: json.stdout) as? JSON)?["findings"] as? [JSON])
        let finding = try #require(findings.first { $0["title"] as? String == "Write-heavy sync.Map" })
        let site = try #require((finding["culpritDetails"] as? [JSON])?.first?["location"] as? String)
        let siteLine = try #require(Int(site.split(separator: ":").last ?? ""))
        let source = try String(contentsOf: CLI.packageRoot.appendingPathComponent(try #require(physical(syncMap)).uri), encoding: .utf8)
            .components(separatedBy: "\n")
        #expect(source[siteLine - 1].contains(".Load("), "\(source[siteLine - 1])")
    }

    @Test func sourcesNotFoundAreSaidOnStandardErrorAndInTheInvocation() throws {
        let elsewhere = try Self.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let program = "ap1-range-mutate"
        let runs = [["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap(program),
                    ["compare", "--format", "sarif", SampleProfiles.path(program + "-fixed"), SampleProfiles.path(program)]]
        for arguments in runs {
            // Not found: the module path is all there is.
            let result = try CLI.run(arguments, in: elsewhere)
            #expect(result.status == 0)
            #expect(result.stderr.contains("source not found for ") && result.stderr.contains("main.go"), "\(result.stderr)")
            #expect(result.stderr.contains("--source-path") && result.stderr.contains("--trim-path"), "\(result.stderr)")
            let log = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? JSON)
            let invocation = try #require((try run(log)["invocations"] as? [JSON])?.first)
            #expect(invocation["executionSuccessful"] as? Bool == true)
            let notes = try #require(invocation["toolExecutionNotifications"] as? [JSON])
            let text = try #require((notes.first?["message"] as? JSON)?["text"] as? String)
            #expect(notes.count == 1 && text.contains("--source-path") && text.contains("--trim-path") && text.contains("main.go"), "\(text)")
            #expect(result.stderr.contains(text))
            // Found: nothing to say.
            let found = try CLI.run(arguments, in: CLI.packageRoot)
            #expect(found.status == 0 && !found.stderr.contains("source not found"), "\(found.stderr)")
            let foundLog = try #require(try JSONSerialization.jsonObject(with: found.stdout) as? JSON)
            let foundInvocation = try #require((try run(foundLog)["invocations"] as? [JSON])?.first)
            #expect(foundInvocation["toolExecutionNotifications"] == nil)
        }
    }

    // MARK: Fingerprints

    @Test func fingerprintsSurviveAnotherRunAndAnotherProfileOfTheProgram() throws {
        let program = "ap1-range-mutate"
        let first = try sarif(["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap(program))
        let second = try sarif(["analyze", "--format", "sarif"] + SampleProfiles.cpuAndHeap(program))
        #expect(first.bytes == second.bytes)
        let original = try #require(try results(first.log).first { $0["ruleId"] as? String == "AP1" })
        let prints = try results(first.log).compactMap(fingerprint)
        #expect(Set(prints).count == prints.count, "one fingerprint per finding")

        // Another profile of the same program after an edit: a quarter of the samples gone
        // (other shares) and every line 7 further down. The culprit's identity stays.
        let variant = try ProfileVariant.write(from: SampleProfiles.path(program), dropEvery: 4, lineShift: 7)
        defer { try? FileManager.default.removeItem(at: variant) }
        let shifted = try #require(try results(try sarif(["analyze", "--format", "sarif", variant.path, SampleProfiles.path(program, "heap")]).log)
            .first { $0["ruleId"] as? String == "AP1" })
        // The profile's lines moved (the culprit's call site is 7 lines down); the result stands
        // on the shape statement the source on disk has, which did not.
        func culpritLine(_ profiles: [String]) throws -> Int? {
            let json = try CLI.run(["analyze", "--format", "json"] + profiles, in: CLI.packageRoot)
            let findings = (try JSONSerialization.jsonObject(with: json.stdout) as? JSON)?["findings"] as? [JSON]
            let location = ((findings?.first { $0["id"] as? String == "AP1" }?["culpritDetails"] as? [JSON])?.first?["location"] as? String)
            return location.flatMap { Int($0.split(separator: ":").last ?? "") }
        }
        let originalLine = try #require(try culpritLine(SampleProfiles.cpuAndHeap(program)))
        #expect(try culpritLine([variant.path, SampleProfiles.path(program, "heap")]) == originalLine + 7)
        #expect(physical(shifted)?.line == physical(original)?.line)
        #expect((shifted["properties"] as? JSON)?["share"] as? Double != (original["properties"] as? JSON)?["share"] as? Double)
        #expect(fingerprint(shifted) == fingerprint(original))

        // The same program profiled under another Go version (samples/profiles keeps two).
        let other = try #require(SampleProfiles.otherVersion(program), "samples/profiles should hold \(program) under a second Go version")
        let otherResult = try results(try sarif(["analyze", "--format", "sarif", other]).log).first { $0["ruleId"] as? String == "AP1" }
        #expect(otherResult.flatMap(fingerprint) == fingerprint(original))
    }

    // MARK: compare

    @Test func compareReportsNewAndWorseFindingsOnly() throws {
        let levels = ["critical": "error", "warning": "warning", "info": "note"]
        for program in Self.programs.dropLast() {
            let fixed = SampleProfiles.path(program + "-fixed"), broken = SampleProfiles.path(program)
            for (base, new) in [(fixed, broken), (broken, fixed), (broken, broken)] {
                let json = try CLI.run(["compare", "--format", "json", base, new], in: CLI.packageRoot)
                let entries = try #require((try JSONSerialization.jsonObject(with: json.stdout) as? JSON)?["findings"] as? [JSON])
                let worse = entries.filter { $0["worsened"] as? Bool == true }
                let log = try sarif(["compare", "--format", "sarif", base, new]).log
                let results = try results(log)
                // The same findings, errors first, then warnings, then notes.
                let byLevel = worse.enumerated().sorted { a, b in
                    let (x, y) = (Self.severity[levels[(a.element["after"] as? JSON)?["level"] as? String ?? ""] ?? ""] ?? 0,
                                  Self.severity[levels[(b.element["after"] as? JSON)?["level"] as? String ?? ""] ?? ""] ?? 0)
                    return x != y ? x > y : a.offset < b.offset
                }.map(\.element)
                #expect(try results.map { try rule(of: $0, in: log).pattern } == byLevel.map { $0["id"] as? String }, "\(program): \(base) -> \(new)")
                #expect(results.map { $0["baselineState"] as? String } == byLevel.map { $0["status"] as? String == "new" ? "new" : "updated" })
                let severities = results.map { Self.severity[$0["level"] as? String ?? ""] ?? 0 }
                #expect(severities == severities.sorted(by: >))
                if base == new || new == fixed { #expect(results.isEmpty) }
            }
        }
        // A new finding has the fingerprint analyze gives it; a worse one says how it was.
        let analyzed = try results(try sarif(["analyze", "--format", "sarif", SampleProfiles.path("ap1-range-mutate")]).log)
        let compared = try results(try sarif(["compare", "--format", "sarif", SampleProfiles.path("ap1-range-mutate-fixed"), SampleProfiles.path("ap1-range-mutate")]).log)
        #expect(compared.contains { $0["ruleId"] as? String == "AP1" })
        for result in compared {
            let same = analyzed.first { $0["ruleId"] as? String == result["ruleId"] as? String }
            #expect(same.flatMap(fingerprint) == fingerprint(result))
        }
        let worse = try results(try sarif(["compare", "--format", "sarif", SampleProfiles.path("ap4-never-shrink-fixed"), SampleProfiles.path("ap4-never-shrink")]).log)
        if let updated = worse.first(where: { $0["baselineState"] as? String == "updated" }) {
            #expect(((updated["message"] as? JSON)?["text"] as? String)?.hasPrefix("Worse than in the base (") == true)
            #expect((updated["properties"] as? JSON)?["base"] is JSON)
        }
    }

    @Test func sarifRefusesColourOptions() throws {
        let result = try CLI.run(["compare", "--format", "sarif", "--color", "always", SampleProfiles.path("healthy"), SampleProfiles.path("healthy")])
        #expect(result.status == 64)
    }

    /// A new empty directory to run in (where no source file can be found by accident).
    static func emptyDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A rule whose frame is reached only from the runtime: its finding has no culprit.
    static func runtimeOnlyRules() throws -> URL {
        let rules = #"{"rules": [{"id": "GC1", "title": "Background marking", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^runtime\\.gcBgMarkWorker$"], "thresholds": {"info": 0.0001, "warning": 2, "critical": 2}, "explanation": "GC", "fix": "allocate less"}]}"#
        return try CLI.temporaryFile(Array(rules.utf8), name: "gc-rules-\(UUID().uuidString).json")
    }
}

/// Validates a SARIF log against `../shared/schemas/sarif-schema-2.1.0.json` with Python's
/// jsonschema (Draft 4, formats checked where the installed packages can).
enum SchemaValidator {
    static let schema = CLI.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/schemas/sarif-schema-2.1.0.json")

    static let script = """
        import json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft4Validator.check_schema(schema)
        validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(json.load(open(sys.argv[2]))), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors[:20]:
            print("/".join(map(str, error.absolute_path)) + ": " + error.message)
        sys.exit(1 if errors else 0)
        """

    /// Whether python3 with jsonschema and the schema are here (a notice says why not).
    static let available: Bool = {
        guard FileManager.default.fileExists(atPath: schema.path) else {
            print("notice: \(schema.path) not found; skipping SARIF schema validation")
            return false
        }
        guard let status = try? python(["-c", "import jsonschema"]).status, status == 0 else {
            print("notice: python3 with jsonschema not found (pip install jsonschema, or apt-get install python3-jsonschema); skipping SARIF schema validation")
            return false
        }
        return true
    }()

    /// The schema's complaints; empty when the log is valid.
    static func validate(_ log: Data) throws -> [String] {
        let file = try CLI.temporaryFile(Array(log), name: "log-\(UUID().uuidString).sarif")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try python(["-c", script, schema.path, file.path])
        if result.status == 0 { return [] }
        let lines = result.output.split(separator: "\n").map(String.init)
        return lines.isEmpty ? ["python3 exited with \(result.status)"] : lines
    }

    /// Standard error merged into the output: the schema's complaints may come on either.
    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try Subprocess.runMerged("/usr/bin/env", ["python3"] + arguments)
    }
}

/// Another profile of the same program, made from a real one: some samples left out and every
/// source line moved, as after an edit above the culprit. Only profile.proto's Sample
/// (field 2) and Location.Line.line (4.4.2) change; everything else is copied.
enum ProfileVariant {
    static func write(from path: String, dropEvery: Int, lineShift: UInt64) throws -> URL {
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-variant-\(UUID().uuidString).pb")
        let gunzip = try Subprocess.runForData("/bin/gzip", ["-dc", path])
        // Its complaint is captured, no longer on the test's stderr: carry it in the failure.
        guard gunzip.status == 0 else {
            throw FixtureError("gzip -dc \(path) exited with \(gunzip.status): \(String(decoding: gunzip.stderr, as: UTF8.self))")
        }
        let bytes = [UInt8](gunzip.stdout)
        var sampleIndex = 0
        let fields = try parse(bytes[...]).compactMap { field -> PB? in
            switch field {
            case .bytes(2, _):
                sampleIndex += 1
                return sampleIndex % dropEvery == 0 ? nil : field
            case .bytes(4, let location):
                return .message(4, try parse(location[...]).map { part in
                    guard case .bytes(4, let line) = part else { return part }
                    return .message(4, try parse(line[...]).map { value in
                        guard case .varint(2, let number) = value, number > 0 else { return value }
                        return .varint(2, number + lineShift)
                    })
                })
            default:
                return field
            }
        }
        try Data(encode(fields)).write(to: raw)
        return raw
    }

    struct Truncated: Error {}

    /// A message's fields, length-delimited ones as bytes.
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> [PB] {
        var fields: [PB] = []
        var index = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.endIndex, shift < 64 else { throw Truncated() }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.endIndex - index >= count else { throw Truncated() }
            defer { index += count }
            return bytes[index..<index + count]
        }
        func little(_ slice: ArraySlice<UInt8>) -> UInt64 {
            slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        while index < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append(.varint(number, try varint()))
            case 1: fields.append(.fixed64(number, little(try take(8))))
            case 2: fields.append(.bytes(number, Array(try take(Int(try varint())))))
            case 5: fields.append(.fixed32(number, UInt32(little(try take(4)))))
            default: throw Truncated()
            }
        }
        return fields
    }
}
