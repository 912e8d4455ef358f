import Analysis
import Findings
import Pipeline
import Reports
import Pprof
import FlameGraph
import Foundation
@testable import Reports
import TestSupport
import Testing

/// The HTML pages as text: every profile string is text, the page needs nothing from outside,
/// its markup is balanced, and the same input gives the same bytes.
@Suite struct HTMLReportTests {
    static func samplePage() throws -> [UInt8] {
        let cpu = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let heap = try SampleProfiles.url("ap1-range-mutate", "heap.pb.gz")
        return try Pages.report([cpu, heap], locator: SourceLocator(sourcePath: Paths.samples.path, trimPath: nil))
    }

    /// What the sample page must show, read from the same profile: the CPU table's rows in
    /// pprof's order and the AP1 culprit's call site.
    static func sampleFacts() throws -> (rows: [String], culpritSite: String) {
        let cpu = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let prepared = try Pipeline.prepare(ProfileRequest(sources: [.file(cpu.path)]))
        let rows = prepared.topReport().rows.map(\.name)
        let finding = Classifier.findings([prepared.classifierInput]).first { $0.id == "AP1" }
        let site = finding?.culprits.first?.location ?? ""
        return (rows, String(site.split(separator: "/").last ?? ""))
    }

    static func comparePage() throws -> [UInt8] {
        let base = try SampleProfiles.url("ap1-range-mutate", "cpu.pb.gz")
        let new = try SampleProfiles.url("ap1-range-mutate-fixed", "cpu.pb.gz")
        return try Pages.comparison(base: base, new: new)
    }

    @Test func hostileNamesAreTextEverywhere() throws {
        let profile = try Pages.hostileProfile()
        let bigger = try Pages.hostileProfile(scale: 3)
        for page in [try Pages.report([profile]), try Pages.comparison(base: profile, new: bigger)] {
            let html = String(decoding: page, as: UTF8.self)
            // The culprit was found, so the name is in a finding, a table row and a frame.
            let culprit = html.contains("data-fn=\"main.&lt;img src=x onerror=window.__pwned=1&gt;\" data-graph=\"g0-\"")
            #expect(culprit)
            for name in Pages.hostile + [Pages.hostileFileName] {
                let raw = html.contains(name), escaped = html.contains(Markup.escape(name))
                #expect(!raw && escaped, "\(name): raw \(raw), escaped \(escaped)")
            }
            // The only elements that could run anything are the page's own: two scripts, no
            // image, no event handler attribute, no element the names tried to open.
            let scripts = html.components(separatedBy: "<script").count - 1
            #expect(scripts == 2)
            let opened = ["<img", "<svg onload", "<!--"].filter { html.range(of: $0, options: .caseInsensitive) != nil }
            #expect(opened == [])
            let script = html.contains("main.&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;")
            #expect(script)
            #expect(WellFormed.problems(html) == [])
        }
    }

