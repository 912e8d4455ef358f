import Analysis
import ArgumentParser
import Pprof

/// Reading a profile and choosing its sample type, with the CLI's errors and exit codes.
enum Loading {
    static func profile(_ file: String, _ input: InputOptions) throws -> Profile {
        do { return try input.reader.read(path: file) } catch { throw Failure.from(error) }
    }

    static func sampleIndex(_ requested: String?, profile: Profile, file: String) throws -> Int {
        guard !profile.sampleTypes.isEmpty else {
            throw Failure.exit("\(file): profile has no sample types", code: Failure.malformed)
        }
        do {
            return try SampleTypeSelection.index(requested, in: profile)
        } catch {
            throw Failure.exit("\(file): \(error)", code: Failure.usage)
        }
    }
}
