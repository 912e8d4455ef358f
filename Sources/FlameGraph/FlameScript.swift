/// The script of every flame graph: zoom on click, reset, search (the Search control, or in a
/// standalone SVG Ctrl-F or "/"), tooltips in the details line, and flamegraph.pl-style URL
/// parameters (?s=REGEX to search, ?x=..&y=.. to zoom to the frame drawn there).
///
/// One script serves a standalone SVG (embedded in it) and an HTML page with several inline
/// graphs (the page includes it once): it drives every `<svg data-total>` of the document, each
/// with its own state, its parts found by id with the graph's prefix (`data-prefix`, empty in
/// a standalone SVG; URL parameters carry it too). It exposes `window.proflensFlame` with
/// `zoomToName(name, prefix)` (the widest frame of that name), `search(term, prefix)`,
/// `resetSearch(prefix)` and `unzoom(prefix)`. It reads frames from the document (names from
/// each frame's <title>, values from data-v/data-s/data-d) and never inserts markup, so names
/// stay text.
public enum FlameScript {
    /// Resources/flame-graph.js.
    public static let source = EmbeddedText.string(PackageResources.flame_graph_js)
}
