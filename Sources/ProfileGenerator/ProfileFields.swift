// profile.proto field numbers (github.com/google/pprof/proto/profile.proto).

/// profile.proto field numbers.
enum Field {
    enum Profile {
        static let sampleType = 1, sample = 2, mapping = 3, location = 4, function = 5
        static let stringTable = 6, timeNanos = 9, durationNanos = 10
        static let periodType = 11, period = 12
    }
    enum ValueType { static let type = 1, unit = 2 }
    enum Sample { static let locationID = 1, value = 2, label = 3 }
    enum Label { static let key = 1, str = 2, num = 3, numUnit = 4 }
    enum Mapping {
        static let id = 1, memoryStart = 2, memoryLimit = 3, fileOffset = 4, filename = 5, buildID = 6
        static let hasFunctions = 7, hasFilenames = 8, hasLineNumbers = 9, hasInlineFrames = 10
    }
    enum Location { static let id = 1, mappingID = 2, address = 3, line = 4 }
    enum Line { static let functionID = 1, line = 2 }
    enum Function { static let id = 1, name = 2, systemName = 3, filename = 4, startLine = 5 }
}
