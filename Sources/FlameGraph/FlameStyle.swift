/// The flame graph's style sheet, Resources/flame-graph.css: a template, because what it styles
/// depends on the graph. Each `__name__` in it is a value the writer passes: the id prefix of a
/// graph inline in a page (`prefix`, and `scope`, the graph's root, that keeps a rule for every
/// `text` of the page to this graph), the font sizes and the colours of a light or dark graph.
/// `StyleAndScriptWriter` names them all in one place.
enum FlameStyle {
    static let template = EmbeddedText.string(PackageResources.flame_graph_css)

    /// The sheet with every placeholder replaced by its value. One pass over the template, so
    /// that a value is never read again for placeholders (an id prefix may hold `__`); a
    /// placeholder without a value is a mistake in the template, and stops the program.
    static func sheet(_ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "__") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "__") else {
                preconditionFailure("flame-graph.css: a placeholder is not closed")
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard let value = values[name] else { preconditionFailure("flame-graph.css: no value for __\(name)__") }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
