/// Writes a flame graph as one self-contained SVG document: every frame a rectangle with its
/// name and a <title> tooltip, plus the embedded script for zoom and search. Every profile
/// string goes through `Markup.escape`. One writer for each kind of element, in document order:
/// `RootElementWriter` (the declaration and the <svg> element), `StyleAndScriptWriter`,
/// `TitleAndControlsWriter`, `LegendWriter` and `FrameWriter`, on the geometry `FlameCanvas`
/// works out once.
public struct FlameGraphSVG {
    public struct Options: Sendable {
        public var title = "Flame Graph"
        public var subtitle = ""
        /// The defaults of `width` and `minWidth`, for every layer that offers them (the
        /// command line, FlameOptions): their one home.
        public static let defaultWidth = 1200
        public static let defaultMinWidth = 0.1
        /// Image width in pixels.
        public var width = defaultWidth
        public var frameHeight = 16
        public var fontSize = 12.0
        /// Frames narrower than this many pixels are left out.
        public var minWidth = defaultMinWidth
        /// Icicle graph: the root at the top.
        public var inverted = false
        public var palette = Palette.hot
        public var dark = false
        /// Sample unit of the values, for tooltips ("nanoseconds", "bytes", "count").
        public var unit = ""
        /// Differential colouring (red grew, blue shrank).
        public var differential = false
        public var colorblindDiff = false
        /// Frames to mark, by name, with the legend entry each belongs to.
        public var highlights: [String: String] = [:]
        /// Keeps the file small: past this many frames the narrowest are left out.
        public var maxFrames = 16_000
        /// Golden files: no embedded script (zoom and search), one fill for every frame, so
        /// that a golden shows geometry, names and tooltips only.
        public var embedsScript = true
        public var fixedFill: Palette.RGB?
        /// Set when the graph goes inline into an HTML page: no XML declaration and no script
        /// (the page includes `FlameScript.source` once for all its graphs); the root gets the
        /// id PREFIXsvg, and every id and style rule starts with this prefix (letters, digits,
        /// `-` and `_`), so that several graphs share a page and their styles stay their own.
        public var inlineID: String?
        public init() {}
    }

    public static func render(_ layout: FlameLayout, options: Options) -> [UInt8] {
        let canvas = FlameCanvas(layout, options: options)
        var out = SVGBuffer()
        RootElementWriter.open(canvas, into: &out)
        StyleAndScriptWriter.write(canvas, into: &out)
        TitleAndControlsWriter.write(canvas, layout: layout, into: &out)
        LegendWriter.write(canvas, into: &out)
        FrameWriter.write(layout, canvas, into: &out)
        RootElementWriter.close(into: &out)
        return out.bytes
    }
}
