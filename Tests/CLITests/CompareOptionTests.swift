import Foundation
import Testing
import TestSupport

/// `compare` with pprof's granularity options and -unit, which shape its table alone.
///
/// go tool pprof prints no table like compare's; the expectation is derived from
/// `go tool pprof -top -diff_base=BASE NEW` at the same granularity (Goldens/top-options/
/// ap1-cpu.diff.*.txt, written by Go 1.27's pprof with -nodecount=0 -nodefraction=0
/// -edgefraction=0 so that every node is printed: COMMANDS.md). pprof's diff is NEW minus
/// BASE, so each node's flat and cum there are the flat and cum deltas of compare's row of
/// that name. Two adjustments: pprof prints nodes that share a printed name as separate
/// rows (at -files, one per function start line of a file), which compare, keyed by name,
/// adds up; and a node whose deltas are both 0 did not change, so it is no row of compare.
@Suite struct CompareOptionTests {
    static let goldens = CLI.packageRoot.appendingPathComponent("Tests/CLITests/Goldens/top-options")
    static let base = SampleProfiles.path("ap1-range-mutate", "cpu", version: "go1.27")
    static let new = SampleProfiles.path("ap1-range-mutate-fixed", "cpu", version: "go1.27")

    static func json(_ result: CLI.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    @Test(arguments: ["lines", "files"])
    func rowsCarryPprofsDiffDeltas(_ granularity: String) throws {
        let golden = try String(contentsOf: Self.goldens.appendingPathComponent("ap1-cpu.diff.\(granularity).txt"), encoding: .utf8)
        var expected: [String: (flat: Int64, cum: Int64)] = [:]
        for row in PprofTopText.cpuRows(golden) {
            let sum = expected[row.name] ?? (0, 0)
            expected[row.name] = (sum.flat + row.flat, sum.cum + row.cum)
        }
        expected = expected.filter { $0.value.flat != 0 || $0.value.cum != 0 }
        #expect(expected.count >= 50)

        let result = try CLI.run(["compare", "--format", "json", "--nodecount", "0", "-\(granularity)", Self.base, Self.new])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try Self.json(result)
        #expect(document["granularity"] as? String == granularity)
        let rows = try #require(document["rows"] as? [[String: Any]])
        var actual: [String: (flat: Int64, cum: Int64)] = [:]
        for row in rows {
            func delta(_ key: String) -> Int64? { ((row[key] as? [String: Any])?["delta"] as? NSNumber)?.int64Value }
            actual[row["name"] as? String ?? ""] = (delta("flat") ?? 0, delta("cum") ?? 0)
        }
        #expect(actual.count == rows.count, "one row per name")
        for (name, values) in expected {
            #expect(actual[name]?.flat == values.flat && actual[name]?.cum == values.cum, "\(name): \(String(describing: actual[name])) vs pprof's \(values)")
        }
        #expect(Set(actual.keys) == Set(expected.keys))
    }

    /// The note under a cut table names what its rows are.
    @Test func cutTableNamesItsRows() throws {
        let result = try CLI.run(["compare", "--no-color", "--lines", "--nodecount", "3", Self.base, Self.new])
        #expect(result.status == 0 && result.text.contains(#/\n\(\d+ more changed lines; --nodecount 0 shows all\)\n/#), "\(result.text)")
    }

    /// -unit: every value of the table and the totals in the unit, as pprof's -top -unit
    /// prints them (`top -unit=ms` says "Total samples = 2200ms" for the base); minimum: the
    /// one unit pprof's own -diff_base table chose for these profiles (s).
    @Test func unit() throws {
        func values(_ text: String) -> [Substring] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.contains("flat base") }.dropFirst().prefix { !$0.hasPrefix("(") && !$0.isEmpty }
            return lines.flatMap { $0.split(separator: " ").prefix(8).enumerated().filter { $0.offset % 4 != 3 }.map(\.element) }
        }
        let milliseconds = try CLI.run(["compare", "--no-color", "-unit=ms", "--nodecount", "0", Self.base, Self.new])
        #expect(milliseconds.status == 0, "\(milliseconds.stderr)")
        let shown = values(milliseconds.text)
        #expect(shown.count > 500 && shown.allSatisfy { $0 == "0" || $0.wholeMatch(of: /[+-]?\d+(\.\d+)?ms/) != nil }, "\(shown.prefix(12))")
        #expect(milliseconds.text.contains("cpu.pb.gz: 2200ms cpu\n") && milliseconds.text.contains("cpu.pb.gz: 2870ms (+670ms, +30.5%)\n"))
        let top = try CLI.run(["top", "-unit=ms", Self.base])
        #expect(top.text.contains("Total samples = 2200ms"))

