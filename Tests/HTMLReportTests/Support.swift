import Analysis
import Findings
import Foundation
import Pipeline
import Reports
import TestSupport

/// Pages to test: the report of a sample program, a comparison, and a profile whose names
/// (and file name) are markup meant to run.
enum Pages {
    /// Function names that would run script if they were markup; each sets `window.__pwned`.
    /// The first is a culprit (a map iterated under it), so it is also a button and a zoom target.
    /// (pprof keeps `<...>` in a name that has ".<", as in Java's `class.<init>`; elsewhere it
    /// removes such groups as C++ template arguments.)
    static let hostile = [
        "main.<img src=x onerror=window.__pwned=1>",
        "main.</script><script>window.__pwned=2</script>",
        "main.<svg onload=window.__pwned=3>",
        "main.<!-- ]]> --> \"quoted\" & 'single' \u{2028}\u{202E}rtl",
    ]
    static let hostileFileName = "<img src=x onerror=window.__pwned=4>.pb"

    static func report(_ files: [URL], locator: SourceLocator? = nil) throws -> [UInt8] {
        let request = ProfileRequest(sources: try files.map { try ProfileSource(argument: $0.path) })
        return HTMLReport.analyze(AnalyzeReport(profiles: try Pipeline.prepareEach(request), rules: .builtin, locator: locator))
    }

    static func comparison(base: URL, new: URL) throws -> [UInt8] {
        var request = ProfileRequest(sources: [try ProfileSource(argument: new.path)])
        request.baseSources = [try ProfileSource(argument: base.path)]
        let prepared = try Pipeline.prepareComparison(request)
        let findings = prepared.findingsDiff(rules: .builtin)
        let report = CompareReport(prepared, findings: findings, baseNames: [base.path], newNames: [new.path])
        return HTMLReport.compare(report, prepared)
    }

    /// A CPU profile, written under the hostile file name, whose every function name is hostile.
    static func hostileProfile(scale: Int64 = 1) throws -> URL {
        func bytes(_ names: [String]) -> [[UInt8]] { names.map { Array($0.utf8) } }
        let profile = SyntheticProfile.cpu([
            (bytes(["runtime.mapiternext", hostile[0], "main.main", "runtime.main"]), 600_000_000 * scale),
            (bytes([hostile[1], "main.main", "runtime.main"]), 200_000_000 * scale),
            (bytes([hostile[2], hostile[0], "main.main", "runtime.main"]), 100_000_000 * scale),
            (bytes([hostile[3], "main.main", "runtime.main"]), 100_000_000 * scale),
        ])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(hostileFileName)
        try Data(profile).write(to: url)
        return url
    }

    static func write(_ page: [UInt8], name: String = "report") throws -> URL {
        try TemporaryFile.write(page, label: name, suffix: ".html")
    }
}

