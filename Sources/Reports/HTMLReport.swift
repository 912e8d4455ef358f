import Analysis
import Findings
import Pipeline

/// `proflens report`: one self-contained HTML page (no request of any kind) a reviewer opens:
/// the findings with their evidence, heap growth, and for each profile its summary, its
/// interactive flame graph (the frames of its findings and their culprits highlighted, as
/// `flame --highlight`) and its top table, sortable and filterable. A click on a function
/// anywhere zooms its profile's graph to it. `compare(...)` is the page of `compare --html`.
///
/// Every profile string is text: the page is built by `HTMLWriter`, which escapes every value,
/// and its scripts read names from `data-fn` attributes and frame titles, never building markup.
public enum HTMLReport {
    public static func analyze(_ report: AnalyzeReport, flame options: FlameOptions = FlameOptions()) -> [UInt8] {
        let prefixes = report.profiles.indices.map(graphPrefix)
        // A finding's graph is the graph of the profile it was measured on.
        var graphs: [String: String] = [:]
        for (prepared, prefix) in zip(report.profiles, prefixes) where graphs[prepared.name] == nil { graphs[prepared.name] = prefix }
        let growth = HeapGrowthReport(among: report.profiles)
        var contents = [(anchor: "findings", label: "Findings (\(report.findings.count))")]
        if growth != nil { contents.append((anchor: "heap-growth", label: "Heap growth")) }
        for (index, prepared) in report.profiles.enumerated() { contents.append((anchor: "profile-\(index)", label: prepared.name)) }
        let names = report.profiles.map(\.name)
        return HTMLPage.render(
            title: "proflens report: " + names.joined(separator: ", "), heading: "proflens report",
            lines: ["Profiles: " + names.joined(separator: ", "),
                    "Click a function (a culprit, a frame of a finding, a row of a table) to zoom its flame graph to it."],
            contents: contents
        ) { html in
            html.element("section", [("id", "findings")]) { html in
                html.element("h2", text: "Findings")
                if report.findings.isEmpty {
                    html.element("p", text: "None: no map anti-pattern above its threshold.")
                }
                for (index, finding) in report.findings.enumerated() {
                    findingCard(finding, anchor: "finding-\(index)", graph: graphs[finding.file], &html)
                }
                if !report.missingSourceFiles.isEmpty {
                    html.element("p", [("class", "note")],
                                 text: "Source not found (--source-path, --trim-path): " + report.missingSourceFiles.joined(separator: ", "))
                }
            }
            html.raw("\n")
            if let growth {
                heapGrowthSection(growth, graphs: (graphs[growth.growth.earlier], graphs[growth.growth.later]), &html)
            }
            for (index, prepared) in report.profiles.enumerated() {
                let findings = report.findings.filter { $0.file == prepared.name }
                profileSection(prepared, anchor: "profile-\(index)", prefix: prefixes[index], summary: report.summary(prepared),
                               findings: findings, table: report.tables[index], flame: options, &html)
            }
        }
    }

    /// The id prefix of the page's `index`th flame graph.
    static func graphPrefix(_ index: Int) -> String { "g\(index)-" }

    static func profileSection(_ prepared: PreparedProfile, anchor: String, prefix: String, summary: ProfileSummary,
                               findings: [Finding], table: TopReport, flame options: FlameOptions, _ html: inout HTMLWriter) {
        html.element("section", [("id", anchor), ("class", "profile")]) { html in
            html.element("h2", text: "Profile: " + prepared.name)
            html.element("dl", [("class", "summary")]) { html in
                for line in summary.textLines() {
                    // "Label:   value", as the terminal summary prints it.
                    let label = line.prefix { $0 != ":" }
                    let value = line.dropFirst(label.count + 1).drop { $0 == " " }
                    html.element("dt", text: String(label))
                    html.element("dd", text: String(value))
                }
            }
            var graph = options
            graph.inlineID = prefix
            flameFigure(FlameReport.svg(prepared, graph, highlighting: findings), prefix: prefix,
                        caption: "Flame graph of \(prepared.name): click a frame to zoom, click it again or an ancestor to go back. "
                            + (findings.isEmpty ? "" : "In blue, outlined: the frames the findings matched and their culprits (legend at the top)."),
                        &html)
            topTable(table, prefix: prefix, &html)
        }
        html.raw("\n")
    }

    /// An inline flame graph with its search box, reset buttons and status line.
    static func flameFigure(_ svg: [UInt8], prefix: String, caption: String, _ html: inout HTMLWriter) {
        html.element("figure", [("class", "flame"), ("id", prefix + "figure"), ("data-graph", prefix)]) { html in
            html.element("div", [("class", "controls")]) { html in
                html.open("input", [("type", "search"), ("class", "flame-search"), ("placeholder", "Search frames (regular expression)"),
                                    ("aria-label", "Search frames")])
                html.element("button", [("type", "button"), ("data-action", "unzoom")], text: "Reset zoom")
                html.element("button", [("type", "button"), ("data-action", "reset")], text: "Reset zoom and search")
                html.element("span", [("class", "status"), ("id", prefix + "status"), ("role", "status")], text: "")
            }
            html.raw("\n")
            html.flameGraph(svg)
            html.element("figcaption", text: caption)
        }
        html.raw("\n")
    }

    /// A function name: a button that zooms the graph when there is one, else text.
    static func function(_ name: String, graph: String?, _ html: inout HTMLWriter) {
        if let graph {
            html.element("button", [("type", "button"), ("class", "zoom"), ("data-fn", name), ("data-graph", graph),
                                    ("title", "Zoom the flame graph to this function")], text: name)
        } else {
            html.element("span", [("class", "fn")], text: name)
        }
    }

    static func percent(_ share: Double) -> String { FindingsReport.percent(share) }
}