        let golden = try String(contentsOf: Self.goldens.appendingPathComponent("ap1-cpu.diff.lines.txt"), encoding: .utf8)
        #expect(golden.contains("Total samples = 2.20s") && golden.contains("\n     0.35s "), "pprof's own choice for this table is s")
        let minimum = try CLI.run(["compare", "--no-color", "--unit", "minimum", "--lines", "--nodecount", "0", Self.base, Self.new])
        let minimumShown = values(minimum.text)
        #expect(minimumShown.count > 500 && minimumShown.allSatisfy { $0 == "0" || $0.wholeMatch(of: /[+-]?\d+(\.\d+)?s/) != nil }, "\(minimumShown.prefix(12))")
        #expect(minimumShown.contains("+0.35s") && minimum.text.contains("cpu.pb.gz: 2.20s cpu\n"))

        // The default is each value in its own unit, as before.
        let plain = try CLI.run(["compare", "--no-color", "--nodecount", "0", Self.base, Self.new])
        #expect(values(plain.text).contains("+350ms") && values(plain.text).contains("+1.39s"))
        #expect(try CLI.run(["compare", "--no-color", "--unit", "auto", "--nodecount", "0", Self.base, Self.new]).stdout == plain.stdout)
        // JSON: raw values whatever the unit, and the unit the text would print.
        let json = try Self.json(try CLI.run(["compare", "--format", "json", "-unit=ms", Self.base, Self.new]))
        let plainJSON = try Self.json(try CLI.run(["compare", "--format", "json", Self.base, Self.new]))
        #expect(json["textUnit"] as? String == "ms" && plainJSON["textUnit"] as? String == "auto")
        let rows = try JSONSerialization.data(withJSONObject: json["rows"] ?? [], options: [.sortedKeys])
        #expect(try rows == JSONSerialization.data(withJSONObject: plainJSON["rows"] ?? [], options: [.sortedKeys]))
    }

    /// The findings and the differential flame graph read the profiles' functions, whatever
    /// the table's options (AP4's heap profiles: heap growth too).
    @Test(arguments: [["-lines"], ["-files"], ["-filefunctions"], ["-addresses"], ["-unit=MB"]])
    func findingsAndGraphDoNotChange(_ options: [String]) throws {
        let base = SampleProfiles.path("ap4-never-shrink", "heap", version: "go1.27"), new = SampleProfiles.path("ap4-never-shrink-fixed", "heap", version: "go1.27")
        func run(_ arguments: [String]) throws -> (json: [String: Any], svg: Data) {
            let svg = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-compare-options-\(UUID().uuidString).svg")
            defer { try? FileManager.default.removeItem(at: svg) }
            let result = try CLI.run(["compare", "--format", "json", "--svg", svg.path] + arguments + [base, new])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return (try Self.json(result), try Data(contentsOf: svg))
        }
        let plain = try run([]), optioned = try run(options)
        for key in ["findings", "heapGrowth", "total"] {
            let a = try JSONSerialization.data(withJSONObject: try #require(optioned.json[key]), options: [.sortedKeys])
            let b = try JSONSerialization.data(withJSONObject: try #require(plain.json[key]), options: [.sortedKeys])
            #expect(a == b, "\(options): \(key)")
        }
        #expect(!(plain.json["findings"] as? [Any] ?? []).isEmpty)
        #expect(optioned.svg == plain.svg && !plain.svg.isEmpty)
    }

    /// The HTML page's table is the same table: its heading names the rows, values in the
    /// unit; rows that are not functions do not zoom the graph (its frames are functions).
    @Test func htmlTable() throws {
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-compare-options-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: page) }
        let result = try CLI.run(["compare", "--lines", "-unit=ms", "--html", page.path, Self.base, Self.new])
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        let table = try #require(html.firstMatch(of: /<table class="sortable data changes".*?<\/table>/.dotMatchesNewlines())).output
        #expect(html.contains("<h2>Changed lines</h2>") && table.contains(">runtime.asyncPreempt runtime/preempt_amd64.s:9</td>"))
        #expect(table.contains(">+350ms</td>") && !table.contains("data-fn"))
        let functions = try CLI.run(["compare", "--html", page.path, Self.base, Self.new])
        #expect(functions.status == 0)
        let functionTable = try #require(try String(contentsOf: page, encoding: .utf8).firstMatch(of: /<table class="sortable data changes".*?<\/table>/.dotMatchesNewlines())).output
        #expect(functionTable.contains(#"<tr data-fn="runtime.asyncPreempt""#))
    }

    /// Refused as top refuses them, and where no table is printed.
    @Test func refusals() throws {
        let both = try CLI.run(["compare", "-files", "-lines", Self.base, Self.new])
        #expect(both.status == 64 && both.stdout.isEmpty && both.stderr.contains("choose one of --functions, --lines, --files, --filefunctions, --addresses"))
        let sarif = try CLI.run(["compare", "--format", "sarif", "-lines", "-unit=ms", Self.base, Self.new])
        #expect(sarif.status == 64 && sarif.stdout.isEmpty
                && sarif.stderr.contains("--unit and --lines apply to the table, which SARIF output does not have"), "\(sarif.stderr)")
    }
}
