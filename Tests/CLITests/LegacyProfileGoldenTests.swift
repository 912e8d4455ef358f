import Foundation
import Testing
import TestSupport

/// `top` and `traces` on the profiles go tool pprof reads besides profile.proto — Go's text
/// profiles (?debug=1) from Go 1.27 and Go 1.19, the legacy binary CPU profile, gperftools'
/// heap profiles and a C++ contention profile — byte for byte what Go 1.27's pprof prints
/// (goldens and how they were made: Tests/PprofTests/Fixtures/legacy/COMMANDS.md).
@Suite struct LegacyProfileGoldenTests {
    static let folder = CLI.packageRoot.appendingPathComponent("Tests/PprofTests/Fixtures/legacy")

    static let profiles = [
        "go1.27/heap.txt", "go1.27/allocs.txt", "go1.27/goroutine.txt", "go1.27/mutex.txt", "go1.27/block.txt",
        "go1.27/threadcreate.txt",
        "go1.19/heap.txt", "go1.19/allocs.txt", "go1.19/goroutine.txt", "go1.19/mutex.txt", "go1.19/block.txt",
        "constructed/cpu-64le.prof", "constructed/cpu-32be.prof", "constructed/heap-v2.txt", "constructed/heapprofile.txt",
        "constructed/growthz.txt", "constructed/contentionz.txt",
    ]

    static func golden(_ profile: String, _ report: String) throws -> String {
        let base = (profile as NSString).deletingPathExtension
        return try String(contentsOf: folder.appendingPathComponent("\(base).\(report).txt"), encoding: .utf8)
    }

    @Test(arguments: profiles, ["top", "traces"])
    func sameAsPprof(_ profile: String, _ report: String) throws {
        let expected = try Self.golden(profile, report)
        let result = try CLI.run([report, Self.folder.appendingPathComponent(profile).path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == expected)
    }

    /// gzip-compressed (pprof inflates any input first) and from standard input, the same.
    @Test(arguments: ["go1.27/goroutine.txt", "constructed/cpu-64le.prof", "constructed/contentionz.txt"])
    func compressedAndStandardInput(_ profile: String) throws {
        let expected = try Self.golden(profile, "top")
        let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(profile)))
        let compressed = try CLI.temporaryFile(try gzipWithTool(bytes))
        defer { try? FileManager.default.removeItem(at: compressed) }
        let fromGzip = try CLI.run(["top", compressed.path])
        #expect(fromGzip.status == 0 && fromGzip.text == expected, "\(fromGzip.stderr)")
        let fromStandardInput = try CLI.run(["top", "-"], stdin: Self.folder.appendingPathComponent(profile))
        #expect(fromStandardInput.status == 0 && fromStandardInput.text == expected, "\(fromStandardInput.stderr)")
    }

    /// Go 1.19's threadcreate profile has stacks without addresses (`4 @`), which pprof
    /// refuses ("malformed profile format"): so does proflens, saying why.
    @Test func emptyStacksAreRefusedAsByPprof() throws {
        let path = Self.folder.appendingPathComponent("go1.19/threadcreate.txt").path
        let result = try CLI.run(["top", path])
        #expect(result.status == 65 && result.stdout.isEmpty)
        #expect(result.stderr == "proflens: \(path): malformed profile: Go's text threadcreate profile, line 2: the stack `4 @` has no addresses\n",
                "\(result.stderr)")
    }

    /// Shapes the fixtures do not have, each run through Go 1.27's pprof now: the same report.
    static let shapes: [(name: String, text: String)] = [
        ("memory-map", """
            heap profile:   4:   40960 [   4:   40960] @ heapprofile
                 1:   16384 [    1:   16384] @ 0x00404011 0x00403022 0x00401042
                 2:    8192 [    2:    8192] @ 0x7f101001 0x00402032 0x00401042
                 1:   16384 [    1:   16384] @ 0x7f201001 0x003ff001 0x00501001
            MAPPED_LIBRARIES:
            00300000-00380000 r--p 00000000 08:01 4242 /opt/textfmt/bin/data
            I0101 12:00:00.000000  1234 maps.cc:42] 00400000-00404000 r-xp 00010000 08:01 4242 /opt/textfmt/bin/server
            00404000-00408000 r-xp 00014000 08:01 4242 /opt/textfmt/bin/server
            00500000-00510000 r-xp 00000000 08:01 4243 /opt/textfmt/bin/other (deleted)
            prefix = /opt/textfmt/lib
            7f100000-7f110000 r-xp 00000000 08:01 778 $prefix/libz.so.1
            0x7f200000 0x7f210000 $prefix/libm.so.6 (@1000) 0123abcd

            """),
        ("goroutine-odd", """
            # a comment first

            goroutine profile: total 12
            010 @ 0x10 0x20 0x30
            # labels: {"a":"b"}
            #	0x10	main.f+0x1	main.go:3

            2 @ 0x20 0x30
            --- the end of the samples
            1 @ 0x99
            --- Memory map: ---
            0-40 r-xp 0 08:01 1 /opt/textfmt/app

            """),
        ("contention-odd", """
            --- contentionz 1 ---
            cycles/second = 0x77359400
            sampling period = 1_0
            ms since reset = 2500
            123 @ 0x00404011 0x00403022
              9000000  7 @ 0x00404011 0x00403022 0x00401042
            --- Memory map: ---
            00400000-00410000 r-xp 00000000 08:01 1 /opt/textfmt/bin/server

            """),
        ("heap-odd", """
            heap profile: 3: 6144 [ 9: 24576] @ heap_v2/4096
            junk -2: -4096 [4: 8192] @ 0x10 0x20 0x30
            1:2048 [3: 8192 ] @ 0x10 0x40
            2: 8192 [2: 8192] @ 0x0x50 0x60
            0: 0 [0: 0] @ 0x70

            """),
    ]

    @Test(.needsGo127, arguments: shapes.map(\.name), ["top", "traces"])
    func sameAsPprofNow(_ name: String, _ report: String) throws {
        let text = try #require(Self.shapes.first { $0.name == name }).text
        let file = try CLI.temporaryFile(Array(text.utf8), name: "proflens-legacy-\(UUID().uuidString)-\(name).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let expected = try GoPprof.run(["-\(report)", file.path])
        let result = try CLI.run([report, file.path])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.text == String(decoding: expected, as: UTF8.self))
    }
}
