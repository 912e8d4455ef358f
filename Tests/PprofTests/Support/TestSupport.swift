import TestSupport
import Foundation
import Testing

@testable import Pprof

// MARK: Decoding helpers

func decode(_ bytes: [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize) throws(DecodeError) -> Profile {
    try ProfileReader(maxInflatedSize: maxInflatedSize).decode(bytes)
}

func decode(_ fields: [PB]) throws(DecodeError) -> Profile {
    try decode(encode(fields))
}

/// Expects decoding to fail with exactly `expected`.
func expectDecodeError(
    _ expected: DecodeError, _ bytes: [UInt8], maxInflatedSize: Int = Gzip.defaultMaxInflatedSize,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let profile = try decode(bytes, maxInflatedSize: maxInflatedSize)
        Issue.record("expected \(expected), but the input decoded (\(profile.samples.count) samples)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

func expectDecodeError(_ expected: DecodeError, _ fields: [PB], sourceLocation: SourceLocation = #_sourceLocation) {
    expectDecodeError(expected, encode(fields), sourceLocation: sourceLocation)
}

/// The strings most hand-built profiles use.
let baseStrings = ["", "samples", "count", "main", "main.go", "key", "value", "bytes", "cpu", "nanoseconds"]
enum S {
    static let empty: Int64 = 0, samples: Int64 = 1, count: Int64 = 2, main: Int64 = 3, mainGo: Int64 = 4
    static let key: Int64 = 5, value: Int64 = 6, bytes: Int64 = 7, cpu: Int64 = 8, nanoseconds: Int64 = 9
}

/// A minimal valid profile: one sample type, one function, one location, one sample.
func minimalProfileFields() -> [PB] {
    [
        P.sampleType(S.samples, S.count),
        P.function(id: 1, name: S.main, file: S.mainGo),
        P.location(id: 1, lines: [P.line(function: 1, line: 10)]),
        P.sample([1], [5]),
    ] + P.strings(baseStrings)
}

// MARK: A textual dump of a profile, to compare two decodes

func dump(_ profile: Profile) -> String {
    var out = ""
    func vt(_ value: ValueType) -> String { "\(value.type.debugDescription)/\(value.unit.debugDescription)" }
    out += "types: \(profile.sampleTypes.map(vt)) period: \(vt(profile.periodType)) \(profile.period)\n"
    out += "time: \(profile.timeNanos) duration: \(profile.durationNanos) default: \(profile.defaultSampleType.debugDescription)\n"
    out += "drop: \(profile.dropFrames.debugDescription) keep: \(profile.keepFrames.debugDescription) doc: \(profile.docURL.debugDescription) comments: \(profile.comments)\n"
    for mapping in profile.mappings { out += "mapping \(mapping)\n" }
    for function in profile.functions { out += "function \(function)\n" }
    for location in profile.locations {
        out += "location \(location.id) m=\(location.mappingIndex) a=\(location.address) folded=\(location.isFolded)"
        for line in profile.lines(of: location) { out += " [\(line.functionIndex):\(line.line):\(line.column)]" }
        out += "\n"
    }
    let samples = profile.samples
    for sample in 0..<samples.count {
        let values = (0..<samples.valueCount).map { samples.value(of: sample, index: $0) }
        out += "sample \(Array(samples.locations(of: sample))) \(values)"
        for label in profile.labels(of: sample) {
            out += " {\(label.key.debugDescription) \(label.isString ? label.str.debugDescription : "\(label.num) \(label.numUnit.debugDescription)")}"
        }
        out += "\n"
    }
    return out
}

/// Internal consistency of a decoded profile: every index in range. Returns the problems found
/// (without trapping, so that a bad profile is a test failure, not a crash).
func invariantViolations(_ profile: Profile) -> [String] {
    var problems: [String] = []
    let samples = profile.samples
    if samples.valueCount != profile.sampleTypes.count { problems.append("valueCount \(samples.valueCount) != \(profile.sampleTypes.count) types") }
    if samples.values.count != samples.count * samples.valueCount { problems.append("values.count \(samples.values.count)") }
    if samples.stackStarts.first != 0 || samples.stackStarts.last != samples.stackLocations.count {
        problems.append("stackStarts do not span stackLocations")
    }
    if let bad = samples.sampleStacks.first(where: { Int($0) >= samples.stackCount }) { problems.append("stack id \(bad) out of range") }
    if samples.labelStarts.count != samples.count + 1 || samples.labelStarts.last != samples.labels.count {
        problems.append("labelStarts do not span labels")
    }
    if zip(samples.stackStarts, samples.stackStarts.dropFirst()).contains(where: { $0 > $1 }) { problems.append("stackStarts not monotonic") }
    if zip(samples.labelStarts, samples.labelStarts.dropFirst()).contains(where: { $0 > $1 }) { problems.append("labelStarts not monotonic") }
    if let bad = samples.stackLocations.first(where: { Int($0) >= profile.locations.count }) { problems.append("location index \(bad) out of range") }
    var expectedLineStart: Int32 = 0
    for location in profile.locations {
        if location.mappingIndex < -1 || Int(location.mappingIndex) >= profile.mappings.count { problems.append("mapping index \(location.mappingIndex)") }
        if location.lineStart != expectedLineStart || location.lineCount < 0 { problems.append("lines of location \(location.id)") }
        expectedLineStart = location.lineStart &+ location.lineCount
        if location.id == 0 { problems.append("location id 0 accepted") }
    }
    if Int(expectedLineStart) != profile.lines.count { problems.append("lines not covered by locations") }
    if let bad = profile.lines.first(where: { $0.functionIndex < 0 || Int($0.functionIndex) >= profile.functions.count }) {
        problems.append("function index \(bad.functionIndex) out of range")
    }
    if profile.functions.contains(where: { $0.id == 0 }) { problems.append("function id 0 accepted") }
    if profile.mappings.contains(where: { $0.id == 0 }) { problems.append("mapping id 0 accepted") }
    if Set(profile.locations.map(\.id)).count != profile.locations.count { problems.append("duplicate location ids accepted") }
    if Set(profile.functions.map(\.id)).count != profile.functions.count { problems.append("duplicate function ids accepted") }
    if Set(profile.mappings.map(\.id)).count != profile.mappings.count { problems.append("duplicate mapping ids accepted") }
    return problems
}

// MARK: Gzip

/// A gzip member whose deflate data is stored (uncompressed) blocks: exact, fast, and every
/// byte's position is known.
func storedGzip(_ bytes: [UInt8], blockSize: Int = 65_535) -> [UInt8] {
    var out: [UInt8] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]
    var start = 0
    repeat {
        let end = min(start + blockSize, bytes.count)
        let length = UInt16(end - start)
        out.append(end == bytes.count ? 1 : 0)  // BFINAL, BTYPE = 00 (stored)
        out += [UInt8(length & 0xff), UInt8(length >> 8), UInt8(~length & 0xff), UInt8(~length >> 8)]
        out += bytes[start..<end]
        start = end
    } while start < bytes.count
    out += littleEndian32(crc32(bytes))
    out += littleEndian32(UInt32(truncatingIfNeeded: bytes.count))
    return out
}

func littleEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
}

private let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
}