    @Test func theSamplePageIsSelfContained() throws {
        for page in [try Self.samplePage(), try Self.comparePage()].compactMap({ $0 }) {
            let html = String(decoding: page, as: UTF8.self)
            #expect(html.hasPrefix("<!DOCTYPE html>\n"))
            let external = ["http://", "https://", "src=", "url(", "@import", "<?xml", "<iframe", "<object", "<embed", "<link"]
                .filter { html.range(of: $0, options: .caseInsensitive) != nil }
            #expect(external == [])
            // Links stay in the page.
            let links = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix(1) }
            #expect(!links.isEmpty && links.allSatisfy { $0 == "#" })
            // The policy forbids every fetch; only the page's two scripts may run.
            #expect(html.contains("content=\"default-src &#39;none&#39;; script-src &#39;sha256-"))
            #expect(html.components(separatedBy: "<script>").count == 3)
            #expect(WellFormed.problems(html) == [])
        }
    }

    /// The parts of `html` that are missing (short messages, not the whole page).
    static func missing(_ html: String, _ parts: [String]) -> [String] { parts.filter { !html.contains($0) } }

    @Test func theSamplePageShowsWhatAnalyzeShows() throws {
        let page = try Self.samplePage(), facts = try Self.sampleFacts()
        let html = String(decoding: page, as: UTF8.self)
        #expect(facts.culpritSite.hasPrefix("main.go:"))
        #expect(Self.missing(html, [
            // Two profiles: two graphs, two top tables.
            "id=\"g0-svg\"", "id=\"g1-svg\"", "id=\"g0-top\"", "id=\"g1-top\"",
            // The findings with culprit and call site, signals, the hint, source lines.
            "<span class=\"rule\">AP1</span>", "data-fn=\"main.(*SessionCache).Expire\" data-graph=\"g0-\"", "mutate/\(facts.culpritSite)",
            "<td class=\"seen\">seen</td>", "<td class=\"unseen\">not seen</td>", "To confirm: ", "<tr class=\"hot\">",
            "for k, v := range c.sessions {",
            // The summary, and the graph of the finding's profile highlighting its culprit.
            "<dt>Sample types</dt>", "AP1 culprit",
            // The top table's first row, as go tool pprof -top prints it.
            "<td class=\"fn\">\(facts.rows[0])</td>", "Showing nodes accounting for",
        ]) == [])
        // The same input gives the same bytes.
        #expect(try Self.samplePage() == page)
    }

    @Test func theComparePageHasTheChangesFindingsAndDifferentialGraph() throws {
        let page = try Self.comparePage()
        let html = String(decoding: page, as: UTF8.self)
        #expect(Self.missing(html, [
            "Differential Flame Graph", "data-b=\"", "id=\"g0-changes\"",
            "<span class=\"badge fixed\">FIXED</span> <span class=\"rule\">AP1</span>",
            "<th class=\"num\" data-sort=\"num\" title=\"Sort by flat delta\">flat delta</th>",
        ]) == [])
    }

    @Test func twoHeapProfilesShowTheirGrowth() throws {
        let before = try SampleProfiles.url("ap3-delete-keep-ref", "heap.pb.gz")
        let after = try SampleProfiles.url("ap3-delete-keep-ref-fixed", "heap.pb.gz")
        let html = String(decoding: try Pages.report([before, after]), as: UTF8.self)
        // An owner that shrank zooms the earlier profile's graph.
        #expect(Self.missing(html, ["<section id=\"heap-growth\">", "<tr data-fn=\"main.(*Upload).AddPart\" data-graph=\"g0-\"",
                                    "<th class=\"num\" data-sort=\"num\" title=\"Sort by per second\">per second</th>"]) == [])
    }

    @Test func inlineGraphsHavePrefixedIdsAndScopedStyles() {
        var options = FlameGraphSVG.Options()
        options.inlineID = "g3-\"><x"
        let svg = String(decoding: FlameGraph.svg(Fixture.stacks, svg: options), as: UTF8.self)
        #expect(svg.hasPrefix("<svg version=\"1.1\" id=\"g3-xsvg\" data-prefix=\"g3-x\""))
        #expect(!svg.contains("<script") && !svg.contains("<?xml") && !svg.contains("http"))
        for id in ["title", "subtitle", "unzoom", "search", "matched", "details", "frames"] {
            #expect(svg.contains("id=\"g3-x\(id)\""))
        }
        // Every rule names the graph: none can style the page around it.
        let rules = svg.components(separatedBy: "<style>")[1].components(separatedBy: "</style>")[0]
            .split(separator: "\n").filter { !$0.isEmpty }
        #expect(rules.count == 11 && rules.allSatisfy { $0.hasPrefix("#g3-x") })
    }

    @Test func pageScriptsHashToThePolicy() {
        // FIPS 180-4 test vectors.
        #expect(SHA256.digest(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).map { String(format: "%02x", $0) }.joined()
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.base64([0xFF, 0x00]) == "/wA=" && SHA256.base64(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        for script in HTMLPage.scripts {
            #expect(HTMLPage.contentSecurityPolicy.contains(SHA256.cspSource(HTMLWriter.elementText(script))))
            #expect(!script.lowercased().contains("</script") && !script.contains("innerHTML") && !script.contains("insertAdjacentHTML"))
        }
    }
}

enum Fixture {
    static let stacks: FoldedStacks = {
        FoldedStacks(names: ["main", "work", "hash"], frames: [0, 1, 2, 0, 1], starts: [0, 3, 5], values: [30, 10],
                     sampleType: ValueType(type: "samples", unit: "count"))
    }()
}
