// libFuzzer harness for the whole pipeline: each input is decoded, then every report a
// command makes of it is made, as the Pipeline and Reports targets make them (those two are
// left out: they need Foundation's networking). scripts/fuzz.sh builds Pprof, Analysis,
// Findings and FlameGraph as modules and links this file with them under ASan.
//
// Per input: ProfileReader.decode (gzip detection, inflation with a 64 MB cap, protobuf
// decoding, resolution, validation), then drop_frames, the filters, the frame table, top,
// traces, fold, the flame layout and SVG, the built-in rules (Classifier), and a comparison of
// the profile with itself (ProfileDiff, top -diff_base, compare's rows, findings diff, the
// differential flame graph), and merge's output (the prepared profile written, compressed and
// read back with the same top table; its PGO trim written and read back). The last byte of the input picks the variant (pprof 1.19 or
// current, filters, lines, flame options, normalize, sample type), so that the fuzzer reaches
// every one on raw protobuf inputs (a gzip input's last byte is part of its checked length,
// so a gzip input that decodes runs one variant only). A DecodeError is the expected outcome for most inputs; a crash, a sanitizer
// report, a timeout or a broken invariant (a precondition below) is a bug.

import Analysis
import Findings
import Foundation
import FlameGraph
import Pprof

private let reader = ProfileReader(maxInflatedSize: 64 << 20)

/// Filters of every kind, with patterns that match some names of real profiles.
private let filters: SampleFilters = {
    var filters = SampleFilters()
    filters.focus = try! GoRegex("a")
    filters.ignore = try! GoRegex("^zz")
    filters.hide = try! GoRegex(#"^runtime\.(mcall|systemstack)$"#)
    filters.tagFocus = [try! SampleFilters.parseTagFocus("user=a,^b")]
    return filters
}()

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
    // The pipeline refuses a profile without sample types (65); it has nothing to report.
    guard !profile.sampleTypes.isEmpty else { return 0 }
    report(profile, variant: Variant(size > 0 ? data[size - 1] : 0))
    return 0
}

/// Which options one input runs with.
private struct Variant {
    var compatibility: PprofCompatibility
    var filtered: Bool
    var granularity: FrameTable.Granularity
    var reverse: Bool
    var inverted: Bool
    var order: FlameLayout.SiblingOrder
    var normalize: Bool
    var firstSampleType: Bool

    init(_ bits: UInt8) {
        compatibility = bits & 1 != 0 ? .go119 : .current
        filtered = bits & 2 != 0
        granularity = bits & 4 != 0 ? .lines : .functions
        reverse = bits & 8 != 0
        inverted = bits & 16 != 0
        order = bits & 32 != 0 ? .size : .name
        normalize = bits & 64 != 0
        firstSampleType = bits & 128 != 0
    }
}

/// What the commands make of a profile (Pipeline.prepare, then analyze, top, traces, fold,
/// flame with --highlight; then compare of the profile with itself).
private func report(_ decoded: Profile, variant: Variant) {
    // Go 1.19's pprof merges a single profile on load (Pipeline.loadSide).
    let loaded = variant.compatibility == .go119 ? decoded.mergingIdenticalSamples() : decoded
    guard let defaultIndex = try? SampleTypeSelection.index(nil, in: loaded) else { preconditionFailure("no default sample type") }
    let sampleIndex = variant.firstSampleType ? 0 : defaultIndex
    precondition(sampleIndex < loaded.sampleTypes.count, "sample index")
    let sampleType = loaded.sampleTypes[sampleIndex]

    // Pipeline.prepareSide.
    let pruned = loaded.applyingDropFrames()
    let totals = pruned.samples.absoluteSums()
    let profile = variant.filtered ? pruned.filtered(by: filters) : pruned
    let frames = FrameTable(profile: profile, granularity: variant.granularity)

    // analyze (text and JSON), top, traces.
    var topOptions = TopReport.Options()
    topOptions.compatibility = variant.compatibility
    let top = TopReport(profile: profile, sampleIndex: sampleIndex, options: topOptions, totalOverride: totals[sampleIndex], frames: frames)
    _ = top.text()
    let summary = ProfileSummary(file: "fuzz", profile: loaded, sampleIndex: sampleIndex, total: totals[sampleIndex])
    _ = summary.textLines()
    _ = TracesReport.text(profile: profile, sampleIndex: sampleIndex, total: totals[sampleIndex],
                          compatibility: variant.compatibility, frames: frames)

    // The rules, as analyze and flame --highlight run them.
    let findings = Classifier.findings([Classifier.Input(file: "fuzz", profile: profile, frames: frames, totals: totals)])
    _ = FindingsReport.text(findings, color: true)
    var json = JSONWriter()
    json.beginObject()
    json.objects("profiles", [summary]) { json, summary in
        summary.writeJSON(&json)
        top.writeJSON(&json)
    }
    FindingsReport.writeJSON(findings, &json)
    json.endObject()
    // Whatever the profile's strings hold, analyze --format json is JSON.
    precondition((try? JSONSerialization.jsonObject(with: Data(json.bytes))) is [String: Any], "analyze's JSON does not parse")

    // fold and flame (FlameReport.svg).
    let stacks = StackFolder.fold(profile, sampleIndex: sampleIndex, frames: frames)
    let folded = stacks.text()
    precondition(folded.isEmpty || folded.last == UInt8(ascii: "\n"), "folded lines")
    var layout = FlameLayout.Options()
    layout.order = variant.order
    layout.reverse = variant.reverse
    var svg = FlameGraphSVG.Options()
    svg.inverted = variant.inverted
    svg.dark = variant.inverted
    svg.palette = variant.reverse ? .package : variant.inverted ? .colorblind : .hot
    svg.unit = sampleType.unit
    svg.subtitle = "\(sampleType.type) · total \(Measurement.label(stacks.total, unit: sampleType.unit))"
    for finding in findings.reversed() {
        for frame in finding.frames { svg.highlights[frame.name] = "\(finding.id) \(finding.title)" }
        for culprit in finding.culprits { svg.highlights[culprit.name] = "\(finding.id) culprit" }
    }
    svg.minWidth = variant.order == .size ? 0 : 0.1
    let graph = FlameGraph.svg(stacks, layout: layout, svg: svg)
    precondition(graph.suffix(7) == Array("</svg>\n".utf8), "SVG document")

    compareWithItself(loaded, sampleIndex: sampleIndex, variant: variant, layout: layout, svg: svg)
    writeAndReadBack(profile, sampleIndex: sampleIndex, totals: totals, top: top.text(), variant: variant)
}

