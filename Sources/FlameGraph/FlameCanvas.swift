/// Where everything of one graph goes, worked out once from the layout and the options, for
/// every writer of the document: its size, the areas above and below the frames, pixels per
/// unit of value, the id prefix of a graph inline in a page, and the legend's entries.
struct FlameCanvas {
    let options: FlameGraphSVG.Options
    /// The width frames are drawn in: the image without its margins.
    let graphWidth: Double
    /// Pixels per unit of the root's value.
    let scale: Double
    /// Above the frames: title, subtitle, and a row for the legend when there is one.
    let titleArea: Double
    /// Below the frames: the matched share and details lines.
    let bottomArea: Double
    let height: Int
    /// The x-axis total: the root's width.
    let total: Int64
    /// Empty in a standalone SVG; inline in a page, what every id and style rule starts with.
    let prefix: String
    /// The highlights' legend entries, sorted: each one's place gives its colour.
    let legendEntries: [String]

    static let xpad = 10.0
    /// The average width of a character, as a share of the font size, by which labels are cut
    /// where no browser measures them (see `FrameLabel`).
    static let fontWidth = 0.59

    init(_ layout: FlameLayout, options: FlameGraphSVG.Options) {
        self.options = options
        total = layout.frames.first?.width ?? 0
        graphWidth = Double(options.width) - 2 * Self.xpad
        scale = graphWidth / Double(max(total, 1))
        let legendRows = options.highlights.isEmpty ? 0 : 1
        titleArea = options.fontSize * 5 + Double(legendRows) * options.fontSize * 1.6
        bottomArea = options.fontSize * 2 + 10
        let depthCount = Int(layout.maxDepth) + 1
        height = Int((titleArea + bottomArea + Double(depthCount * options.frameHeight)).rounded(.up))
        prefix = options.inlineID.map(Self.inlinePrefix) ?? ""
        legendEntries = Set(options.highlights.values).sorted()
    }

    var isInline: Bool { options.inlineID != nil }

    /// The id of one of the graph's parts (`frames`, `search`, ...).
    func id(_ name: String) -> String { prefix + name }

    /// The inline id prefix with anything but letters, digits, `-` and `_` left out.
    static func inlinePrefix(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }))
    }

    /// An entry's colour: by its place among the legend's entries (sorted), so that no two
    /// findings of one graph look alike.
    func highlightColor(_ entry: String) -> Palette.RGB {
        let index = legendEntries.firstIndex(of: entry) ?? 0
        return Palette.highlightColors[index % Palette.highlightColors.count]
    }
}
