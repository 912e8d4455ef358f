import Foundation
import TestSupport
import Testing

/// The pages in headless Chromium: they load without a console message (no error, no policy
/// violation), their scripts run under the page's own policy, and a test script acting as a
/// user sorts, filters, clicks culprits and rows, and searches.
@Suite(.serialized, .needsChromium) struct HTMLReportBrowserTests {
    static let width = 1180.0, xpad = 10.0

    /// The untouched page: every graph and the page's script initialized, nothing on the console.
    func expectCleanLoad(_ page: [UInt8], graphs: Int) throws {
        let file = try Pages.write(page)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try Browser.load(file)
        #expect(loaded.status == 0)
        #expect(loaded.console == [], "console: \(loaded.console)")
        #expect(loaded.dom.contains("<body data-ready=\"true\">"))
        #expect(loaded.dom.components(separatedBy: "data-ready=\"true\"").count - 1 == graphs + 1)
        #expect(loaded.dom.range(of: "<img", options: .caseInsensitive) == nil)
    }

    @Test func pagesLoadWithoutConsoleMessages() throws {
        try expectCleanLoad(try HTMLReportTests.samplePage(), graphs: 2)
        try expectCleanLoad(try HTMLReportTests.comparePage(), graphs: 1)
        try expectCleanLoad(try Pages.report([try Pages.hostileProfile()]), graphs: 1)
    }

