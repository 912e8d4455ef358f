import CPrefetch
import Pprof

/// Several profiles merged into one as they are read, so that only the merged profile, the
/// one being merged in and the one being read are held (20 instances of a service are 20 times
/// its profile, merged they are about one). Each profile is merged in on a thread of its own
/// while the caller reads the next (the merge of the one before is waited for first: they are
/// merged one at a time, in order). The result is pprof's merge (Profile.Merge), as pprof
/// makes it: mappings, functions and locations that pprof takes for the same are one record
/// (the first met); samples with the same locations and labels are one sample, in the order
/// they first appear, with the labels of the first and the sum of the values; samples whose
/// values are all zero go; the header is the first profile's with the earliest time, the
/// summed durations, the largest period and every comment.
public struct ProfileMerger: ~Copyable {
    /// The merge: changed by the thread merging a profile in, read here once it is joined.
    private let state = MergeState()
    private var worker: JoinableThread?

    public init() {}

    /// Merges `profile` in (nothing more, once a profile could not be merged).
    public mutating func add(_ profile: Profile) {
        worker?.join()
        let state = self.state
        worker = JoinableThread { state.merge.add(profile) }
    }

    /// The merged profile.
    public func finish() throws(IncompatibleProfiles) -> Profile {
        worker?.join()
        return try state.merge.finish()
    }
}

/// Where the merge is kept: used by one thread at a time (the merging thread until it is joined,
/// which orders its writes before what follows the join).
private final class MergeState: @unchecked Sendable {
    var merge = Merge()
}

private struct Merge {
    private var merged: Profile?
    /// The first profile another could not be merged with (reported once all are read: a
    /// source that cannot be read is the error to report first, as when all were read first).
    private var failure: IncompatibleProfiles?

    /// Merged strings, and merged functions by what the merge compares (`appendKey`), as bytes:
    /// strings are one when their bytes are, as in Go.
    private var stringKeys = StackInterner<UInt8>()
    private var mappingIndex: [MergedSamples.MappingKey: Int32] = [:]
    private var functionKeys = StackInterner<UInt8>()
    /// Merged locations by what the merge compares (`appendKey`), each key's words back to
    /// back: a look-up reads one short run of words, not the location, its lines and its
    /// address in three arrays, and a profile's locations are looked up a batch at a time.
    private var locationKeys = StackInterner<UInt64>()
    /// Merged samples: stacks of merged locations, the labels of each one's first sample, and
    /// what makes two samples one (stack and labels as the merge compares them).
    private var stacks = StackInterner<UInt32>()
    private var labelSets = LabelSets()
    private var labelKeys = StackInterner<Int64>()
    private var sampleIndex = SampleKeyTable()
    private var sampleStacks: [UInt32] = []
    private var sampleLabelSets = CompactIDs()
    private var values: [Int64] = []

    mutating func add(_ profile: Profile) {
        guard failure == nil else { return }
        if var result = merged {
            do {
                try ProfileMerge.checkCompatible(result, profile, first: "first", second: "next")
            } catch {
                failure = error
                return
            }
            // The header as pprof's merge makes it.
            if result.timeNanos == 0 || (profile.timeNanos != 0 && profile.timeNanos < result.timeNanos) { result.timeNanos = profile.timeNanos }
            result.durationNanos = result.durationNanos &+ profile.durationNanos
            result.period = max(result.period, profile.period)
            for comment in profile.comments where !result.comments.contains(comment) { result.comments.append(comment) }
            merged = result
        } else {
            var first = profile
            first.stringTable = []
            first.mappings = []
            first.functions = []
            first.locations = []
            first.lines = []
            first.samples = SampleTable()
            merged = first
        }
        var result = merged!
        merged = nil  // Not shared while it grows.
        mergeSamples(of: profile, into: &result)
        merged = result
    }

    func finish() throws(IncompatibleProfiles) -> Profile {
        if let failure { throw failure }
        guard var result = merged else { return Profile() }
        var table = SampleTable(stackLocations: stacks.elements, stackStarts: stacks.starts, sampleStacks: sampleStacks,
                                labelSets: labelSets, sampleLabelSets: sampleLabelSets)
        table.valueCount = result.sampleTypes.count
        table.storedValues.reserveCapacity(values.count)
        for value in values { table.storedValues.append(value) }
        result.samples = table
        return result
    }

