import Analysis
import FlameGraph
import Findings
import Pipeline

/// `proflens compare BASE NEW --html FILE`: the totals, how each finding fared (fixed, new,
/// persisting, with its evidence), heap growth, the differential flame graph (red grew, blue
/// shrank; both sides' findings highlighted) and the changed functions, sortable and filterable.
extension HTMLReport {
    /// `stacks`: the graph's stacks sorted already (for the same `options.reverse`), when
    /// another graph was drawn from them.
    public static func compare(_ report: CompareReport, _ prepared: PreparedComparison, flame options: FlameOptions = FlameOptions(),
                               stacks: SortedStacks? = nil) -> [UInt8] {
        let comparison = report.comparison
        let prefix = graphPrefix(0)
        let base = report.baseNames.joined(separator: " + "), new = report.newNames.joined(separator: " + ")
        var contents = [(anchor: "findings", label: "Findings (\(report.findings.entries.count))")]
        if report.heapGrowth != nil { contents.append((anchor: "heap-growth", label: "Heap growth")) }
        contents += [(anchor: "graph", label: "Differential flame graph"), (anchor: "changes", label: "Changed \(comparison.granularity.rowNoun)")]
        return HTMLPage.render(
            title: "proflens compare: \(base) → \(new)", heading: "proflens compare",
            lines: ["Base: \(base): \(report.label(comparison.baseTotal)) \(comparison.sampleType.type)",
                    "New: \(new): \(report.label(comparison.newTotal)) (\(totalChange(report)))",
                    "Click a function (a culprit, a frame of a finding, a row of a table) to zoom the differential graph to it."],
            contents: contents
        ) { html in
            html.element("section", [("id", "findings")]) { html in
                html.element("h2", text: "Findings, base → new")
                if report.findings.entries.isEmpty { html.element("p", text: "None in either profile.") }
                for (index, entry) in report.findings.entries.enumerated() {
                    findingEntry(entry, anchor: "finding-\(index)", graph: prefix, &html)
                }
            }
            html.raw("\n")
            if let growth = report.heapGrowth { heapGrowthSection(growth, graphs: (prefix, prefix), &html) }
            html.element("section", [("id", "graph")]) { html in
                html.element("h2", text: "Differential flame graph")
                var graph = options
                graph.inlineID = prefix
                // Both sides' findings: the graph shows what was fixed too.
                let findings = report.findings.entries.compactMap(\.new) + report.findings.entries.compactMap(\.base)
                let sorted = stacks ?? FlameReport.differentialStacks(prepared, graph)
                flameFigure(FlameReport.differentialSVG(prepared, sorted, graph, highlighting: findings), prefix: prefix,
                            caption: "Red: grew from base to new; blue: shrank. Widths: \(options.widthBy.rawValue) of base and new. "
                                + "Outlined: the frames both sides' findings matched and their culprits. Click a frame to zoom; the tooltip gives base, new and delta.", &html)
            }
            html.raw("\n")
            changesSection(report, prefix: prefix, &html)
        }
    }

    static func totalChange(_ report: CompareReport) -> String {
        let values = ProfileComparison.Values(base: report.comparison.baseTotal, new: report.comparison.newTotal)
        return report.signedLabel(values.delta) + ", " + relative(values.relative)
    }

    static func findingEntry(_ entry: FindingsDiff.Entry, anchor: String, graph: String, _ html: inout HTMLWriter) {
        func describe(_ finding: Finding?) -> String { finding.map { "\($0.level.name) \(percent($0.share))" } ?? "none" }
        let shown = entry.new ?? entry.base
        let level = shown?.level.name ?? "info"
        html.element("article", [("class", "finding level-" + (entry.status == .fixed ? "fixed" : level)), ("id", anchor)]) { html in
            html.element("h3") { html in
                html.element("span", [("class", "badge " + entry.status.rawValue)], text: entry.status.rawValue.uppercased())
                if entry.worsened && entry.status == .persisting {
                    html.raw(" ")
                    html.element("span", [("class", "badge worse")], text: "WORSE")
                }
                html.raw(" ")
                html.element("span", [("class", "rule")], text: entry.id)
                html.raw(" ")
                html.text(shown?.title ?? "")
            }
            html.element("p", [("class", "measure")], text: "base: \(describe(entry.base)) → new: \(describe(entry.new))")
            if let shown {
                html.element("details", [("open", entry.status == .fixed ? nil : "")]) { html in
                    html.element("summary", text: entry.new == nil ? "Evidence in the base profile" : "Evidence in the new profile")
                    findingBody(shown, graph: graph, collapsed: nil, &html)
                }
            }
        }
        html.raw("\n")
    }

    /// The functions (lines, files, ...) that changed most, as `compare` prints them
    /// (`--nodecount`); a function's row zooms the graph to it (the graph's frames are
    /// functions: other rows name none).
    static func changesSection(_ report: CompareReport, prefix: String, _ html: inout HTMLWriter) {
        let noun = report.comparison.granularity.rowNoun
        let functions = report.comparison.granularity == .functions
        let tableID = prefix + "changes"
        html.element("section", [("id", "changes")]) { html in
            html.element("h2", text: "Changed \(noun)")
            html.element("p", [("class", "muted")],
                         text: "Deltas as go tool pprof -top -diff_base prints them, largest flat change first (\(report.comparison.sampleType.type)).")
            tableFilter(tableID, &html)
            html.element("table", [("class", "sortable data changes"), ("id", tableID)]) { html in
                tableHead([("flat base", true), ("flat new", true), ("flat delta", true), ("flat delta%", true),
                           ("cum base", true), ("cum new", true), ("cum delta", true), ("cum delta%", true), ("name", false)], &html)
                html.element("tbody") { html in
                    for row in report.rows {
                        html.element("tr", [("data-fn", functions ? row.name : nil), ("data-graph", functions ? prefix : nil),
                                            ("tabindex", functions ? "0" : nil)]) { html in
                            for values in [row.flat, row.cum] {
                                numberCell(report.label(values.base), values.base, &html)
                                numberCell(report.label(values.new), values.new, &html)
                                numberCell(report.signedLabel(values.delta), values.delta, &html, tone: true)
                                let sortValue = values.relative.map { String($0) } ?? (values.delta > 0 ? "Infinity" : "-Infinity")
                                html.element("td", [("class", "num"), ("data-v", sortValue)], text: relative(values.relative))
                            }
                            html.element("td", [("class", "fn")], text: row.name)
                        }
                    }
                }
            }
            let more = report.comparison.rows.count - report.rows.count
            if more > 0 { html.element("p", [("class", "note")], text: "\(more) more changed \(noun); --nodecount 0 shows all.") }
        }
        html.raw("\n")
    }
}
