import TestSupport
import Foundation
import Testing

@testable import Pprof

/// Counts read from the corpus files with an independent wire-format scan (a few lines of
/// Python over the raw protobuf, not this library); the sample counts and type counts agree
/// with ../shared/corpus/MANIFEST.md.
struct CorpusFacts: Sendable, CustomTestStringConvertible {
    let file: String
    let samples: Int
    let types: Int
    let mappings: Int
    let locations: Int
    let functions: Int
    var testDescription: String { file }
}

@Suite(.needsCorpus) struct CorpusTests {
    static let facts: [CorpusFacts] = [
        CorpusFacts(file: "pprof-go-sample-cpu.pb.gz", samples: 76, types: 2, mappings: 3, locations: 86, functions: 14),
        CorpusFacts(file: "pprof-go-large-cpu.pb.gz", samples: 20430, types: 2, mappings: 4, locations: 23355, functions: 23038),
        CorpusFacts(file: "pprof-go-heap-nomappings-unsymbolized.pb.gz", samples: 2, types: 4, mappings: 0, locations: 11, functions: 0),
        CorpusFacts(file: "pprof-cpp-cpu-unsymbolized-dropframes.pb.gz", samples: 52, types: 1, mappings: 12, locations: 109, functions: 0),
        CorpusFacts(file: "notes-go-cpu-labels-tiny.pb.gz", samples: 6, types: 2, mappings: 1, locations: 5, functions: 6),
        CorpusFacts(file: "ddtrace-go-heap-uncompressed.pprof", samples: 5676, types: 4, mappings: 1, locations: 2040, functions: 1181),
        CorpusFacts(file: "pyroscope-go-cpu-merged-large.pb.gz", samples: 88814, types: 1, mappings: 1, locations: 29753, functions: 6681),
        CorpusFacts(file: "pyroscope-go-heap-delta-godeltaprof.pb.gz", samples: 38, types: 4, mappings: 3, locations: 262, functions: 252),
        CorpusFacts(file: "pyroscope-java-asyncprofiler-cpu.pb.gz", samples: 2614, types: 1, mappings: 0, locations: 201, functions: 201),
        CorpusFacts(file: "pyroscope-dotnet-labels.pprof", samples: 2814, types: 6, mappings: 0, locations: 48, functions: 48),
        CorpusFacts(file: "parca-agent-ebpf-node-jit.pb.gz", samples: 190, types: 1, mappings: 13, locations: 17, functions: 3),
        CorpusFacts(file: "parca-go-heap-zero-samples.pb.gz", samples: 54, types: 4, mappings: 1, locations: 200, functions: 193),
        CorpusFacts(file: "pyroscope-python-pyspy-notgzipped.pb.gz", samples: 16, types: 1, mappings: 0, locations: 12, functions: 7),
        CorpusFacts(file: "speedscope-go-cpu-nomappings.pb.gz", samples: 9, types: 2, mappings: 0, locations: 30, functions: 25),
    ]

    /// Reads a corpus file (the suite runs only where the corpus is).
    static func read(_ name: String) throws -> Profile {
        try ProfileReader().read(path: Corpus.profile(name).path)
    }

    @Test(.timeLimit(.minutes(2))) func everyFileDecodesExceptTheFunctionIDZeroOne() throws {
        let files = Corpus.profileNames
        #expect(files.contains(Corpus.rejected))
        let clock = ContinuousClock()
        var decoded = 0
        let start = clock.now
        for name in files {
            let path = Corpus.profile(name).path
            do throws(ProfileReadError) {
                let profile = try ProfileReader().read(path: path)
                #expect(name != Corpus.rejected, "\(name) should have been rejected (Function.id = 0)")
                let problems = invariantViolations(profile)
                #expect(problems.isEmpty, "\(name): \(problems)")
                decoded += 1
            } catch {
                if name == Corpus.rejected {
                    // Its first Function without an id is the message at byte 50230.
                    guard case .malformed(_, .reservedID(let offset, let message)) = error else {
                        Issue.record("\(name): expected reservedID(function), got \(error)")
                        continue
                    }
                    #expect(message == "function")
                    #expect(offset == 50230)
                } else {
                    Issue.record("\(name): \(error)")
                }
            }
        }
        let elapsed = clock.now - start
        #expect(decoded == files.count - 1)
        print("corpus: \(decoded) of \(files.count) files decoded in \(elapsed)")
    }

    @Test(arguments: facts) func countsMatchTheManifest(_ facts: CorpusFacts) throws {
        let profile = try Self.read(facts.file)
        #expect(profile.samples.count == facts.samples)
        #expect(profile.sampleTypes.count == facts.types)
        #expect(profile.mappings.count == facts.mappings)
        #expect(profile.locations.count == facts.locations)
        #expect(profile.functions.count == facts.functions)
    }