/// merge (WrittenProfile): the prepared profile written as protobuf and gzip must read back,
/// with the same top table; so must its PGO trim, when it is a CPU profile.
private func writeAndReadBack(_ profile: Profile, sampleIndex: Int, totals: [Int64], top: [UInt8], variant: Variant) {
    func readBack(_ written: Profile) -> Profile {
        var compressed: [UInt8] = []
        do {
            try ProfileEncoder.writeCompressed(written) { compressed += $0 }
            return try reader.decode(compressed)
        } catch {
            preconditionFailure("a written profile does not read back: \(error)")
        }
    }
    let again = readBack(profile)
    var topOptions = TopReport.Options()
    topOptions.compatibility = variant.compatibility
    let frames = FrameTable(profile: again, granularity: variant.granularity)
    let topAgain = TopReport(profile: again, sampleIndex: sampleIndex, options: topOptions, totalOverride: totals[sampleIndex], frames: frames)
    // Compared with memcmp: an element-wise == of megabytes is slow under libFuzzer's
    // comparison tracing (it timed out on a 17 KB input whose table is large).
    let text = topAgain.text()
    let same = text.count == top.count && (text.isEmpty || text.withUnsafeBytes { a in
        top.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
    })
    precondition(same, "top of the written profile differs")
    if let trim = try? PGOTrim(profile) {
        let trimmed = readBack(trim.profile)
        precondition(trimmed.sampleTypes == [trim.sampleType], "PGO sample type")
        precondition(trim.keptEdgeShare >= 0 && trim.keptEdgeShare <= 1, "PGO kept edge share")
    }
}

/// compare / top --diff-base / flame --base of a profile against itself (Pipeline.prepareComparison):
/// nothing changed, whatever the profile holds.
private func compareWithItself(_ loaded: Profile, sampleIndex: Int, variant: Variant,
                               layout: FlameLayout.Options, svg: FlameGraphSVG.Options) {
    let diff: ProfileDiff
    do {
        diff = try ProfileDiff(base: loaded, new: loaded, normalize: variant.normalize)
    } catch {
        preconditionFailure("a profile is incompatible with itself: \(error)")
    }
    let (drop, keep) = (loaded.dropFrames, loaded.keepFrames)
    func side(_ profile: Profile) -> (profile: Profile, frames: FrameTable, totals: [Int64]) {
        let pruned = profile.applyingDropFrames(drop: drop, keep: keep)
        let filtered = variant.filtered ? pruned.filtered(by: filters) : pruned
        return (filtered, FrameTable(profile: filtered, granularity: variant.granularity), pruned.samples.absoluteSums())
    }
    let combinedProfile = diff.combined
    let base = side(diff.base), new = side(diff.new), combined = side(combinedProfile)
    precondition(combinedProfile.samples.signedSums().allSatisfy { $0 == 0 } || variant.normalize, "self-diff sums to zero")

    // top --diff-base: percentages of the base's total.
    let total = diff.total(sampleIndex: sampleIndex) ?? combined.totals[sampleIndex]
    var topOptions = TopReport.Options()
    topOptions.compatibility = variant.compatibility
    _ = TopReport(profile: combined.profile, sampleIndex: sampleIndex, options: topOptions, totalOverride: total,
                  frames: combined.frames).text()

    // compare: no function changed, no finding worsened.
    let comparison = ProfileComparison(base: base.profile, baseFrames: base.frames, new: new.profile, newFrames: new.frames,
                                       sampleIndex: sampleIndex, baseTotal: base.totals[sampleIndex], newTotal: new.totals[sampleIndex])
    precondition(variant.normalize || comparison.rows.isEmpty, "a profile differs from itself")
    // As compare classifies: the base alone, the new side with the base as evidence.
    let baseInput = Classifier.Input(file: "fuzz", profile: base.profile, frames: base.frames, totals: base.totals)
    let findingsDiff = FindingsDiff(base: Classifier.findings([baseInput]),
                                    new: Classifier.findings([Classifier.Input(file: "fuzz", profile: new.profile, frames: new.frames,
                                                                               totals: new.totals)], evidence: [baseInput]))
    precondition(variant.normalize || findingsDiff.entries.allSatisfy { $0.status == .persisting && !$0.worsened }, "findings changed")

    // flame --base (FlameReport.differentialSVG).
    var differential = svg
    differential.differential = true
    differential.colorblindDiff = variant.inverted
    var differentialLayout = layout
    differentialLayout.widthBy = variant.normalize ? .new : variant.reverse ? .base : .max
    let newStacks = StackFolder.fold(new.profile, sampleIndex: sampleIndex, frames: new.frames)
    let baseStacks = StackFolder.fold(base.profile, sampleIndex: sampleIndex, frames: base.frames)
    let graph = FlameGraph.svg(newStacks, base: baseStacks, layout: differentialLayout, svg: differential)
    precondition(graph.suffix(7) == Array("</svg>\n".utf8), "differential SVG document")
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
