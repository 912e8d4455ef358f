import Analysis
import Pprof

/// A profile ready for reports: read (and merged), drop_frames applied, filtered, its sample
/// type chosen and its frames named once for every report that reads it.
public struct PreparedProfile: Sendable {
    /// How reports name it: the source, or several joined by "+".
    public let name: String
    /// As read (and merged): what the summary describes.
    public let loaded: Profile
    /// drop_frames applied and the filters: the samples every report shows.
    public let profile: Profile
    public let sampleIndex: Int
    /// Per sample type, the total pprof's percentages refer to: the sum of |value| before
    /// the filters (for a comparison, or a profile that holds one, its samples labelled
    /// pprof::base=true: the base's).
    public let totals: [Int64]
    /// The frames of `profile`, at the requested granularity.
    public let frames: FrameTable
    /// The filters, as pprof lists them under "Active filters:".
    public let filterLegend: [String]
    public let compatibility: PprofCompatibility

    public var sampleType: ValueType { profile.sampleTypes[sampleIndex] }
    /// The total of the chosen sample type.
    public var total: Int64 { totals[sampleIndex] }
    public var kind: ProfileKind { ProfileKind.of(loaded) }

    init(name: String, loaded: Profile, profile: Profile, sampleIndex: Int, totals: [Int64],
         granularity: FrameTable.Granularity, fileNames: SourceLocator, filterLegend: [String], compatibility: PprofCompatibility) {
        self.name = name
        self.loaded = loaded
        self.profile = profile
        self.sampleIndex = sampleIndex
        self.totals = totals
        frames = FrameTable(profile: profile, granularity: granularity, fileName: fileNames.displayName)
        self.filterLegend = filterLegend
        self.compatibility = compatibility
    }
}

/// Two prepared sides of a comparison and their pprof -diff_base combination.
public struct PreparedComparison: Sendable {
    public let base: PreparedProfile
    /// The new side, normalized to the base when asked.
    public let new: PreparedProfile
    public var sampleIndex: Int { new.sampleIndex }
    public var sampleType: ValueType { new.sampleType }
    let combinedName: String
    let baseTotals: [Int64]
    let sides: Sides

    /// New minus base in one profile, as `go tool pprof -diff_base` reports it. Made when
    /// asked (only `top --diff-base` reads it): it copies every sample of both sides.
    public var combined: PreparedProfile {
        let profile = ProfileDiff.combined(new: new.loaded, base: base.loaded)
        // pprof's total for a diff is the base's, unless the base is empty.
        let totals = zip(baseTotals, profile.samples.absoluteSums()).map { $0 > 0 ? $0 : $1 }
        return sides.prepare(combinedName, profile, totals: totals)
    }

    /// How each side is prepared: the new profile's drop_frames (pprof prunes the combined
    /// profile with those of its first profile), the filters, the sample type.
    struct Sides: Sendable {
        let dropFrames: String
        let keepFrames: String
        let filters: SampleFilters
        let sampleIndex: Int
        let request: ProfileRequest

        func prepare(_ name: String, _ loaded: Profile, totals: [Int64]? = nil) -> PreparedProfile {
            prepareReportingUnmatched(name, loaded, totals: totals).prepared
        }

        /// The side prepared, and pprof's warnings for the filters that matched nothing in it.
        func prepareReportingUnmatched(_ name: String, _ loaded: Profile, totals: [Int64]? = nil) -> (prepared: PreparedProfile, unmatched: [String]) {
            let pruned = loaded.applyingDropFrames(drop: dropFrames, keep: keepFrames)
            let (filtered, unmatched) = pruned.filteredReportingUnmatched(by: filters)
            let prepared = PreparedProfile(name: name, loaded: loaded, profile: filtered, sampleIndex: sampleIndex,
                                           totals: totals ?? pruned.samples.absoluteSums(), granularity: request.granularity,
                                           fileNames: request.fileNames, filterLegend: request.filters.legend, compatibility: request.compatibility)
            return (prepared, unmatched)
        }
    }
}