/// Inflates with the library (for corpus files only, after the gzip tests have covered it).
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let buffer = try bytes.withUnsafeBytes { try Gzip.inflate($0) }
    return buffer.withUnsafeBytes { Array($0) }
}

struct TemporaryDirectory: ~Copyable {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("proflens-pprof-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

// MARK: The real corpus

extension Corpus {
    /// The protobuf bytes of a corpus profile (gunzipped when it is gzip).
    static func protobuf(_ name: String) throws -> [UInt8] {
        let bytes = try bytes(name)
        return bytes.starts(with: [0x1f, 0x8b]) ? try gunzip(bytes) : bytes
    }

    /// The one corpus profile the reader must refuse (a Function.id of 0).
    static let rejected = "pyroscope-dotnet-funcid0-notgzipped.pb.gz"
}

// MARK: This process's memory

/// This process's memory in bytes, from /proc/self/statm: all it maps (statm's size) and its
/// resident set. Throws when the file cannot be read or parsed.
func processMemory() throws -> (mapped: Int, resident: Int) {
    let text = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
    let pages = text.split(whereSeparator: \.isWhitespace).prefix(2).compactMap { Int($0) }
    guard pages.count == 2 else { throw UnreadableStatm(text: text) }
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    return (pages[0] * pageSize, pages[1] * pageSize)
}

struct UnreadableStatm: Error, CustomStringConvertible {
    let text: String
    var description: String { "/proc/self/statm does not start with two page counts: \(text.debugDescription)" }
}

// MARK: Address-space limit (for exit tests)

/// Caps this process's address space at what it maps now plus `headroom` bytes.
func limitAddressSpace(headroom: Int) {
    let mapped: Int
    do { mapped = try processMemory().mapped } catch { preconditionFailure("\(error)") }
    var limit = rlimit(rlim_cur: rlim_t(mapped + headroom), rlim_max: rlim_t(mapped + headroom))
    #if canImport(Glibc)
    precondition(setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, "setrlimit")
    #else
    precondition(setrlimit(RLIMIT_AS, &limit) == 0, "setrlimit")
    #endif
}
