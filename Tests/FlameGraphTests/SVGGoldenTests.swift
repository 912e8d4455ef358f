import Analysis
import FlameGraph
import Foundation
import TestSupport
import Testing

/// Script-free, single-colour SVGs of hand-written stacks, kept as goldens a reviewer can read
/// (Goldens/COMMANDS.md): a flame graph, an icicle graph and a differential graph. A few
/// coordinates are also checked against values worked out by hand, so a golden cannot be
/// recorded wrong unnoticed.
@Suite struct SVGGoldenTests {
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    // Total 100; with the default 1200 px width the graph is 1180 px wide: 11.8 px per unit.
    static let stacks = Support.stacks([("main;work;hash", 30), ("main;work", 10), ("main;idle", 20), ("main;work;alloc", 40)])
    static let base = Support.stacks([("main;work;hash", 60), ("main;gone", 40)])

    static func options(inverted: Bool = false, differential: Bool = false) -> FlameGraphSVG.Options {
        var options = FlameGraphSVG.Options()
        options.embedsScript = false
        // Plain graphs in one colour; a differential graph keeps its colours, which follow
        // the change, not the name.
        if !differential { options.fixedFill = Palette.RGB(r: 230, g: 150, b: 60) }
        options.inverted = inverted
        options.differential = differential
        options.title = inverted ? "Icicle golden" : differential ? "Differential golden" : "Flame golden"
        options.unit = "count"
        return options
    }

    static func frame(_ svg: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> DrawnFrame? {
        DrawnFrame.frames(in: svg, sourceLocation: sourceLocation).first { $0.name == name }
    }

    @Test func flameGraph() throws {
        let bytes = FlameGraph.svg(Self.stacks, svg: Self.options())
        let svg = String(decoding: bytes, as: UTF8.self)
        #expect(!svg.contains("<script"))
        // By hand: work starts after idle (20 units) and spans 80; hash after alloc (40).
        let work = try #require(Self.frame(svg, "work"))
        #expect(abs(work.x - (10 + 20 * 11.8)) < 0.01 && abs(work.width - 80 * 11.8) < 0.01)
        let hash = try #require(Self.frame(svg, "hash"))
        #expect(abs(hash.x - (10 + 60 * 11.8)) < 0.01 && abs(hash.width - 30 * 11.8) < 0.01)
        #expect(hash.y < work.y)  // a flame graph grows upwards
        GoldenFile.check(bytes, against: Self.goldens.appendingPathComponent("flame.svg"))
    }

    @Test func icicleGraph() throws {
        let bytes = FlameGraph.svg(Self.stacks, svg: Self.options(inverted: true))
        let svg = String(decoding: bytes, as: UTF8.self)
        let work = try #require(Self.frame(svg, "work")), hash = try #require(Self.frame(svg, "hash"))
        #expect(hash.y > work.y)  // an icicle grows downwards
        GoldenFile.check(bytes, against: Self.goldens.appendingPathComponent("icicle.svg"))
    }

    @Test func differentialGraph() throws {
        var layout = FlameLayout.Options()
        layout.widthBy = .max
        let bytes = FlameGraph.svg(Self.stacks, base: Self.base, layout: layout, svg: Self.options(differential: true))
        let svg = String(decoding: bytes, as: UTF8.self)
        // By hand (width by max): gone 40 (base only) and idle 20 (new only) beside work,
        // whose own max is 10, hash max(30, 60) = 60, alloc 40: work = 110, all = 170.
        let frames = DrawnFrame.frames(in: svg)
        #expect(frames.first { $0.name == "all" }?.widthValue == 170)
        #expect(frames.first { $0.name == "work" }?.widthValue == 110)
        #expect(frames.first { $0.name == "gone" }?.widthValue == 40)
        GoldenFile.check(bytes, against: Self.goldens.appendingPathComponent("differential.svg"))
    }
}
