/// Writes the legend of a graph with highlights: one swatch and name per entry (an anti-pattern
/// a finding matched), in a row below the subtitle, in the colour its frames have.
enum LegendWriter {
    static func write(_ canvas: FlameCanvas, into out: inout SVGBuffer) {
        let options = canvas.options
        guard !options.highlights.isEmpty else { return }
        var x = FlameCanvas.xpad
        let y = options.fontSize * 5
        for entry in canvas.legendEntries {
            // A differential graph keeps each frame's colour of change and outlines the
            // highlighted ones: its legend shows the outline, not a colour.
            let swatch = options.differential ? "fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"3\"" : "fill=\"\(canvas.highlightColor(entry).css)\" stroke=\"#000000\""
            out.line("<g class=\"legend\"><rect x=\"\(Markup.number(x))\" y=\"\(Markup.number(y - options.fontSize))\" width=\"\(Markup.number(options.fontSize))\" height=\"\(Markup.number(options.fontSize))\" \(swatch)/><text x=\"\(Markup.number(x + options.fontSize + 4))\" y=\"\(Markup.number(y - 1))\">\(Markup.escape(entry))</text></g>")
            x += options.fontSize + 12 + Double(entry.count) * options.fontSize * FlameCanvas.fontWidth
        }
    }
}
