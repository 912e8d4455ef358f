import Analysis
import Pprof

/// The profile `proflens merge` writes, made as `go tool pprof -proto` makes its output: the
/// sources read and merged (several streamed through the merger, one used as read), a
/// -diff_base base negated and labelled pprof::base=true, drop_frames applied, then the
/// filters; every sample type kept, the header (drop_frames included) as merged. With `pgo`,
/// cut down to what Go's profile-guided optimisation reads (see `PGOTrim`).
public struct WrittenProfile: Sendable {
    public let profile: Profile
    /// The trim made for PGO, and the profile before it (for the size comparison).
    public let pgoTrim: PGOTrim?
    private let untrimmed: Profile?

    /// `pgoNodeFraction`: trim for PGO with this node fraction; nil: write everything.
    public init(_ request: ProfileRequest, pgoNodeFraction: Double? = nil) throws {
        try Pipeline.checkSources(request)
        let filters = try request.filters.compiled()
        var loaded: Profile
        let name: String
        if request.isComparison {
            let (loader, baseRange, newRange) = Pipeline.comparisonLoader(request)
            let base = try Pipeline.loadSide(loader, baseRange, request)
            let new = try Pipeline.loadSide(loader, newRange, request)
            name = Pipeline.name(of: request.sources)
            let diff: ProfileDiff
            do {
                diff = try ProfileDiff(base: base, new: new, normalize: request.normalize)
            } catch {
                throw PipelineError.incompatible("\(Pipeline.name(of: request.baseSources)) vs \(name): \(error)")
            }
            // pprof merges the two as it merges sources: identical samples summed, zero ones gone.
            loaded = ProfileDiff.combined(new: diff.new, base: diff.base.settingLabel(key: "pprof::base", value: "true"))
                .mergingIdenticalSamples()
        } else {
            let loader = SourceLoader(request.sources, request)
            loaded = try Pipeline.loadSide(loader, 0..<loader.count, request)
            name = Pipeline.name(of: request.sources)
        }
        _ = try Pipeline.chooseSampleIndex(request.sampleIndex, loaded, name: name)
        var (written, unmatched) = loaded.applyingDropFrames().filteredReportingUnmatched(by: filters)
        for warning in unmatched { request.onNote?(warning) }
        // pprof writes the drop_frames it applied; applying them again changes nothing.
        written.dropFrames = loaded.dropFrames
        written.keepFrames = loaded.keepFrames
        if let pgoNodeFraction {
            let trim: PGOTrim
            do { trim = try PGOTrim(written, nodeFraction: pgoNodeFraction) } catch {
                throw UsageError("--pgo: \(name): \(error)")
            }
            pgoTrim = trim
            untrimmed = written
            profile = trim.profile
        } else {
            pgoTrim = nil
            untrimmed = nil
            profile = written
        }
    }

    /// Writes the profile as pprof does: protobuf, gzip-compressed. Returns the bytes written.
    @discardableResult
    public func write(to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try ProfileEncoder.writeCompressed(profile, to: sink)
    }

    /// With the PGO trim, what it did to the file of `writtenSize` bytes, on one line: its size
    /// against that of the untrimmed profile (encoded and compressed here to be counted), the
    /// call-edge weight kept and the functions cut.
    public func pgoNote(writtenSize: Int) throws -> String? {
        guard let pgoTrim, let untrimmed else { return nil }
        let full = try ProfileEncoder.writeCompressed(untrimmed) { _ in }
        let share = full == 0 ? 100 : Double(writtenSize) * 100 / Double(full)
        return "PGO profile: \(writtenSize) bytes, " + percent(share) + " of the \(full) bytes of the untrimmed profile "
            + "(\(pgoTrim.sampleType.type)/\(pgoTrim.sampleType.unit) only; " + percent(pgoTrim.keptEdgeShare * 100)
            + " of the call-edge weight kept; \(pgoTrim.droppedFunctions) functions under the node fraction cut)"
    }

    private func percent(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }
}
