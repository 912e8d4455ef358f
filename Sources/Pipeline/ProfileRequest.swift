import Analysis
import Foundation
import Pprof

/// Which samples, of which profiles, seen how: what every command asks before it reports.
/// Commands fill one in from their options; `Pipeline` turns it into prepared profiles.
public struct ProfileRequest: Sendable {
    /// The profile(s) to report on. Several are merged into one, as pprof merges its sources
    /// (or, for `analyze`, prepared one by one: see `Pipeline.prepareEach`).
    public var sources: [ProfileSource]
    /// The base of a comparison (several are merged); empty when nothing is compared.
    public var baseSources: [ProfileSource] = []
    /// Scale the new profile to the base's total first (pprof's -normalize).
    public var normalize = false
    /// Sample type by name or number; nil: the profile's default, else its last type.
    public var sampleIndex: String?
    public var filters = FilterSpec()
    /// Frames per function or per source line.
    public var granularity = FrameTable.Granularity.functions
    /// How pprof's line-granularity frames name their files: trimmed as -source_path and
    /// -trim_path say (pprof trims them in every report, not only where it reads sources).
    public var fileNames = SourceLocator()
    /// Which pprof the pprof-exact reports reproduce (it decides whether a single profile is
    /// merged on load).
    public var compatibility = PprofCompatibility.current
    /// Inflated gzip input, standard input and downloads larger than this are refused.
    public var maxInflatedSize = Gzip.defaultMaxInflatedSize
    /// URL sources: the profile's duration (pprof's -seconds) and the longest wait for it.
    public var seconds: Int?
    public var timeout: Double?
    /// Told each URL before it is fetched (pprof says "Fetching profile over HTTP from ...").
    public var onFetch: (@Sendable (String) -> Void)?
    /// Where fetched profiles are saved (pprof's $PPROF_TMPDIR, else ~/pprof); nil: not saved.
    public var saveDirectory: String?
    /// Told what the user should know that is not the report: where a profile was saved, a
    /// save that failed, a comparison that cannot show anything.
    public var onNote: (@Sendable (String) -> Void)?

    public init(sources: [ProfileSource]) {
        self.sources = sources
    }

    public var isComparison: Bool { !baseSources.isEmpty }

    /// Every heap profile URL taken twice, `interval` seconds apart, for heap growth from a
    /// running service: the first snapshot when the command starts, the second `interval`
    /// later. Both are in-use snapshots: their URLs lose any `seconds` parameter (with one, Go
    /// serves a delta). A usage error when no source is a heap URL.
    public mutating func takeHeapURLsTwice(interval: Double) throws(UsageError) {
        guard sources.contains(where: \.isHeapURL) else {
            throw UsageError("--heap-interval takes a heap profile's URL twice, and no profile is one (.../debug/pprof/heap or /allocs)")
        }
        sources = sources.flatMap { source -> [ProfileSource] in
            guard source.isHeapURL, case .url(let url, _) = source else { return [source] }
            var snapshot = url
            if var components = URLComponents(url: url, resolvingAgainstBaseURL: false) {
                let items = (components.queryItems ?? []).filter { $0.name != "seconds" }
                components.queryItems = items.isEmpty ? nil : items
                snapshot = components.url ?? url
            }
            return [.url(snapshot, delay: 0), .url(snapshot, delay: interval)]
        }
    }
}

/// pprof's sample filters as the user wrote them; `compiled()` checks them.
public struct FilterSpec: Sendable, Equatable {
    public var focus: String?
    public var ignore: String?
    public var hide: String?
    public var show: String?
    public var showFrom: String?
    /// `KEY=REGEX[,REGEX...]`, each.
    public var tagFocus: [String] = []
    public var tagIgnore: [String] = []
    /// Regular expressions over label keys: the labels kept, the labels removed.
    public var tagShow: String?
    public var tagHide: String?

    public init(focus: String? = nil, ignore: String? = nil, hide: String? = nil, show: String? = nil, showFrom: String? = nil,
                tagFocus: [String] = [], tagIgnore: [String] = [], tagShow: String? = nil, tagHide: String? = nil) {
        self.focus = focus
        self.ignore = ignore
        self.hide = hide
        self.show = show
        self.showFrom = showFrom
        self.tagFocus = tagFocus
        self.tagIgnore = tagIgnore
        self.tagShow = tagShow
        self.tagHide = tagHide
    }

    public var isEmpty: Bool {
        focus == nil && ignore == nil && hide == nil && show == nil && showFrom == nil && tagFocus.isEmpty && tagIgnore.isEmpty
            && tagShow == nil && tagHide == nil
    }

    /// The filters, compiled; a bad pattern is a usage error naming the option. An empty
    /// pattern is no filter, as in pprof (`-focus=` filters nothing).
    public func compiled() throws(UsageError) -> SampleFilters {
        var filters = SampleFilters()
        func compile(_ name: String, _ pattern: String?) throws(UsageError) -> GoRegex? {
            guard let pattern, !pattern.isEmpty else { return nil }
            do { return try GoRegex(pattern) } catch {
                throw UsageError("--\(name): not a valid regular expression: \(pattern) (\(error))")
            }
        }
        filters.focus = try compile("focus", focus)
        filters.ignore = try compile("ignore", ignore)
        filters.hide = try compile("hide", hide)
        filters.show = try compile("show", show)
        filters.showFrom = try compile("show-from", showFrom)
        filters.tagShow = try compile("tagshow", tagShow)
        filters.tagHide = try compile("taghide", tagHide)
        for text in tagFocus where !text.isEmpty {
            do { filters.tagFocus.append(try SampleFilters.parseTagFocus(text)) } catch {
                throw UsageError("--tagfocus: \(error)")
            }
        }
        for text in tagIgnore where !text.isEmpty {
            do { filters.tagIgnore.append(try SampleFilters.parseTagFocus(text)) } catch {
                throw UsageError("--tagignore: \(error)")
            }
        }
        return filters
    }

    /// The filters as pprof lists them under "Active filters:".
    public var legend: [String] {
        var lines: [String] = []
        if let focus, !focus.isEmpty { lines.append("focus=\(focus)") }
        if let ignore, !ignore.isEmpty { lines.append("ignore=\(ignore)") }
        if let hide, !hide.isEmpty { lines.append("hide=\(hide)") }
        if let show, !show.isEmpty { lines.append("show=\(show)") }
        if let showFrom, !showFrom.isEmpty { lines.append("show_from=\(showFrom)") }
        for text in tagFocus where !text.isEmpty { lines.append("tagfocus=\(text)") }
        for text in tagIgnore where !text.isEmpty { lines.append("tagignore=\(text)") }
        if let tagShow, !tagShow.isEmpty { lines.append("tagshow=\(tagShow)") }
        if let tagHide, !tagHide.isEmpty { lines.append("taghide=\(tagHide)") }
        return lines
    }
}
