import Analysis
import Findings

/// A finding in the HTML report: what `analyze` prints for it, with every function a button
/// that zooms the flame graph of the finding's profile.
extension HTMLReport {
    static func findingCard(_ finding: Finding, anchor: String, graph: String?, _ html: inout HTMLWriter) {
        html.element("article", [("class", "finding level-" + finding.level.name), ("id", anchor)]) { html in
            html.element("h3") { html in
                html.element("span", [("class", "badge " + finding.level.name)], text: finding.level.name.uppercased())
                html.raw(" ")
                html.element("span", [("class", "rule")], text: finding.id)
                html.raw(" ")
                html.text(finding.title)
            }
            // Warnings and critical findings show their evidence; info findings one click away.
            findingBody(finding, graph: graph, collapsed: finding.level == .info, &html)
        }
        html.raw("\n")
    }

    /// `collapsed`: the evidence in a `<details>` element, closed or open; nil: shown as it is
    /// (inside a `<details>` of the caller's).
    static func findingBody(_ finding: Finding, graph: String?, collapsed: Bool?, _ html: inout HTMLWriter) {
        html.element("p", [("class", "measure")]) { html in
            html.element("strong", text: percent(finding.share))
            html.text(" of \(finding.sampleType) (\(Measurement.label(finding.value, unit: finding.unit))) in ")
            html.element("span", [("class", "fn")], text: finding.file)
        }
        culprits(finding, graph: graph, &html)
        func evidence(_ html: inout HTMLWriter) {
            html.element("div", [("class", "evidence")]) { html in
                html.element("div") { html in codeEvidence(finding, graph: graph, &html) }
                html.element("div") { html in measuredEvidence(finding, &html) }
            }
        }
        if let collapsed {
            html.element("details", [("class", "more"), ("open", collapsed ? nil : "")]) { html in
                let seen = finding.signals.filter(\.seen).count
                var parts = ["\(finding.signals.count) signals (\(seen) seen)", "\(finding.frames.count) matched frames", "the heaviest stack"]
                if finding.sourceEvidence != nil || finding.source != nil { parts.append("source") }
                html.element("summary", text: "Evidence: " + parts.joined(separator: ", "))
                evidence(&html)
            }
        } else {
            evidence(&html)
        }
        if let confirm = finding.confirm {
            html.element("p", [("class", "confirm")]) { html in
                html.element("strong", text: "To confirm: ")
                html.text(confirm)
            }
        }
        html.element("p") { html in
            html.element("strong", text: "Why: ")
            html.text(finding.explanation)
        }
        html.element("p") { html in
            html.element("strong", text: "Fix: ")
            html.text(finding.fix)
        }
    }

    /// The functions of the user's code through which the matched frames are reached.
    static func culprits(_ finding: Finding, graph: String?, _ html: inout HTMLWriter) {
        html.element("h4", text: "Culprits")
        if finding.culprits.isEmpty {
            html.element("p", [("class", "note")], text: "None in user code (reached only from the runtime or libraries).")
            return
        }
        html.element("table", [("class", "culprits")]) { html in
            html.raw("<thead><tr><th>function</th><th>call site</th><th class=\"num\">share</th><th class=\"num\">value</th></tr></thead>")
            html.element("tbody") { html in
                for culprit in finding.culprits {
                    html.element("tr") { html in
                        html.element("td") { html in function(culprit.name, graph: graph, &html) }
                        html.element("td", [("class", "fn")], text: culprit.location ?? "")
                        html.element("td", [("class", "num")], text: percent(culprit.share))
                        html.element("td", [("class", "num")], text: Measurement.label(culprit.value, unit: finding.unit))
                    }
                }
            }
        }
    }

