import Foundation
import TestSupport
import Testing

/// `proflens report` and `compare --html`: one HTML file, written whole or not at all.
@Suite struct ReportCommandTests {
    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("proflens-\(UUID().uuidString)-\(name)")
    }

    @Test func reportWritesOnePageWithFindingsAndGraphs() throws {
        let cpu = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let heap = try SampleProfiles.url("ap1-range-mutate", "heap.pb.gz")
        let output = temporary("report.html")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try CLI.run(["report", cpu.path, heap.path, "--source-path", CLI.packageRoot.appendingPathComponent("samples").path,
                                  "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        let parts = ["<span class=\"rule\">AP1</span>", "id=\"g0-svg\"", "id=\"g1-svg\"", "id=\"g0-top\"", "<tr class=\"hot\">"]
        #expect(parts.filter { !html.contains($0) } == [])
        // Without -o and not on a terminal, the page goes to standard output, byte for byte the same.
        let piped = try CLI.run(["report", cpu.path, heap.path, "--source-path", CLI.packageRoot.appendingPathComponent("samples").path])
        let written = try Data(contentsOf: output)
        #expect(piped.status == 0 && piped.stdout == written)
    }

    @Test func reportTakesAnalyzesOptionsAndItsGate() throws {
        let cpu = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let output = temporary("gate.html")
        defer { try? FileManager.default.removeItem(at: output) }
        // --fail-on: the page is written, then the exit status says a finding reached the level.
        let gated = try CLI.run(["report", cpu.path, "--fail-on", "warning", "--nodecount", "5", "--sample-index", "cpu", "-o", output.path])
        #expect(gated.status == 1, "\(gated.stderr)")
        let html = try String(contentsOf: output, encoding: .utf8)
        #expect(html.components(separatedBy: "<tr data-fn=").count - 1 == 5)
        #expect(try CLI.run(["report", cpu.path, "--sample-index", "nonesuch", "-o", output.path]).status == 64)
        #expect(try CLI.run(["report"]).status == 64)
    }

    @Test func badInputOrOutputLeavesNoFile() throws {
        let bad = try CLI.temporaryFile([0x1C, 0x05])
        let output = temporary("bad.html")
        #expect(try CLI.run(["report", bad.path, "-o", output.path]).status == 65)
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let cpu = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        #expect(try CLI.run(["report", cpu.path, "-o", "/nonexistent-\(UUID().uuidString)/report.html"]).status == 73)
    }

    @Test func compareWritesTheHTMLBesideItsText() throws {
        let base = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let new = try SampleProfiles.url("ap1-range-mutate-fixed", "cpu.pb.gz")
        let output = temporary("compare.html")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try CLI.run(["compare", base.path, new.path, "--html", output.path, "--width-by", "new"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.hasPrefix("Base: "))
        let html = try String(contentsOf: output, encoding: .utf8)
        let parts = ["Differential Flame Graph", "width: new", "id=\"g0-changes\"", "<span class=\"badge fixed\">FIXED</span>"]
        #expect(parts.filter { !html.contains($0) } == [])
        #expect(try CLI.run(["compare", base.path, new.path, "--html", "-"]).status == 64)
    }

    /// With both `--svg` and `--html`, the HTML report's graph is drawn from the stacks sorted
    /// for the SVG: both files are the same as each option gives alone.
    @Test func compareWithSVGAndHTMLWritesWhatEachGivesAlone() throws {
        let base = try SampleProfiles.url("ap3-delete-keep-ref", "heap.pb.gz")
        let new = try SampleProfiles.url("ap3-delete-keep-ref-fixed", "heap.pb.gz")
        let (svg, html, svgAlone, htmlAlone) = (temporary("both.svg"), temporary("both.html"), temporary("alone.svg"), temporary("alone.html"))
        defer { for file in [svg, html, svgAlone, htmlAlone] { try? FileManager.default.removeItem(at: file) } }
        #expect(try CLI.run(["compare", base.path, new.path, "--svg", svg.path, "--html", html.path, "--width-by", "max"]).status == 0)
        #expect(try CLI.run(["compare", base.path, new.path, "--svg", svgAlone.path, "--width-by", "max"]).status == 0)
        #expect(try CLI.run(["compare", base.path, new.path, "--html", htmlAlone.path, "--width-by", "max"]).status == 0)
        let (htmlText, htmlAloneText) = (try Data(contentsOf: html), try Data(contentsOf: htmlAlone))
        let (svgText, svgAloneText) = (try Data(contentsOf: svg), try Data(contentsOf: svgAlone))
        #expect(htmlText.count > 1000 && htmlText == htmlAloneText)
        #expect(svgText.count > 1000 && svgText == svgAloneText)
    }
}
