import Foundation
import Testing
import TestSupport

/// Random command lines never crash: a seeded generator builds a few hundred command lines
/// (every subcommand, the real option names, hostile values: huge and negative numbers, nan,
/// inf, empty strings, broken and pathological regular expressions, unicode, very long
/// strings, repeated options, missing values, unknown options, `-` as a file, missing files,
/// directories as output) and runs the built binary on each, a few at a time.
///
/// Each run must end by itself within `timeLimit` with a documented status (0, 1, 64, 65, 66,
/// 73; never a signal, never another code), and a failure must say so on stderr in one line:
/// "proflens: ..." (for 64 also the argument parser's "Error: ..." line and its usage text).
///
/// Each run draws a new seed unless `PROFLENS_RANDOM_SEED=N` (a decimal UInt64) gives one. The
/// seed is printed before the first command line runs ("RandomCommandLineTests: seed N, ...")
/// and is in every failure recorded, with the command that replays the run:
/// `PROFLENS_RANDOM_SEED=N swift test --filter RandomCommandLineTests` makes the same command
/// lines, so a failure in CI is replayed from its log alone. A PROFLENS_RANDOM_SEED that is not
/// a number fails the test (rather than quietly running another seed).
/// PROFLENS_RANDOM_COUNT=N changes the number of command lines (default 300; the first N lines
/// of a seed are the same whatever the count), PROFLENS_RANDOM_LOG=FILE writes every run's
/// status and first line of stderr to FILE.
@Suite struct RandomCommandLineTests {
    static let timeLimit: TimeInterval = 20

    @Test func randomCommandLinesEndWithADocumentedStatus() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = try Self.environmentNumber("PROFLENS_RANDOM_SEED", as: UInt64.self) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let count = try Self.environmentNumber("PROFLENS_RANDOM_COUNT", as: Int.self) ?? 300
        let replay = "PROFLENS_RANDOM_SEED=\(seed) swift test --filter RandomCommandLineTests"
        print("RandomCommandLineTests: seed \(seed), \(count) command lines (\(replay) repeats them)")

        let fixtures = try Fixtures()
        defer { fixtures.remove() }
        var generator = CommandLineGenerator(seed: seed, fixtures: fixtures)
        let lines = (0..<count).map { _ in generator.next() }