/// Driving a page in headless Chromium: a copy of the page with a test script that acts as a
/// user would (clicks with `element.click()`, typing by setting a value and sending `input`)
/// and writes what it saw as JSON into `<pre id="proflens-test">`, which the dumped DOM carries.
/// The copy allows inline scripts (the page's policy admits only its own two, by hash); the
/// untouched page is checked separately.
enum Harness {
    static let helpers = #"""
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
var t = {
  frames: function (prefix) { return Array.prototype.slice.call(document.getElementById(prefix + "frames").getElementsByTagName("g")); },
  nameOf: function (g) { return g.getElementsByTagName("title")[0].textContent.split("\n")[0]; },
  zoomed: function (prefix) {
    var all = t.frames(prefix), z = all.filter(function (g) { return g.classList.contains("zoomed"); });
    if (z.length !== 1) return { count: z.length };
    var g = z[0], r = g.getElementsByTagName("rect")[0], name = t.nameOf(g);
    var widths = all.filter(function (o) { return t.nameOf(o) === name; }).map(function (o) { return parseFloat(o.getAttribute("data-v")); });
    return { count: 1, name: name, x: parseFloat(r.getAttribute("x")), width: parseFloat(r.getAttribute("width")),
             value: parseFloat(g.getAttribute("data-v")), widest: Math.max.apply(null, widths),
             hidden: all.filter(function (o) { return o.classList.contains("hide"); }).length };
  },
  matches: function (prefix) { return t.frames(prefix).filter(function (g) { return g.classList.contains("match"); }).map(t.nameOf); },
  type: function (input, text) { input.value = text; input.dispatchEvent(new Event("input", { bubbles: true })); },
  rows: function (table) { return Array.prototype.slice.call(table.tBodies[0].rows); },
  visible: function (table) { return t.rows(table).filter(function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute("data-fn"); }); },
  column: function (table, i) { return t.rows(table).map(function (r) { return parseFloat(r.cells[i].getAttribute("data-v")); }); }
};
"""#

    /// The page with `actions` (the body of `function (t, out)`) run after the page's own load handlers.
    static func instrumented(_ page: [UInt8], actions: String) -> [UInt8] {
        var html = String(decoding: page, as: UTF8.self)
        html = html.replacingOccurrences(of: #"script-src .*?; style-src"#, with: "script-src 'unsafe-inline'; style-src", options: .regularExpression)
        html = html.replacingOccurrences(of: "<head>\n", with: "<head>\n<script>\n" + helpers + "</script>\n")
        let runner = """
            <script>
            window.addEventListener("load", function () { setTimeout(function () {
              var out = {};
              try { (function (t, out) {\n\(actions)\n})(t, out); } catch (e) { out.exception = String(e && e.stack || e); }
              out.errors = window.__errors;
              out.pwned = window.__pwned || 0;
              var pre = document.createElement("pre");
              pre.id = "proflens-test";
              pre.textContent = JSON.stringify(out);
              document.body.appendChild(pre);
            }, 0); });
            </script>
            </body>
            """
        html = html.replacingOccurrences(of: "</body>", with: runner)
        return Array(html.utf8)
    }

    /// Loads the instrumented page and returns what its test script wrote, with the console.
    static func run(_ page: [UInt8], actions: String) throws -> (results: [String: Any], console: [String]) {
        let file = try Pages.write(instrumented(page, actions: actions), name: "instrumented")
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try Browser.load(file)
        guard let start = loaded.dom.range(of: #"<pre id="proflens-test">"#),
              let end = loaded.dom.range(of: "</pre>", range: start.upperBound..<loaded.dom.endIndex) else {
            return (["missing": "no results in the page (status \(loaded.status))"], loaded.console)
        }
        let json = unescapeText(String(loaded.dom[start.upperBound..<end.lowerBound]))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        return (object, loaded.console)
    }

    /// Text as the HTML serializer writes it, back to the characters.
    static func unescapeText(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A structural check of markup: outside script and style elements every start tag is closed in
/// order (void elements and self-closed SVG elements excepted), no `<` starts anything but a
/// tag, an end tag or the doctype, and no element has an event handler attribute (`on...`).
/// Returns the problems found.
enum WellFormed {
    static let void: Set<String> = ["meta", "input", "br", "img", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"]

    static func problems(_ html: String) -> [String] {
        var problems: [String] = []
        var stack: [String] = []
        let scalars = Array(html.unicodeScalars)
        var i = 0
        func readName(_ from: Int) -> (String, Int) {
            var j = from, name = ""
            while j < scalars.count, scalars[j].properties.isAlphabetic || ("0"..."9").contains(scalars[j]) || scalars[j] == "-" {
                name.unicodeScalars.append(scalars[j])
                j += 1
            }
            return (name.lowercased(), j)
        }
        while i < scalars.count {
            guard scalars[i] == "<" else { i += 1; continue }
            if html.unicodeScalars.dropFirst(i).starts(with: "<!DOCTYPE".unicodeScalars) {
                while i < scalars.count && scalars[i] != ">" { i += 1 }
                continue
            }
            let closing = i + 1 < scalars.count && scalars[i + 1] == "/"
            let (name, after) = readName(i + (closing ? 2 : 1))
            if name.isEmpty { problems.append("stray < at scalar \(i)"); i += 1; continue }
            var j = after, quote: Unicode.Scalar?, token = ""
            while j < scalars.count {
                let c = scalars[j]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == ">" {
                    break
                } else if c == "=" || c == " " || c == "\n" || c == "/" {
                    // An attribute's name ends here; event handlers are never ours.
                    if token.lowercased().hasPrefix("on") { problems.append("event handler attribute \(token) on <\(name)>") }
                    token = ""
                } else {
                    token.unicodeScalars.append(c)
                }
                j += 1
            }
            let selfClosed = j > 0 && scalars[j - 1] == "/"
            i = j + 1
            if closing {
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)> closes <\(stack.last ?? "nothing")>") }
            } else if !selfClosed && !void.contains(name) {
                stack.append(name)
                if name == "script" || name == "style" {
                    // Raw text up to the end tag.
                    let rest = String(String.UnicodeScalarView(scalars[i...]))
                    guard let end = rest.range(of: "</\(name)", options: .caseInsensitive) else { problems.append("unclosed <\(name)>"); break }
                    i += rest.unicodeScalars.distance(from: rest.unicodeScalars.startIndex, to: end.lowerBound)
                }
            }
        }
        if !stack.isEmpty { problems.append("unclosed: \(stack)") }
        return problems
    }
}
