/// Small CPU profiles written in code as protobuf bytes, for cases no real file shows (hostile
/// names, exact stacks): each stack is a list of function names, leaf first, with a value.
/// Names are bytes, so they can be invalid UTF-8 or hold control characters.
public enum SyntheticProfile {
    public static func cpu(_ stacks: [(names: [[UInt8]], nanoseconds: Int64)], timeNanos: Int64 = 1_700_000_000_000_000_000) -> [UInt8] {
        var strings: [[UInt8]] = [[], Array("samples".utf8), Array("count".utf8), Array("cpu".utf8), Array("nanoseconds".utf8)]
        var stringIndex: [[UInt8]: Int64] = [:]
        func string(_ bytes: [UInt8]) -> Int64 {
            if let index = stringIndex[bytes] { return index }
            strings.append(bytes)
            stringIndex[bytes] = Int64(strings.count - 1)
            return Int64(strings.count - 1)
        }
        var functionIDs: [[UInt8]: UInt64] = [:]
        var fields: [PB] = [P.sampleType(1, 2), P.sampleType(3, 4)]
        var definitions: [PB] = []
        for (names, value) in stacks {
            var locations: [UInt64] = []
            for name in names {
                let id: UInt64
                if let existing = functionIDs[name] {
                    id = existing
                } else {
                    id = UInt64(functionIDs.count + 1)
                    functionIDs[name] = id
                    let nameIndex = string(name)
                    definitions.append(P.function(id: id, name: nameIndex, systemName: nameIndex, file: string(Array("main.go".utf8))))
                    definitions.append(P.location(id: id, address: 0x1000 + id, lines: [P.line(function: id, line: 10)]))
                }
                locations.append(id)
            }
            fields.append(P.sample(locations, [value / 10_000_000, value]))
        }
        fields += definitions
        fields += strings.map { PB.bytes(6, $0) }
        fields += [P.timeNanos(timeNanos), P.durationNanos(1_000_000_000), P.periodType(3, 4), P.period(10_000_000)]
        return encode(fields)
    }
}
