import Analysis
import CMalloc
import Foundation
import Pprof
import ProfileFetch

/// Turns a request into prepared profiles, in the order pprof applies its steps: read every
/// source, merge each side (a single profile is used as read, unless Go 1.19's pprof is
/// reproduced), normalize and combine a comparison, apply drop_frames, choose the sample type,
/// take the totals, then filter. A request that cannot be honoured is a `UsageError`; a source
/// that cannot be read or used, a `PipelineError`.
public enum Pipeline {
    /// One profile: the request's sources merged.
    public static func prepare(_ request: ProfileRequest) throws -> PreparedProfile {
        try checkSources(request)
        let loader = SourceLoader(request.sources, request)
        let loaded = try loadSide(loader, 0..<loader.count, request)
        return try prepareSide(loaded, name: name(of: request.sources), request)
    }

    /// Each source on its own (`analyze` reads a CPU and a heap profile of one program).
    public static func prepareEach(_ request: ProfileRequest) throws -> [PreparedProfile] {
        try checkSources(request)
        let loader = SourceLoader(request.sources, request)
        var prepared: [PreparedProfile] = []
        for (index, source) in request.sources.enumerated() {
            let loaded = try loadSide(loader, index..<index + 1, request)
            prepared.append(try prepareSide(loaded, name: source.name, request))
        }
        return prepared
    }

    /// A comparison of the base sources with the new ones, as `go tool pprof -diff_base`.
    public static func prepareComparison(_ request: ProfileRequest) throws -> PreparedComparison {
        try checkSources(request)
        guard request.isComparison else { throw UsageError("a comparison needs a base profile") }
        let (loader, baseRange, newRange) = comparisonLoader(request)
        let base = try loadSide(loader, baseRange, request)
        let new = try loadSide(loader, newRange, request)
        // Once both came: a fetch that failed is told in one line, as every failure is.
        noteSameMoment(request)
        let baseName = name(of: request.baseSources), newName = name(of: request.sources)
        let diff: ProfileDiff
        do {
            diff = try ProfileDiff(base: base, new: new, normalize: request.normalize)
        } catch {
            throw PipelineError.incompatible("\(baseName) vs \(newName): \(error)")
        }
        // pprof prunes the combined profile with the drop_frames of its first (new) profile.
        // The combined profile has the new one's sample types.
        let sampleIndex = try chooseSampleIndex(request.sampleIndex, diff.new, name: newName)
        let filters = try request.filters.compiled()
        let sides = PreparedComparison.Sides(dropFrames: diff.new.dropFrames, keepFrames: diff.new.keepFrames, filters: filters,
                                             sampleIndex: sampleIndex, request: request)
        let (preparedBase, baseUnmatched) = sides.prepareReportingUnmatched(baseName, diff.base)
        let (preparedNew, newUnmatched) = sides.prepareReportingUnmatched(newName, diff.new)
        // pprof filters the two merged into one: a filter matched nothing when it matched
        // nothing on either side.
        for warning in newUnmatched where baseUnmatched.contains(warning) { request.onNote?(warning) }
        return PreparedComparison(base: preparedBase, new: preparedNew,
                                  combinedName: "\(baseName) → \(newName)", baseTotals: diff.baseTotals, sides: sides)
    }

    /// Ends the fetches still under way (a URL that was downloading when another input
    /// failed): the process must not exit while a transfer's thread is inside libcurl.
    public static func endFetches() {
        Fetcher.stopAll()
    }

    // MARK: - Steps

    static func checkSources(_ request: ProfileRequest) throws(UsageError) {
        if request.sources.isEmpty { throw UsageError("name at least one profile") }
        if (request.sources + request.baseSources).filter({ $0 == .standardInput }).count > 1 {
            throw UsageError("standard input (-) can be read only once")
        }
    }

    static func name(of sources: [ProfileSource]) -> String {
        sources.map(\.name).joined(separator: "+")
    }

    /// One loader for both sides of a comparison (every URL of both fetched at once): the
    /// base's sources first, then the new ones.
    static func comparisonLoader(_ request: ProfileRequest) -> (SourceLoader, Range<Int>, Range<Int>) {
        let loader = SourceLoader(request.baseSources + request.sources, request)
        let baseCount = request.baseSources.count
        return (loader, 0..<baseCount, baseCount..<loader.count)
    }

    /// Both sides one URL of one profile type, fetched at the same moment: one snapshot twice.
    static func noteSameMoment(_ request: ProfileRequest) {
        guard request.baseSources.count == 1, request.sources.count == 1,
              case .url(let base, let baseDelay) = request.baseSources[0], case .url(let new, let newDelay) = request.sources[0],
              baseDelay == newDelay, base.host == new.host, base.port == new.port, base.path == new.path else { return }
        request.onNote?("both sides are \(base.path) from \(base.host ?? ""), fetched at the same moment: the same snapshot twice, "
                        + "so nothing can differ; compare a saved earlier profile with the URL, or use analyze --heap-interval")
    }

