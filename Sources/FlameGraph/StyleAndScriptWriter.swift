/// Writes the graph's `<style>` (Resources/flame-graph.css, its placeholders filled from the
/// options) and, in a standalone SVG that wants it, the `<script>` (Resources/flame-graph.js).
/// A graph inline in a page has no script of its own: the page includes it once for all its graphs.
enum StyleAndScriptWriter {
    static func write(_ canvas: FlameCanvas, into out: inout SVGBuffer) {
        let options = canvas.options
        out.line("<style>")
        out.line(FlameStyle.sheet([
            // Inline, the rules for every `text` and `.hide` reach this graph's only.
            "scope": canvas.isInline ? "#\(canvas.prefix)svg " : "",
            "prefix": canvas.prefix,
            "font-size": Markup.number(options.fontSize),
            "title-font-size": Markup.number(options.fontSize + 5),
            "foreground": options.dark ? "#e8e8e8" : "#000000",
            "subtitle-colour": options.dark ? "#a0a0a0" : "#555555",
            "hover-outline": options.dark ? "#ffffff" : "#000000",
        ]))
        out.line("</style>")
        if options.embedsScript && !canvas.isInline {
            out.line("<script type=\"text/ecmascript\"><![CDATA[")
            out.line(FlameScript.source)
            out.line("]]></script>")
        }
    }
}
