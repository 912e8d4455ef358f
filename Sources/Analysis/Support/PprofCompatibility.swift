/// Which `go tool pprof` the pprof-exact reports reproduce. The reference is the current one
/// (Go 1.24 to 1.27); Go 1.19's differs in two visible ways, kept because they cost nothing.
public enum PprofCompatibility: String, Sendable, CaseIterable {
    /// Go 1.27's pprof: `Time: 2021-02-10 09:43:34 UTC`; a single profile is used as read
    /// (traces print every sample record).
    case current
    /// Go 1.19's pprof: `Time: Feb 10, 2021 at 9:43am (UTC)`; every profile is merged on load
    /// (identical samples summed, all-zero samples dropped), so traces print merged samples.
    case go119 = "1.19"
}
