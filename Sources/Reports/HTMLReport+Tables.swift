import Analysis
import Findings

/// The tables of the HTML report: the top table (pprof's rows and numbers), heap growth and
/// the changed functions of a comparison. Their rows carry the function (`data-fn`) and its
/// graph (`data-graph`), and their cells the raw value they sort by (`data-v`).
extension HTMLReport {
    /// A column: its header and whether it sorts by number.
    typealias Column = (title: String, numeric: Bool)

    static func tableHead(_ columns: [Column], _ html: inout HTMLWriter) {
        html.element("thead") { html in
            html.element("tr") { html in
                for column in columns {
                    html.element("th", [("class", column.numeric ? "num" : nil), ("data-sort", column.numeric ? "num" : "text"),
                                        ("title", "Sort by " + column.title)], text: column.title)
                }
            }
        }
    }

    /// The text box that filters a table's rows by function name.
    static func tableFilter(_ tableID: String, _ html: inout HTMLWriter) {
        html.element("div", [("class", "filter")]) { html in
            html.open("input", [("type", "search"), ("class", "table-filter"), ("data-table", tableID),
                                ("placeholder", "Filter functions: regular expression or text"), ("aria-label", "Filter functions")])
            html.element("span", [("class", "muted"), ("id", tableID + "-count"), ("role", "status")], text: "")
        }
    }

    static func numberCell(_ text: String, _ value: Int64, _ html: inout HTMLWriter, tone: Bool = false) {
        let classes = tone && value != 0 ? (value > 0 ? "num pos" : "num neg") : "num"
        html.element("td", [("class", classes), ("data-v", String(value))], text: text)
    }

    /// `go tool pprof -top`: its header lines, then flat, flat%, sum%, cum, cum% and name.
    static func topTable(_ top: TopReport, prefix: String, _ html: inout HTMLWriter) {
        let tableID = prefix + "top"
        html.element("h3", text: "Top functions")
        html.element("pre", [("class", "pprof")]) { html in
            for (index, line) in (top.header + top.legend).enumerated() {
                if index > 0 { html.raw("\n") }
                html.text(line)
            }
        }
        tableFilter(tableID, &html)
        html.element("table", [("class", "sortable data top"), ("id", tableID)]) { html in
            tableHead([("flat", true), ("flat%", true), ("sum%", true), ("cum", true), ("cum%", true), ("name", false)], &html)
            html.element("tbody") { html in
                var running: Int64 = 0
                for row in top.rows {
                    running &+= row.flat
                    html.element("tr", [("data-fn", row.name), ("data-graph", prefix), ("tabindex", "0")]) { html in
                        numberCell(top.format(row.flat), row.flat, &html)
                        numberCell(Measurement.percentage(row.flat, of: top.total).trimmed, row.flat, &html)
                        numberCell(Measurement.percentage(running, of: top.total).trimmed, running, &html)
                        numberCell(top.format(row.cum), row.cum, &html)
                        numberCell(Measurement.percentage(row.cum, of: top.total).trimmed, row.cum, &html)
                        html.element("td", [("class", "fn")]) { html in
                            html.text(row.name)
                            if !row.inlineLabel.isEmpty {
                                html.raw(" ")
                                html.element("span", [("class", "muted")], text: row.inlineLabel)
                            }
                        }
                    }
                }
            }
        }
    }

    /// In-use growth per owner between two heap profiles. A row zooms the later profile's
    /// graph where the owner grew, the earlier one's where it shrank (`graphs`: their prefixes).
    static func heapGrowthSection(_ report: HeapGrowthReport, graphs: (earlier: String?, later: String?), _ html: inout HTMLWriter) {
        let growth = report.growth
        html.element("section", [("id", "heap-growth")]) { html in
            html.element("h2", text: "In-use heap growth")
            html.element("p") { html in
                html.element("span", [("class", "fn")], text: growth.earlier)
                html.text(" → ")
                html.element("span", [("class", "fn")], text: growth.later)
                html.text(": " + growth.describe(.init(name: "all owners", before: growth.totalBefore, after: growth.totalAfter), naming: false))
            }
            let tableID = "heap-growth-table"
            var columns: [Column] = [("before", true), ("after", true), ("change", true)]
            if growth.seconds > 0 { columns.append(("per second", true)) }
            columns.append(("held by", false))
            html.element("table", [("class", "sortable data growth"), ("id", tableID)]) { html in
                tableHead(columns, &html)
                html.element("tbody") { html in
                    for change in report.shown {
                        let graph = change.delta >= 0 ? graphs.later : graphs.earlier
                        html.element("tr", [("data-fn", change.name), ("data-graph", graph), ("tabindex", graph == nil ? nil : "0")]) { html in
                            numberCell(Measurement.label(change.before, unit: "bytes"), change.before, &html)
                            numberCell(Measurement.label(change.after, unit: "bytes"), change.after, &html)
                            numberCell(signed(change.delta, unit: "bytes"), change.delta, &html, tone: true)
                            if growth.seconds > 0 {
                                let rate = Int64((Double(change.delta) / growth.seconds).rounded())
                                numberCell(signed(rate, unit: "bytes") + "/s", rate, &html, tone: true)
                            }
                            html.element("td", [("class", "fn")], text: change.name)
                        }
                    }
                }
            }
        }
        html.raw("\n")
    }

    static func signed(_ value: Int64, unit: String) -> String {
        (value > 0 ? "+" : "") + Measurement.label(value, unit: unit)
    }

    /// A change relative to the base: "+12.5%", or "new" when the base is zero.
    static func relative(_ relative: Double?) -> String {
        guard let relative else { return "new" }
        return (relative > 0 ? "+" : "") + String((relative * 1000).rounded() / 10) + "%"
    }
}

extension String {
    /// Without leading and trailing spaces (pprof pads its percentages).
    var trimmed: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
