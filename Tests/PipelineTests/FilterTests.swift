import Analysis
import Foundation
import Pipeline
import Pprof
import Reports
import TestSupport
import Testing

/// The filters as the pipeline applies them: pprof's meaning for empty patterns, and Go's
/// regular expressions in linear time.
@Suite struct FilterTests {
    static let profile = SampleProfiles.path("ap1-range-mutate")

    func top(_ filters: FilterSpec) throws -> String {
        var request = ProfileRequest(sources: [.file(Self.profile)])
        request.filters = filters
        return String(decoding: try Pipeline.prepare(request).topReport().text(), as: UTF8.self)
    }

    /// pprof's `-focus=` (and -ignore=, -hide=, -tagfocus=) filter nothing and are not listed
    /// under "Active filters:" (found by OptionMatrixTests: `--focus ''` was refused, and
    /// `--ignore ''` would have dropped every sample).
    @Test func emptyPatternsAreNoFilter() throws {
        let plain = try top(FilterSpec())
        #expect(try top(FilterSpec(focus: "", ignore: "", hide: "", tagFocus: [""])) == plain)
        #expect(FilterSpec(focus: "", ignore: "", hide: "", tagFocus: [""]).legend.isEmpty)
    }

    /// A tag value's empty expression matches every value, as Go's empty regexp does.
    @Test func anEmptyTagValueMatchesEveryValue() throws {
        let filters = try FilterSpec(tagFocus: ["user="]).compiled()
        #expect(filters.tagFocus.first?.values.first?.matches("alice") == true)
    }

    /// Go's regexp, RE2, takes time linear in the name whatever the pattern: nested
    /// repetitions that a backtracking engine takes minutes on (ICU did, on this profile: found
    /// by RandomCommandLineTests) filter as the plain pattern does, in seconds.
    @Test(arguments: ["focus", "ignore", "hide"])
    func nestedRepetitionsFilterAsThePlainPatternDoes(_ option: String) throws {
        func spec(_ pattern: String) -> FilterSpec {
            switch option {
            case "focus": FilterSpec(focus: pattern)
            case "ignore": FilterSpec(ignore: pattern)
            default: FilterSpec(hide: pattern)
            }
        }
        // Without the "Active filters:" lines, which quote the pattern.
        func report(_ pattern: String) throws -> [Substring] {
            try top(spec(pattern)).split(separator: "\n").filter { !$0.contains("\(option)=") }
        }
        let started = Date()
        let nested = try report("(.*)*(.*)*(.*)*(.*)*(.*)*mapassign")
        #expect(nested == (try report("mapassign")))
        #expect(nested.contains { $0.hasSuffix("runtime.mapassign_faststr") } == (option == "focus"))
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
