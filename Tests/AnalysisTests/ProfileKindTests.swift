import Analysis
import Foundation
import Pprof
import TestSupport
import Testing

/// Go's mutex and block profiles have the same sample types (contentions/count, delay/
/// nanoseconds); the mutex profile's stacks end in the Unlock that ended a wait, which Go
/// inlines into its caller, the block profile's in the Lock (or channel operation) that waited.
@Suite struct ProfileKindTests {
    static let programs = ["ap2-lock-contention", "ap2-lock-contention-moderate", "ap2-lock-contention-fixed", "lock-uncontended"]

    static func cases() -> [String] {
        SampleProfiles.versions.flatMap { version in programs.map { "\(version)/\($0)" } }
    }

    /// The samples are committed: every program, in each Go version's folder (go1.19, go1.27).
    @Test func everyVersionHasTheLockPrograms() {
        #expect(SampleProfiles.versions.count >= 2, "\(SampleProfiles.versions)")
        // Both profiles of every program, in every version's folder (not only the folders).
        let missing = Self.cases().flatMap { run -> [String] in
            let parts = run.split(separator: "/").map(String.init)
            return ["mutex", "block"].map { SampleProfiles.path(parts[1], $0, version: parts[0]) }
                .filter { !FileManager.default.fileExists(atPath: $0) }
        }
        #expect(missing.isEmpty, "not committed: \(missing)")
    }

    @Test(arguments: cases())
    func mutexAndBlockProfilesAreToldApart(_ run: String) throws {
        let parts = run.split(separator: "/").map(String.init)
        let mutex = try ProfileReader().read(path: SampleProfiles.path(parts[1], "mutex", version: parts[0]))
        let block = try ProfileReader().read(path: SampleProfiles.path(parts[1], "block", version: parts[0]))
        #expect(ProfileKind.of(mutex) == .mutex)
        #expect(ProfileKind.of(block) == .block)
    }
}

/// An empty profile is not good news: the summary says why it may be empty.
@Suite struct EmptyProfileSummaryTests {
    @Test func anEmptyContentionProfileNamesTheRateThatWasOff() {
        let empty = ProfileBuilder(sampleTypes: [("contentions", "count"), ("delay", "nanoseconds")]).profile
        let lines = ProfileSummary(file: "mutex.pb.gz", profile: empty, sampleIndex: 1, total: 0).textLines()
        #expect(lines.contains("Kind:         mutex or block profile"))
        let note = lines.first { $0.hasPrefix("Note:") } ?? ""
        #expect(note.contains("runtime.SetMutexProfileFraction") && note.contains("runtime.SetBlockProfileRate"), "\(lines)")
    }

    @Test func aProfileWithSamplesHasNoNote() {
        var builder = ProfileBuilder(sampleTypes: [("contentions", "count"), ("delay", "nanoseconds")])
        let leaf = builder.location(["sync.(*Mutex).Unlock"])
        builder.sample([leaf], [3, 3_000])
        let lines = ProfileSummary(file: "mutex.pb.gz", profile: builder.profile, sampleIndex: 1, total: 3_000).textLines()
        #expect(lines.contains("Kind:         mutex contention profile") && !lines.contains { $0.hasPrefix("Note:") }, "\(lines)")
    }
}
