import FlameGraph

/// Builds an HTML document in which every string is text, never markup. Element and attribute
/// names are literals (`StaticString`); every value, text content or attribute value, goes
/// through `Markup.escape` (the flame graph's escaping: `& < > " '` as references, control
/// characters and bytes that were not UTF-8 as U+FFFD). The only unescaped inserts are
/// literals, the page's own scripts (files compiled into the binary, checked not to close their
/// element) and the flame graph SVG, which escapes its own strings the same way.
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    /// Markup written in the source code.
    mutating func raw(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A string as text content.
    mutating func text(_ value: String) {
        bytes.append(contentsOf: Markup.escape(value).utf8)
    }

    /// `<tag a="v" ...>`, values escaped; a nil value leaves its attribute out.
    mutating func open(_ tag: StaticString, _ attributes: [(StaticString, String?)] = []) {
        raw("<")
        raw(tag)
        for (name, value) in attributes {
            guard let value else { continue }
            raw(" ")
            raw(name)
            raw("=\"")
            text(value)
            raw("\"")
        }
        raw(">")
    }

    mutating func close(_ tag: StaticString) {
        raw("</")
        raw(tag)
        raw(">")
    }

    /// `<tag ...>text</tag>`.
    mutating func element(_ tag: StaticString, _ attributes: [(StaticString, String?)] = [], text value: String) {
        open(tag, attributes)
        text(value)
        close(tag)
    }

    /// `<tag ...>` what `body` writes `</tag>`.
    mutating func element(_ tag: StaticString, _ attributes: [(StaticString, String?)] = [], _ body: (inout HTMLWriter) -> Void) {
        open(tag, attributes)
        body(&self)
        close(tag)
    }

    /// An inline flame graph from `FlameGraphSVG` (with `inlineID` set): markup that escaped
    /// every profile string itself.
    mutating func flameGraph(_ svg: [UInt8]) {
        bytes.append(contentsOf: svg)
    }

    /// The exact text of the element `constant` writes for `source`.
    static func elementText(_ source: String) -> String { "\n" + source + "\n" }

    /// A `<script>` or `<style>` element with one of the page's constants (never a profile
    /// string); its exact text, which the Content-Security-Policy hash covers, is returned.
    @discardableResult
    mutating func constant(_ tag: StaticString, _ source: String) -> String {
        let lowered = source.lowercased()
        precondition(!lowered.contains("</script") && !lowered.contains("</style") && !lowered.contains("<!--"),
                     "a page constant must not close its element")
        let body = Self.elementText(source)
        open(tag)
        bytes.append(contentsOf: body.utf8)
        close(tag)
        raw("\n")
        return body
    }
}
