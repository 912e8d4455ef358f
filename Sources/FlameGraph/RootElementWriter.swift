/// Writes the document around the graph: the XML declaration of a standalone SVG, the `<svg>`
/// element, whose data attributes give the script the geometry it redraws frames with (graph
/// width, margin, font size and average character width, minimum frame width, total), and its
/// end tag.
enum RootElementWriter {
    static func open(_ canvas: FlameCanvas, into out: inout SVGBuffer) {
        let options = canvas.options
        if !canvas.isInline { out.line(#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>"#) }
        // In HTML an <svg> is in the SVG namespace without saying so: the page names no URL.
        let root = canvas.isInline ? #" id="\#(canvas.id("svg"))" data-prefix="\#(canvas.prefix)""# : #" xmlns="http://www.w3.org/2000/svg""#
        out.line(#"<svg version="1.1"\#(root) width="\#(options.width)" height="\#(canvas.height)" viewBox="0 0 \#(options.width) \#(canvas.height)" data-width="\#(Markup.number(canvas.graphWidth))" data-xpad="\#(Markup.number(FlameCanvas.xpad))" data-font="\#(Markup.number(options.fontSize))" data-fontw="\#(FlameCanvas.fontWidth)" data-minw="\#(Markup.number(options.minWidth))" data-total="\#(canvas.total)">"#)
    }

    static func close(into out: inout SVGBuffer) {
        out.line("</svg>")
    }
}
