import Analysis
import FlameGraph
import Foundation
import TestSupport
import Testing

/// The embedded script, run by headless Chromium (Debian package `chromium`): search through
/// ?s= reports the matched share without counting nested matches twice, and ?x=&y= zooms.
@Suite(.serialized, .needsChromium) struct BrowserTests {
    let stacks = Support.stacks([
        ("main;work;hash", 30),
        ("main;work", 10),
        ("main;idle", 20),
        ("main;work;alloc;hash", 40),
    ])

    /// The document after the script ran (the suite runs only where Chromium is).
    func renderedDOM(_ svg: [UInt8], query: String) throws -> String {
        let file = try Support.write(svg)
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                         "--virtual-time-budget=2000", "--dump-dom", file.absoluteString + "?" + query]
        let chromium = try #require(Browser.executable, "chromium is not installed")
        let result = try Subprocess.runMerged(chromium, arguments)
        #expect(result.status == 0, "\(result.output)")
        return result.output
    }

    @Test func searchReportsTheMatchedShareOnce() throws {
        // "hash" matches two frames, one nested inside work (30) and one deeper (40), and
        // "work|hash" matches work (80) and the hash frames inside it: 70% and 80%.
        let dom = try renderedDOM(FlameGraph.svg(stacks), query: "s=hash")
        #expect(dom.contains(#"data-ready="true""#))
        #expect(dom.contains("Matched: 70.00%"))
        let nested = try renderedDOM(FlameGraph.svg(stacks), query: "s=work%7Chash")
        #expect(nested.contains("Matched: 80.00%"))
        // Matching frames are marked.
        #expect(DrawnFrame.frames(in: nested).filter { $0.classes.contains("match") }.count == 3)
    }

    @Test func zoomURLChangesTheGeometry() throws {
        let svg = FlameGraph.svg(stacks)
        let before = DrawnFrame.frames(in: String(decoding: svg, as: UTF8.self))
        let work = try #require(before.first { $0.name == "work" })
        let query = "x=\(String(format: "%.2f", work.x))&y=\(String(format: "%.2f", work.y))".replacingOccurrences(of: ".00", with: "")
        let dom = try renderedDOM(svg, query: query)
        let after = DrawnFrame.frames(in: dom)
        // work now spans the graph; its children scale with it; idle (outside) is hidden;
        // main (an ancestor) is dimmed.
        let zoomedWork = try #require(after.first { $0.name == "work" })
        #expect(abs(zoomedWork.width - 1180) < 0.01 && abs(zoomedWork.x - 10) < 0.01)
        let alloc = try #require(after.first { $0.name == "alloc" })
        #expect(abs(alloc.width - 1180 * 40 / 80) < 0.01)
        #expect(after.first { $0.name == "idle" }?.classes.contains("hide") == true)
        #expect(after.first { $0.name == "main" }?.classes.contains("parent") == true)
    }

    @Test func differentialGraphsSearchAndZoomToo() throws {
        let base = Support.stacks([("main;work;hash", 50), ("main;gone", 50)])
        var layout = FlameLayout.Options()
        layout.widthBy = .max
        var options = FlameGraphSVG.Options()
        options.differential = true
        let svg = FlameGraph.svg(stacks, base: base, layout: layout, svg: options)
        // Widths follow max(base, new): main is 100 wide, gone 50 (0 now), hash 70 (50 before).
        let dom = try renderedDOM(svg, query: "s=gone")
        #expect(dom.contains(#"data-ready="true""#))
        let total = DrawnFrame.frames(in: dom).first { $0.name == "all" }.map { Double($0.widthValue) } ?? 0
        let gone = try #require(DrawnFrame.frames(in: dom).first { $0.name == "gone" })
        #expect(dom.contains(String(format: "Matched: %.2f%%", Double(gone.widthValue) / total * 100)))
        #expect(gone.classes.contains("match"))
    }
}
