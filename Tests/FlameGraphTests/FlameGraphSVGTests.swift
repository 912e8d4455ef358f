import Analysis
import FlameGraph
import Foundation
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
import Pprof
import Testing

@Suite struct FlameGraphSVGTests {
    static let hostile = "</text><script>alert(1)</script>&\"'"

    func svg(_ stacks: FoldedStacks, _ configure: (inout FlameGraphSVG.Options) -> Void = { _ in }) -> String {
        var options = FlameGraphSVG.Options()
        configure(&options)
        return String(decoding: FlameGraph.svg(stacks, svg: options), as: UTF8.self)
    }

    /// A graph whose title and a frame's name are markup.
    func hostileGraph() -> String {
        svg(Support.stacks([("main;\(Self.hostile)", 10)])) { $0.title = Self.hostile }
    }

    /// A differential graph with a hostile name, a grown frame and one gone.
    func differentialGraph() -> String {
        let base = Support.stacks([("main;\(Self.hostile)", 10), ("main;gone", 5)])
        let new = Support.stacks([("main;\(Self.hostile)", 30)])
        var layout = FlameLayout.Options()
        layout.widthBy = .max
        var options = FlameGraphSVG.Options()
        options.differential = true
        return String(decoding: FlameGraph.svg(new, base: base, layout: layout, svg: options), as: UTF8.self)
    }

    @Test func hostileFrameNamesStayText() throws {
        let text = hostileGraph()
        // Exactly one script element: ours. The name is escaped wherever it appears.
        #expect(text.components(separatedBy: "<script").count == 2)
        #expect(!text.contains("alert(1)</script>"))
        #expect(text.contains("&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"))
        // As XML, the frame's title holds the name as text.
        let file = try Support.write(Array(text.utf8))
        let titles = try XMLTitles.read(file)
        #expect(titles.contains { $0.hasPrefix(Self.hostile + "\n") })
    }

    @Test func differentialGraphsEscapeAndStayValid() throws {
        let text = differentialGraph()
        #expect(text.components(separatedBy: "<script").count == 2)
        #expect(text.contains("&lt;/text&gt;&lt;script&gt;"))
        // "gone" is drawn though its new value is 0; the grown frame is red.
        let gone = try #require(DrawnFrame.frames(in: text).first { $0.name == "gone" })
        #expect(gone.width > 0)
        #expect(text.contains("fill=\"rgb(255,"))
    }

    /// Both graphs above are valid XML to xmllint.
    @Test(.needsXmllint) func hostileAndDifferentialGraphsPassXmllint() throws {
        let files = [try Support.write(Array(hostileGraph().utf8)), try Support.write(Array(differentialGraph().utf8))]
        let lint = try Support.xmllint(files)
        #expect(lint.status == 0, "\(lint.output)")
    }

    @Test func widthsFollowValuesAndChildrenLieWithinParents() {
        let stacks = Support.stacks([("main;work;hash", 30), ("main;work", 10), ("main;idle", 20), ("main;work;alloc", 40)])
        let frames = DrawnFrame.frames(in: svg(stacks))
        let graphWidth = 1200.0 - 20
        #expect(frames.count == 6)
        let root = frames[0]
        #expect(root.name == "all" && abs(root.width - graphWidth) < 0.01 && abs(root.x - 10) < 0.01)
        for frame in frames {
            #expect(abs(frame.width - Double(frame.widthValue) / 100 * graphWidth) <= 0.01)
            #expect(abs(frame.x - (10 + Double(frame.start) / 100 * graphWidth)) <= 0.01)
            // Flame: deeper frames are drawn higher.
            #expect(abs(frame.y - (root.y - Double(frame.depth) * 16)) < 0.01)
        }
        for child in frames where child.depth > 0 {
            let parent = frames.last { $0.depth == child.depth - 1 && $0.x <= child.x + 0.01 && child.x + child.width <= $0.x + $0.width + 0.01 }
            #expect(parent != nil, "\(child.name) has no parent around it")
        }
    }

