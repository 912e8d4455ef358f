/// Builds the Profile of a legacy profile as go tool pprof's parsers build theirs: a location
/// per address (numbered in the order the samples first use them), no functions or lines (the
/// addresses are all these formats hold: pprof ignores the names in their `#` comments), the
/// mappings of the memory map, and the drop_frames pprof gives the kind of profile.
struct LegacyProfileBuilder {
    private var profile = Profile()
    private var locationIndex: [UInt64: UInt32] = [:]
    private var addresses: [UInt64] = []
    /// The string-table index of the unit of numeric labels whose value is 0.
    private var emptyUnit: Int32?

    init(sampleTypes: [ValueType], periodType: ValueType, period: Int64) {
        profile.sampleTypes = sampleTypes
        profile.periodType = periodType
        profile.period = period
        profile.samples.valueCount = sampleTypes.count
    }

    var period: Int64 {
        get { profile.period }
        set { profile.period = newValue }
    }

    var durationNanos: Int64 {
        get { profile.durationNanos }
        set { profile.durationNanos = newValue }
    }

    /// The location of an address, made the first time.
    mutating func location(_ address: UInt64) -> UInt32 {
        if let index = locationIndex[address] { return index }
        let index = UInt32(addresses.count)
        locationIndex[address] = index
        addresses.append(address)
        return index
    }

    mutating func addSample(_ stack: [UInt32], values: [Int64], labels: [LabelReference] = []) {
        profile.samples.append(stack: stack, values: values, labels: labels)
    }

    /// The index of `text` in the string table, added the first time.
    mutating func string(_ text: String) -> Int32 {
        if let index = profile.stringTable.firstIndex(of: text) { return Int32(index) }
        profile.stringTable.append(text)
        return Int32(profile.stringTable.count - 1)
    }

    /// A numeric label. pprof's parsers keep one even when its value is 0 (a heap sample's
    /// `bytes` when it has no objects), which profile.proto cannot say: a label with neither a
    /// string, a number nor a unit is no label. Such a label here names as its unit a second
    /// empty string of the string table, so that it is numeric, with no unit.
    mutating func numericLabel(_ key: String, _ value: Int64) -> LabelReference {
        let keyIndex = string(key)
        if value != 0 { return LabelReference(key: keyIndex, str: 0, numUnit: 0, num: value) }
        if emptyUnit == nil {
            profile.stringTable.append("")
            emptyUnit = Int32(profile.stringTable.count - 1)
        }
        return LabelReference(key: keyIndex, str: 0, numUnit: emptyUnit!, num: 0)
    }

    /// The profile, with the mappings of the memory map (as read: pprof's corrections are made
    /// here) and each location's mapping.
    mutating func finish(mappings read: [Mapping]) -> Profile {
        var mappings = MemoryMapReader.massaged(read)
        let mappingOfLocation = MappingAssignment.assign(addresses, to: &mappings)
        profile.mappings = mappings
        profile.locations = addresses.enumerated().map { index, address in
            var location = Location()
            location.id = UInt64(index + 1)
            location.address = address
            location.mappingIndex = mappingOfLocation[index]
            return location
        }
        (profile.dropFrames, profile.keepFrames) = Self.frameRules(profile.sampleTypes.map(\.type))
        return profile
    }

    /// pprof's drop_frames and keep_frames for a legacy profile, by its sample types: the
    /// allocator's frames for a heap profile, the lock's for a contention profile, the CPU
    /// profiler's signal handling otherwise (pprof's lists, facts of its behaviour).
    static func frameRules(_ types: [String]) -> (drop: String, keep: String) {
        let heap = [["allocations", "size"], ["objects", "space"], ["inuse_objects", "inuse_space"], ["alloc_objects", "alloc_space"],
                    ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"]]
        if heap.contains(types) { return (allocatorFrames.joined(separator: "|"), keptRuntimeFrames.joined(separator: "|")) }
        if types == ["contentions", "delay"] { return (lockFrames.joined(separator: "|"), "") }
        return (profilerFrames.joined(separator: "|"), "")
    }

    private static let allocatorFrames = [
        "calloc", "cfree", "malloc", "free", "memalign", "do_memalign", "(__)?posix_memalign", "pvalloc", "valloc", "realloc",
        "tcmalloc::.*", "tc_calloc", "tc_cfree", "tc_malloc", "tc_free", "tc_memalign", "tc_posix_memalign", "tc_pvalloc",
        "tc_valloc", "tc_realloc", "tc_new", "tc_delete", "tc_newarray", "tc_deletearray", "tc_new_nothrow",
        "tc_newarray_nothrow",
        "malloc_zone_malloc", "malloc_zone_calloc", "malloc_zone_valloc", "malloc_zone_realloc", "malloc_zone_memalign",
        "malloc_zone_free",
        #"runtime\..*"#,
        "BaseArena::.*", "(::)?do_malloc_no_errno", "(::)?do_malloc_pages", "(::)?do_malloc", "DoSampledAllocation",
        "MallocedMemBlock::MallocedMemBlock", "_M_allocate", "__builtin_(vec_)?delete", "__builtin_(vec_)?new",
        "__gnu_cxx::new_allocator::allocate", "__libc_malloc", "__malloc_alloc_template::allocate", "allocate", "cpp_alloc",
        #"operator new(\[\])?"#, "simple_alloc::allocate",
    ]

    private static let keptRuntimeFrames = [#"runtime\.panic"#, #"runtime\.reflectcall"#, #"runtime\.call[0-9]*"#]

    private static let profilerFrames = [
        "ProfileData::Add", "ProfileData::prof_handler", "CpuProfiler::prof_handler", "__pthread_sighandler", "__restore",
    ]

    private static let lockFrames = [
        "RecordLockProfileData", "(base::)?RecordLockProfileData.*", "(base::)?SubmitMutexProfileData.*",
        "(base::)?SubmitSpinLockProfileData.*", "(base::Mutex::)?AwaitCommon.*", "(base::Mutex::)?Unlock.*",
        "(base::Mutex::)?UnlockSlow.*", "(base::Mutex::)?ReaderUnlock.*", "(base::MutexLock::)?~MutexLock.*",
        "(Mutex::)?AwaitCommon.*", "(Mutex::)?Unlock.*", "(Mutex::)?UnlockSlow.*", "(Mutex::)?ReaderUnlock.*",
        "(MutexLock::)?~MutexLock.*", "(SpinLock::)?Unlock.*", "(SpinLock::)?SlowUnlock.*", "(SpinLockHolder::)?~SpinLockHolder.*",
    ]
}
