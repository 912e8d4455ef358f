// libFuzzer harness for the profile decoder. Compiled into the Pprof module itself (see
// scripts/fuzz.sh), so it can look at internal state; it does not import anything.
//
// Each input goes through ProfileReader.decode (gzip detection, inflation with a 64 MB cap,
// protobuf decoding, resolution, validation). A DecodeError is the expected outcome for most
// inputs; a crash, a sanitizer report, a timeout or an inconsistent accepted profile is a bug.

private let reader = ProfileReader(maxInflatedSize: 64 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = ByteBuffer(UnsafeBufferPointer(start: data, count: size))
    let profile: Profile
    do {
        profile = try reader.decode(contents)
    } catch {
        return 0
    }
    checkConsistency(profile)
    return 0
}

/// Every index an accepted profile hands out must be in range; a violation traps, which
/// libFuzzer reports as a crash with the input that caused it.
private func checkConsistency(_ profile: Profile) {
    let samples = profile.samples
    precondition(samples.valueCount == profile.sampleTypes.count, "valueCount")
    precondition(samples.values.count == samples.count * samples.valueCount, "values")
    precondition(samples.stackStarts.count == samples.stackCount + 1 && samples.labelStarts.count == samples.count + 1, "starts")
    precondition(samples.sampleStacks.allSatisfy { Int($0) < samples.stackCount }, "stack ids")
    for sample in 0..<samples.count {
        for index in samples.locations(of: sample) {
            precondition(Int(index) < profile.locations.count, "sample location index")
        }
        _ = samples.labels(of: sample)
        for value in 0..<samples.valueCount { _ = samples.value(of: sample, index: value) }
    }
    var nextLine: Int32 = 0
    for location in profile.locations {
        precondition(location.id != 0, "location id 0")
        precondition(location.mappingIndex >= -1 && Int(location.mappingIndex) < profile.mappings.count, "mapping index")
        precondition(location.lineStart == nextLine, "line start")
        for line in profile.lines(of: location) {
            precondition(line.functionIndex >= 0 && Int(line.functionIndex) < profile.functions.count, "function index")
        }
        nextLine = location.lineStart + location.lineCount
    }
    precondition(Int(nextLine) == profile.lines.count, "lines")
    precondition(!profile.functions.contains { $0.id == 0 } && !profile.mappings.contains { $0.id == 0 }, "id 0")
}
