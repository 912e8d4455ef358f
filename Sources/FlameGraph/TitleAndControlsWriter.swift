/// Writes what surrounds the frames: the background, the title and the subtitle (with what the
/// layout left out), the Reset Zoom and Search controls, and the two lines at the bottom the
/// script writes into (the matched share of a search, a frame's details under the pointer).
enum TitleAndControlsWriter {
    static func write(_ canvas: FlameCanvas, layout: FlameLayout, into out: inout SVGBuffer) {
        let options = canvas.options
        let xpad = FlameCanvas.xpad
        let background = options.dark ? "#1d1f21" : "#ffffff"
        out.line("<rect x=\"0\" y=\"0\" width=\"\(options.width)\" height=\"\(canvas.height)\" fill=\"\(background)\"/>")
        let center = Double(options.width) / 2
        out.line("<text id=\"\(canvas.id("title"))\" x=\"\(Markup.number(center))\" y=\"\(Markup.number(options.fontSize * 2))\">\(Markup.escape(options.title))</text>")
        var subtitle = options.subtitle
        if layout.omitted > 0 {
            subtitle += (subtitle.isEmpty ? "" : " · ") + "\(layout.omitted) frames narrower than \(Markup.number(options.minWidth)) px left out"
        }
        if layout.negativeStacks > 0 {
            subtitle += (subtitle.isEmpty ? "" : " · ") + "\(layout.negativeStacks) stacks with negative values left out"
        }
        out.line("<text id=\"\(canvas.id("subtitle"))\" x=\"\(Markup.number(center))\" y=\"\(Markup.number(options.fontSize * 3.6))\">\(Markup.escape(subtitle))</text>")
        out.line("<text id=\"\(canvas.id("unzoom"))\" class=\"hide\" x=\"\(Markup.number(xpad))\" y=\"\(Markup.number(options.fontSize * 2))\">Reset Zoom</text>")
        out.line("<text id=\"\(canvas.id("search"))\" x=\"\(Markup.number(Double(options.width) - xpad - 100))\" y=\"\(Markup.number(options.fontSize * 2))\">Search</text>")
        out.line("<text id=\"\(canvas.id("matched"))\" x=\"\(Markup.number(Double(options.width) - xpad - 160))\" y=\"\(canvas.height - 8)\"> </text>")
        out.line("<text id=\"\(canvas.id("details"))\" x=\"\(Markup.number(xpad))\" y=\"\(canvas.height - 8)\"> </text>")
    }
}