    @Test func headersSortAndTheBoxFilters() throws {
        let page = try HTMLReportTests.samplePage()
        let (out, console) = try Harness.run(page, actions: #"""
            var table = document.getElementById("g0-top"), heads = table.tHead.rows[0].cells;
            out.headers = Array.prototype.map.call(heads, function (h) { return h.textContent; });
            out.first = t.rows(table)[0].getAttribute("data-fn");
            heads[3].click();
            out.cumDown = t.column(table, 3); out.sort1 = heads[3].getAttribute("aria-sort");
            heads[3].click();
            out.cumUp = t.column(table, 3); out.sort2 = heads[3].getAttribute("aria-sort");
            out.sortCleared = heads[0].getAttribute("aria-sort");
            heads[5].click();
            out.names = t.visible(table);
            var box = document.querySelector('input.table-filter[data-table="g0-top"]');
            t.type(box, "mapassign|Expire$");
            out.filtered = t.visible(table); out.count = document.getElementById("g0-top-count").textContent;
            t.type(box, "(*SessionCache");
            out.literal = t.visible(table); out.literalClass = box.className;
            t.type(box, "");
            out.all = t.visible(table).length; out.total = t.rows(table).length;
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        #expect(out["headers"] as? [String] == ["flat", "flat%", "sum%", "cum", "cum%", "name"])
        let facts = try #require(try HTMLReportTests.sampleFacts())
        #expect(out["first"] as? String == facts.rows.first)
        let down = try #require(out["cumDown"] as? [Double]), up = try #require(out["cumUp"] as? [Double])
        #expect(down.count > 20 && down == down.sorted(by: >) && up == down.sorted())
        #expect(out["sort1"] as? String == "descending" && out["sort2"] as? String == "ascending")
        let names = try #require(out["names"] as? [String])
        #expect(names == names.sorted())
        let pattern = try NSRegularExpression(pattern: "mapassign|Expire$", options: .caseInsensitive)
        let filtered = facts.rows.filter { pattern.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
        #expect(Set(out["filtered"] as? [String] ?? []) == Set(filtered) && filtered.count >= 2)
        #expect((out["count"] as? String)?.hasPrefix("\(filtered.count) of ") == true)
        // Not a regular expression: matched as text.
        #expect(Set(out["literal"] as? [String] ?? []) == Set(facts.rows.filter { $0.contains("(*SessionCache") }))
        #expect((out["literalClass"] as? String)?.contains("invalid") == true)
        #expect(out["all"] as? Int == out["total"] as? Int)
        #expect((out["errors"] as? [String]) == [])
    }

    @Test func clickingACulpritOrARowZoomsItsGraph() throws {
        let page = try HTMLReportTests.samplePage()
        let (out, console) = try Harness.run(page, actions: #"""
            var culprit = document.querySelector("#finding-0 table.culprits button.zoom");
            out.culprit = culprit.getAttribute("data-fn"); out.graph = culprit.getAttribute("data-graph");
            culprit.click();
            out.afterCulprit = t.zoomed("g0-"); out.status = document.getElementById("g0-status").textContent;
            out.otherGraph = t.zoomed("g1-");
            var row = t.rows(document.getElementById("g0-top")).filter(function (r) { return r.getAttribute("data-fn") === "runtime.mapassign_faststr"; })[0];
            row.cells[5].click();
            out.afterRow = t.zoomed("g0-");
            var heapRow = t.rows(document.getElementById("g1-top"))[0];
            out.heapRow = heapRow.getAttribute("data-fn");
            heapRow.cells[0].click();
            out.afterHeapRow = t.zoomed("g1-");
            document.querySelector('#g0-figure button[data-action="unzoom"]').click();
            out.afterReset = t.zoomed("g0-");
            out.urlAfter = window.location.search;
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        #expect(out["culprit"] as? String == "main.(*SessionCache).Expire" && out["graph"] as? String == "g0-")
        // The widest frame of that name now spans the graph.
        let zoomed = try #require(out["afterCulprit"] as? [String: Any])
        #expect(zoomed["name"] as? String == "main.(*SessionCache).Expire")
        #expect(zoomed["value"] as? Double == zoomed["widest"] as? Double)
        #expect(abs((zoomed["x"] as? Double ?? 0) - Self.xpad) < 0.01 && abs((zoomed["width"] as? Double ?? 0) - Self.width) < 0.01)
        #expect((zoomed["hidden"] as? Int ?? 0) > 0)
        #expect((out["status"] as? String)?.hasPrefix("Zoomed to main.(*SessionCache).Expire") == true)
        #expect((out["otherGraph"] as? [String: Any])?["count"] as? Int == 0)
        let row = try #require(out["afterRow"] as? [String: Any])
        #expect(row["name"] as? String == "runtime.mapassign_faststr" && row["value"] as? Double == row["widest"] as? Double)
        #expect(abs((row["width"] as? Double ?? 0) - Self.width) < 0.01)
        let heap = try #require(out["afterHeapRow"] as? [String: Any])
        #expect(heap["name"] as? String == out["heapRow"] as? String)
        #expect((out["afterReset"] as? [String: Any])?["count"] as? Int == 0)
        #expect((out["errors"] as? [String]) == [])
    }

    @Test func aCulpritScrollsItsGraphClearOfTheStickyBar() throws {
        let page = try HTMLReportTests.samplePage()
        let (out, console) = try Harness.run(page, actions: #"""
            window.scrollTo(0, 0);
            document.querySelector("#finding-0 table.culprits button.zoom").click();
            var bar = document.querySelector("nav.toc").getBoundingClientRect();
            out.scrolled = window.scrollY;
            out.barBottom = bar.bottom;
            out.figureTop = document.getElementById("g0-figure").getBoundingClientRect().top;
            out.statusTop = document.getElementById("g0-status").getBoundingClientRect().top;
            out.status = document.getElementById("g0-status").textContent;
            out.viewport = window.innerHeight;
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        #expect((out["status"] as? String)?.hasPrefix("Zoomed to ") == true)
        // The page did scroll to the graph, and its controls and status line are below the bar.
        let scrolled = try #require(out["scrolled"] as? Double), barBottom = try #require(out["barBottom"] as? Double)
        let figureTop = try #require(out["figureTop"] as? Double), statusTop = try #require(out["statusTop"] as? Double)
        #expect(scrolled > 0 && barBottom > 0)
        #expect(figureTop >= barBottom && statusTop >= barBottom, "\(out)")
        #expect(statusTop < (out["viewport"] as? Double ?? 0))
    }

    @Test func labelsHoldAsMuchOfTheNameAsTheFrameWidthAllows() throws {
        let page = try HTMLReportTests.samplePage()
        // Each drawn label, measured as the browser lays it out: it fits its frame, and when it
        // is cut, one more character would not.
        let (out, console) = try Harness.run(page, actions: #"""
            function check(prefix, into) {
              t.frames(prefix).forEach(function (g) {
                if (g.classList.contains("hide")) return;
                var text = g.getElementsByTagName("text")[0], label = text.textContent, name = t.nameOf(g);
                var room = parseFloat(g.getElementsByTagName("rect")[0].getAttribute("width")) - 3;
                if (label !== "" && text.getComputedTextLength() > room + 0.5) into.overflow.push(label);
                if (label === name) { into.whole += 1; return; }
                var kept = label === "" ? 0 : label.length - 2;
                into.cut += 1;
                text.textContent = name.substring(0, kept + 1) + "..";
                if (text.getComputedTextLength() <= room) into.roomForMore.push(label + " of " + name);
                text.textContent = label;
              });
            }
            out.loaded = { overflow: [], roomForMore: [], whole: 0, cut: 0 };
            check("g0-", out.loaded); check("g1-", out.loaded);
            document.querySelector("#finding-0 table.culprits button.zoom").click();
            out.zoomed = { overflow: [], roomForMore: [], whole: 0, cut: 0 };
            check("g0-", out.zoomed);
            document.querySelector('#g0-figure button[data-action="unzoom"]').click();
            out.unzoomed = { overflow: [], roomForMore: [], whole: 0, cut: 0 };
            check("g0-", out.unzoomed);
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        for key in ["loaded", "zoomed", "unzoomed"] {
            let seen = try #require(out[key] as? [String: Any], "\(out)")
            #expect((seen["whole"] as? Int ?? 0) > 0 && (seen["cut"] as? Int ?? 0) > 0, "\(key): \(seen)")
            #expect(seen["overflow"] as? [String] == [], "\(key): \(seen)")
            #expect(seen["roomForMore"] as? [String] == [], "\(key): \(seen)")
        }
    }

    @Test func fittingTheLabelsLaysTheGraphOutAFewTimesNotOncePerLabel() throws {
        let page = try HTMLReportTests.samplePage()
        // A read of a drawn width (or of the graph's scale) after a write to the document makes
        // the browser lay the graph out before it answers: count those while the graph zooms
        // and unzooms, each of which cuts every shown label again.
        let (out, console) = try Harness.run(page, actions: #"""
            var dirty = false, counts = null;
            var text = Object.getOwnPropertyDescriptor(Node.prototype, "textContent");
            Object.defineProperty(Node.prototype, "textContent", { configurable: true, get: text.get,
              set: function (value) { dirty = true; text.set.call(this, value); } });
            var setAttribute = Element.prototype.setAttribute;
            Element.prototype.setAttribute = function (key, value) { dirty = true; return setAttribute.call(this, key, value); };
            function countReads(proto, key) {
              var read = proto[key];
              proto[key] = function () {
                counts.reads += 1;
                if (dirty) counts.layouts += 1;
                dirty = false;
                return read.apply(this, arguments);
              };
            }
            countReads(SVGTextContentElement.prototype, "getComputedTextLength");
            countReads(SVGGraphicsElement.prototype, "getScreenCTM");
            countReads(Element.prototype, "getBoundingClientRect");
            function labels() {
              return t.frames("g0-").filter(function (g) {
                return !g.classList.contains("hide") && g.getElementsByTagName("text")[0].textContent !== "";
              }).length;
            }
            function counted(step) { dirty = false; counts = { layouts: 0, reads: 0 }; step(); counts.labels = labels(); return counts; }
            var graph = window.proflensFlame.graphs["g0-"], widest = null;
            t.frames("g0-").forEach(function (g) {
              if (g.getAttribute("data-d") === "1" && (widest === null || parseFloat(g.getAttribute("data-v")) > parseFloat(widest.getAttribute("data-v")))) widest = g;
            });
            out.zoom = counted(function () { graph.zoom(widest); });
            out.unzoom = counted(function () { graph.unzoom(); });
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        for key in ["zoom", "unzoom"] {
            let seen = try #require(out[key] as? [String: Any], "\(out)")
            // Dozens of labels, cut in a layout or two (at most one for the scale and eight
            // rounds of drawn checks), where checking label by label lays the graph out once
            // or more per label.
            #expect((seen["labels"] as? Int ?? 0) > 40, "\(key): \(seen)")
            #expect((seen["layouts"] as? Int ?? 99) <= 9, "\(key): \(seen)")
        }
    }

    @Test func searchAndZoomOfTheGraphWorkInThePage() throws {
        let page = try HTMLReportTests.samplePage()
        let (out, console) = try Harness.run(page, actions: #"""
            var box = document.querySelector("#g0-figure input.flame-search");
            t.type(box, "mapassign");
            out.matched = document.getElementById("g0-matched").textContent;
            out.matches = t.matches("g0-");
            out.share = parseFloat(document.getElementById("g0-matched").getAttribute("data-share"));
            t.type(box, "(");
            out.bad = document.getElementById("g0-matched").textContent;
            t.type(box, "");
            out.cleared = t.matches("g0-").length;
            // The graph's own controls: Search (a prompt) and a click on a frame.
            window.prompt = function () { return "Expire"; };
            document.getElementById("g0-search").dispatchEvent(new MouseEvent("click", { bubbles: true }));
            out.ownSearch = t.matches("g0-");
            var frame = t.frames("g0-").filter(function (g) { return t.nameOf(g) === "main.main"; })[0];
            frame.getElementsByTagName("rect")[0].dispatchEvent(new MouseEvent("click", { bubbles: true }));
            out.clicked = t.zoomed("g0-");
            out.unzoomShown = !document.getElementById("g0-unzoom").classList.contains("hide");
            document.getElementById("g0-unzoom").dispatchEvent(new MouseEvent("click", { bubbles: true }));
            out.unzoomed = t.zoomed("g0-");
            // Keys belong to the page: "/" in the filter box does not open the graph's search.
            var asked = 0;
            window.prompt = function () { asked += 1; return null; };
            document.querySelector("input.table-filter").dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
            out.asked = asked;
            """#)
        #expect(console == [])
        #expect(out["exception"] == nil, "\(out)")
        #expect((out["matched"] as? String)?.hasPrefix("Matched: ") == true)
        let share = try #require(out["share"] as? Double)
        #expect(share > 10 && share < 100)
        #expect((out["matches"] as? [String] ?? []).allSatisfy { $0.contains("mapassign") } && !(out["matches"] as? [String] ?? []).isEmpty)
        #expect(out["bad"] as? String == "Bad regex")
        #expect(out["cleared"] as? Int == 0)
        #expect((out["ownSearch"] as? [String] ?? []).contains("main.(*SessionCache).Expire"))
        #expect((out["clicked"] as? [String: Any])?["name"] as? String == "main.main")
        #expect(out["unzoomShown"] as? Bool == true)
        #expect((out["unzoomed"] as? [String: Any])?["count"] as? Int == 0)
        #expect(out["asked"] as? Int == 0)
        #expect((out["errors"] as? [String]) == [])
    }

    @Test func hostileNamesStayInertAndStillZoom() throws {
        let profile = try Pages.hostileProfile()
        for page in [try Pages.report([profile]), try Pages.comparison(base: profile, new: try Pages.hostileProfile(scale: 3))] {
            // With inline scripts allowed (the harness's policy), escaping alone keeps them inert.
            let (out, console) = try Harness.run(page, actions: #"""
                out.images = document.getElementsByTagName("img").length;
                out.scripts = document.getElementsByTagName("script").length;
                var culprit = document.querySelector("button.zoom[data-graph]");
                out.culprit = culprit.getAttribute("data-fn");
                culprit.click();
                out.zoomed = t.zoomed("g0-");
                var rows = t.rows(document.querySelector("table.sortable.data"));
                out.rowNames = rows.map(function (r) { return r.getAttribute("data-fn"); });
                var script = rows.filter(function (r) { return r.getAttribute("data-fn").indexOf("main.<\/script>") === 0; })[0];
                script.cells[0].click();
                out.scriptZoom = t.zoomed("g0-");
                """#)
            #expect(console == [])
            #expect(out["exception"] == nil, "\(out)")
            #expect(out["pwned"] as? Int == 0)
            #expect(out["images"] as? Int == 0)
            #expect(out["scripts"] as? Int == 4)   // the page's two and the harness's two
            #expect(out["culprit"] as? String == "main.<img src=x onerror=window.__pwned=1>")
            let zoomed = try #require(out["zoomed"] as? [String: Any])
            #expect(zoomed["name"] as? String == "main.<img src=x onerror=window.__pwned=1>")
            #expect(abs((zoomed["width"] as? Double ?? 0) - Self.width) < 0.01)
            #expect(Set(out["rowNames"] as? [String] ?? []).isSuperset(of: Pages.hostile))
            #expect((out["scriptZoom"] as? [String: Any])?["name"] as? String == Pages.hostile[1])
        }
    }
}
