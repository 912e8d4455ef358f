import Foundation

/// Whether a script or a style sheet that proflens embeds in its outputs is one Chromium reads
/// as written, in a page of its own (tests that call these carry `.needsChromium`; without
/// Chromium they throw). Each returns the problems found, empty when there is none.
public enum SyntaxCheck {
    /// A script: compiled as a function body first (`new Function`, which throws on a syntax
    /// error without running anything), then run in an empty page; any error it throws, at once
    /// or in its load handlers, and any console message, is a problem.
    public static func scriptProblems(_ source: String) throws -> [String] {
        try run(#"""
            var source = \#(jsonString(source));
            var compiled = null;
            try { compiled = new Function(source); } catch (e) { problems.push("does not compile: " + e.name + ": " + e.message); }
            if (compiled) {
              try { compiled(); } catch (e) { problems.push("throws when run: " + e.name + ": " + e.message); }
            }
            """#)
    }

    /// A style sheet of flat rules (`selector { property: value; ... }`, no at-rules): Chromium's
    /// parser keeps every rule (a rule whose selector it cannot read is dropped, and counted
    /// missing here), and accepts every declaration's value for its property (`CSS.supports`;
    /// a value it cannot read would be dropped without a word). A sheet this reading cannot
    /// split (at-rules, `;` or `}` inside strings) gives problems, never a pass.
    public static func styleProblems(_ css: String) throws -> [String] {
        try run(#"""
            var css = \#(jsonString(css));
            var sheet = new CSSStyleSheet();
            sheet.replaceSync(css);
            var written = css.replace(/\/\*[\s\S]*?\*\//g, "").split("}").map(function (s) { return s.trim(); })
              .filter(function (s) { return s !== ""; });
            if (written.length !== sheet.cssRules.length) {
              var kept = Array.prototype.map.call(sheet.cssRules, function (r) { return r.selectorText || r.cssText; });
              problems.push("the parser kept " + sheet.cssRules.length + " of " + written.length + " rules: " + kept.join(" | "));
            }
            written.forEach(function (block) {
              var open = block.indexOf("{");
              if (open < 0 || block.indexOf("{", open + 1) >= 0) { problems.push("not a flat rule: " + block); return; }
              var selector = block.slice(0, open).trim();
              block.slice(open + 1).split(";").forEach(function (declaration) {
                declaration = declaration.trim();
                if (declaration === "") return;
                var colon = declaration.indexOf(":");
                var property = declaration.slice(0, colon).trim();
                var value = declaration.slice(colon + 1).trim().replace(/\s*!important$/, "");
                if (colon < 0 || !CSS.supports(property, value)) problems.push(selector + " { " + declaration + " }");
              });
            });
            """#)
    }

    /// Runs `check` (which adds to `problems`) in an empty page, then reports what it found,
    /// with every error the page raised and every console message.
    static func run(_ check: String) throws -> [String] {
        let page = #"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>syntax check</title></head><body>
            <pre id="syntax-check"></pre>
            <script>
            var problems = [];
            window.addEventListener("error", function (e) { problems.push("error: " + e.message); });
            \#(check)
            window.addEventListener("load", function () { setTimeout(function () {
              document.getElementById("syntax-check").textContent = JSON.stringify(problems);
            }, 0); });
            </script>
            </body></html>
            """#
        let file = try TemporaryFile.write(Array(page.utf8), label: "syntax-check", suffix: ".html")
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try Browser.load(file)
        guard let start = loaded.dom.range(of: #"<pre id="syntax-check">"#),
              let end = loaded.dom.range(of: "</pre>", range: start.upperBound..<loaded.dom.endIndex) else {
            return ["the check page did not finish (status \(loaded.status))"] + loaded.console
        }
        // The serialized text content, back to characters (the serializer escapes & < > and U+00A0).
        let json = String(loaded.dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
        let problems = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] ?? ["unreadable result: \(json)"]
        return problems + loaded.console.map { "console: " + $0 }
    }

    /// `text` as a JavaScript string literal that cannot end the script element it is in.
    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast()).replacingOccurrences(of: "<", with: "\\u003c")
    }
}
