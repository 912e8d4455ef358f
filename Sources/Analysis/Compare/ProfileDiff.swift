import Pprof

/// Two profiles of one program, compared as `go tool pprof -diff_base` compares them: the base
/// is merged in with its values negated, so every flat and cum is new minus base, and
/// percentages are of the base's total. With `normalize`, the new profile is first scaled so
/// that its sum equals the base's (pprof's -normalize).
public struct ProfileDiff: Sendable {
    /// New and negated base in one profile (made when asked: it copies every sample of both).
    public var combined: Profile { Self.combined(new: new, base: base) }

    /// `new` and `base` negated in one profile.
    public static func combined(new: Profile, base: Profile) -> Profile { ProfileMerge.combine(new, base, sign: -1) }
    /// Sum of |value| of the base per sample type: the total percentages refer to.
    public let baseTotals: [Int64]
    /// The new profile as compared (normalized when asked).
    public let new: Profile
    public let base: Profile

    public init(base: Profile, new newProfile: Profile, normalize: Bool) throws(IncompatibleProfiles) {
        try ProfileMerge.checkCompatible(base, newProfile, first: "base", second: "new")
        new = normalize ? newProfile.normalized(to: base) : newProfile
        self.base = base
        baseTotals = base.samples.absoluteSums()
    }

    /// pprof's total for a diff: the base's |sum| when the base has samples, else the
    /// combined profile's.
    public func total(sampleIndex: Int) -> Int64? {
        baseTotals[sampleIndex] > 0 ? baseTotals[sampleIndex] : nil
    }
}