    @Test func godeltaprofStringTableHas178EmptyStrings() throws {
        let bytes = try Corpus.protobuf("pyroscope-go-heap-delta-godeltaprof.pb.gz")
        #expect(bytes.count == 31123)
        let raw = try bytes.withUnsafeBytes { try ProfileDecoder.decode($0) }
        #expect(raw.strings.count == 546)
        #expect(raw.strings.filter(\.isEmpty).count == 178)
        // Its ids are not 1...n: the first Location message has id 4.
        let profile = try Self.read("pyroscope-go-heap-delta-godeltaprof.pb.gz")
        #expect(profile.locations.first?.id == 4)
        #expect(profile.defaultSampleType == "alloc_space")
    }

    @Test func sampleTypesAndDefaults() throws {
        let dotnet = try Self.read("pyroscope-dotnet-labels.pprof")
        #expect(dotnet.sampleTypes.map { "\($0.type)/\($0.unit)" } == [
            "cpu/nanoseconds", "exception/count", "alloc_samples/count", "alloc_size/bytes", "lock_count/count", "lock_time/nanoseconds",
        ])
        let heap = try Self.read("pyroscope-go-heap-alloc-objects-only.pb.gz")
        #expect(heap.sampleTypes == [ValueType(type: "alloc_objects", unit: "count")])
        #expect(heap.defaultSampleType == "alloc_objects")
        #expect(heap.periodType == ValueType(type: "space", unit: "bytes") && heap.period == 524288)
        let merged = try Self.read("pyroscope-go-cpu-merged-large.pb.gz")
        #expect(merged.defaultSampleType == "cpu" && merged.period == 1_000_000_000)
        #expect(merged.timeNanos == 1_692_366_979_000_000_000 && merged.durationNanos == 3_668_963_000_000)
        let empty = try Self.read("parca-go-goroutine-empty-sampletype.pb.gz")
        #expect(empty.sampleTypes == [ValueType(type: "", unit: "")] && empty.timeNanos == 0)
    }

    @Test func oddValuesAndStacks() throws {
        let merged = try Self.read("pyroscope-go-cpu-merged-large.pb.gz")
        #expect((0..<merged.samples.count).filter { merged.samples.locations(of: $0).isEmpty }.count == 1)
        let negative = try Self.read("parca-go-heap-delta-negative.pb.gz")
        #expect(negative.samples.values.filter { $0 < 0 }.count == 288)
        let zeros = try Self.read("parca-go-heap-zero-samples.pb.gz")
        #expect((0..<zeros.samples.count).filter { s in (0..<4).allSatisfy { zeros.samples.value(of: s, index: $0) == 0 } }.count == 36)
        // async-profiler writes every location_id unpacked: 12,386 of them.
        let java = try Self.read("pyroscope-java-asyncprofiler-cpu.pb.gz")
        #expect((0..<java.samples.count).reduce(0) { $0 + java.samples.locations(of: $1).count } == 12386)
        #expect(java.comments == ["async-profiler"] && java.period == 0)
        let cpp = try Self.read("pprof-cpp-cpu-unsymbolized-dropframes.pb.gz")
        #expect(cpp.dropFrames == "ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore")
    }

    @Test func inlinedFramesOfTheGoSample() throws {
        // `go tool pprof -raw` prints location 5 as
        //   5: 0x40c4db M=1 runtime.tooManyOverflowBuckets .../hashmap.go:1001 s=0
        //              runtime.mapassign_fast64 .../hashmap_fast.go:572 s=0
        let profile = try Self.read("pprof-go-sample-cpu.pb.gz")
        let location = try #require(profile.locations.first { $0.id == 5 })
        #expect(location.address == 0x40c4db)
        let lines = profile.lines(of: location)
        #expect(lines.map { profile.functions[Int($0.functionIndex)].name } == ["runtime.tooManyOverflowBuckets", "runtime.mapassign_fast64"])
        #expect(lines.map(\.line) == [1001, 572])
        #expect(lines.map { profile.functions[Int($0.functionIndex)].filename.hasSuffix("/hashmap.go") } == [true, false])
        #expect(profile.mappings[Int(location.mappingIndex)].id == 1)
    }

    @Test func invalidUTF8File() throws {
        // Its second function's name is every byte value 0...255; time_nanos is 15e9.
        let profile = try Self.read("pyroscope-invalid-utf8.pb.gz")
        #expect(profile.functions.map { ProfileText.rawBytes($0.name) } == [Array("my".utf8), Array(0...255)])
        #expect(profile.timeNanos == 15_000_000_000)
        #expect(profile.defaultSampleType == "cpu")
        #expect(profile.samples.count == 1)
    }

    @Test func gzipAndRawCopiesDecodeAlike() throws {
        // Corpus .pb.gz files re-read from their inflated bytes, and raw files gzip'd here.
        let files = Corpus.profileNames
        for name in ["notes-go-goroutine-labels.pb.gz", "pyroscope-go-cpu-uncompressed.pb", "pyroscope-nodejs-heap-uncompressed.pprof"] where files.contains(name) {
            let original = try Corpus.bytes(name)
            let protobuf = try Corpus.protobuf(name)
            let other = original.starts(with: [0x1f, 0x8b]) ? protobuf : try gzipWithTool(protobuf)
            #expect(dump(try decode(original)) == dump(try decode(other)), "\(name)")
        }
    }
}
