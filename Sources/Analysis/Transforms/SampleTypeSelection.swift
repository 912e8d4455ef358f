import Pprof

/// Which sample type a report reads, chosen as `go tool pprof -sample_index` chooses it.
public enum SampleTypeSelection {
    public struct UnknownSampleType: Error, CustomStringConvertible {
        public let requested: String
        public let available: [String]
        public var description: String {
            if let number = Int(requested) {
                return "sample index \(number) is outside the range [0..\(available.count - 1)]"
            }
            return "sample type \"\(requested)\" must be one of: \(available.joined(separator: ", "))"
        }
    }

    /// `requested` is a sample type's name or its number; nil means the profile's
    /// default_sample_type, or else the last type. "inuse_space" also finds "space".
    public static func index(_ requested: String?, in profile: Profile) throws -> Int {
        let types = profile.sampleTypes
        guard let requested, !requested.isEmpty else {
            if !profile.defaultSampleType.isEmpty,
               let index = types.firstIndex(where: { $0.type == profile.defaultSampleType }) {
                return index
            }
            return types.count - 1
        }
        if let number = Int(requested) {
            guard number >= 0 && number < types.count else {
                throw UnknownSampleType(requested: requested, available: types.map(\.type))
            }
            return number
        }
        let withoutInuse = requested.hasPrefix("inuse_") ? String(requested.dropFirst(6)) : requested
        if let index = types.firstIndex(where: { $0.type == requested || $0.type == withoutInuse }) {
            return index
        }
        throw UnknownSampleType(requested: requested, available: types.map(\.type))
    }
}
