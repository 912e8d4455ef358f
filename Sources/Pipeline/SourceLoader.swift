import Dispatch
import Foundation
import Pprof

/// Reads a request's sources: files and standard input when they are asked for, in order;
/// every URL at once, from the start, each on a thread of its own that decodes the profile as
/// it downloads (a CPU profile and a heap snapshot of one window end together, and two URLs
/// take as long as the longer, not the sum). A URL with a delay starts that much later.
final class SourceLoader: @unchecked Sendable {
    private let sources: [ProfileSource]
    private let request: ProfileRequest
    private var fetches: [Int: Fetch] = [:]

    private final class Fetch: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: Result<Profile, PipelineError>?
    }

    init(_ sources: [ProfileSource], _ request: ProfileRequest) {
        self.sources = sources
        self.request = request
        for (index, source) in sources.enumerated() {
            guard case .url(_, let delay) = source else { continue }
            let fetch = Fetch()
            fetches[index] = fetch
            let thread = Thread {
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                do throws(PipelineError) {
                    fetch.result = .success(try Pipeline.load(source, request))
                } catch {
                    fetch.result = .failure(error)
                }
                fetch.done.signal()
            }
            thread.name = "proflens.source"
            thread.start()
        }
    }

    var count: Int { sources.count }

    /// How reports name sources `range` (joined by "+").
    func name(_ range: Range<Int>) -> String { Pipeline.name(of: Array(sources[range])) }

    /// Source `index`'s profile (a URL's is waited for).
    func profile(_ index: Int) throws(PipelineError) -> Profile {
        guard let fetch = fetches[index] else { return try Pipeline.load(sources[index], request) }
        fetch.done.wait()
        fetch.done.signal()
        switch fetch.result! {
        case .success(let profile): return profile
        case .failure(let error): throw error
        }
    }
}
