import Foundation
import Testing
import TestSupport

/// Every option of every command takes effect: each case runs the built binary with the option
/// and checks, specifically, what the option is for — against the same command without it
/// (`baseline`) — or that the combination is refused with exit status 64 and a message naming
/// it. The options are those of each command's --help (the groups in Sources/proflens/Options/
/// and the commands' own), including pprof's single-dash spellings.
@Suite struct OptionMatrixTests {
    @Test(arguments: OptionCase.all)
    func optionTakesEffect(_ option: OptionCase) async throws {
        try await Self.run(option)
    }

    /// The cases that compare with what ../shared/corpus keeps (Go 1.19's pprof outputs): shown
    /// as skipped, after a notice, on a machine without the corpus.
    @Test(.needsCorpus, arguments: OptionCase.onCorpus)
    func optionTakesEffectOnTheCorpus(_ option: OptionCase) async throws {
        try await Self.run(option)
    }

    static func run(_ option: OptionCase) async throws {
        let result = try await Runs.run(option.arguments, cached: false)
        #expect(!result.signalled && !result.timedOut, "\(option.arguments): crashed or hung: \(result.stderr)")
        var baseline: CLI.Result? = nil
        if let arguments = option.baseline { baseline = try await Runs.run(arguments) }
        try await option.check(result, baseline)
    }

    /// The matrix covers every option each command's --help lists.
    @Test func everyDeclaredOptionHasACase() throws {
        for command in ["analyze", "top", "traces", "fold", "flame", "compare", "merge", "report", "list"] {
            let help = try CLI.run([command, "--help"]).text
            // Option lines: "  --focus, -focus <focus> Keep only ...", "  -o, --output <output> ...".
            let declared = Set(help.split(separator: "\n").filter { $0.hasPrefix("  -") }.flatMap { line in
                line.split(separator: " ").prefix { $0.hasPrefix("-") }.map { String($0.hasSuffix(",") ? $0.dropLast() : $0) }
            }).subtracting(["--help", "--version", "-h"])
            #expect(declared.count >= 10, "\(command): \(declared)")
            let covered = Set((OptionCase.all + OptionCase.onCorpus).filter { $0.arguments.first == command }.flatMap(\.arguments))
            let missing = declared.filter { option in
                !covered.contains(option) && !covered.contains { $0.hasPrefix(option + "=") }
            }
            #expect(missing.isEmpty, "\(command): no case for \(missing.sorted())")
        }
    }
}

/// One option (or combination) of one command, and what it must do.
struct OptionCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let arguments: [String]
    /// The same command without the option, to compare with; nil when the check compares with
    /// nothing (a refusal, a URL that would take the default 60 s, a check of the output alone).
    let baseline: [String]?
    let check: @Sendable (_ result: CLI.Result, _ baseline: CLI.Result?) async throws -> Void

    /// The option changes the output as `check` says (which also checks the status).
    static func effect(_ name: String, _ arguments: [String], without baseline: [String]?,
                       _ check: @escaping @Sendable (CLI.Result, CLI.Result?) async throws -> Void) -> OptionCase {
        OptionCase(testDescription: name, arguments: arguments, baseline: baseline, check: check)
    }

    /// The combination is a usage error: status 64, nothing on stdout, and a message naming
    /// `mentions` (the argument parser's "Error: ..." line, or one "proflens: ..." line).
    static func refused(_ name: String, _ arguments: [String], mentions: [String]) -> OptionCase {
        OptionCase(testDescription: name + " (refused)", arguments: arguments, baseline: nil) { result, _ in
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stdout.isEmpty)
            let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("Error: ") || (first.hasPrefix("proflens: ") && result.stderr == first + "\n"),
                    "\(arguments): \(result.stderr)")
            for text in mentions { #expect(first.contains(text), "\(arguments): \(first) should mention \(text)") }
        }
    }

    /// The spelling gives exactly what `long` gives (stdout and status), which is not what
    /// `baseline` gives.
    static func same(_ name: String, _ arguments: [String], as long: [String], without baseline: [String]) -> OptionCase {
        OptionCase(testDescription: name, arguments: arguments, baseline: baseline) { result, baseline in
            let expected = try await Runs.run(long)
            #expect(result.status == expected.status && result.stdout == expected.stdout, "\(arguments) vs \(long): \(result.stderr)")
            #expect(result.stdout != baseline?.stdout || result.status != baseline?.status, "\(arguments) had no effect")
        }
    }

    static let all: [OptionCase] = selection + input + compatibilityRefused + sourceCases + nodeCount + classifier + color + format
        + topCases + granularityCases + foldCases + flameCases + differentialFlameCases + compareCases + mergeCases + reportCases + listCases + singleDash
    /// The cases that need ../shared/corpus.
    static let onCorpus: [OptionCase] = compatibility
}

// MARK: - The profiles and files the cases use

private let A = Samples.cpu            // AP1 (has a crypto/sha256 side line)
private let AF = Samples.cpuFixed
private let H = Samples.heap
private let HF = Samples.heapFixed
private let L = Samples.labelled       // string labels user=alice / user=bob
private let LO = Samples.labelledOther
private let server = try! SilentServer()
/// Answers every request with the AP1 sample's heap profile.
private let heapServer = try! ProfileFileServer(file: H)

/// A rules file with one rule, TEAM1, on crypto/sha256 (which the AP1 sample spends ~5% in).
private let teamRules: String = {
    let json = #"{"rules": [{"id": "TEAM1", "title": "Hashing everywhere", "kinds": ["cpu"], "sampleTypes": ["cpu"], "frames": ["^crypto/sha256\\."], "thresholds": {"info": 0.001, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "f"}]}"#
    return try! CLI.temporaryFile(Array(json.utf8), name: "team-rules-\(UUID().uuidString).json").path
}()

private func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("proflens-matrix-\(UUID().uuidString)-\(name)").path
}

/// Results of runs that several cases compare with, each run once.
enum Runs {
    private nonisolated(unsafe) static var results: [[String]: CLI.Result] = [:]
    private static let lock = NSLock()

    static func run(_ arguments: [String], cached: Bool = true) async throws -> CLI.Result {
        if cached, let result = lock.withLock({ results[arguments] }) { return result }
        let result = try await CLI.runAsync(arguments, timeout: 60)
        if cached { lock.withLock { results[arguments] = result } }
        return result
    }
}

// MARK: - Reading the outputs

enum Output {
    static func ok(_ result: CLI.Result, _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(context) status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
    }

    /// The names in pprof's top table (also the tables inside `analyze`), marks removed.
    static func topRows(_ text: String) -> [String] {
        tableRows(text, header: { $0.hasPrefix("      flat  flat%   sum%        cum   cum%") }, nameColumn: 5).map { row in
            var name = row
            for mark in [" (inline)", " (partial-inline)"] where name.hasSuffix(mark) { name.removeLast(mark.count) }
            return name
        }
    }

    /// The names in `compare`'s table.
    static func compareRows(_ text: String) -> [String] {
        tableRows(text, header: { $0.contains("flat base") }, nameColumn: 8)
    }

    /// The names in the tables of `text`: the rows after each line `header` accepts, up to the
    /// first line of fewer than `nameColumn + 1` fields or one that starts with "(" (a
    /// "(N more ...)" note); a row's name is its fields from `nameColumn` on.
    private static func tableRows(_ text: String, header: (Substring) -> Bool, nameColumn: Int) -> [String] {
        var rows: [String] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if header(line) { inTable = true; continue }
            guard inTable else { continue }
            let fields = line.split(separator: " ")
            guard fields.count > nameColumn, !line.hasPrefix("(") else { inTable = false; continue }
            rows.append(fields[nameColumn...].joined(separator: " "))
        }
        return rows
    }

    /// The functions `list` prints, from its "ROUTINE ======================== NAME in FILE" lines.
    static func routines(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.wholeMatch(of: /ROUTINE =+ (.+) in .*/).map { String($0.output.1) }
        }
    }

    /// The names in the top tables of `report`'s page.
    static func reportTopRows(_ html: String) -> [String] {
        html.matches(of: /<table class="sortable data top"[^>]*>.*?<\/table>/.dotMatchesNewlines()).flatMap { table in
            table.output.matches(of: /<td class="fn">([^<]*)<\/td>/).map { String($0.output.1) }
        }
    }

    /// The stacks of `fold` (root first) and their values.
    static func folded(_ text: String) -> [(frames: [String], value: Int64)] {
        text.split(separator: "\n").map { line in
            let space = line.lastIndex(of: " ")!
            return (line[..<space].split(separator: ";").map(String.init), Int64(line[line.index(after: space)...])!)
        }
    }

    /// The stacks of `traces` (leaf first), labels left out.
    static func traces(_ text: String) -> [[String]] {
        var stacks: [[String]] = []
        var current: [String]? = nil
        for line in text.split(separator: "\n") {
            if line.hasPrefix("-----------+") {
                if let current, !current.isEmpty { stacks.append(current) }
                current = []
                continue
            }
            guard current != nil else { continue }   // the header
            let characters = Array(line)
            if characters.count > 10 && characters[10] == ":" { continue }   // a label
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current!.isEmpty, let space = trimmed.firstIndex(of: " ") {
                current!.append(trimmed[space...].trimmingCharacters(in: .whitespaces))
            } else {
                current!.append(trimmed)
            }
        }
        if let current, !current.isEmpty { stacks.append(current) }
        return stacks.map { $0.map { $0.hasSuffix(" (inline)") ? String($0.dropLast(" (inline)".count)) : $0 } }
    }

    /// The names of a flame graph's frames, "all" left out.
    static func frameNames(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> Set<String> {
        Set(DrawnFrame.frames(in: svg, sourceLocation: sourceLocation).map(\.name)).subtracting(["all"])
    }

    /// The attribute of the root <svg> element.
    static func svgAttribute(_ svg: String, _ name: String) -> String? {
        guard let element = svg.firstMatch(of: /<svg [^>]*>/) else { return nil }
        return element.output.firstMatch(of: try! Regex(" \(name)=\"([^\"]*)\""))?.output[1].substring.map(String.init)
    }

    /// The background rectangle's fill.
    static func background(_ svg: String) -> String? {
        svg.firstMatch(of: /<rect x="0" y="0" width="\d+" height="\d+" fill="([^"]+)"\/>/).map { String($0.output.1) }
    }

    static func rgb(_ fill: String) -> (Int, Int, Int)? {
        guard let match = fill.wholeMatch(of: /rgb\((\d+),(\d+),(\d+)\)/) else { return nil }
        return (Int(match.output.1)!, Int(match.output.2)!, Int(match.output.3)!)
    }

    static func json(_ result: CLI.Result) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: result.stdout)) as? [String: Any]
    }

    static func number(_ object: Any?, _ path: String...) -> Int64? {
        var current = object
        for key in path { current = (current as? [String: Any])?[key] }
        return (current as? NSNumber)?.int64Value
    }

    /// The frame names a command's output shows: table rows, stacks' frames or the graph's.
    static func names(_ command: String, _ result: CLI.Result) -> Set<String> {
        switch command {
        case "analyze", "top": return Set(topRows(result.text))
        case "traces": return Set(traces(result.text).flatMap { $0 })
        case "fold": return Set(folded(result.text).flatMap(\.frames))
        case "flame": return frameNames(result.text)
        case "compare": return Set(compareRows(result.text))
        case "merge": return Set(mergedStacks(result).flatMap(\.frames))
        case "report": return frameNames(result.text)
        case "list": return Set(routines(result.text))
        default: fatalError(command)
        }
    }

    /// The stacks of the profile `merge -o -` wrote, as `fold` reads them (none when it wrote
    /// no profile).
    static func mergedStacks(_ result: CLI.Result) -> [(frames: [String], value: Int64)] {
        guard !result.stdout.isEmpty, let file = try? TemporaryFile.write(Array(result.stdout), label: "matrix-merged", suffix: ".pb.gz") else { return [] }
        defer { try? FileManager.default.removeItem(at: file) }
        guard let read = try? CLI.run(["fold", file.path]), read.status == 0 else { return [] }
        return folded(read.text)
    }

    /// What `report` (top, traces, fold) prints of the profile `merge -o -` wrote.
    static func mergedReport(_ report: [String], _ result: CLI.Result) async throws -> CLI.Result {
        let file = try TemporaryFile.write(Array(result.stdout), label: "matrix-merged", suffix: ".pb.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        return try await CLI.runAsync(report + [file.path], timeout: 60)
    }

    /// The stacks of `fold` and `traces` (nil for the commands that print no stacks).
    static func stacks(_ command: String, _ result: CLI.Result) -> [[String]]? {
        switch command {
        case "traces": return traces(result.text)
        case "fold": return folded(result.text).map(\.frames)
        case "merge": return mergedStacks(result).map(\.frames)
        default: return nil
        }
    }

    /// Every frame of the stacks `fold` keeps with these options, of every profile given.
    static func foldedNames(_ options: [String], _ profiles: [String]) async throws -> Set<String> {
        var names = Set<String>()
        for profile in profiles {
            let result = try await Runs.run(["fold"] + options + [profile])
            ok(result)
            names.formUnion(folded(result.text).flatMap(\.frames))
        }
        return names
    }

    /// The leaves of `fold`'s stacks.
    static func foldedLeaves(_ profiles: [String]) async throws -> Set<String> {
        var leaves = Set<String>()
        for profile in profiles { leaves.formUnion(folded(try await Runs.run(["fold", profile]).text).compactMap(\.frames.last)) }
        return leaves
    }

    static func oneLineError(_ result: CLI.Result, status: Int32, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "status \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Fetching profile over HTTP from ") }
        #expect(lines.count == 1 && lines[0].hasPrefix("proflens: "), "\(result.stderr)", sourceLocation: sourceLocation)
        for text in mentions { #expect(result.stderr.contains(text), "\(result.stderr) should mention \(text)", sourceLocation: sourceLocation) }
    }
}

