import Testing

@testable import Pprof

/// Label set ids are held in one byte each until one does not fit, then two, then four: every
/// id reads back as appended across each widening.
@Suite struct CompactIDsTests {
    @Test(arguments: [[0, 255, 3], [7, 256, 255, 65535], [1, 65536, 2, 255], [300, 1, 70000, 4_000_000_000]])
    func idsReadBackAcrossWidenings(_ ids: [UInt32]) {
        var compact = CompactIDs()
        compact.reserveCapacity(2)
        for id in ids { compact.append(id) }
        #expect(Array(compact) == ids)
        #expect(compact.count == ids.count)
        #expect(compact == CompactIDs(ids))
        #expect(compact != CompactIDs(ids.dropLast()))
    }

    /// Through the sample table: 70,000 samples, each with a label set of its own (ids past
    /// one byte and past two), keep their labels.
    @Test func samplesKeepTheirLabelSetsPastTwoBytesOfIds() {
        var table = SampleTable()
        table.valueCount = 1
        for sample in 0..<70_000 {
            table.append(stack: [UInt32(sample % 3)], values: [1], labels: [LabelReference(key: 1, str: 0, numUnit: 0, num: Int64(sample))])
        }
        #expect(table.sampleLabelSets.count == 70_000)
        for sample in [0, 255, 256, 65_535, 65_536, 69_999] {
            #expect(table.labels(of: sample).map(\.num) == [Int64(sample)])
        }
    }
}
