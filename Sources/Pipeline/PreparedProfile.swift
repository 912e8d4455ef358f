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
    /// the filters (for a comparison: the base's).
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
         granularity: FrameTable.Granularity, filterLegend: [String], compatibility: PprofCompatibility) {
        self.name = name
        self.loaded = loaded
        self.profile = profile
        self.sampleIndex = sampleIndex
        self.totals = totals
        frames = FrameTable(profile: profile, granularity: granularity)
        self.filterLegend = filterLegend
        self.compatibility = compatibility
    }
}

/// Two prepared sides of a comparison and their pprof -diff_base combination.
public struct PreparedComparison: Sendable {
    public let base: PreparedProfile
    /// The new side, normalized to the base when asked.
    public let new: PreparedProfile
    /// New minus base in one profile, as `go tool pprof -diff_base` reports it.
    public let combined: PreparedProfile
    public var sampleIndex: Int { new.sampleIndex }
    public var sampleType: ValueType { new.sampleType }
}