    /// Where in the profile: the matched frames and the heaviest stack.
    static func codeEvidence(_ finding: Finding, graph: String?, _ html: inout HTMLWriter) {
        if !finding.frames.isEmpty {
            html.element("h4", text: "Matched frames")
            html.element("table", [("class", "frames")]) { html in
                html.element("tbody") { html in
                    for frame in finding.frames.prefix(10) {
                        html.element("tr") { html in
                            html.element("td") { html in function(frame.name, graph: graph, &html) }
                            let share = Double(frame.value) / Double(max(finding.value, 1)) * finding.share
                            html.element("td", [("class", "num")], text: percent(share))
                            html.element("td", [("class", "num")], text: Measurement.label(frame.value, unit: finding.unit))
                        }
                    }
                }
            }
        }
        if !finding.exampleStack.isEmpty {
            html.element("h4", text: "Heaviest stack (root first)")
            html.element("ol", [("class", "stack")]) { html in
                for name in finding.exampleStack {
                    html.element("li") { html in function(name, graph: graph, &html) }
                }
            }
        }
    }

    /// What was measured: the signals, and what the source says.
    static func measuredEvidence(_ finding: Finding, _ html: inout HTMLWriter) {
        if !finding.signals.isEmpty {
            html.element("h4", text: "Signals")
            html.element("table", [("class", "signals")]) { html in
                html.raw("<thead><tr><th></th><th>signal</th><th>role</th><th>measured</th></tr></thead>")
                html.element("tbody") { html in
                    for signal in finding.signals {
                        html.element("tr") { html in
                            html.element("td", [("class", signal.seen ? "seen" : "unseen")], text: signal.seen ? "seen" : "not seen")
                            html.element("td", text: signal.name)
                            html.element("td", text: role(signal.role) + (signal.level.map { " · " + $0.name } ?? ""))
                            html.element("td", text: signal.detail)
                        }
                    }
                }
            }
        }
        if let evidence = finding.sourceEvidence {
            html.element("p", [("class", "evidence " + evidence.status.rawValue)]) { html in
                html.element("strong", text: "Source: " + evidence.status.rawValue)
                if let file = evidence.file {
                    html.text(evidence.line.map { " at " + file + ":" + String($0) } ?? " in " + file)
                }
                if let statement = evidence.statement {
                    html.text(": ")
                    html.element("code", text: statement)
                }
                html.text(" (" + evidence.reason + ")")
            }
        }
        if let listing = finding.source { sourceTable(listing, unit: finding.unit, &html) }
    }

    static func role(_ role: SignalSpec.Role) -> String {
        switch role {
        case .requires: return "required"
        case .discriminates: return "tells it from its look-alike"
        case .confirms: return "confirms"
        }
    }

    /// The culprit's costly lines with context (the lines `analyze` prints), hot lines marked.
    static func sourceTable(_ listing: SourceListing, unit: String, _ html: inout HTMLWriter) {
        func value(_ v: Int64) -> String { v == 0 ? "." : Measurement.scaledLabel(v, from: unit, to: "minimum") }
        html.element("h4", text: "Source")
        html.element("p", [("class", "muted")]) { html in
            html.element("span", [("class", "fn")], text: listing.path)
            html.text(" (" + listing.function + "; flat and cum as go tool pprof -list counts them)")
        }
        html.element("table", [("class", "source")]) { html in
            html.raw("<thead><tr><th class=\"num\">flat</th><th class=\"num\">cum</th><th class=\"num\">line</th><th></th></tr></thead>")
            html.element("tbody") { html in
                for index in listing.excerpt() {
                    guard let index else {
                        html.raw("<tr class=\"gap\"><td></td><td></td><td class=\"num\">…</td><td></td></tr>")
                        continue
                    }
                    let line = listing.lines[index]
                    html.element("tr", [("class", line.hot ? "hot" : nil)]) { html in
                        html.element("td", [("class", "num")], text: value(line.flat))
                        html.element("td", [("class", "num")], text: value(line.cum))
                        html.element("td", [("class", "num")], text: String(line.line))
                        html.element("td", [("class", "code")], text: line.text.replacingTabs())
                    }
                }
            }
        }
    }
}
