import Analysis
import Foundation
import Pipeline
import Pprof
import Reports
import TestSupport
import Testing

/// The filters as the pipeline applies them: pprof's meaning for empty patterns, and a
/// pattern too slow for ICU refused rather than left to hang.
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

    /// A pattern that runs past GoRegex.matchTimeLimit on a name is a usage error naming the
    /// option, reported in about the time limit, not minutes later.
    @Test(arguments: ["focus", "ignore", "hide"])
    func aPathologicalPatternIsAUsageError(_ option: String) throws {
        let pattern = "(.*)*(.*)*(.*)*(.*)*(.*)*Q"
        var spec = FilterSpec()
        switch option {
        case "focus": spec.focus = pattern
        case "ignore": spec.ignore = pattern
        default: spec.hide = pattern
        }
        let started = Date()
        do {
            _ = try top(spec)
            Issue.record("--\(option) \(pattern) was accepted")
        } catch let error as PipelineError {
            guard case .usage(let message) = error else { Issue.record("not a usage error: \(error)"); return }
            #expect(message.hasPrefix("--\(option): regular expression too slow to match") && message.hasSuffix(pattern))
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aPathologicalPatternInAComparisonIsAUsageError() throws {
        var request = ProfileRequest(sources: [.file(Self.profile)])
        request.baseSources = [.file(Self.profile)]
        request.filters = FilterSpec(tagFocus: ["user=(.*)*(.*)*(.*)*(.*)*(.*)*Q"])
        // No sample has a string label: the expression never runs, and nothing is refused.
        #expect(throws: Never.self) { try Pipeline.prepareComparison(request) }
        request.filters = FilterSpec(focus: "(.*)*(.*)*(.*)*(.*)*(.*)*Q")
        #expect(throws: PipelineError.self) { try Pipeline.prepareComparison(request) }
    }
}
