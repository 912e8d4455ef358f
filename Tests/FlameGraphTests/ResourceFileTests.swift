import FlameGraph
import Foundation
import TestSupport
import Testing

/// The flame graph's script and style sheet are files (Sources/FlameGraph/Resources) compiled
/// into the module: the SVG carries them as they are written, the style sheet's placeholders
/// filled from the options, and Chromium reads both without a problem.
@Suite(.serialized) struct ResourceFileTests {
    static let folder = Paths.packageRoot.appendingPathComponent("Sources/FlameGraph/Resources")
    static let stacks = Support.stacks([("main;work;hash", 30), ("main;idle", 20)])

    static func svg(_ configure: (inout FlameGraphSVG.Options) -> Void = { _ in }) -> String {
        var options = FlameGraphSVG.Options()
        configure(&options)
        return String(decoding: FlameGraph.svg(stacks, svg: options), as: UTF8.self)
    }

    /// What a graph's <style> element holds.
    static func style(_ configure: (inout FlameGraphSVG.Options) -> Void = { _ in }) throws -> String {
        let text = svg(configure)
        let start = try #require(text.range(of: "<style>\n")), end = try #require(text.range(of: "\n</style>"))
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// The options of every kind of style sheet a graph gets: standalone, dark, inline in a page.
    static var kinds: [(String, (inout FlameGraphSVG.Options) -> Void)] { [
        ("standalone", { _ in }),
        ("dark, font 10", { $0.dark = true; $0.fontSize = 10 }),
        ("inline", { $0.inlineID = "g0-" }),
    ] }

    @Test func theSVGCarriesTheScriptFileAsItIsWritten() throws {
        let file = try String(contentsOf: Self.folder.appendingPathComponent("flame-graph.js"), encoding: .utf8)
        #expect(FlameScript.source + "\n" == file)
        #expect(Self.svg().contains("<script type=\"text/ecmascript\"><![CDATA[\n" + file + "]]></script>\n"))
    }

    @Test func everyPlaceholderIsFilledFromTheOptions() throws {
        let template = try String(contentsOf: Self.folder.appendingPathComponent("flame-graph.css"), encoding: .utf8)
        let dark = try Self.style { $0.dark = true; $0.fontSize = 10 }
        // One rule a line, as in the file, none left with a placeholder.
        #expect(dark.split(separator: "\n").count == template.split(separator: "\n").count)
        #expect(!dark.contains("__"))
        #expect(dark.hasPrefix("text { font-family: Verdana, sans-serif; font-size: 10px; fill: #e8e8e8; }\n#title { font-size: 15px;"))
        #expect(dark.contains("#subtitle { text-anchor: middle; fill: #a0a0a0; }") && dark.contains("stroke: #ffffff; stroke-width: 0.5;"))
        // Inline, every rule is the graph's own: its ids prefixed, its `text` and `.hide` scoped
        // to its root. A prefix that reads like a placeholder stays as it is: values are never
        // read again for placeholders.
        let inline = try Self.style { $0.inlineID = "g__font-size__" }
        #expect(inline.hasPrefix("#g__font-size__svg text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000000; }\n"))
        #expect(inline.contains("\n#g__font-size__title { font-size: 17px;") && inline.contains("\n#g__font-size__svg .hide { display: none; }"))
        #expect(inline.contains("#g__font-size__search, #g__font-size__unzoom { cursor: pointer; }"))
    }

    @Test(.needsChromium) func theScriptCompilesAndRunsInAnEmptyPage() throws {
        let scripts = Paths.files(in: Self.folder, suffix: ".js")
        #expect(scripts.map(\.lastPathComponent) == ["flame-graph.js"])
        for file in scripts {
            let problems = try SyntaxCheck.scriptProblems(String(contentsOf: file, encoding: .utf8))
            #expect(problems == [], "\(file.lastPathComponent): \(problems)")
        }
    }

    @Test(.needsChromium) func theStyleSheetParsesForEveryKindOfGraph() throws {
        #expect(Paths.files(in: Self.folder, suffix: ".css").map(\.lastPathComponent) == ["flame-graph.css"])
        for (kind, configure) in Self.kinds {
            let problems = try SyntaxCheck.styleProblems(try Self.style(configure))
            #expect(problems == [], "\(kind): \(problems)")
        }
    }
}
