import FlameGraph

/// The frame of every HTML report: the document head with its Content-Security-Policy (no
/// request of any kind; only the page's own two scripts run, named by their SHA-256), the
/// style sheet, a heading, a table of contents, the body, then the scripts (the flame
/// graphs', then the page's). Nothing depends on the clock: the same input gives the same bytes.
enum HTMLPage {
    /// The scripts, in the order the page runs them.
    static let scripts = [FlameScript.source, HTMLScript.source]

    /// `default-src 'none'` forbids every fetch (scripts, styles, images, fonts, frames,
    /// connections); inline styles are allowed, inline scripts only when their text hashes to
    /// one of ours, so markup that slipped into the page could not run.
    static let contentSecurityPolicy: String = {
        let hashes = scripts.map { SHA256.cspSource(HTMLWriter.elementText($0)) }.joined(separator: " ")
        return "default-src 'none'; script-src \(hashes); style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    }()

    static func render(title: String, heading: String, lines: [String], contents: [(anchor: String, label: String)],
                       body: (inout HTMLWriter) -> Void) -> [UInt8] {
        var html = HTMLWriter()
        html.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.open("meta", [("http-equiv", "Content-Security-Policy"), ("content", contentSecurityPolicy)])
        html.raw("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"proflens\">\n")
        html.element("title", text: title)
        html.raw("\n")
        html.constant("style", HTMLStyle.css)
        html.raw("</head>\n<body>\n")
        html.element("header", [("class", "page")]) { html in
            html.element("h1", text: heading)
            for line in lines { html.element("p", text: line) }
        }
        html.raw("\n")
        html.element("nav", [("class", "toc"), ("aria-label", "Contents")]) { html in
            for entry in contents { html.element("a", [("href", "#" + entry.anchor)], text: entry.label) }
        }
        html.raw("\n<main>\n")
        body(&html)
        html.raw("</main>\n")
        for script in scripts { html.constant("script", script) }
        html.raw("</body>\n</html>\n")
        return html.bytes
    }
}