    /// The index of `key`'s record in `records`, the record appended when the key is new.
    private static func index<Key: Hashable, Record>(of key: Key, _ record: Record, in table: inout [Key: Int32],
                                                     _ records: inout [Record]) -> Int32 {
        if let index = table[key] { return index }
        let index = Int32(records.count)
        records.append(record)
        table[key] = index
        return index
    }

    private mutating func mergeSamples(of profile: Profile, into result: inout Profile) {
        // Strings, mappings, functions and locations: each to its merged record.
        let strings = mergeStrings(of: profile, into: &result)
        let mappings = profile.mappings.map { Self.index(of: MergedSamples.mappingKey($0), $0, in: &mappingIndex, &result.mappings) }
        let functions = mergeFunctions(of: profile, into: &result)
        let locations = mergeLocations(of: profile, into: &result, mappings: mappings, functions: functions)

        // Label sets: as the representative sample keeps them, and as the merge compares them.
        let samples = profile.samples
        var setIDs: [UInt32] = [], setKeys: [UInt32] = []
        for set in 0..<samples.labelSets.count {
            let labels = samples.labelSets[set].map { label in
                LabelReference(key: strings[Int(label.key)], str: strings[Int(label.str)], numUnit: strings[Int(label.numUnit)], num: label.num)
            }
            setIDs.append(labelSets.intern(labels))
            setKeys.append(UInt32(labelKeys.intern(Self.comparedLabels(labels))))
        }

        // Samples: each stack to merged locations (in the order samples with a value first use
        // them, interned a batch at a time), then each sample to its merged sample.
        let valueCount = samples.valueCount
        func hasValue(_ sample: Int) -> Bool {
            for index in 0..<valueCount where samples.value(of: sample, index: index) != 0 { return true }
            return false
        }
        var stackIDs = [UInt32](repeating: UInt32.max, count: samples.stackCount)
        var used = [Bool](repeating: false, count: samples.stackCount)
        var batch: [UInt32] = [], ranges: [Range<Int>] = [], batchStacks: [Int] = []
        var scratch = StackInterner<UInt32>.BatchScratch()
        func internBatch() {
            var item = 0
            batch.withUnsafeBufferPointer { sequences in
                ranges.withUnsafeBufferPointer { ranges in
                    stacks.intern(batch: sequences, ranges: ranges, scratch: &scratch) { id, _ in
                        stackIDs[batchStacks[item]] = UInt32(id)
                        item += 1
                    }
                }
            }
            batch.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            batchStacks.removeAll(keepingCapacity: true)
        }
        for sample in 0..<samples.count where hasValue(sample) {
            let profileStack = Int(samples.sampleStacks[sample])
            if used[profileStack] { continue }
            used[profileStack] = true
            let start = batch.count
            for location in samples.stack(profileStack) { batch.append(locations[Int(location)]) }
            ranges.append(start..<batch.count)
            batchStacks.append(profileStack)
            if ranges.count == 64 { internBatch() }
        }
        internBatch()
        var kept: [Int] = [], keys: [UInt64] = []
        kept.reserveCapacity(samples.count)
        keys.reserveCapacity(samples.count)
        for sample in 0..<samples.count where hasValue(sample) {
            kept.append(sample)
            keys.append(UInt64(stackIDs[Int(samples.sampleStacks[sample])]) << 32 | UInt64(setKeys[Int(samples.sampleLabelSets[sample])]))
        }
        // Each sample to its merged sample, in order (new ones appended as met). The merged
        // samples run to millions: the table's slot of a sample `ahead` further on, and the
        // values a found sample adds to, are asked for ahead of their use, so that their cache
        // misses overlap (the values are added `lag` samples after the look-up).
        let ahead = 16, lag = 8
        var found = [Int](repeating: -1, count: kept.count)
        for position in 0..<(kept.count + lag) {
            if position + ahead < kept.count { sampleIndex.prefetch(key: keys[position + ahead]) }
            if position < kept.count {
                let sample = kept[position]
                let (id, inserted) = sampleIndex.findOrInsert(key: keys[position], id: sampleStacks.count)
                if inserted {
                    sampleStacks.append(UInt32(truncatingIfNeeded: keys[position] >> 32))
                    sampleLabelSets.append(setIDs[Int(samples.sampleLabelSets[sample])])
                    for index in 0..<valueCount { values.append(samples.value(of: sample, index: index)) }
                } else {
                    found[position] = id
                    values.withUnsafeBufferPointer { proflens_prefetch($0.baseAddress! + id * valueCount) }
                }
            }
            let added = position - lag
            if added >= 0 && found[added] >= 0 {
                let id = found[added], sample = kept[added]
                for index in 0..<valueCount { values[id * valueCount + index] &+= samples.value(of: sample, index: index) }
            }
        }
    }