    /// Reads sources `range` of `loader` (one side) and merges them when pprof would: several
    /// as they are read (only the merged profile and the one being added are held), one only
    /// to reproduce Go 1.19's pprof, which merged every profile it read.
    static func loadSide(_ loader: SourceLoader, _ range: Range<Int>, _ request: ProfileRequest) throws(PipelineError) -> Profile {
        if range.count == 1 {
            let profile = try loader.profile(range.lowerBound)
            return request.compatibility == .current ? profile : profile.mergingIdenticalSamples()
        }
        var merger = ProfileMerger()
        // Each profile's arrays are about the sizes of the one before's: what one frees is kept
        // for the next while they are read, and given back once they are merged.
        proflens_keep_freed_memory()
        defer { proflens_give_back_freed_memory() }
        for index in range { merger.add(try loader.profile(index)) }
        do {
            return try merger.finish()
        } catch {
            throw .incompatible("\(loader.name(range)): cannot merge: \(error)")
        }
    }

    static func load(_ source: ProfileSource, _ request: ProfileRequest) throws(PipelineError) -> Profile {
        let reader = ProfileReader(maxInflatedSize: request.maxInflatedSize)
        do {
            switch source {
            case .file(let path): return try reader.read(path: path)
            case .standardInput: return try reader.readStandardInput()
            case .url(let url, _): return try fetch(url, name: source.name, reader, request)
            }
        } catch let error as ProfileReadError {
            throw PipelineError(error)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.unreadable(source: source.name, reason: "\(error)")
        }
    }

    /// A URL's profile, decoded as it downloads; a failed transfer is the error to report (it
    /// explains a truncated body better than the decoder can), and it is reported when the
    /// transfer fails: the decoder, on a thread of its own, may be megabytes behind (what it
    /// has read, inflated), which it works through after a timeout unwaited. Saved when asked.
    static func fetch(_ url: URL, name: String, _ reader: ProfileReader, _ request: ProfileRequest) throws -> Profile {
        request.onFetch?(name)
        let fetcher = Fetcher(timeout: request.timeout, seconds: request.seconds, maxBytes: request.maxInflatedSize)
        let body: FetchedBody
        do { body = try fetcher.open(url) } catch { throw PipelineError(error, name: name) }
        let decoding = BackgroundRead {
            defer { body.closeReading() }
            return Result { () throws(ProfileReadError) in try reader.read(fileDescriptor: body.descriptor, name: name) }
        }
        do { try body.finish() } catch { throw PipelineError(error, name: name) }
        let profile = try decoding.result.get()
        if let directory = request.saveDirectory {
            switch FetchedProfileArchive.save(profile, in: directory) {
            case .success(let path): request.onNote?("Saved profile in \(path)")
            case .failure(let reason): request.onNote?("warning: could not save the profile fetched from \(name) in \(directory): \(reason)")
            }
        }
        return profile
    }

    static func prepareSide(_ loaded: Profile, name: String, _ request: ProfileRequest) throws -> PreparedProfile {
        let sampleIndex = try chooseSampleIndex(request.sampleIndex, loaded, name: name)
        let pruned = loaded.applyingDropFrames()
        let filters = try request.filters.compiled()
        let (filtered, unmatched) = pruned.filteredReportingUnmatched(by: filters)
        for warning in unmatched {
            request.onNote?(request.sources.count > 1 ? "\(name): \(warning)" : warning)
        }
        return PreparedProfile(name: name, loaded: loaded, profile: filtered, sampleIndex: sampleIndex,
                               totals: pruned.pprofTotals(), granularity: request.granularity,
                               fileNames: request.fileNames, filterLegend: request.filters.legend, compatibility: request.compatibility)
    }

    /// The sample type asked for: a profile without any is malformed, an unknown one a usage error.
    static func chooseSampleIndex(_ requested: String?, _ profile: Profile, name: String) throws -> Int {
        guard !profile.sampleTypes.isEmpty else { throw PipelineError.malformed(source: name, reason: "profile has no sample types") }
        do {
            return try SampleTypeSelection.index(requested, in: profile)
        } catch {
            throw UsageError("\(name): \(error)")
        }
    }
}

/// A profile read on a thread of its own; `result` waits for it.
private final class BackgroundRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<Profile, ProfileReadError>?

    init(_ read: @escaping @Sendable () -> Result<Profile, ProfileReadError>) {
        let thread = Thread { [self] in
            value = read()
            done.signal()
        }
        thread.name = "proflens.decode"
        thread.start()
    }

    var result: Result<Profile, ProfileReadError> {
        done.wait()
        done.signal()
        return value!
    }
}