    @Test func invertedDrawsTheRootAtTheTop() {
        let frames = DrawnFrame.frames(in: svg(Support.stacks([("a;b;c", 1)])) { $0.inverted = true })
        #expect(frames.map(\.depth) == [0, 1, 2, 3])
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.y < $1.y })
    }

    @Test func sameInputSameBytes() {
        let stacks = Support.stacks([("main;a", 3), ("main;b;c", 4), ("x", 1)])
        for palette in Palette.allCases {
            let first = FlameGraph.svg(stacks, svg: { var o = FlameGraphSVG.Options(); o.palette = palette; return o }())
            let second = FlameGraph.svg(stacks, svg: { var o = FlameGraphSVG.Options(); o.palette = palette; return o }())
            #expect(first == second)
        }
    }

    @Test func packagePaletteSetsUserCodeApart() {
        let user = Palette.package.color(for: "github.com/acme/shop.(*Cart).Add")
        let main = Palette.package.color(for: "main.main")
        let runtime = Palette.package.color(for: "runtime.mapassign_faststr")
        let std = Palette.package.color(for: "encoding/json.Marshal")
        let sync = Palette.package.color(for: "sync.(*Mutex).Lock")
        // User code is green-dominant; runtime red; standard library blue; sync purple.
        #expect(user.g > user.r && user.g > user.b && main.g > main.r)
        #expect(runtime.r > runtime.g && runtime.r > runtime.b)
        #expect(std.b > std.r && std.b > std.g)
        #expect(sync.b > sync.g && sync.r > sync.g)
    }

    @Test func tooManyFramesAreCutToKeepTheFileSmall() {
        // 3000 distinct leaves under one root, each of equal weight.
        let stacks = Support.stacks((0..<3000).map { ("main;f\($0)", 1) })
        let text = svg(stacks) { $0.maxFrames = 500; $0.minWidth = 0 }
        let frames = DrawnFrame.frames(in: text)
        #expect(frames.count <= 501)
        #expect(text.contains("frames narrower than"))
    }

    @Test func truncatedLabelsEndInDots() {
        // 20 of 60 on 280 px: 93.33 px, room for floor(90.33 / (12 * 0.59)) = 12 characters.
        let text = svg(Support.stacks([("a_very_long_function_name_that_cannot_fit", 20), ("b", 40)])) { $0.width = 300 }
        #expect(text.contains(">a_very_lon..</text>"))
        #expect(text.contains(">b</text>"))
    }

    /// Every corpus profile gives an SVG xmllint accepts, under 5 MB.
    @Test(.needsCorpus, .needsXmllint) func everyCorpusProfileGivesAValidSVG() throws {
        var files: [URL] = []
        for name in Corpus.profileNames {
            guard let profile = try? ProfileReader().read(path: Corpus.profile(name).path) else { continue }
            let index = try SampleTypeSelection.index(nil, in: profile.applyingDropFrames())
            let stacks = StackFolder.fold(profile.applyingDropFrames(), sampleIndex: index)
            var options = FlameGraphSVG.Options()
            options.title = name
            options.unit = stacks.sampleType.unit
            let bytes = FlameGraph.svg(stacks, svg: options)
            #expect(bytes.count < 5_000_000, "\(name): \(bytes.count) bytes")
            files.append(try Support.write(bytes))
        }
        #expect(files.count == 39)
        // And every sample program's profile, for every sample type.
        let samples = SampleProfiles.root.appendingPathComponent(SampleProfiles.versions.first ?? "")
        for folder in try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted() {
            for file in try FileManager.default.contentsOfDirectory(atPath: samples.appendingPathComponent(folder).path).sorted() {
                let profile = try ProfileReader().read(path: samples.appendingPathComponent("\(folder)/\(file)").path)
                for index in profile.sampleTypes.indices {
                    let stacks = StackFolder.fold(profile, sampleIndex: index)
                    files.append(try Support.write(FlameGraph.svg(stacks, svg: FlameGraphSVG.Options())))
                }
            }
        }
        #expect(files.count > 39 + 40)
        let lint = try Support.xmllint(files)
        #expect(lint.status == 0, "\(lint.output)")
    }
}

/// Reads every <title>'s text with Foundation's XML parser (which also proves the document
/// parses).
final class XMLTitles: NSObject, XMLParserDelegate {
    private var titles: [String] = []
    private var current: String?

    static func read(_ url: URL) throws -> [String] {
        let parser = XMLParser(contentsOf: url)!
        let delegate = XMLTitles()
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return delegate.titles
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if element == "title" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current? += string
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "title", let text = current {
            titles.append(text)
            current = nil
        }
    }
}
