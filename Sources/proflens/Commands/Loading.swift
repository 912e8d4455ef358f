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

    /// Several profiles of one side, merged (pprof merges the sources it is given).
    static func merged(_ files: [String], _ input: InputOptions) throws -> Profile {
        var profiles = try files.map { try profile($0, input) }
        var result = profiles.removeFirst()
        for other in profiles {
            guard other.sampleTypes == result.sampleTypes else {
                throw Failure.exit("\(files.joined(separator: ", ")): cannot merge profiles with different sample types", code: Failure.malformed)
            }
            result = ProfileDiff.merge(result, other)
        }
        return result
    }

    static func diff(base: [String], new: [String], input: InputOptions, normalize: Bool, filters: SampleFilters = SampleFilters()) throws -> ProfileDiff {
        let baseProfile = try merged(base, input).applyingDropFrames().filtered(by: filters)
        let newProfile = try merged(new, input).applyingDropFrames().filtered(by: filters)
        do {
            return try ProfileDiff(base: baseProfile, new: newProfile, normalize: normalize)
        } catch {
            throw Failure.exit("\(base.joined(separator: ", ")) vs \(new.joined(separator: ", ")): \(error)", code: Failure.malformed)
        }
    }
}
