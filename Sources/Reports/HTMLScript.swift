import FlameGraph

/// The HTML report's own script (the flame graphs' is `FlameScript`): tables sorted by a click
/// on a column header and filtered by a text box (a regular expression, or the text itself
/// when it is not one); a click on a function (a culprit, a frame of a finding, a row) zooms
/// its flame graph to the widest frame of that name, through `window.proflensFlame`, and
/// scrolls the graph into view, below the sticky contents bar. It reads names from `data-fn`
/// attributes and writes only text (`textContent`) and attributes, never markup.
enum HTMLScript {
    /// Resources/report.js.
    static let source = EmbeddedText.string(PackageResources.report_js)
}