    /// Each string of `profile`'s table that its labels name to its merged string (appended
    /// when new), looked up a batch at a time; "" stays first. Only labels refer to the string
    /// table (everything else holds its strings), so a fleet profile's ten thousand function
    /// and file names are not looked up again; the strings no label names map to 0.
    private mutating func mergeStrings(of profile: Profile, into result: inout Profile) -> [Int32] {
        var named = [Bool](repeating: false, count: profile.stringTable.count)
        if !named.isEmpty { named[0] = true }
        for label in profile.samples.labelSets.labels {
            named[Int(label.key)] = true
            named[Int(label.str)] = true
            named[Int(label.numUnit)] = true
        }
        let strings = named.indices.filter { named[$0] }
        var merged = [Int32](repeating: 0, count: profile.stringTable.count)
        stringKeys.intern(each: strings.count, key: { item, bytes in
            bytes.append(contentsOf: profile.stringTable[strings[item]].utf8)
        }, found: { item, id, inserted in
            merged[strings[item]] = Int32(id)
            if inserted { result.stringTable.append(profile.stringTable[strings[item]]) }
        })
        return merged
    }

    /// Each function of `profile` to its merged function (appended when new), looked up a batch
    /// at a time.
    private mutating func mergeFunctions(of profile: Profile, into result: inout Profile) -> [Int32] {
        var merged = [Int32](repeating: 0, count: profile.functions.count)
        functionKeys.intern(each: profile.functions.count, key: { function, bytes in
            Self.appendKey(of: profile.functions[function], to: &bytes)
        }, found: { function, id, inserted in
            merged[function] = Int32(id)
            if inserted { result.functions.append(profile.functions[function]) }
        })
        return merged
    }

