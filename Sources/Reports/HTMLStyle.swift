import FlameGraph

/// The HTML report's style sheet: one column, system fonts (nothing is fetched), function
/// names in monospace and isolated from the text around them (a right-to-left override in a
/// name cannot reorder the page).
enum HTMLStyle {
    /// Resources/report.css.
    static let css = EmbeddedText.string(PackageResources.report_css)
}
