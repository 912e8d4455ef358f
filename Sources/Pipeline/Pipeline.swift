import Analysis
import Pprof
import ProfileFetch

/// Turns a request into prepared profiles, in the order pprof applies its steps: read every
/// source, merge each side (a single profile is used as read, unless Go 1.19's pprof is
/// reproduced), normalize and combine a comparison, apply drop_frames, choose the sample type,
/// take the totals, then filter.
public enum Pipeline {
    /// One profile: the request's sources merged.
    public static func prepare(_ request: ProfileRequest) throws(PipelineError) -> PreparedProfile {
        try checkSources(request)
        let loaded = try loadSide(request.sources, request)
        return try prepareSide(loaded, name: name(of: request.sources), request)
    }

    /// Each source on its own (`analyze` reads a CPU and a heap profile of one program).
    public static func prepareEach(_ request: ProfileRequest) throws(PipelineError) -> [PreparedProfile] {
        try checkSources(request)
        var prepared: [PreparedProfile] = []
        for source in request.sources {
            let loaded = try loadSide([source], request)
            prepared.append(try prepareSide(loaded, name: source.name, request))
        }
        return prepared
    }

    /// A comparison of the base sources with the new ones, as `go tool pprof -diff_base`.
    public static func prepareComparison(_ request: ProfileRequest) throws(PipelineError) -> PreparedComparison {
        try checkSources(request)
        guard request.isComparison else { throw .usage("a comparison needs a base profile") }
        let base = try loadSide(request.baseSources, request)
        let new = try loadSide(request.sources, request)
        let baseName = name(of: request.baseSources), newName = name(of: request.sources)
        let diff: ProfileDiff
        do {
            diff = try ProfileDiff(base: base, new: new, normalize: request.normalize)
        } catch {
            throw .incompatible("\(baseName) vs \(newName): \(error)")
        }
        // pprof prunes the combined profile with the drop_frames of its first (new) profile.
        // The combined profile has the new one's sample types.
        let sampleIndex = try chooseSampleIndex(request.sampleIndex, diff.new, name: newName)
        let filters = try request.filters.compiled()
        let sides = PreparedComparison.Sides(dropFrames: diff.new.dropFrames, keepFrames: diff.new.keepFrames, filters: filters,
                                             sampleIndex: sampleIndex, request: request)
        let comparison = PreparedComparison(base: sides.prepare(baseName, diff.base), new: sides.prepare(newName, diff.new),
                                            combinedName: "\(baseName) → \(newName)", baseTotals: diff.baseTotals, sides: sides)
        // The combined profile, made later, has the names of the two sides: checked here.
        try checkTimeLimit(filters)
        return comparison
    }

    // MARK: - Steps

    static func checkSources(_ request: ProfileRequest) throws(PipelineError) {
        if request.sources.isEmpty { throw .usage("name at least one profile") }
        if (request.sources + request.baseSources).filter({ $0 == .standardInput }).count > 1 {
            throw .usage("standard input (-) can be read only once")
        }
    }

    static func name(of sources: [ProfileSource]) -> String {
        sources.map(\.name).joined(separator: "+")
    }

    /// Reads the sources of one side and merges them when pprof would: several as they are
    /// read (only the merged profile and the one being added are held), one only to reproduce
    /// Go 1.19's pprof, which merged every profile it read.
    static func loadSide(_ sources: [ProfileSource], _ request: ProfileRequest) throws(PipelineError) -> Profile {
        if sources.count == 1 {
            let profile = try load(sources[0], request)
            return request.compatibility == .current ? profile : profile.mergingIdenticalSamples()
        }
        var merger = ProfileMerger()
        for source in sources { merger.add(try load(source, request)) }
        do {
            return try merger.finish()
        } catch {
            throw .incompatible("\(name(of: sources)): cannot merge: \(error)")
        }
    }

    static func load(_ source: ProfileSource, _ request: ProfileRequest) throws(PipelineError) -> Profile {
        let reader = ProfileReader(maxInflatedSize: request.maxInflatedSize)
        do {
            switch source {
            case .file(let path): return try reader.read(path: path)
            case .standardInput: return try reader.readStandardInput()
            case .url(let url):
                request.onFetch?(source.name)
                let fetcher = Fetcher(timeout: request.timeout, seconds: request.seconds, maxBytes: request.maxInflatedSize)
                let bytes: [UInt8]
                do { bytes = try fetcher.fetch(url) } catch {
                    switch error.kind {
                    case .unreachable: throw PipelineError.unreadable(source: source.name, reason: error.reasonText)
                    case .notAProfile: throw PipelineError.malformed(source: source.name, reason: error.reasonText)
                    }
                }
                do { return try reader.decode(bytes) } catch {
                    throw PipelineError.malformed(source: source.name, reason: error.description)
                }
            }
        } catch let error as ProfileReadError {
            throw PipelineError(error)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError.unreadable(source: source.name, reason: "\(error)")
        }
    }

    static func prepareSide(_ loaded: Profile, name: String, _ request: ProfileRequest) throws(PipelineError) -> PreparedProfile {
        let sampleIndex = try chooseSampleIndex(request.sampleIndex, loaded, name: name)
        let pruned = loaded.applyingDropFrames()
        let filters = try request.filters.compiled()
        let filtered = pruned.filtered(by: filters)
        try checkTimeLimit(filters)
        return PreparedProfile(name: name, loaded: loaded, profile: filtered, sampleIndex: sampleIndex,
                               totals: pruned.pprofTotals(), granularity: request.granularity,
                               filterLegend: request.filters.legend, compatibility: request.compatibility)
    }

    /// A filter whose pattern ran out of time on a name filtered wrongly: a usage error.
    static func checkTimeLimit(_ filters: SampleFilters) throws(PipelineError) {
        guard let (option, pattern) = filters.exceededTimeLimit else { return }
        throw .usage("--\(option): regular expression too slow to match (over \(GoRegex.matchTimeLimit) s on one name; "
                     + "simplify nested repetitions): \(pattern)")
    }

    static func chooseSampleIndex(_ requested: String?, _ profile: Profile, name: String) throws(PipelineError) -> Int {
        guard !profile.sampleTypes.isEmpty else { throw .malformed(source: name, reason: "profile has no sample types") }
        do {
            return try SampleTypeSelection.index(requested, in: profile)
        } catch {
            throw .usage("\(name): \(error)")
        }
    }
}