    /// What makes two functions one in pprof's merge, as bytes: the name, system name and file
    /// name (each after its length) and the start line.
    private static func appendKey(of function: Function, to bytes: inout [UInt8]) {
        func appendNumber(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func appendText(_ text: String) {
            appendNumber(UInt64(text.utf8.count))
            bytes.append(contentsOf: text.utf8)
        }
        appendText(function.name)
        appendText(function.systemName)
        appendText(function.filename)
        appendNumber(UInt64(bitPattern: function.startLine))
    }

    /// Each location of `profile` to its merged location (appended when new, with its mapping
    /// and functions merged), looked up a batch at a time so that the cache misses of a batch
    /// overlap; the ids are those one by one would give.
    private mutating func mergeLocations(of profile: Profile, into result: inout Profile, mappings: [Int32],
                                         functions: [Int32]) -> [UInt32] {
        var merged = [UInt32](repeating: 0, count: profile.locations.count)
        locationKeys.intern(each: profile.locations.count, key: { location, words in
            Self.appendKey(of: profile.locations[location], in: profile, mappings: mappings, functions: functions, to: &words)
        }, found: { location, id, inserted in
            merged[location] = UInt32(id)
            if inserted { Self.appendLocation(profile.locations[location], of: profile, to: &result, mappings: mappings, functions: functions) }
        })
        return merged
    }

    /// What makes two locations one in pprof's merge, as words: the address relative to the
    /// mapping, the merged mapping and whether it is folded, then each line's merged function
    /// and line number (so the count of lines too).
    private static func appendKey(of location: Location, in profile: Profile, mappings: [Int32], functions: [Int32],
                                  to words: inout [UInt64]) {
        var address = location.address, mapping: Int32 = -1
        if location.mappingIndex >= 0 {
            address = location.address &- profile.mappings[Int(location.mappingIndex)].memoryStart
            mapping = mappings[Int(location.mappingIndex)]
        }
        words.append(address)
        words.append(UInt64(UInt32(bitPattern: mapping)) << 1 | (location.isFolded ? 1 : 0))
        for line in profile.lines(of: location) {
            words.append(UInt64(UInt32(bitPattern: functions[Int(line.functionIndex)])))
            words.append(UInt64(bitPattern: line.line))
        }
    }

    /// A new merged location: the first met, with its mapping and its lines' functions merged.
    private static func appendLocation(_ location: Location, of profile: Profile, to result: inout Profile, mappings: [Int32],
                                       functions: [Int32]) {
        var record = location
        record.mappingIndex = location.mappingIndex >= 0 ? mappings[Int(location.mappingIndex)] : -1
        record.lineStart = Int32(result.lines.count)
        for line in profile.lines(of: location) {
            var line = line
            line.functionIndex = functions[Int(line.functionIndex)]
            result.lines.append(line)
        }
        result.locations.append(record)
    }

    /// Labels as the merge compares them: string labels and numeric labels, each key with its
    /// values in order, keys in any fixed order (here by string index); other labels ignored.
    static func comparedLabels(_ labels: [LabelReference]) -> [Int64] {
        let strings = labels.enumerated().filter { $0.element.isString }
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
        let numbers = labels.enumerated().filter { $0.element.isNumeric }
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
        var key: [Int64] = [Int64(strings.count)]
        for label in strings { key += [Int64(label.key), Int64(label.str)] }
        for label in numbers { key += [Int64(label.key), label.num, Int64(label.numUnit)] }
        return key
    }
}

/// The merged samples by key (merged stack << 32 | compared labels), open addressing over
/// (key, id) pairs: a probe reads the key in the slot, on one cache line, instead of reading
/// an id there and its key elsewhere.
private struct SampleKeyTable {
    /// Two words a slot: the key (`empty`: none), then the id.
    private var entries = [UInt64](repeating: empty, count: 2 * 1024)
    private var count = 0
    private static let empty = UInt64.max

    private var mask: Int { entries.count / 2 - 1 }

    @inline(__always)
    private static func home(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: OpenAddressingIndex.hash(key)) & mask
    }

    /// Asks for the cache line of `key`'s home slot.
    @inline(__always)
    func prefetch(key: UInt64) {
        let slot = Self.home(key, mask)
        entries.withUnsafeBufferPointer { proflens_prefetch($0.baseAddress! + 2 * slot) }
    }

    /// The id stored with `key`; when there is none, `id` is stored with it (and returned).
    @inline(__always)
    mutating func findOrInsert(key: UInt64, id: Int) -> (id: Int, inserted: Bool) {
        precondition(key != Self.empty)
        let mask = self.mask
        var slot = Self.home(key, mask)
        while true {
            let stored = entries[2 * slot]
            if stored == key { return (Int(truncatingIfNeeded: entries[2 * slot + 1]), false) }
            if stored == Self.empty { break }
            slot = (slot + 1) & mask
        }
        entries[2 * slot] = key
        entries[2 * slot + 1] = UInt64(id)
        count += 1
        if count * 2 > entries.count / 2 { grow() }
        return (id, true)
    }

    private mutating func grow() {
        let old = entries
        entries = [UInt64](repeating: Self.empty, count: old.count * 2)
        let mask = self.mask
        for slot in 0..<(old.count / 2) where old[2 * slot] != Self.empty {
            var new = Self.home(old[2 * slot], mask)
            while entries[2 * new] != Self.empty { new = (new + 1) & mask }
            entries[2 * new] = old[2 * slot]
            entries[2 * new + 1] = old[2 * slot + 1]
        }
    }
}
