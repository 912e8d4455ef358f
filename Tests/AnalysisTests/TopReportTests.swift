import TestSupport
@testable import Analysis
import Pprof
import Testing

/// Top tables of crafted profiles, with values worked out by hand.
@Suite struct TopReportTests {
    @Test func flatGoesToTheLeafAndCumCountsRecursionOnce() {
        var builder = ProfileBuilder(sampleTypes: [("cpu", "nanoseconds")])
        let main = builder.location(["main.main"])
        let work = builder.location(["main.work"])
        let leaf = builder.location(["runtime.mapassign"])
        builder.sample([leaf, work, work, main], [30])  // work recurses
        builder.sample([work, main], [10])
        let report = TopReport(profile: builder.profile, sampleIndex: 0)
        let rows = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.name, $0) })
        #expect(report.total == 40)
        #expect(rows["runtime.mapassign"]?.flat == 30)
        #expect(rows["main.work"]?.flat == 10)
        #expect(rows["main.work"]?.cum == 40)
        #expect(rows["main.main"]?.cum == 40)
        #expect(report.rows.map(\.name) == ["runtime.mapassign", "main.work", "main.main"])
    }

    @Test func rowsWithEqualFlatAreOrderedByName() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let b = builder.location(["b"])
        let a = builder.location(["a"])
        builder.sample([b], [5])
        builder.sample([a], [5])
        let report = TopReport(profile: builder.profile, sampleIndex: 0)
        #expect(report.rows.map(\.name) == ["a", "b"])
        #expect(String(decoding: report.text(), as: UTF8.self).hasSuffix("""
                     5 50.00% 50.00%          5 50.00%  a
                     5 50.00%   100%          5 50.00%  b

            """))
    }

    @Test func inlineAndPartialInlineLabels() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        // helper is inlined into caller1 (same location) but called for real from caller2.
        let inlined = builder.location(["helper", "caller1"])
        let helperAlone = builder.location(["helper"])
        let caller2 = builder.location(["caller2"])
        // always is only ever inlined.
        let alwaysInlined = builder.location(["always", "caller2"])
        builder.sample([inlined], [100])
        builder.sample([helperAlone, caller2], [100])
        builder.sample([alwaysInlined], [100])
        let report = TopReport(profile: builder.profile, sampleIndex: 0)
        let labels = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.name, $0.inlineLabel) })
        #expect(labels["helper"] == "(partial-inline)")
        #expect(labels["always"] == "(inline)")
        #expect(labels["caller1"] == "")
        #expect(labels["caller2"] == "")
    }

    @Test func dropsNodesBelowHalfAPercentOfTheFlatSum() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let big = builder.location(["big"])
        let small = builder.location(["small"])
        builder.sample([big], [1000])
        builder.sample([small], [4])  // cutoff = int(1004 * 0.005) = 5 > 4
        let report = TopReport(profile: builder.profile, sampleIndex: 0)
        #expect(report.rows.map(\.name) == ["big"])
        #expect(report.legend.contains("Dropped 1 node (cum <= 5)"))
    }

    @Test func nodecountKeepsTheFirstRowsAndSaysSo() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        for (index, name) in ["a", "b", "c"].enumerated() {
            let location = builder.location([name])
            builder.sample([location], [Int64(30 - index)])
        }
        var options = TopReport.Options()
        options.nodeCount = 2
        let report = TopReport(profile: builder.profile, sampleIndex: 0, options: options)
        #expect(report.rows.map(\.name) == ["a", "b"])
        #expect(report.legend.last == "Showing top 2 nodes out of 3")
    }

    @Test func dropFramesCutsTheMatchingFrameAndWhatItCalls() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let main = builder.location(["main"])
        let malloc = builder.location(["malloc"])
        let inner = builder.location(["mmap"])
        builder.sample([inner, malloc, main], [7])
        builder.profile.dropFrames = "malloc"
        let report = TopReport(profile: builder.profile.applyingDropFrames(), sampleIndex: 0)
        // The sample keeps only main, which becomes its leaf.
        #expect(report.rows.map(\.name) == ["main"])
        #expect(report.rows.first?.flat == 7)
    }

    @Test func dropFramesNeverCutsBeforeTheFirstUserFrame() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let malloc = builder.location(["malloc"])
        builder.sample([malloc], [3])
        builder.profile.dropFrames = "malloc"
        let report = TopReport(profile: builder.profile.applyingDropFrames(), sampleIndex: 0)
        #expect(report.rows.map(\.name) == ["malloc"])
    }

    @Test func dropFramesKeepsTheLinesOutsideAnInlinedMatch() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        let main = builder.location(["main"])
        // operator new(unsigned long) is inlined into allocate, which is inlined into caller.
        let inlined = builder.location(["operator new(unsigned long)", "allocate", "caller"])
        builder.sample([inlined, main], [4])
        builder.profile.dropFrames = "operator new|allocate"
        let report = TopReport(profile: builder.profile.applyingDropFrames(), sampleIndex: 0)
        // The outermost match is "allocate": only "caller" stays of that location.
        #expect(Set(report.rows.map(\.name)) == ["caller", "main"])
        #expect(report.rows.first { $0.name == "caller" }?.flat == 4)
    }

    @Test func framesWithoutFunctionsAreNamedByBinaryOrUnknown() {
        var builder = ProfileBuilder(sampleTypes: [("samples", "count")])
        var mapping = Mapping()
        mapping.id = 1
        mapping.filename = "/usr/lib/libc.so.6"
        builder.profile.mappings = [mapping]
        let bare = builder.location([])
        builder.profile.locations[Int(bare)].mappingIndex = 0
        let unknown = builder.location([])
        builder.sample([bare], [2])
        builder.sample([unknown], [1])
        let report = TopReport(profile: builder.profile, sampleIndex: 0)
        #expect(report.rows.map(\.name) == ["[libc.so.6]", "<unknown>"])
        #expect(report.header.first == "File: libc.so.6")
    }
}