        let started = Date()
        // Runs a few at a time (CLI.runAsync's slots), without holding the test threads.
        let outcomes = await withTaskGroup(of: (Int, String?, String, String).self) { group in
            for (index, line) in lines.enumerated() {
                group.addTask {
                    do {
                        let result = try await CLI.runAsync(line.arguments, in: fixtures.workDirectory, stdin: line.stdin, timeout: Self.timeLimit)
                        let problem = Self.problem(with: result).map {
                            "#\(index) \($0)\n    seed \(seed) (\(replay)); arguments: \(Self.quoted(line.arguments))"
                                + (line.stdin.map { "; stdin: \($0.lastPathComponent)" } ?? "") + "\n    stderr: \(result.stderr.prefix(500))"
                        }
                        let status = result.signalled ? "signal \(result.status)" : "\(result.status)"
                        return (index, problem, status, "#\(index) \(status) \(Self.quoted(line.arguments)) → \(result.stderr.split(separator: "\n").first ?? "")")
                    } catch {
                        return (index, "#\(index) could not run: \(error)\n    seed \(seed) (\(replay)); arguments: \(Self.quoted(line.arguments))", "error", "")
                    }
                }
            }
            var outcomes: [(Int, String?, String, String)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }
        let failures = outcomes.compactMap(\.1)
        let tally = Dictionary(grouping: outcomes.map(\.2), by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }
        print("RandomCommandLineTests: \(count) runs in \(Int(Date().timeIntervalSince(started))) s, \(failures.count) failed; statuses: "
              + tally.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        if let path = environment["PROFLENS_RANDOM_LOG"] {
            try outcomes.map(\.3).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        for failure in failures.prefix(25) { Issue.record(Comment(rawValue: failure)) }
    }

    /// The number in the environment variable `name`, nil when it is not set; a value that is
    /// not such a number fails the test, so that a replay never runs another seed unnoticed.
    static func environmentNumber<Number: LosslessStringConvertible>(_ name: String, as: Number.Type) throws -> Number? {
        guard let text = ProcessInfo.processInfo.environment[name] else { return nil }
        return try #require(Number(text.trimmingCharacters(in: .whitespaces)), "\(name)=\(text) is not a \(Number.self)")
    }

    /// What is wrong with a run, or nil.
    static func problem(with result: CLI.Result) -> String? {
        if result.timedOut { return "still running after \(Int(timeLimit)) s" }
        if result.signalled { return "killed by signal \(result.status)" }
        let text = result.stderr.hasSuffix("\n") ? String(result.stderr.dropLast()) : result.stderr
        let lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("Fetching profile over HTTP from ") }
            // merge --pgo says how much smaller the trimmed profile is.
            .filter { !(result.status == 0 && $0.hasPrefix("proflens: PGO profile: ")) }
            // As go tool pprof warns: a filter that matched nothing (the run goes on).
            .filter { !($0.hasPrefix("proflens: ") && $0.hasSuffix(" expression matched no samples")) }
        switch result.status {
        case 0, 1:
            return lines.isEmpty ? nil : "status \(result.status) with a message"
        case 64:
            if let first = lines.first, first.hasPrefix("Error: ") { return nil }
            return lines.count == 1 && lines[0].hasPrefix("proflens: ") ? nil : "status 64 without one \"proflens:\" or \"Error:\" line"
        case 65, 66, 73:
            return lines.count == 1 && lines[0].hasPrefix("proflens: ") ? nil : "status \(result.status) without exactly one \"proflens:\" line"
        default:
            return "undocumented status \(result.status)"
        }
    }

    static func quoted(_ arguments: [String]) -> String {
        arguments.map { argument in
            let shown = argument.count > 80 ? String(argument.prefix(40)) + "…(\(argument.count) characters)" : argument
            return "'" + shown.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

/// The files command lines name: real profiles, broken ones, a rules file, places to write.
struct Fixtures {
    let directory: URL
    /// The working directory of every run (relative names resolve here).
    var workDirectory: URL { directory.appendingPathComponent("work") }
    let profiles: [String]
    let broken: [String]
    let rules: [String]
    let stdinChoices: [URL]

    init() throws {
        let manager = FileManager.default
        let directory = manager.temporaryDirectory.appendingPathComponent("proflens-random-\(UUID().uuidString)")
        self.directory = directory
        try manager.createDirectory(at: directory.appendingPathComponent("work"), withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }
        profiles = [Samples.cpu, Samples.cpuFixed, Samples.heap, Samples.heapFixed, Samples.labelled, Samples.labelledOther,
                    Samples.profile("ap2-lock-contention", "mutex"), Samples.profile("ap2-lock-contention", "block"),
                    Samples.profile("ap4-never-shrink"), Samples.profile("healthy", "heap")]
        let cpu = Array(try Data(contentsOf: URL(fileURLWithPath: Samples.cpu)))
        var random = SplitMix64(seed: 7)
        let broken = [
            try write("empty.pb", []),
            try write("garbage.pb", (0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
            try write("truncated.pb.gz", Array(cpu.prefix(cpu.count / 2))),
            try write("gzip-header-only.pb.gz", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]),
            try write("text.pb", Array("not a profile\n".utf8)),
            directory.path,
        ]
        self.broken = broken
        let team = #"{"rules": [{"id": "TEAM1", "title": "t", "kinds": ["cpu", "heap"], "sampleTypes": ["cpu", "alloc_space"], "frames": ["sha256", "(.*)*(.*)*(.*)*(.*)*Q"], "thresholds": {"info": 0.001, "warning": 0.5, "critical": 0.9}, "explanation": "e", "fix": "f"}]}"#
        rules = [try write("rules.json", Array(team.utf8)), try write("bad-rules.json", Array(#"{"rules": [{"id": 1}]}"#.utf8)),
                 try write("not-json.json", Array("{".utf8))]
        stdinChoices = [URL(fileURLWithPath: Samples.cpu), URL(fileURLWithPath: Samples.heap),
                        URL(fileURLWithPath: broken[0]), URL(fileURLWithPath: broken[1]), URL(fileURLWithPath: broken[2])]
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// One command line and what its standard input holds.
struct GeneratedCommandLine: Sendable {
    var arguments: [String]
    var stdin: URL?
}

/// Builds random command lines from the commands' real options.
struct CommandLineGenerator {
    enum Value { case flag, regex, integer, double, size, sampleIndex, tagFocus, profile, output, rules, choice([String]), text }
    typealias Option = (names: [String], value: Value)

    static let input: [Option] = [(["--max-inflated-size"], .size), (["--seconds", "-seconds"], .integer), (["--timeout", "-timeout"], .double)]
    static let selection: [Option] = [(["--sample-index", "-sample_index"], .sampleIndex), (["--focus", "-focus"], .regex),
                                      (["--ignore", "-ignore"], .regex), (["--hide", "-hide"], .regex), (["--tagfocus", "-tagfocus"], .tagFocus)]
    static let compat: Option = (["--pprof-compat"], .choice(["current", "1.19"]))
    static let nodeCount: Option = (["--nodecount", "-nodecount"], .integer)
    static let classifier: [Option] = [(["--rules"], .rules), (["--fail-on"], .choice(["info", "warning", "critical"]))]
    static let color: [Option] = [(["--color"], .choice(["auto", "always", "never"])), (["--no-color"], .flag)]
    static let format: Option = (["--format"], .choice(["text", "json"]))
    static let differential: [Option] = [(["--width-by"], .choice(["base", "new", "max"])), (["--colorblind-diff"], .flag)]
    static let normalize: Option = (["--normalize", "-normalize"], .flag)
    /// pprof's report options of a table: what a row is, and the unit of its values.
    static let granularity: [Option] = [(["--functions", "-functions"], .flag), (["--lines", "-lines"], .flag), (["--files", "-files"], .flag),
                                        (["--filefunctions", "-filefunctions"], .flag), (["--addresses", "-addresses"], .flag)]
    static let unit: Option = (["--unit", "-unit"], .choice(["ms", "s", "hrs", "MB", "kB", "count", "auto", "minimum"]))
    static let cum: Option = (["--cum", "-cum"], .flag)

    static let commands: [(name: String, options: [Option], files: ClosedRange<Int>)] = [
        ("analyze", input + selection + [compat, nodeCount] + classifier + color + [format, cum, unit] + granularity, 1...3),
        ("top", input + selection + [compat, nodeCount, (["--diff-base", "-diff_base"], .profile), normalize, cum, unit] + granularity, 1...2),
        ("traces", input + selection + [compat, unit] + granularity, 1...2),
        ("fold", input + selection + [(["--lines"], .flag), (["-o", "--output"], .output)], 1...2),
        ("flame", input + selection + [(["--title"], .text), (["--width"], .integer), (["--min-width"], .double), (["--inverted"], .flag),
                                       (["--reverse"], .flag), (["--sort"], .choice(["name", "size"])),
                                       (["--palette"], .choice(["hot", "package", "colorblind"])), (["--dark"], .flag), (["--lines"], .flag),
                                       (["-o", "--output"], .output), (["--highlight"], .flag), (["--rules"], .rules),
                                       (["--base"], .profile), normalize] + differential, 1...2),
        ("compare", [(["--base"], .profile)] + input + selection + [nodeCount] + classifier + color
                    + [normalize, format, (["--svg"], .output), unit] + differential + granularity, 2...3),
        ("report", input + selection + [compat, nodeCount] + classifier + [(["-o", "--output"], .output)], 1...3),
        ("list", input + selection, 1...1),
        ("merge", input + selection + [(["-o", "--output"], .output), (["--diff-base", "-diff_base"], .profile), normalize,
                                       (["--pgo"], .flag), (["--node-fraction", "-nodefraction"], .double)], 1...3),
        ("rules", [], 0...0),
    ]

    /// Values no option accepts gracefully by accident: numbers out of every range, not
    /// numbers, empty, broken and pathological regular expressions, unicode, long strings,
    /// text that looks like an option. None holds a ':' (which could make a file name a URL).
    static let hostile: [String] = [
        "99999999999999999999", "-99999999999999999999", "9223372036854775807", "-9223372036854775808", "-1", "-0", "0", "1e308",
        "nan", "NaN", "inf", "-inf", "0x10", "1_000", "", " ", "\t", "\n",
        "(", ")", "[", "]", "\\", "*", "+", "?", "{", "(?P<x>", "(?P<x>a)", "(?<x>a)", "a{99999}", "a{2,1}", "(((((((((((a)))))))))))*",
        "(.*)*(.*)*(.*)*(.*)*(.*)*Q", "(a|aa)*$", "(.*a){20}", "[[:alpha:]]", "\\p{L}+", "\\Q", "(?i)MAIN", "^$", "$^", ".", "|",
        String(repeating: "(", count: 300) + "a" + String(repeating: ")", count: 300),
        "ünïcødé", "日本語", "😀🔥", "\u{202E}gnp.exe", "\u{FEFF}", "\u{7F}", "a\u{0301}",
        String(repeating: "a", count: 100_000), String(repeating: "é", count: 20_000), String(repeating: "x|", count: 5_000) + "x",
        "--", "-", "--focus", "-o", "--help", "=", "==", "k=", "=v", "k=(", "user=alice,(", ",", "1k", "0k", "99999999999G",
        "-5M", "1.5M", "4g", "%s%n%x", "$(echo hi)", "`id`", "../../../../etc/passwd", "/", ".", "..", "~",
    ]

    var random: SplitMix64
    let fixtures: Fixtures
    private var serial = 0

    init(seed: UInt64, fixtures: Fixtures) {
        random = SplitMix64(seed: seed)
        self.fixtures = fixtures
    }

    mutating func chance(_ percent: Int) -> Bool { random.below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }
    mutating func integer(in range: ClosedRange<Int>) -> Int { random.next(in: range) }

    mutating func next() -> GeneratedCommandLine {
        serial += 1
        if chance(3) {
            // No subcommand, an unknown one, or only options.
            return GeneratedCommandLine(arguments: pick([[], ["bogus"], ["--version"], ["-h"], ["--help"], ["help"], ["help", "flame"],
                                                          ["analyze", "--help"], ["--focus", "x"], [pick(Self.hostile)]]))
        }
        let command = pick(Self.commands)
        var arguments: [String] = []
        var usesStdin = false
        var optionCount = integer(in: 0...4)
        if command.name == "rules" { optionCount = chance(80) ? 0 : 1 }
        for _ in 0..<optionCount {
            if command.options.isEmpty || chance(6) {
                arguments += [pick(["--bogus", "-x", "--focus-", "---", "--=x", "-focus-", "--FOCUS", "-O"])]
                continue
            }
            var option = pick(command.options)
            // --seconds and --timeout refuse files: rarer, so that most lines get further.
            if option.names[0] == "--seconds" || option.names[0] == "--timeout" { option = pick(command.options) }
            let name = pick(option.names)
            if case .flag = option.value {
                arguments.append(chance(5) ? name + "=yes" : name)
                continue
            }
            if chance(4) {
                arguments.append(name)   // a missing value (or the next argument taken for one)
                continue
            }
            let value = self.value(option.value, usesStdin: &usesStdin)
            if name.hasPrefix("-") && !name.hasPrefix("--") && chance(50) {
                arguments.append(name + "=" + value)
            } else if name.hasPrefix("--") && chance(20) {
                arguments.append(name + "=" + value)
            } else {
                arguments += [name, value]
            }
        }
        var files: [String] = []
        let fileCount = chance(5) ? integer(in: 0...4) : integer(in: command.files)
        for _ in 0..<fileCount { files.append(file(usesStdin: &usesStdin)) }
        // Options and files in any order, as the argument parser allows; sometimes after "--".
        var all = arguments
        for file in files { all.insert(file, at: integer(in: 0...all.count)) }
        if chance(5), !files.isEmpty { all = arguments + ["--"] + files }
        if command.name == "list" {
            // Its regular expression, before the files (at times anywhere).
            all.insert(value(.regex, usesStdin: &usesStdin), at: chance(90) ? 0 : integer(in: 0...all.count))
        }
        return GeneratedCommandLine(arguments: [command.name] + all, stdin: usesStdin ? pick(fixtures.stdinChoices) : nil)
    }

    mutating func file(usesStdin: inout Bool) -> String {
        switch random.below(20) {
        case 0..<12: return pick(fixtures.profiles)
        case 12: usesStdin = true; return "-"
        case 13, 14: return pick(fixtures.broken)
        case 15: return pick(["/nonexistent/\(serial).pb.gz", "missing.pb.gz", "", "ünïcødé.pb", String(repeating: "d/", count: 3000) + "p"])
        case 16: return pick(["http://127.0.0.1:1/", "127.0.0.1:1", "ftp://example.invalid/p", "http://", "https:///x", "file:///nonexistent/p.pb"])
        case 17: return pick(fixtures.rules)
        default: return pick(fixtures.profiles)
        }
    }

    mutating func value(_ kind: Value, usesStdin: inout Bool) -> String {
        if chance(25) { return pick(Self.hostile) }
        switch kind {
        case .flag: return ""
        case .regex: return pick(["sha256", "main\\.", "^runtime\\.", "map", "Expire|Touch", "alice", "(?i)SHA", "\\.go$"])
        case .integer: return pick(["0", "1", "3", "20", "100", "600", "1200", "100000"])
        case .double: return pick(["0", "0.1", "0.5", "1", "5", "1200", "1e-9"])
        case .size: return pick(["4G", "1k", "512M", "1048576", "1", "64k"])
        case .sampleIndex: return pick(["0", "1", "3", "cpu", "samples", "alloc_space", "inuse_space", "inuse_objects", "delay", "contentions"])
        case .tagFocus: return pick(["user=alice", "user=bob,alice", "bytes=1", "user=", "user=.*"])
        case .profile: return file(usesStdin: &usesStdin)
        case .output:
            let directory = fixtures.directory
            return pick(["-", directory.appendingPathComponent("out-\(serial).svg").path, directory.path,
                         directory.appendingPathComponent("missing/out.svg").path, "relative-\(serial).out", ""])
        case .rules: return pick(fixtures.rules + ["/nonexistent.json", fixtures.directory.path, Samples.cpu])
        case .choice(let choices): return pick(choices)
        case .text: return pick(["Title", "<script>alert(1)</script>", "&amp;", "\"'"])
        }
    }
}