// MARK: - The cases

extension OptionCase {
    /// Each command that reads profiles, with profiles to read: the flame graph, the merged
    /// profile and the HTML report go to stdout; `compare` gets a base and a new profile; `list`
    /// lists every function (the regular expression ".").
    static func invocations(_ profile: String, base: String) -> [(command: String, prefix: [String], profiles: [String])] {
        [("analyze", ["analyze"], [profile]), ("top", ["top"], [profile]), ("traces", ["traces"], [profile]),
         ("fold", ["fold"], [profile]), ("flame", ["flame", "-o", "-"], [profile]), ("compare", ["compare"], [base, profile]),
         ("merge", ["merge", "-o", "-"], [profile]), ("report", ["report", "-o", "-"], [profile]), ("list", ["list", "."], [profile])]
    }

    /// --sample-index, --focus, --ignore, --hide, --tagfocus (SelectionOptions).
    static var selection: [OptionCase] {
        var cases: [OptionCase] = []
        for (command, prefix, profiles) in invocations(A, base: AF) {
            let without = prefix + profiles
            cases.append(.effect("\(command) --focus sha256", prefix + ["--focus", "sha256"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                // Only frames of the stacks through a sha256 function remain.
                let universe = try await Output.foldedNames(["--focus", "sha256"], profiles)
                let names = Output.names(command, result)
                #expect(!names.isEmpty && names.isSubset(of: universe), "\(names.subtracting(universe))")
                #expect(!Output.names(command, baseline!).isSubset(of: universe))
                if let stacks = Output.stacks(command, result) {
                    #expect(!stacks.isEmpty && stacks.allSatisfy { $0.contains { $0.contains("sha256") } })
                }
            })
            cases.append(.effect("\(command) --ignore sha256", prefix + ["--ignore", "sha256"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                let names = Output.names(command, result)
                #expect(!names.isEmpty && !names.contains { $0.contains("sha256") })
                #expect(Output.names(command, baseline!).contains { $0.contains("sha256") })
            })
            cases.append(.effect("\(command) --hide runtime", prefix + ["--hide", #"^runtime\."#] + profiles, without: without) { result, baseline in
                Output.ok(result)
                let names = Output.names(command, result)
                #expect(!names.isEmpty && !names.contains { $0.hasPrefix("runtime.") })
                #expect(Output.names(command, baseline!).contains { $0.hasPrefix("runtime.") })
            })
            let labelled = command == "compare" ? [LO, L] : [L]
            cases.append(.effect("\(command) --tagfocus user=alice", prefix + ["--tagfocus", "user=alice"] + labelled, without: prefix + labelled) { result, baseline in
                Output.ok(result)
                let names = Output.names(command, result)
                #expect(names.contains("main.alice") && !names.contains("main.bob") && !names.contains("main.carol"), "\(names)")
                #expect(Output.names(command, baseline!).contains("main.bob"))
            })
            cases.append(.effect("\(command) --tagignore user=alice", prefix + ["--tagignore", "user=alice"] + labelled, without: prefix + labelled) { result, baseline in
                Output.ok(result)
                let names = Output.names(command, result)
                // (compare lists the functions that changed: carol's count is the same on both sides.)
                #expect(!names.contains("main.alice") && names.contains("main.bob") && (command == "compare" || names.contains("main.carol")), "\(names)")
                #expect(Output.names(command, baseline!).contains("main.alice"))
            })
            // -taghide/-tagshow remove labels, never samples: every function stays; traces
            // (and merge's profile, read back with traces) lose the user labels.
            for (option, value) in [("--taghide", "^user$"), ("--tagshow", "^nosuchkey$")] {
                cases.append(.effect("\(command) \(option) \(value)", prefix + [option, value] + labelled, without: prefix + labelled) { result, baseline in
                    Output.ok(result)
                    #expect(Output.names(command, result) == Output.names(command, baseline!), "\(option) dropped or added frames")
                    if command == "traces" {
                        #expect(!result.text.contains("user:") && baseline!.text.contains("user:"), "\(result.text)")
                    }
                    if command == "merge" {
                        let merged = try await Output.mergedReport(["traces"], result), whole = try await Output.mergedReport(["traces"], baseline!)
                        #expect(!merged.text.contains("user:") && whole.text.contains("user:"), "\(merged.text)")
                    }
                    if option == "--tagshow" { #expect(result.stderr.contains("TagShow expression matched no samples"), "\(result.stderr)") }
                })
            }
            cases.append(.effect("\(command) --show-from Expire", prefix + ["--show-from", #"Expire$"#] + profiles, without: without) { result, baseline in
                Output.ok(result)
                // Stacks start at the culprit: nothing above it (runtime.main, main.main) is left.
                let names = Output.names(command, result)
                #expect(!names.isEmpty && !names.contains("runtime.main") && !names.contains("main.main"), "\(names)")
                // (compare lists the 20 functions that changed most: main.main may not be one.)
                #expect(result.stdout != baseline!.stdout && (command == "compare" || Output.names(command, baseline!).contains("main.main")))
            })
            cases.append(.effect("\(command) --show main", prefix + ["--show", #"^main\."#] + profiles, without: without) { result, baseline in
                Output.ok(result)
                // Only the frames that match are left in the stacks.
                let names = Output.names(command, result)
                #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("main.") || $0 == "all" || $0 == "root" }, "\(names)")
                #expect(Output.names(command, baseline!).contains { $0.hasPrefix("runtime.") })
            })
        }
        // --sample-index: each command shows alloc_space instead of the heap's default, inuse_space.
        let heap = invocations(H, base: HF)
        func sampleIndex(_ command: String, _ check: @escaping @Sendable (CLI.Result, CLI.Result) async throws -> Void) -> OptionCase {
            let (_, prefix, profiles) = heap.first { $0.command == command }!
            return .effect("\(command) --sample-index alloc_space", prefix + ["--sample-index", "alloc_space"] + profiles,
                           without: prefix + profiles) { result, baseline in
                Output.ok(result)
                try await check(result, baseline!)
            }
        }
        cases.append(sampleIndex("analyze") { result, baseline in
            #expect(result.text.contains("[alloc_space/bytes]") && result.text.contains("\nType: alloc_space\n"))
            #expect(baseline.text.contains("[inuse_space/bytes]"))
        })
        for command in ["top", "traces"] {
            cases.append(sampleIndex(command) { result, baseline in
                #expect(result.text.contains("\nType: alloc_space\n") && baseline.text.contains("\nType: inuse_space\n"))
            })
        }
        cases.append(sampleIndex("fold") { result, baseline in
            // The values are alloc_space's: their sum is the total analyze reports for it.
            let json = Output.json(try await Runs.run(["analyze", "--format", "json", "--sample-index", "alloc_space", H]))
            let total = try #require(Output.number((json?["profiles"] as? [Any])?.first, "total"))
            #expect(Output.folded(result.text).reduce(0) { $0 + $1.value } == total)
            #expect(Output.folded(baseline.text).reduce(0) { $0 + $1.value } != total)
        })
        cases.append(sampleIndex("flame") { result, baseline in
            #expect(result.text.contains(" · alloc_space · total ") && baseline.text.contains(" · inuse_space · total "))
        })
        cases.append(sampleIndex("merge") { result, baseline in
            // As pprof's -proto: checked, then every sample type is written.
            #expect(!result.stdout.isEmpty && result.stdout == baseline.stdout)
            let types = try await Output.mergedReport(["top", "--sample-index", "inuse_objects"], result)
            #expect(types.status == 0 && types.text.contains("\nType: inuse_objects\n"), "\(types.stderr)")
        })
        cases.append(sampleIndex("report") { result, baseline in
            #expect(result.text.contains("\nType: alloc_space\n") && baseline.text.contains("\nType: inuse_space\n"))
            #expect(!result.text.contains("\nType: inuse_space\n"))
        })
        cases.append(sampleIndex("list") { result, baseline in
            // The total is alloc_space's, the heap's type 1, not inuse_space's (type 3, the default).
            let total = { (run: CLI.Result) in run.text.split(separator: "\n").first.map(String.init) ?? "" }
            let byNumber = try await Runs.run(["list", ".", "--sample-index", "1", H])
            let inuse = try await Runs.run(["list", ".", "--sample-index", "3", H])
            #expect(total(result).hasPrefix("Total: ") && result.stdout == byNumber.stdout, "\(total(result)) vs \(total(byNumber))")
            #expect(total(result) != total(baseline) && baseline.stdout == inuse.stdout)
        })
        cases.append(sampleIndex("compare") { result, baseline in
            #expect(result.text.hasPrefix("Base: \(HF): ") && result.text.split(separator: "\n")[0].hasSuffix(" alloc_space"))
            #expect(baseline.text.split(separator: "\n")[0].hasSuffix(" inuse_space"))
        })
        for (command, prefix, profiles) in invocations(A, base: AF) {
            // An empty pattern is no filter, as pprof's -focus= (it was refused, with status 1).
            cases.append(.effect("\(command) --ignore ''", prefix + ["--ignore", ""] + profiles, without: prefix + profiles) { result, baseline in
                Output.ok(result)
                #expect(result.stdout == baseline!.stdout)
            })
            // Nested repetitions that ICU backtracked on for minutes: RE2 matches them in linear
            // time, as Go does, and they ignore what the plain pattern ignores.
            cases.append(.effect("\(command) --ignore pathological", prefix + ["--ignore", "(.*)*(.*)*(.*)*(.*)*(.*)*sha256"] + profiles,
                                 without: prefix + ["--ignore", "sha256"] + profiles) { result, plain in
                Output.ok(result)
                let names = Output.names(command, result)
                #expect(!names.isEmpty && names == Output.names(command, plain!))
            })
        }
        for (command, prefix, profiles) in heap {
            cases.append(.refused("\(command) --sample-index unknown", prefix + ["--sample-index", "no_such_type"] + profiles, mentions: ["no_such_type"]))
            cases.append(.refused("\(command) --focus (", prefix + ["--focus", "("] + profiles, mentions: ["--focus", "("]))
            cases.append(.refused("\(command) --tagfocus user=[", prefix + ["--tagfocus", "user=["] + profiles,
                                  mentions: ["--tagfocus: not a valid regular expression: ["]))
            // Go's syntax: a lookbehind (which backtracking engines run) is refused, as go tool pprof refuses it.
            cases.append(.refused("\(command) --focus (?<=a)b", prefix + ["--focus", "(?<=a)b"] + profiles,
                                  mentions: ["--focus: not a valid regular expression: (?<=a)b", "no lookbehind"]))
        }
        cases.append(.refused("list a++", ["list", "a++", H], mentions: ["not a valid regular expression: a++", "no possessive quantifiers"]))
        return cases
    }

    /// --max-inflated-size, --seconds, --timeout (InputOptions).
    static var input: [OptionCase] {
        var cases: [OptionCase] = []
        for (command, prefix, profiles) in invocations(A, base: AF) {
            cases.append(.effect("\(command) --max-inflated-size 1k", prefix + ["--max-inflated-size", "1k"] + profiles, without: prefix + profiles) { result, baseline in
                Output.oneLineError(result, status: 65, mentions: ["exceeds the limit of 1024 bytes"])
                Output.ok(baseline!)
            })
            // compare: two profile types (one URL on both sides adds a note: one snapshot twice).
            let urls = command == "compare" ? [server.url, server.url.replacingOccurrences(of: "/profile", with: "/heap")] : [server.url]
            // Without --seconds or --timeout the fetch would wait 60 s: both are checked by
            // what they do to the request (the URL's seconds, the time waited).
            cases.append(.effect("\(command) --seconds 1 (URL)", prefix + ["--seconds", "1"] + urls, without: nil) { result, _ in
                Output.oneLineError(result, status: 66, mentions: ["?seconds=1", "timed out after 1.5 s"])
            })
            cases.append(.effect("\(command) --timeout 1 (URL)", prefix + ["--timeout", "1"] + urls, without: nil) { result, _ in
                Output.oneLineError(result, status: 66, mentions: ["timed out after 1 s"])
                #expect(!result.stderr.contains("seconds="))
            })
            // --no-save: a fetched profile is kept (in the tests' PPROF_TMPDIR, CLI.saveFolder)
            // without it, not with it.
            let heapURLs = command == "compare" ? [heapServer.url("/debug/pprof/heap"), heapServer.url("/debug/pprof/heap")]
                : [heapServer.url("/debug/pprof/heap")]
            cases.append(.effect("\(command) --no-save (URL)", prefix + ["--no-save"] + heapURLs, without: prefix + heapURLs) { result, baseline in
                Output.ok(result)
                Output.ok(baseline!)
                #expect(!result.stderr.contains("Saved profile"), "\(result.stderr)")
                #expect(baseline!.stderr.contains("Saved profile in \(CLI.saveFolder.path)/pprof.ap1-range-mutate.alloc_objects."),
                        "\(baseline!.stderr)")
            })
            cases.append(.refused("\(command) --seconds with files", prefix + ["--seconds", "5"] + profiles, mentions: ["--seconds", "URL"]))
            cases.append(.refused("\(command) --timeout with files", prefix + ["--timeout", "5"] + profiles, mentions: ["--timeout", "URL"]))
        }
        return cases
    }

    /// --pprof-compat (analyze, top, traces): Go 1.19's pprof, byte for byte (the corpus keeps
    /// its outputs; the samples' are Go 1.27's).
    static let corpusCPU = Corpus.profile("pprof-go-sample-cpu.pb.gz").path
    static var compatibility: [OptionCase] {
        [
            .effect("top --pprof-compat 1.19", ["top", "--pprof-compat", "1.19", "--nodecount", "25", "--sample-index", "cpu", corpusCPU],
                    without: ["top", "--nodecount", "25", "--sample-index", "cpu", corpusCPU]) { result, baseline in
                let reference = try Samples.go119Reference("pprof-go-sample-cpu.pb.gz.cpu.top.txt")
                Output.ok(result)
                #expect(result.stdout == reference)
                #expect(baseline!.stdout != reference)
            },
            .effect("traces --pprof-compat 1.19", ["traces", "--pprof-compat", "1.19", corpusCPU], without: ["traces", corpusCPU]) { result, baseline in
                let reference = try Samples.go119Reference("pprof-go-sample-cpu.pb.gz.traces.txt")
                Output.ok(result)
                #expect(result.stdout == reference)
                #expect(baseline!.stdout != reference)
            },
            .effect("analyze --pprof-compat 1.19", ["analyze", "--pprof-compat", "1.19", "--nodecount", "25", "--sample-index", "cpu", corpusCPU],
                    without: ["analyze", "--nodecount", "25", "--sample-index", "cpu", corpusCPU]) { result, baseline in
                let reference = try Samples.go119Reference("pprof-go-sample-cpu.pb.gz.cpu.top.txt")
                Output.ok(result)
                let text = String(decoding: reference, as: UTF8.self)
                #expect(result.text.contains(text) && !baseline!.text.contains(text))
            },
        ]
    }

    /// --pprof-compat's refusals, which need no corpus.
    static var compatibilityRefused: [OptionCase] {
        [.refused("top --pprof-compat 1.18", ["top", "--pprof-compat", "1.18", A], mentions: ["1.18"])]
    }

    /// --source-path and --trim-path (analyze, compare, and pprof's spellings): where the
    /// culprit's source is found, and so whether a finding shows its lines.
    static var sourceCases: [OptionCase] {
        let samples = Paths.samples.path
        let elsewhere = FileManager.default.temporaryDirectory.path
        return [
            .effect("analyze --source-path", ["analyze", "--source-path", samples, A], without: ["analyze", "--source-path", elsewhere, A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("lines:") && result.text.contains("source:    confirmed"))
                #expect(!baseline!.text.contains("lines:") && baseline!.text.contains("Source not found"))
            },
            .same("analyze -source_path", ["analyze", "-source_path", samples, A], as: ["analyze", "--source-path", samples, A],
                  without: ["analyze", "--source-path", elsewhere, A]),
            .effect("analyze --trim-path", ["analyze", "--format", "json", "--source-path", samples, "--trim-path", "proflens", A],
                    without: ["analyze", "--format", "json", "--source-path", samples, A]) { result, baseline in
                Output.ok(result)
                // The file as pprof prints it: without the prefix given; without one, pprof trims
                // the path up to the search directory's name (samples/).
                #expect(result.text.contains("\"file\": \"samples/ap1-range-mutate/main.go\"") && !baseline!.text.contains("\"file\": \"samples/ap1-range-mutate/main.go\""))
                #expect(baseline!.text.contains("\"file\": \"ap1-range-mutate/main.go\""))
            },
            .same("analyze -trim_path", ["analyze", "--format", "json", "--source-path", samples, "-trim_path", "proflens", A],
                  as: ["analyze", "--format", "json", "--source-path", samples, "--trim-path", "proflens", A],
                  without: ["analyze", "--format", "json", "--source-path", samples, A]),
            .effect("compare --source-path (sarif)", ["compare", "--format", "sarif", "--source-path", samples, AF, A],
                    without: ["compare", "--format", "sarif", "--source-path", elsewhere, AF, A]) { result, baseline in
                Output.ok(result)
                #expect(result.stdout != baseline!.stdout && result.text.contains("ap1-range-mutate/main.go"))
            },
            .effect("compare --source-path (text)", ["compare", "--source-path", samples, AF, A],
                    without: ["compare", "--source-path", elsewhere, AF, A]) { result, baseline in
                // As analyze: the culprits' files not found are named under the findings.
                Output.ok(result)
                #expect(!result.text.contains("Source not found ("), "\(result.text)")
                #expect(baseline!.text.contains("\nSource not found (--source-path, --trim-path): proflens/samples/ap1-range-mutate/main.go\n"), "\(baseline!.text)")
            },
            .same("compare -source_path", ["compare", "--format", "sarif", "-source_path", samples, AF, A],
                  as: ["compare", "--format", "sarif", "--source-path", samples, AF, A],
                  without: ["compare", "--format", "sarif", "--source-path", elsewhere, AF, A]),
            .effect("compare --trim-path (sarif)", ["compare", "--format", "sarif", "--source-path", elsewhere, "--trim-path", "proflens", AF, A],
                    without: ["compare", "--format", "sarif", "--source-path", elsewhere, AF, A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("\"samples/ap1-range-mutate/main.go\"") && !baseline!.text.contains("\"samples/ap1-range-mutate/main.go\""))
            },
            .same("compare -trim_path", ["compare", "--format", "sarif", "--source-path", elsewhere, "-trim_path", "proflens", AF, A],
                  as: ["compare", "--format", "sarif", "--source-path", elsewhere, "--trim-path", "proflens", AF, A],
                  without: ["compare", "--format", "sarif", "--source-path", elsewhere, AF, A]),
            {
                let page = temporaryPath("compare.html")
                return .effect("compare --html", ["compare", A, AF, "--html", page], without: ["compare", A, AF]) { result, baseline in
                    Output.ok(result)
                    #expect(result.stdout == baseline!.stdout)
                    let html = try String(contentsOfFile: page, encoding: .utf8)
                    #expect(html.contains("<!DOCTYPE html>") && html.contains("Differential"))
                }
            }(),
        ]
    }

    static var nodeCount: [OptionCase] {
        [
            .effect("analyze --nodecount 3", ["analyze", "--nodecount", "3", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                #expect(Output.topRows(result.text).count == 3 && Output.topRows(baseline!.text).count > 3)
            },
            .effect("top --nodecount 3", ["top", "--nodecount", "3", A], without: ["top", A]) { result, baseline in
                Output.ok(result)
                #expect(Output.topRows(result.text).count == 3 && result.text.contains("Showing top 3 nodes out of "))
                #expect(Output.topRows(baseline!.text).count > 3)
            },
            .effect("compare --nodecount 3", ["compare", "--nodecount", "3", AF, A], without: ["compare", AF, A]) { result, baseline in
                Output.ok(result)
                #expect(Output.compareRows(result.text).count == 3 && result.text.contains(" more changed functions; --nodecount 0 shows all)"))
                #expect(Output.compareRows(baseline!.text).count == 20)
            },
            .effect("compare --nodecount 0", ["compare", "--nodecount", "0", AF, A], without: nil) { result, _ in
                Output.ok(result)
                #expect(Output.compareRows(result.text).count > 20 && !result.text.contains("more changed functions"))
            },
            .refused("top --nodecount=-1", ["top", "--nodecount=-1", A], mentions: ["--nodecount"]),
            .refused("compare --nodecount x", ["compare", "--nodecount", "x", AF, A], mentions: ["--nodecount"]),
        ]
    }

    /// --rules and --fail-on (analyze, compare).
    static var classifier: [OptionCase] {
        [
            .effect("analyze --rules", ["analyze", "--rules", teamRules, A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(" TEAM1 Hashing everywhere") && !result.text.contains(" AP1 "))
                #expect(baseline!.text.contains(" AP1 ") && !baseline!.text.contains("TEAM1"))
            },
            .effect("compare --rules", ["compare", "--rules", teamRules, AF, A], without: ["compare", AF, A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("PERSISTING TEAM1 Hashing everywhere") && !result.text.contains(" AP1 "))
                #expect(baseline!.text.contains("NEW AP1 ") && !baseline!.text.contains("TEAM1"))
            },
            .refused("analyze --rules (not a rules file)", ["analyze", "--rules", A, A], mentions: ["not a rules file"]),
            .refused("analyze --rules (bad JSON)", ["analyze", "--rules", CLI.packageRoot.appendingPathComponent("Package.swift").path, A],
                     mentions: ["not a rules file: not valid JSON"]),
            .effect("analyze --fail-on info", ["analyze", "--fail-on", "info", A], without: ["analyze", A]) { result, baseline in
                #expect(result.status == 1 && result.stdout == baseline!.stdout && result.stderr.isEmpty)
                Output.ok(baseline!)
            },
            .effect("compare --fail-on info (new finding)", ["compare", "--fail-on", "info", AF, A], without: ["compare", AF, A]) { result, baseline in
                #expect(result.status == 1 && result.stdout == baseline!.stdout)
                Output.ok(baseline!)
            },
            .effect("compare --fail-on info (fixed finding)", ["compare", "--fail-on", "info", A, AF], without: ["compare", A, AF]) { result, baseline in
                Output.ok(result)
                #expect(result.stdout == baseline!.stdout && result.text.contains("FIXED AP1 "))
            },
            .refused("analyze --fail-on severe", ["analyze", "--fail-on", "severe", A], mentions: ["severe"]),
        ]
    }

    /// --color, --no-color (analyze, compare).
    static var color: [OptionCase] {
        var cases: [OptionCase] = []
        for (command, profiles) in [("analyze", [A]), ("compare", [AF, A])] {
            let always = [command, "--color", "always"] + profiles
            cases.append(.effect("\(command) --color always", always, without: [command] + profiles) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("\u{1B}[") && !baseline!.text.contains("\u{1B}["))
            })
            cases.append(.effect("\(command) --color never", [command, "--color", "never"] + profiles, without: always) { result, baseline in
                Output.ok(result)
                #expect(!result.text.contains("\u{1B}[") && baseline!.text.contains("\u{1B}["))
            })
            cases.append(.effect("\(command) --no-color", [command, "--color", "always", "--no-color"] + profiles, without: always) { result, baseline in
                Output.ok(result)
                #expect(!result.text.contains("\u{1B}[") && baseline!.text.contains("\u{1B}["))
            })
            cases.append(.refused("\(command) --color with --format json", [command, "--color", "always", "--format", "json"] + profiles, mentions: ["--color"]))
            cases.append(.refused("\(command) --no-color with --format json", [command, "--no-color", "--format", "json"] + profiles, mentions: ["--no-color"]))
            cases.append(.refused("\(command) --color sometimes", [command, "--color", "sometimes"] + profiles, mentions: ["sometimes"]))
        }
        return cases
    }

    /// --format (analyze, compare).
    static var format: [OptionCase] {
        [
            .effect("analyze --format json", ["analyze", "--format", "json", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                let json = try #require(Output.json(result))
                #expect((json["profiles"] as? [Any])?.count == 1 && json["findings"] is [Any])
                #expect(Output.json(baseline!) == nil)
            },
            .effect("compare --format json", ["compare", "--format", "json", AF, A], without: ["compare", AF, A]) { result, baseline in
                Output.ok(result)
                let json = try #require(Output.json(result))
                #expect((json["rows"] as? [Any])?.count == 20 && Output.number(json, "total", "base") != nil)
                #expect(Output.json(baseline!) == nil)
            },
            .refused("analyze --format xml", ["analyze", "--format", "xml", A], mentions: ["xml"]),
            .effect("analyze --findings-only", ["analyze", "--findings-only", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                // The same verdict line and findings, without the summary and the table.
                let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
                let verdict = lines.first.map { $0.replacingOccurrences(of: "below", with: "at the end") }
                #expect(lines.first?.hasPrefix("Verdict: ") == true && verdict == baseline!.text.split(separator: "\n").first.map(String.init))
                #expect(Output.topRows(result.text).isEmpty && !Output.topRows(baseline!.text).isEmpty)
                let findings = try #require(result.text.range(of: "Findings (most severe first):"))
                #expect(baseline!.text.hasSuffix(String(result.text[findings.lowerBound...])))
            },
            .refused("analyze --findings-only --format json", ["analyze", "--findings-only", "--format", "json", A], mentions: ["--findings-only"]),
        ]
    }

    /// pprof's granularities on top, traces, analyze and compare: what a row or a frame is.
    static var granularityCases: [OptionCase] {
        var cases: [OptionCase] = []
        // compare: every changed row, so that the rows named below are in its table.
        for (command, P) in [("top", [A]), ("traces", [A]), ("analyze", [A]), ("compare", ["--nodecount=0", AF, A])] {
            cases +=
            // pprof's granularities: what a row (top, analyze, compare) or a frame (traces) is.
            [
                .effect("\(command) --files", [command, "--files"] + P, without: [command] + P) { result, baseline in
                    Output.ok(result)
                    let names = Output.names(command, result)
                    #expect(!names.isEmpty && names.allSatisfy { $0.contains(/^\S+\.(go|s)$/) || $0.hasPrefix("[") }, "\(names.prefix(3))")
                    #expect(names.contains("proflens/samples/ap1-range-mutate/main.go") && !Output.names(command, baseline!).contains("proflens/samples/ap1-range-mutate/main.go"))
                },
                .same("\(command) -files", [command, "-files"] + P, as: [command, "--files"] + P, without: [command] + P),
                .effect("\(command) --filefunctions", [command, "--filefunctions"] + P, without: [command] + P) { result, baseline in
                    Output.ok(result)
                    #expect(Output.names(command, result).contains("main.(*SessionCache).Expire proflens/samples/ap1-range-mutate/main.go"))
                    #expect(Output.names(command, baseline!).contains("main.(*SessionCache).Expire"))
                },
                .same("\(command) -filefunctions", [command, "-filefunctions"] + P, as: [command, "--filefunctions"] + P, without: [command] + P),
                .effect("\(command) --addresses", [command, "--addresses"] + P, without: [command] + P) { result, baseline in
                    Output.ok(result)
                    let names = Output.names(command, result)
                    #expect(!names.isEmpty && names.allSatisfy { $0.contains(#/^[0-9a-f]{16} /#) }, "\(names.prefix(3))")
                    #expect(!Output.names(command, baseline!).contains { $0.contains(#/^[0-9a-f]{16} /#) })
                },
                .same("\(command) -addresses", [command, "-addresses"] + P, as: [command, "--addresses"] + P, without: [command] + P),
                .effect("\(command) --functions (the default)", [command, "--functions"] + P, without: [command] + P) { result, baseline in
                    Output.ok(result)
                    #expect(!result.stdout.isEmpty && result.stdout == baseline!.stdout)
                },
                .effect("\(command) -functions (the default)", [command, "-functions"] + P, without: [command] + P) { result, baseline in
                    Output.ok(result)
                    #expect(!result.stdout.isEmpty && result.stdout == baseline!.stdout)
                },
                .refused("\(command) --files --lines", [command, "--files", "--lines"] + P, mentions: ["choose one of"]),
            ]
        }
        return cases + [
            .effect("analyze --lines", ["analyze", "--lines", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                // A row per source line (AnalyzeOptionGoldenTests: pprof's -top -lines byte for byte).
                let rows = Output.topRows(result.text)
                #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(/. \S+\.(go|s):\d+$/) }, "\(rows.prefix(3))")
                #expect(rows.contains("main.(*SessionCache).Expire proflens/samples/ap1-range-mutate/main.go:98"))
                #expect(!Output.topRows(baseline!.text).contains { $0.contains(/:\d+$/) })
            },
            .same("analyze -lines", ["analyze", "-lines", A], as: ["analyze", "--lines", A], without: ["analyze", A]),
            .effect("compare --lines", ["compare", "--lines", "--nodecount=0", AF, A], without: ["compare", "--nodecount=0", AF, A]) { result, baseline in
                Output.ok(result)
                // A row per source line (CompareOptionTests: pprof's -top -diff_base -lines deltas).
                let rows = Output.compareRows(result.text)
                #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(/. \S+\.(go|s):\d+$/) }, "\(rows.prefix(3))")
                #expect(rows.contains("main.(*SessionCache).Expire proflens/samples/ap1-range-mutate/main.go:98"))
                #expect(!Output.compareRows(baseline!.text).contains { $0.contains(/:\d+$/) })
            },
            .same("compare -lines", ["compare", "-lines", AF, A], as: ["compare", "--lines", AF, A], without: ["compare", AF, A]),
            .effect("analyze --cum", ["analyze", "--cum", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                // The same rows, by cumulative value (AnalyzeOptionGoldenTests: pprof's -top -cum).
                let rows = Output.topRows(result.text), plain = Output.topRows(baseline!.text)
                #expect(rows != plain && Set(rows) == Set(plain) && rows.first == "main.main")
            },
            .same("analyze -cum", ["analyze", "-cum", A], as: ["analyze", "--cum", A], without: ["analyze", A]),
            .effect("analyze --unit ms", ["analyze", "--unit", "ms", A], without: ["analyze", A]) { result, baseline in
                Output.ok(result)
                // (The table alone: the block of the output that holds its header.)
                func table(_ text: String) -> String { text.components(separatedBy: "\n\n").first { $0.contains("      flat  flat%") } ?? "" }
                let values = Self.topValues(table(result.text)), plain = Self.topValues(table(baseline!.text))
                #expect(!values.isEmpty && values.allSatisfy { $0 == "0" || $0.hasSuffix("ms") }, "\(values.prefix(4))")
                #expect(plain.contains { $0.hasSuffix("s") && !$0.hasSuffix("ms") })
                #expect(result.text.contains("Total samples = 2200ms") && baseline!.text.contains("Total samples = 2.20s"))
            },
            .same("analyze -unit=ms", ["analyze", "-unit=ms", A], as: ["analyze", "--unit", "ms", A], without: ["analyze", A]),
            .refused("analyze --cum --findings-only", ["analyze", "--cum", "--findings-only", A], mentions: ["--cum", "--findings-only"]),
            .refused("analyze --lines --format sarif", ["analyze", "--lines", "--format", "sarif", A], mentions: ["--lines", "SARIF"]),
            .effect("compare --unit ms", ["compare", "--unit", "ms", AF, A], without: ["compare", AF, A]) { result, baseline in
                Output.ok(result)
                // Totals and every value of the table in ms, where each had its own unit.
                #expect(result.text.contains(": 2870ms cpu\n") && baseline!.text.contains(": 2.87s cpu\n"))
                #expect(result.text.contains("-1390ms") && baseline!.text.contains("-1.39s") && !result.text.contains("-1.39s"))
            },
            .same("compare -unit=ms", ["compare", "-unit=ms", AF, A], as: ["compare", "--unit", "ms", AF, A], without: ["compare", AF, A]),
            .refused("compare --unit ms --format sarif", ["compare", "--unit", "ms", "--format", "sarif", AF, A], mentions: ["--unit", "SARIF"]),
        ]
    }

    /// top's --diff-base and --normalize: go tool pprof -diff_base's output, byte for byte.
    static var topCases: [OptionCase] {
        [
            .effect("top --cum", ["top", "--cum", A], without: ["top", A]) { result, baseline in
                Output.ok(result)
                // The same rows, by cumulative value (TopCumTests: pprof's -top -cum byte for byte).
                let rows = Output.topRows(result.text), plain = Output.topRows(baseline!.text)
                #expect(rows != plain && Set(rows) == Set(plain) && rows.first == "main.main")
            },
            .same("top -cum", ["top", "-cum", A], as: ["top", "--cum", A], without: ["top", A]),
            .effect("top --lines", ["top", "--lines", A], without: ["top", A]) { result, baseline in
                Output.ok(result)
                // A row per source line, named "function file:line" (TopOptionGoldenTests: pprof's
                // -top -lines byte for byte).
                let rows = Output.topRows(result.text)
                #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(/. \S+\.(go|s):\d+$/) }, "\(rows.prefix(3))")
                #expect(rows.contains("main.(*SessionCache).Expire proflens/samples/ap1-range-mutate/main.go:98"))
                #expect(!Output.topRows(baseline!.text).contains { $0.contains(/:\d+$/) })
            },
            .same("top -lines", ["top", "-lines", A], as: ["top", "--lines", A], without: ["top", A]),
            .effect("top --unit ms", ["top", "--unit", "ms", A], without: ["top", A]) { result, baseline in
                Output.ok(result)
                // Every value in ms, where pprof's own choice for this whole table is s.
                let values = Self.topValues(result.text), plain = Self.topValues(baseline!.text)
                #expect(!values.isEmpty && values.allSatisfy { $0 == "0" || $0.hasSuffix("ms") }, "\(values.prefix(4))")
                #expect(plain.contains { $0.hasSuffix("s") && !$0.hasSuffix("ms") })
                #expect(result.text.contains("Total samples = 2200ms") && baseline!.text.contains("Total samples = 2.20s"))
            },
            .same("top -unit=ms", ["top", "-unit=ms", A], as: ["top", "--unit", "ms", A], without: ["top", A]),
            .effect("top --source-path --lines", ["top", "--lines", "--source-path", Paths.samples.path, A], without: ["top", "--lines", A]) { result, baseline in
                Output.ok(result)
                // pprof trims the profile's file names up to the search directory's name.
                let rows = Output.topRows(result.text)
                #expect(rows.contains("main.(*SessionCache).Expire ap1-range-mutate/main.go:98") && !result.text.contains("proflens/samples/"))
                #expect(baseline!.text.contains("main.(*SessionCache).Expire proflens/samples/ap1-range-mutate/main.go:98"))
            },
            .same("top -source_path", ["top", "--lines", "-source_path", Paths.samples.path, A],
                  as: ["top", "--lines", "--source-path", Paths.samples.path, A], without: ["top", "--lines", A]),
            .effect("top --source-path (no file names to trim)", ["top", "--source-path", Paths.samples.path, A], without: ["top", A]) { result, baseline in
                // Accepted, and, as for pprof, nothing it prints names a file.
                Output.ok(result)
                #expect(result.stdout == baseline!.stdout && !result.stdout.isEmpty)
            },
            .effect("top --trim-path --lines", ["top", "--lines", "--trim-path", "proflens", A], without: ["top", "--lines", A]) { result, baseline in
                Output.ok(result)
                #expect(Output.topRows(result.text).contains("main.(*SessionCache).Expire samples/ap1-range-mutate/main.go:98"))
                #expect(!result.text.contains("proflens/samples/") && baseline!.text.contains("proflens/samples/"))
            },
            .same("top -trim_path", ["top", "--lines", "-trim_path=proflens", A],
                  as: ["top", "--lines", "--trim-path", "proflens", A], without: ["top", "--lines", A]),
            .effect("traces --lines", ["traces", "--lines", A], without: ["traces", A]) { result, baseline in
                Output.ok(result)
                // Every frame "function file:line" (TracesOptionGoldenTests: pprof's -traces -lines byte for byte).
                let frames = Output.traces(result.text).flatMap { $0 }
                #expect(!frames.isEmpty && frames.allSatisfy { $0.contains(/. \S+\.(go|s):\d+( \(inline\))?$/) }, "\(frames.prefix(3))")
                #expect(!Output.traces(baseline!.text).flatMap { $0 }.contains { $0.contains(/:\d+( \(inline\))?$/) })
            },
            .same("traces -lines", ["traces", "-lines", A], as: ["traces", "--lines", A], without: ["traces", A]),
            .effect("traces --unit ms", ["traces", "--unit", "ms", A], without: ["traces", A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("Total samples = 2200ms") && baseline!.text.contains("Total samples = 2.20s"))
                #expect(result.text.contains("\n      10ms   ") && result.stdout != baseline!.stdout)
            },
            .same("traces -unit=ms", ["traces", "-unit=ms", A], as: ["traces", "--unit", "ms", A], without: ["traces", "--unit", "s", A]),
            .effect("top --diff-base", ["top", "--diff-base", A, AF], without: ["top", AF]) { result, baseline in
                Output.ok(result)
                let reference = try Samples.reference("diff/ap1-range-mutate.cpu.top.txt")
                #expect(result.stdout == reference && baseline!.stdout != reference)
            },
            .effect("top --diff-base --normalize", ["top", "--diff-base", A, "--normalize", AF],
                    without: ["top", "--diff-base", A, AF]) { result, baseline in
                Output.ok(result)
                let reference = try Samples.reference("diff/ap1-range-mutate.cpu.normalize.top.txt")
                #expect(result.stdout == reference && baseline!.stdout != reference)
            },
            .effect("top --diff-base twice", ["top", "--diff-base", A, "--diff-base", A, AF], without: ["top", "--diff-base", A, AF]) { result, baseline in
                Output.ok(result)
                // Both bases are merged: the base counts twice, so more is subtracted.
                #expect(result.stdout != baseline!.stdout && result.text.contains("Showing nodes accounting for -"))
            },
            .refused("top --normalize without --diff-base", ["top", "--normalize", A], mentions: ["--normalize", "--diff-base"]),
        ]
    }

    /// The flat and cum values of a top table's rows.
    static func topValues(_ text: String) -> [String] {
        var values: [String] = []
        var inTable = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("      flat  flat%") { inTable = true; continue }
            let fields = line.split(separator: " ")
            if inTable && fields.count > 5 { values += [String(fields[0]), String(fields[3])] }
        }
        return values
    }

    /// fold's --lines and -o.
    static var foldCases: [OptionCase] {
        let output = temporaryPath("out.folded"), longOutput = temporaryPath("long.folded")
        return [
            .effect("fold --lines", ["fold", "--lines", A], without: ["fold", A]) { result, baseline in
                Output.ok(result)
                let frames = Output.folded(result.text).flatMap(\.frames)
                #expect(!frames.isEmpty && frames.allSatisfy { $0.contains(/:\d+$/) })
                #expect(!Output.folded(baseline!.text).flatMap(\.frames).contains { $0.contains(/:\d+$/) })
            },
            .effect("fold -o FILE", ["fold", "-o", output, A], without: ["fold", A]) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: output))) == baseline!.stdout)
            },
            .effect("fold --output FILE", ["fold", "--output", longOutput, A], without: ["fold", A]) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: longOutput))) == baseline!.stdout)
            },
            .effect("fold -o directory", ["fold", "-o", FileManager.default.temporaryDirectory.path, A], without: nil) { result, _ in
                Output.oneLineError(result, status: 73, mentions: ["cannot write"])
            },
        ]
    }

    /// The options of a flame graph; `prefix` is `flame -o -` or a differential graph's.
    /// `sides`: every profile the graph shows (a differential graph's base too).
    static func graphCases(_ label: String, _ prefix: [String], profiles: [String], sides: [String]) -> [OptionCase] {
        let without = prefix + profiles
        let lowMinWidth = prefix + ["--min-width", "0"] + profiles
        return [
            .effect("\(label) --title", prefix + ["--title", "Hot <maps>"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(">Hot &lt;maps&gt;</text>") && !baseline!.text.contains("Hot &lt;maps"))
            },
            .effect("\(label) --width 600", prefix + ["--width", "600"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                #expect(Output.svgAttribute(result.text, "width") == "600" && Output.svgAttribute(baseline!.text, "width") == "1200")
                let frames = DrawnFrame.frames(in: result.text)
                #expect(!frames.isEmpty && frames.allSatisfy { $0.x + $0.width <= 600 })
            },
            .effect("\(label) --min-width 20", prefix + ["--min-width", "20"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                let frames = DrawnFrame.frames(in: result.text)
                #expect(!frames.isEmpty && frames.allSatisfy { $0.width >= 19.99 })
                #expect(frames.count < DrawnFrame.frames(in: baseline!.text).count && result.text.contains("narrower than 20 px left out"))
            },
            .effect("\(label) --inverted", prefix + ["--inverted"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                // The root is the topmost frame of an icicle graph, the lowest of a flame graph.
                let frames = DrawnFrame.frames(in: result.text), plain = DrawnFrame.frames(in: baseline!.text)
                #expect(frames.first?.name == "all" && frames.first!.y == frames.map(\.y).min())
                #expect(plain.first?.name == "all" && plain.first!.y == plain.map(\.y).max())
            },
            .effect("\(label) --reverse", prefix + ["--reverse", "--min-width", "0"] + profiles, without: lowMinWidth) { result, baseline in
                Output.ok(result)
                // Merged from the leaves: the frames above the root are the stacks' leaves.
                let leaves = try await Output.foldedLeaves(sides)
                let top = Set(DrawnFrame.frames(in: result.text).filter { $0.depth == 1 }.map(\.name))
                #expect(top == leaves)
                #expect(Set(DrawnFrame.frames(in: baseline!.text).filter { $0.depth == 1 }.map(\.name)) != leaves)
            },
            .effect("\(label) --sort size", prefix + ["--sort", "size", "--min-width", "0"] + profiles, without: lowMinWidth) { result, baseline in
                Output.ok(result)
                let sized = DrawnFrame.frames(in: result.text).filter { $0.depth == 1 }
                let named = DrawnFrame.frames(in: baseline!.text).filter { $0.depth == 1 }
                #expect(sized.count >= 3 && sized.map(\.widthValue) == sized.map(\.widthValue).sorted(by: >))
                #expect(sized.map(\.name) != sized.map(\.name).sorted())
                #expect(named.map(\.name) == named.map(\.name).sorted() && named.map(\.widthValue) != named.map(\.widthValue).sorted(by: >))
            },
            .effect("\(label) --dark", prefix + ["--dark"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                #expect(Output.background(result.text) == "#1d1f21" && Output.background(baseline!.text) == "#ffffff")
            },
            .effect("\(label) --lines", prefix + ["--lines"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                let names = Output.frameNames(result.text)
                #expect(!names.isEmpty && names.allSatisfy { $0.contains(/:\d+$/) })
                #expect(!Output.frameNames(baseline!.text).contains { $0.contains(/:\d+$/) })
            },
            .effect("\(label) --highlight", prefix + ["--highlight"] + profiles, without: without) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("<g class=\"legend\">") && result.text.contains("AP1 "))
                #expect(DrawnFrame.frames(in: result.text).contains { $0.highlighted })
                #expect(!baseline!.text.contains("class=\"legend\"") && !DrawnFrame.frames(in: baseline!.text).contains { $0.highlighted })
            },
            .effect("\(label) --highlight --rules", prefix + ["--highlight", "--rules", teamRules] + profiles, without: prefix + ["--highlight"] + profiles) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(">TEAM1 Hashing everywhere</text>") && !result.text.contains(">AP1 "))
                let highlighted = DrawnFrame.frames(in: result.text).filter(\.highlighted)
                #expect(!highlighted.isEmpty && highlighted.allSatisfy { $0.name.hasPrefix("crypto/sha256.") || $0.name.hasPrefix("main.") })
                #expect(baseline!.text.contains(">AP1 "))
            },
        ] + ["focus", "ignore", "hide"].map { filter in
            let pattern = filter == "hide" ? #"^runtime\."# : "sha256"
            return .effect("\(label) --\(filter)", prefix + ["--\(filter)", pattern] + profiles, without: without) { result, baseline in
                Output.ok(result)
                let names = Output.frameNames(result.text), plain = Output.frameNames(baseline!.text)
                switch filter {
                case "focus":
                    let universe = try await Output.foldedNames(["--focus", "sha256"], sides)
                    #expect(!names.isEmpty && names.isSubset(of: universe) && !plain.isSubset(of: universe))
                case "ignore":
                    #expect(!names.isEmpty && !names.contains { $0.contains("sha256") } && plain.contains { $0.contains("sha256") })
                default:
                    #expect(!names.isEmpty && !names.contains { $0.hasPrefix("runtime.") } && plain.contains { $0.hasPrefix("runtime.") })
                }
            }
        }
    }

    /// flame's own options, plain graphs.
    static var flameCases: [OptionCase] {
        let output = temporaryPath("out.svg"), longOutput = temporaryPath("long.svg"), differentialOutput = temporaryPath("diff.svg")
        let plain = ["flame", "-o", "-", A]
        return graphCases("flame", ["flame", "-o", "-"], profiles: [A], sides: [A]) + [
            .effect("flame --palette colorblind", ["flame", "-o", "-", "--palette", "colorblind", A], without: plain) { result, baseline in
                Output.ok(result)
                // Okabe–Ito: runtime frames orange (230, g, b).
                let runtime = DrawnFrame.frames(in: result.text).filter { $0.name.hasPrefix("runtime.") }
                #expect(!runtime.isEmpty && runtime.allSatisfy { Output.rgb($0.fill)?.0 == 230 })
                #expect(Set(DrawnFrame.frames(in: result.text).map(\.fill)) != Set(DrawnFrame.frames(in: baseline!.text).map(\.fill)))
            },
            .effect("flame --palette package", ["flame", "-o", "-", "--palette", "package", A], without: plain) { result, baseline in
                Output.ok(result)
                // The user's own code green.
                let user = DrawnFrame.frames(in: result.text).filter { $0.name.hasPrefix("main.") }
                #expect(!user.isEmpty && user.allSatisfy { Output.rgb($0.fill).map { $0.1 >= 195 && $0.0 <= 100 } ?? false })
                #expect(!DrawnFrame.frames(in: baseline!.text).filter { $0.name.hasPrefix("main.") }.allSatisfy { Output.rgb($0.fill).map { $0.1 >= 195 && $0.0 <= 100 } ?? false })
            },
            .effect("flame --palette hot (the default)", ["flame", "-o", "-", "--palette", "hot", A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout == baseline!.stdout)
                #expect(DrawnFrame.frames(in: result.text).dropFirst().allSatisfy { Output.rgb($0.fill).map { $0.0 >= 205 && $0.2 <= 55 } ?? false })
            },
            .effect("flame -o FILE", ["flame", "-o", output, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: output))) == baseline!.stdout)
            },
            .effect("flame --output FILE", ["flame", "--output", longOutput, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: longOutput))) == baseline!.stdout)
            },
            .effect("flame --base -o FILE", ["flame", "--base", AF, "-o", differentialOutput, A], without: ["flame", "--base", AF, "-o", "-", A]) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: differentialOutput))) == baseline!.stdout)
            },
            .effect("flame --sample-index (differential)", ["flame", "-o", "-", "--base", HF, "--sample-index", "alloc_space", H],
                    without: ["flame", "-o", "-", "--base", HF, H]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(" · alloc_space · red grew") && baseline!.text.contains(" · inuse_space · red grew"))
            },
            .effect("flame --tagfocus (differential)", ["flame", "-o", "-", "--base", LO, "--tagfocus", "user=alice", L],
                    without: ["flame", "-o", "-", "--base", LO, L]) { result, baseline in
                Output.ok(result)
                let names = Output.frameNames(result.text)
                #expect(names.contains("main.alice") && !names.contains("main.bob") && Output.frameNames(baseline!.text).contains("main.bob"))
            },
            .refused("flame --rules without --highlight", ["flame", "-o", "-", "--rules", teamRules, A], mentions: ["--rules", "--highlight"]),
            .refused("flame --width-by without --base", ["flame", "-o", "-", "--width-by", "max", A], mentions: ["--width-by", "--base"]),
            .refused("flame --colorblind-diff without --base", ["flame", "-o", "-", "--colorblind-diff", A], mentions: ["--colorblind-diff", "--base"]),
            .refused("flame --normalize without --base", ["flame", "-o", "-", "--normalize", A], mentions: ["--normalize", "--base"]),
            .refused("flame --palette with --base", ["flame", "-o", "-", "--palette", "package", "--base", AF, A], mentions: ["--palette"]),
            .refused("flame --width 50", ["flame", "-o", "-", "--width", "50", A], mentions: ["--width"]),
            .refused("flame --min-width beyond the width", ["flame", "-o", "-", "--width", "600", "--min-width", "601", A], mentions: ["--min-width"]),
            .refused("flame --sort age", ["flame", "-o", "-", "--sort", "age", A], mentions: ["age"]),
        ]
    }

    /// flame --base: a differential graph, with every option of a plain one but the palette.
    static var differentialFlameCases: [OptionCase] {
        let prefix = ["flame", "-o", "-", "--base", AF]
        let differential = prefix + [A]
        @Sendable func grown(_ frames: [DrawnFrame]) -> [DrawnFrame] { frames.filter { ($0.new ?? 0) > ($0.base ?? 0) } }
        return graphCases("flame --base", prefix, profiles: [A], sides: [A, AF]) + [
            .effect("flame --base", differential, without: ["flame", "-o", "-", A]) { result, baseline in
                Output.ok(result)
                let frames = DrawnFrame.frames(in: result.text)
                #expect(result.text.contains(">Differential Flame Graph</text>") && frames.allSatisfy { $0.base != nil && $0.new != nil })
                #expect(frames.contains { $0.base! > $0.new! } && frames.contains { $0.base! < $0.new! })
                #expect(DrawnFrame.frames(in: baseline!.text).allSatisfy { $0.base == nil })
            },
            .effect("flame --base --normalize", prefix + ["--normalize", A], without: differential) { result, baseline in
                Output.ok(result)
                // The new profile is scaled to the base's total.
                let root = try #require(DrawnFrame.frames(in: result.text).first), plain = try #require(DrawnFrame.frames(in: baseline!.text).first)
                #expect(abs(root.new! - root.base!) <= root.base! / 1000 && plain.new! != plain.base!)
            },
            .effect("flame --base --width-by new", prefix + ["--width-by", "new", A], without: differential) { result, baseline in
                Output.ok(result)
                #expect(DrawnFrame.frames(in: result.text).allSatisfy { $0.widthValue == $0.new! })
                // max: at least the larger side, with room for the children of both.
                let maxed = DrawnFrame.frames(in: baseline!.text)
                #expect(maxed.allSatisfy { $0.widthValue >= max($0.new!, $0.base!) } && maxed.contains { $0.widthValue != $0.new! })
                #expect(result.text.contains("width: new") && baseline!.text.contains("width: max"))
            },
            .effect("flame --base --width-by base", prefix + ["--width-by", "base", A], without: differential) { result, baseline in
                Output.ok(result)
                #expect(DrawnFrame.frames(in: result.text).allSatisfy { $0.widthValue == $0.base! })
                #expect(!DrawnFrame.frames(in: baseline!.text).allSatisfy { $0.widthValue == $0.base! })
            },
            .effect("flame --base --colorblind-diff", prefix + ["--colorblind-diff", A], without: differential) { result, baseline in
                Output.ok(result)
                // Growth in orange (green above blue) instead of red (green equal to blue).
                let orange = grown(DrawnFrame.frames(in: result.text)).compactMap { Output.rgb($0.fill) }
                let red = grown(DrawnFrame.frames(in: baseline!.text)).compactMap { Output.rgb($0.fill) }
                #expect(!orange.isEmpty && orange.allSatisfy { $0.0 == 255 && $0.1 > $0.2 })
                #expect(!red.isEmpty && red.allSatisfy { $0.0 == 255 && $0.1 == $0.2 })
            },
        ]
    }

    /// compare's own options: --base, --normalize, --svg and the differential graph's options.
    static var compareCases: [OptionCase] {
        let svg = temporaryPath("diff.svg"), svgNew = temporaryPath("diff-new.svg"), svgColorblind = temporaryPath("diff-cb.svg")
        let plain = ["compare", AF, A]
        @Sendable func graph(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return [
            .same("compare --base", ["compare", "--base", AF, A], as: plain, without: ["compare", A, AF]),
            .effect("compare --base twice", ["compare", "--format", "json", "--base", AF, "--base", AF, A], without: ["compare", "--format", "json", AF, A]) { result, baseline in
                Output.ok(result)
                let once = try #require(Output.number(Output.json(baseline!), "total", "base"))
                #expect(Output.number(Output.json(result), "total", "base") == 2 * once)
            },
            .effect("compare --normalize", ["compare", "--format", "json", "--normalize", AF, A], without: ["compare", "--format", "json", AF, A]) { result, baseline in
                Output.ok(result)
                let json = Output.json(result), plain = Output.json(baseline!)
                let base = try #require(Output.number(json, "total", "base")), new = try #require(Output.number(json, "total", "new"))
                #expect(abs(new - base) <= base / 1000 && Output.number(plain, "total", "new") != Output.number(plain, "total", "base"))
            },
            .effect("compare --svg", ["compare", "--svg", svg, AF, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout == baseline!.stdout)
                #expect(graph(svg).contains(">Differential Flame Graph</text>") && DrawnFrame.frames(in: graph(svg)).allSatisfy { $0.base != nil })
            },
            .effect("compare --svg --width-by new", ["compare", "--svg", svgNew, "--width-by", "new", AF, A], without: plain) { result, _ in
                Output.ok(result)
                let frames = DrawnFrame.frames(in: graph(svgNew))
                #expect(!frames.isEmpty && frames.allSatisfy { $0.widthValue == $0.new! } && graph(svgNew).contains("width: new"))
            },
            .effect("compare --svg --colorblind-diff", ["compare", "--svg", svgColorblind, "--colorblind-diff", AF, A], without: plain) { result, _ in
                Output.ok(result)
                let orange = DrawnFrame.frames(in: graph(svgColorblind)).filter { $0.new! > $0.base! }.compactMap { Output.rgb($0.fill) }
                #expect(!orange.isEmpty && orange.allSatisfy { $0.0 == 255 && $0.1 > $0.2 })
            },
            .effect("compare --svg directory", ["compare", "--svg", FileManager.default.temporaryDirectory.path, AF, A], without: nil) { result, _ in
                Output.oneLineError(result, status: 73, mentions: ["cannot write"])
            },
            .refused("compare --width-by without --svg", ["compare", "--width-by", "new", AF, A], mentions: ["--width-by", "--svg"]),
            .refused("compare --colorblind-diff without --svg", ["compare", "--colorblind-diff", AF, A], mentions: ["--colorblind-diff", "--svg"]),
            .refused("compare one profile", ["compare", A], mentions: ["BASE"]),
        ]
    }

    /// merge's own options: -o, --diff-base, --normalize, --pgo, --node-fraction. The profile
    /// written is read back by top, traces and fold.
    static var mergeCases: [OptionCase] {
        let output = temporaryPath("merged.pb.gz"), longOutput = temporaryPath("merged-long.pb.gz")
        let plain = ["merge", "-o", "-", A]
        let difference = ["merge", "-o", "-", "--diff-base", A, AF]
        let pgo = ["merge", "-o", "-", "--pgo", A]
        return [
            .effect("merge -o FILE", ["merge", "-o", output, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && !baseline!.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: output))) == baseline!.stdout)
            },
            .effect("merge --output FILE", ["merge", "--output", longOutput, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: longOutput))) == baseline!.stdout)
            },
            .effect("merge -o directory", ["merge", "-o", FileManager.default.temporaryDirectory.path, A], without: nil) { result, _ in
                Output.oneLineError(result, status: 73, mentions: ["cannot write"])
            },
            // The difference as top --diff-base reports it, read back from the file.
            .effect("merge --diff-base", difference, without: ["merge", "-o", "-", AF]) { result, baseline in
                Output.ok(result)
                let read = try await Output.mergedReport(["top"], result)
                let direct = try await Runs.run(["top", "--diff-base", A, AF])
                #expect(read.status == 0 && read.stdout == direct.stdout && read.text.contains("\n    -0."), "\(read.stderr)")
                #expect(try await Output.mergedReport(["top"], baseline!).stdout != direct.stdout)
            },
            .effect("merge --diff-base --normalize", ["merge", "-o", "-", "--diff-base", A, "--normalize", AF], without: difference) { result, baseline in
                Output.ok(result)
                let read = try await Output.mergedReport(["top"], result)
                let direct = try await Runs.run(["top", "--diff-base", A, "--normalize", AF])
                #expect(read.status == 0 && read.stdout == direct.stdout, "\(read.stderr)")
                #expect(try await Output.mergedReport(["top"], baseline!).stdout != direct.stdout)
            },
            .same("merge -diff_base=", ["merge", "-o", "-", "-diff_base=\(A)", AF], as: difference, without: ["merge", "-o", "-", AF]),
            .same("merge -normalize", ["merge", "-o", "-", "-normalize", "--diff-base", A, AF],
                  as: ["merge", "-o", "-", "--normalize", "--diff-base", A, AF], without: difference),
            // Only samples/count is kept, and the size saved is said on stderr.
            .effect("merge --pgo", pgo, without: plain) { result, baseline in
                #expect(result.status == 0 && result.stderr.hasPrefix("proflens: PGO profile: \(result.stdout.count) bytes, ")
                        && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
                #expect(!result.stdout.isEmpty && result.stdout.count < baseline!.stdout.count)
                let read = try await Output.mergedReport(["traces"], result), plainRead = try await Output.mergedReport(["traces"], baseline!)
                #expect(read.text.hasPrefix("Type: samples\n") && plainRead.text.contains("\nType: cpu\n"), "\(read.text.prefix(200))")
            },
            .effect("merge --pgo --node-fraction 0.2", ["merge", "-o", "-", "--pgo", "--node-fraction", "0.2", A], without: pgo) { result, baseline in
                Output.ok(result)
                // A higher fraction cuts more frames.
                let cut = Output.mergedStacks(result), kept = Output.mergedStacks(baseline!)
                #expect(!cut.isEmpty && Set(cut.flatMap(\.frames)).count < Set(kept.flatMap(\.frames)).count)
            },
            .same("merge -nodefraction=0.2", ["merge", "-o", "-", "--pgo", "-nodefraction=0.2", A],
                  as: ["merge", "-o", "-", "--pgo", "--node-fraction", "0.2", A], without: pgo),
            .refused("merge --normalize without --diff-base", ["merge", "-o", "-", "--normalize", A], mentions: ["--normalize", "--diff-base"]),
            .refused("merge --node-fraction without --pgo", ["merge", "-o", "-", "--node-fraction", "0.1", A], mentions: ["--node-fraction", "--pgo"]),
            .refused("merge --node-fraction 1", ["merge", "-o", "-", "--pgo", "--node-fraction", "1", A], mentions: ["--node-fraction"]),
            .refused("merge --pgo with --diff-base", ["merge", "-o", "-", "--pgo", "--diff-base", A, AF], mentions: ["--pgo", "--diff-base"]),
            .refused("merge --pgo on a heap profile", ["merge", "-o", "-", "--pgo", H], mentions: ["--pgo", "not a CPU profile"]),
            // --heap-interval: the heap URL is taken twice, the second a second later.
            .effect("analyze --heap-interval 1s (URL)", ["analyze", "--no-save", "--heap-interval", "1s", heapServer.url("/debug/pprof/heap")],
                    without: ["analyze", "--no-save", heapServer.url("/debug/pprof/heap")]) { result, baseline in
                Output.ok(result)
                Output.ok(baseline!)
                let url = heapServer.url("/debug/pprof/heap")
                #expect(result.text.contains("Profile:      \(url) (+1s)") && result.text.contains("Profile:      \(url)\n"))
                #expect(!baseline!.text.contains("(+1s)"))
                #expect(result.stderr.components(separatedBy: "Fetching profile over HTTP").count == 3, "\(result.stderr)")
            },
            .refused("analyze --heap-interval without a heap URL", ["analyze", "--heap-interval", "1s", H], mentions: ["--heap-interval", "heap"]),
            .refused("merge no profile", ["merge", "-o", "-"], mentions: ["<files>"]),
        ]
    }

    /// report's own options: -o, --pprof-compat, --nodecount, --rules, --fail-on, --source-path
    /// and --trim-path (analyze's, on the HTML page).
    static var reportCases: [OptionCase] {
        let output = temporaryPath("report.html"), longOutput = temporaryPath("report-long.html")
        let plain = ["report", "-o", "-", A]
        let samples = Paths.samples.path
        let elsewhere = FileManager.default.temporaryDirectory.path
        return [
            .effect("report -o FILE", ["report", "-o", output, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && !baseline!.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: output))) == baseline!.stdout)
            },
            .effect("report --output FILE", ["report", "--output", longOutput, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.stdout.isEmpty && (try? Data(contentsOf: URL(fileURLWithPath: longOutput))) == baseline!.stdout)
            },
            .effect("report -o directory", ["report", "-o", FileManager.default.temporaryDirectory.path, A], without: nil) { result, _ in
                Output.oneLineError(result, status: 73, mentions: ["cannot write"])
            },
            .effect("report --pprof-compat 1.19", ["report", "-o", "-", "--pprof-compat", "1.19", A], without: plain) { result, baseline in
                Output.ok(result)
                // The header's Time: line as Go 1.19's pprof writes it (top --pprof-compat 1.19's).
                func time(_ text: String) -> String? { text.split(separator: "\n").first { $0.hasPrefix("Time: ") }.map(String.init) }
                let old = try #require(time(try await Runs.run(["top", "--pprof-compat", "1.19", A]).text))
                let current = try #require(time(try await Runs.run(["top", A]).text))
                #expect(old != current && result.text.contains(old + "\n") && !result.text.contains(current + "\n"))
                #expect(baseline!.text.contains(current + "\n") && !baseline!.text.contains(old + "\n"))
            },
            .refused("report --pprof-compat 1.18", ["report", "-o", "-", "--pprof-compat", "1.18", A], mentions: ["1.18"]),
            .effect("report --nodecount 3", ["report", "-o", "-", "--nodecount", "3", A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(Output.reportTopRows(result.text).count == 3 && result.text.contains("Showing top 3 nodes out of "))
                #expect(Output.reportTopRows(baseline!.text).count > 3)
            },
            .refused("report --nodecount=-1", ["report", "-o", "-", "--nodecount=-1", A], mentions: ["--nodecount"]),
            .effect("report --rules", ["report", "-o", "-", "--rules", teamRules, A], without: plain) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(#"<span class="rule">TEAM1</span> Hashing everywhere"#) && !result.text.contains(#"<span class="rule">AP1</span>"#))
                #expect(baseline!.text.contains(#"<span class="rule">AP1</span>"#) && !baseline!.text.contains("TEAM1"))
            },
            .refused("report --rules (not a rules file)", ["report", "-o", "-", "--rules", A, A], mentions: ["not a rules file"]),
            .effect("report --fail-on info", ["report", "-o", "-", "--fail-on", "info", A], without: plain) { result, baseline in
                #expect(result.status == 1 && result.stdout == baseline!.stdout && result.stderr.isEmpty, "\(result.stderr)")
                Output.ok(baseline!)
            },
            .effect("report --source-path", ["report", "-o", "-", "--source-path", samples, A],
                    without: ["report", "-o", "-", "--source-path", elsewhere, A]) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("Source: confirmed") && !result.text.contains("Source not found ("))
                #expect(baseline!.text.contains("Source not found (") && !baseline!.text.contains("Source: confirmed"))
            },
            .same("report -source_path", ["report", "-o", "-", "-source_path", samples, A], as: ["report", "-o", "-", "--source-path", samples, A],
                  without: ["report", "-o", "-", "--source-path", elsewhere, A]),
            .effect("report --trim-path", ["report", "-o", "-", "--source-path", samples, "--trim-path", "proflens", A],
                    without: ["report", "-o", "-", "--source-path", samples, A]) { result, baseline in
                Output.ok(result)
                // The file as pprof prints it: without the prefix given; without one, trimmed up
                // to the search directory's name (samples/).
                #expect(result.text.contains(" at samples/ap1-range-mutate/main.go:") && !result.text.contains(" at ap1-range-mutate/main.go:"))
                #expect(baseline!.text.contains(" at ap1-range-mutate/main.go:") && !baseline!.text.contains(" at samples/ap1-range-mutate/main.go:"))
            },
            .same("report -trim_path", ["report", "-o", "-", "--source-path", samples, "-trim_path", "proflens", A],
                  as: ["report", "-o", "-", "--source-path", samples, "--trim-path", "proflens", A],
                  without: ["report", "-o", "-", "--source-path", samples, A]),
            .refused("report no profile", ["report", "-o", "-"], mentions: ["<files>"]),
        ]
    }

    /// list's own options: --source-path and --trim-path (where the listed source is found, and
    /// the file name it is listed under).
    static var listCases: [OptionCase] {
        let samples = Paths.samples.path
        let elsewhere = FileManager.default.temporaryDirectory.path
        let found = ["list", "Expire", "--source-path", samples, A]
        let notFound = ["list", "Expire", "--source-path", elsewhere, A]
        return [
            .effect("list --source-path", found, without: notFound) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains("func (c *SessionCache) Expire(now int64) int {") && !result.text.contains("Error: could not find file"))
                #expect(baseline!.text.contains("Error: could not find file") && !baseline!.text.contains("func (c *SessionCache) Expire("))
            },
            .same("list -source_path", ["list", "Expire", "-source_path", samples, A], as: found, without: notFound),
            .effect("list --trim-path", ["list", "Expire", "--source-path", samples, "--trim-path", "proflens", A], without: found) { result, baseline in
                Output.ok(result)
                #expect(result.text.contains(" in samples/ap1-range-mutate/main.go\n") && !result.text.contains(" in ap1-range-mutate/main.go\n"))
                #expect(baseline!.text.contains(" in ap1-range-mutate/main.go\n"))
            },
            .same("list -trim_path", ["list", "Expire", "--source-path", samples, "-trim_path", "proflens", A],
                  as: ["list", "Expire", "--source-path", samples, "--trim-path", "proflens", A], without: found),
            .effect("list no match", ["list", "^nosuchfunction$", A], without: nil) { result, _ in
                Output.oneLineError(result, status: 64, mentions: ["no matches found for regexp: ^nosuchfunction$"])
            },
        ]
    }

    /// pprof's spellings: -name=value and -name value are the long options, for every command.
    static var singleDash: [OptionCase] {
        var cases: [OptionCase] = []
        let aliases: [(dash: String, long: String, value: String, profile: String, base: String)] = [
            ("-sample_index", "--sample-index", "alloc_space", H, HF), ("-focus", "--focus", "sha256", A, AF),
            ("-ignore", "--ignore", "sha256", A, AF), ("-hide", "--hide", "runtime", A, AF), ("-tagfocus", "--tagfocus", "user=alice", L, LO),
            ("-show", "--show", "main", A, AF), ("-tagignore", "--tagignore", "user=alice", L, LO),
            ("-show_from", "--show-from", "main", A, AF), ("-taghide", "--taghide", "user", L, LO), ("-tagshow", "--tagshow", "nosuchkey", L, LO),
        ]
        for (position, alias) in aliases.enumerated() {
            for (index, (command, prefix, profiles)) in invocations(alias.profile, base: alias.base).enumerated() {
                // Both spellings of the value: -name=value and -name value.
                let spelled = (position + index) % 2 == 0 ? ["\(alias.dash)=\(alias.value)"] : [alias.dash, alias.value]
                if command == "merge" && alias.long == "--sample-index" {
                    // It chooses nothing in merge's output: the same as --sample-index, and as none.
                    let long = prefix + [alias.long, alias.value] + profiles
                    cases.append(.effect("merge \(spelled.joined(separator: " "))", prefix + spelled + profiles, without: long) { result, baseline in
                        Output.ok(result)
                        #expect(!result.stdout.isEmpty && result.stdout == baseline!.stdout)
                    })
                    continue
                }
                if ["--taghide", "--tagshow"].contains(alias.long) && ["fold", "flame", "list", "compare"].contains(command) {
                    // These show no labels: the spelling gives what the long option gives.
                    let long = prefix + [alias.long, alias.value] + profiles
                    cases.append(.effect("\(command) \(spelled.joined(separator: " "))", prefix + spelled + profiles, without: long) { result, baseline in
                        Output.ok(result)
                        #expect(!result.stdout.isEmpty && result.stdout == baseline!.stdout)
                    })
                    continue
                }
                cases.append(.same("\(command) \(spelled.joined(separator: " "))", prefix + spelled + profiles,
                                   as: prefix + [alias.long, alias.value] + profiles, without: prefix + profiles))
            }
        }
        for (command, prefix, profiles) in invocations(A, base: AF) {
            cases.append(.refused("\(command) -seconds=5 with files", prefix + ["-seconds=5"] + profiles, mentions: ["--seconds", "URL"]))
            cases.append(.refused("\(command) -timeout 5 with files", prefix + ["-timeout", "5"] + profiles, mentions: ["--timeout", "URL"]))
        }
        for command in ["analyze", "top", "compare", "report"] {
            let profiles = command == "compare" ? [AF, A] : [A]
            cases.append(.same("\(command) -nodecount=3", [command, "-nodecount=3"] + profiles, as: [command, "--nodecount", "3"] + profiles, without: [command] + profiles))
        }
        return cases + [
            .same("top -diff_base=", ["top", "-diff_base=\(A)", AF], as: ["top", "--diff-base", A, AF], without: ["top", AF]),
            .same("top -diff_base= -normalize", ["top", "-diff_base=\(A)", "-normalize", AF], as: ["top", "--diff-base", A, "--normalize", AF], without: ["top", "--diff-base", A, AF]),
            .same("compare -normalize", ["compare", "-normalize", AF, A], as: ["compare", "--normalize", AF, A], without: ["compare", AF, A]),
            .same("flame -normalize", ["flame", "-o", "-", "-normalize", "--base", AF, A], as: ["flame", "-o", "-", "--normalize", "--base", AF, A], without: ["flame", "-o", "-", "--base", AF, A]),
            .effect("top -seconds=1 (URL)", ["top", "-seconds=1", server.url], without: nil) { result, _ in
                Output.oneLineError(result, status: 66, mentions: ["?seconds=1", "timed out after 1.5 s"])
            },
            .effect("traces -timeout=1 (URL)", ["traces", "-timeout=1", server.url], without: nil) { result, _ in
                Output.oneLineError(result, status: 66, mentions: ["timed out after 1 s"])
            },
        ]
    }
}
