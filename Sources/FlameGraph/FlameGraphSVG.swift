import Analysis

/// Writes a flame graph as one self-contained SVG document: every frame a rectangle with its
/// name and a <title> tooltip, plus the embedded script for zoom and search. The only place
/// that builds markup; every profile string goes through `Markup.escape`.
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

    static let fontWidth = 0.59
    static let xpad = 10.0

    public static func render(_ layout: FlameLayout, options: Options) -> [UInt8] {
        var out = SVGBuffer()
        let graphWidth = Double(options.width) - 2 * xpad
        let denominator = Double(max(widthTotal(layout), 1))
        let scale = graphWidth / denominator
        let legendRows = options.highlights.isEmpty ? 0 : 1
        let titleArea = options.fontSize * 5 + Double(legendRows) * options.fontSize * 1.6
        let bottomArea = options.fontSize * 2 + 10
        let depthCount = Int(layout.maxDepth) + 1
        let height = Int((titleArea + bottomArea + Double(depthCount * options.frameHeight)).rounded(.up))
        let background = options.dark ? "#1d1f21" : "#ffffff"
        let foreground = options.dark ? "#e8e8e8" : "#000000"

        // Inline in HTML, every id and rule carries the prefix; standalone, none does.
        let prefix = options.inlineID.map(inlinePrefix) ?? ""
        let scope = options.inlineID == nil ? "" : "#\(prefix)svg "
        func id(_ name: String) -> String { prefix + name }
        if options.inlineID == nil { out.line(#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"#) }
        // In HTML an <svg> is in the SVG namespace without saying so: the page names no URL.
        let root = options.inlineID == nil ? #" xmlns="http://www.w3.org/2000/svg""# : #" id="\#(id("svg"))" data-prefix="\#(prefix)""#
        out.line(#"<svg version="1.1"\#(root) width="\#(options.width)" height="\#(height)" viewBox="0 0 \#(options.width) \#(height)" data-width="\#(Markup.number(graphWidth))" data-xpad="\#(Markup.number(xpad))" data-font="\#(Markup.number(options.fontSize))" data-fontw="\#(fontWidth)" data-minw="\#(Markup.number(options.minWidth))" data-total="\#(widthTotal(layout))">"#)
        out.line("<style>")
        // The style sheet's placeholders (Resources/flame-graph.css), each one of the options.
        out.line(FlameStyle.sheet([
            "scope": scope,
            "prefix": prefix,
            "font-size": Markup.number(options.fontSize),
            "title-font-size": Markup.number(options.fontSize + 5),
            "foreground": foreground,
            "subtitle-colour": options.dark ? "#a0a0a0" : "#555555",
            "hover-outline": options.dark ? "#ffffff" : "#000000",
        ]))
        out.line("</style>")
        if options.embedsScript && options.inlineID == nil {
            out.line("<script type=\"text/ecmascript\"><![CDATA[")
            out.line(FlameScript.source)
            out.line("]]></script>")
        }
        out.line("<rect x=\"0\" y=\"0\" width=\"\(options.width)\" height=\"\(height)\" fill=\"\(background)\"/>")
        let center = Double(options.width) / 2
        out.line("<text id=\"\(id("title"))\" x=\"\(Markup.number(center))\" y=\"\(Markup.number(options.fontSize * 2))\">\(Markup.escape(options.title))</text>")
        var subtitle = options.subtitle
        if layout.omitted > 0 {
            subtitle += (subtitle.isEmpty ? "" : " · ") + "\(layout.omitted) frames narrower than \(Markup.number(options.minWidth)) px left out"
        }
        if layout.negativeStacks > 0 {
            subtitle += (subtitle.isEmpty ? "" : " · ") + "\(layout.negativeStacks) stacks with negative values left out"
        }
        out.line("<text id=\"\(id("subtitle"))\" x=\"\(Markup.number(center))\" y=\"\(Markup.number(options.fontSize * 3.6))\">\(Markup.escape(subtitle))</text>")
        out.line("<text id=\"\(id("unzoom"))\" class=\"hide\" x=\"\(Markup.number(xpad))\" y=\"\(Markup.number(options.fontSize * 2))\">Reset Zoom</text>")
        out.line("<text id=\"\(id("search"))\" x=\"\(Markup.number(Double(options.width) - xpad - 100))\" y=\"\(Markup.number(options.fontSize * 2))\">Search</text>")
        out.line("<text id=\"\(id("matched"))\" x=\"\(Markup.number(Double(options.width) - xpad - 160))\" y=\"\(height - 8)\"> </text>")
        out.line("<text id=\"\(id("details"))\" x=\"\(Markup.number(xpad))\" y=\"\(height - 8)\"> </text>")
        let legendEntries = Set(options.highlights.values).sorted()
        if !options.highlights.isEmpty {
            var x = xpad
            let y = options.fontSize * 5
            for entry in legendEntries {
                // A differential graph keeps each frame's colour of change and outlines the
                // highlighted ones: its legend shows the outline, not a colour.
                let swatch = options.differential ? "fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"3\"" : "fill=\"\(highlightColor(entry, among: legendEntries).css)\" stroke=\"#000000\""
                out.line("<g class=\"legend\"><rect x=\"\(Markup.number(x))\" y=\"\(Markup.number(y - options.fontSize))\" width=\"\(Markup.number(options.fontSize))\" height=\"\(Markup.number(options.fontSize))\" \(swatch)/><text x=\"\(Markup.number(x + options.fontSize + 4))\" y=\"\(Markup.number(y - 1))\">\(Markup.escape(entry))</text></g>")
                x += options.fontSize + 12 + Double(entry.count) * options.fontSize * fontWidth
            }
        }

        out.line("<g id=\"\(id("frames"))\">")
        let totalValue = layout.total
        let values = ValueText(unit: options.unit)
        for frame in layout.frames {
            let name = frame.name < 0 ? "all" : layout.names[Int(frame.name)]
            let start = Double(frame.start) * scale
            let width = Double(frame.width) * scale
            let x = xpad + start
            let y: Double
            if options.inverted {
                y = titleArea + Double(Int(frame.depth) * options.frameHeight)
            } else {
                y = Double(height) - bottomArea - Double((Int(frame.depth) + 1) * options.frameHeight)
            }
            let fill: Palette.RGB
            if let fixed = options.fixedFill {
                fill = fixed
            } else if options.differential {
                // Highlighted frames keep the colour of their change and get a heavy outline.
                fill = Palette.diffColor(base: frame.baseValue, new: frame.value, colorblind: options.colorblindDiff)
            } else if let entry = options.highlights[name] {
                fill = highlightColor(entry, among: legendEntries)
            } else if frame.name < 0 {
                fill = options.dark ? Palette.RGB(r: 120, g: 120, b: 120) : Palette.RGB(r: 200, g: 200, b: 200)
            } else {
                fill = options.palette.color(for: name)
            }
            let tooltip = options.differential
                ? diffTooltip(frame, layout: layout, values: values)
                : "\(values(frame.value)), \(percent(frame.value, of: totalValue))"
            let label = fittedLabel(escapedNameSource: name, width: width, fontSize: options.fontSize)
            // <g class="hl" data-s=".." data-v=".." data-d=".." data-b=".." data-n=".."><title>NAME
            // TOOLTIP</title><rect .../><text ...>LABEL</text></g>, written straight into the
            // output (thousands of frames: no string is built for a line).
            out.append(options.highlights[name] != nil ? "<g class=\"hl\" data-s=\"" : "<g data-s=\"")
            out.append(frame.start)
            out.append("\" data-v=\"")
            out.append(frame.width)
            out.append("\" data-d=\"")
            out.append(Int64(frame.depth))
            if options.differential {
                out.append("\" data-b=\"")
                out.append(frame.baseValue)
                out.append("\" data-n=\"")
                out.append(frame.value)
            }
            out.append("\"><title>")
            out.append(Markup.escape(name))
            out.append("\n")
            out.append(Markup.escape(tooltip))
            out.append("</title><rect x=\"")
            out.appendNumber(x)
            out.append("\" y=\"")
            out.appendNumber(y)
            out.append("\" width=\"")
            out.appendNumber(width)
            out.append("\" height=\"")
            out.append(Int64(options.frameHeight - 1))
            out.append("\" fill=\"rgb(")
            out.append(Int64(fill.r))
            out.append(",")
            out.append(Int64(fill.g))
            out.append(",")
            out.append(Int64(fill.b))
            out.append(")\" rx=\"2\" ry=\"2\"/><text x=\"")
            out.appendNumber(x + 3)
            out.append("\" y=\"")
            out.appendNumber(y + Double(options.frameHeight) - 4.5)
            out.append("\">")
            out.append(Markup.escape(label))
            out.append("</text></g>\n")
        }
        out.line("</g>")
        out.line("</svg>")
        return out.bytes
    }

    /// The inline id prefix with anything but letters, digits, `-` and `_` left out.
    static func inlinePrefix(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }))
    }

    /// The x-axis total: the root's width.
    static func widthTotal(_ layout: FlameLayout) -> Int64 {
        layout.frames.first?.width ?? 0
    }

    /// The name cut to the frame's width, ending in ".." when cut; empty when too narrow.
    static func fittedLabel(escapedNameSource name: String, width: Double, fontSize: Double) -> String {
        let fit = Int(((width - 3) / (fontSize * fontWidth)).rounded(.down))
        if fit < 3 { return "" }
        let scalars = name.unicodeScalars
        if scalars.count <= fit { return name }
        return String(String.UnicodeScalarView(scalars.prefix(fit - 2))) + ".."
    }

    static func formatValue(_ value: Int64, unit: String) -> String {
        ValueText(unit: unit)(value)
    }

    /// A tooltip's value ("1.50s", "12 samples", "3 requests") for many values of one unit,
    /// the unit looked up once.
    struct ValueText {
        let label: Measurement.AutoLabel
        /// What follows the number, when its unit says nothing (counts) or is not one pprof knows.
        let suffix: String

        init(unit: String) {
            label = Measurement.AutoLabel(unit: unit)
            switch unit.lowercased() {
            case "count", "": suffix = " samples"
            case "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes": suffix = ""
            default: suffix = Measurement.scale(1, from: unit, to: "auto").1.isEmpty ? " \(unit)" : ""
            }
        }

        func callAsFunction(_ value: Int64) -> String { label(value) + suffix }
    }

    static func percent(_ value: Int64, of total: Int64) -> String {
        guard total != 0 else { return "0%" }
        return Markup.number(Double(value) / Double(total) * 100) + "%"
    }

    static func diffTooltip(_ frame: FlameLayout.Frame, layout: FlameLayout, unit: String) -> String {
        diffTooltip(frame, layout: layout, values: ValueText(unit: unit))
    }

    static func diffTooltip(_ frame: FlameLayout.Frame, layout: FlameLayout, values: ValueText) -> String {
        let delta = frame.value - frame.baseValue
        let sign = delta > 0 ? "+" : ""
        let relative = frame.baseValue != 0 ? sign + Markup.number(Double(delta) / Double(frame.baseValue) * 100) + "%" : (delta == 0 ? "0%" : "new")
        let ofTotal = sign + percent(delta, of: max(layout.total, layout.baseTotal))
        return "base \(values(frame.baseValue)), new \(values(frame.value)), delta \(sign)\(values(delta)) (\(relative) of the frame, \(ofTotal) of the total)"
    }

    /// An entry's colour: by its place among the legend's entries (sorted), so that no two
    /// findings of one graph look alike.
    static func highlightColor(_ entry: String, among entries: [String]) -> Palette.RGB {
        let index = entries.firstIndex(of: entry) ?? 0
        return Palette.highlightColors[index % Palette.highlightColors.count]
    }
}

/// Output lines collected as bytes.
struct SVGBuffer {
    var bytes: [UInt8] = []
    mutating func line(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\n"))
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// An integer in decimal, as "\(value)" writes it.
    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // Up to 20 digits, last first.
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// A coordinate as `Markup.number` writes it.
    mutating func appendNumber(_ value: Double) {
        let hundredths = Int64((value * 100).rounded())
        if hundredths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = Int64(hundredths.magnitude)
        append(magnitude / 100)
        let fraction = magnitude % 100
        if fraction == 0 { return }
        bytes.append(UInt8(ascii: "."))
        if fraction % 10 == 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        } else {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
    }
}
