// The fixed, hand-written part of the synthetic program: Go runtime and
// standard-library functions, the call chains they appear in, and the roots
// of goroutine stacks. The application part (github.com/acme/...) is
// generated in CodeBase.swift.
//
// A frame spec is one Location: "a|b|c" lists the functions of its Line
// entries innermost first, i.e. a was inlined into b, b into c, and c is the
// function the address really belongs to.

enum Catalog {
    static let goRoot = "/usr/local/go/src/"
    static let appRoot = "/home/build/go/src/github.com/acme/"

    /// Standard functions: name, file under goRoot (or absolute), start line.
    static let stdFunctions: [(name: String, file: String, line: Int)] = [
        ("runtime.main", "runtime/proc.go", 144),
        ("runtime.goexit", "runtime/asm_amd64.s", 1593),
        ("runtime.mcall", "runtime/asm_amd64.s", 425),
        ("runtime.systemstack", "runtime/asm_amd64.s", 492),
        ("runtime.mallocgc", "runtime/malloc.go", 905),
        ("runtime.nextFreeFast", "runtime/malloc.go", 828),
        ("runtime.newobject", "runtime/malloc.go", 1191),
        ("runtime.makeslice", "runtime/slice.go", 88),
        ("runtime.growslice", "runtime/slice.go", 162),
        ("runtime.memmove", "runtime/memmove_amd64.s", 33),
        ("runtime.memclrNoHeapPointers", "runtime/memclr_amd64.s", 13),
        ("runtime.mapassign_faststr", "runtime/map_faststr.go", 203),
        ("runtime.mapaccess1_faststr", "runtime/map_faststr.go", 13),
        ("runtime.mapaccess2_faststr", "runtime/map_faststr.go", 108),
        ("runtime.mapdelete_faststr", "runtime/map_faststr.go", 302),
        ("runtime.growWork_faststr", "runtime/map_faststr.go", 377),
        ("runtime.evacuate_faststr", "runtime/map_faststr.go", 388),
        ("runtime.mapassign", "runtime/map.go", 579),
        ("runtime.mapaccess1", "runtime/map.go", 395),
        ("runtime.mapiterinit", "runtime/map.go", 815),
        ("runtime.mapiternext", "runtime/map.go", 858),
        ("runtime.makemap", "runtime/map.go", 304),
        ("runtime.(*bmap).overflow", "runtime/map.go", 209),
        ("runtime.add", "runtime/stubs.go", 16),
        ("runtime.aeshashbody", "runtime/asm_amd64.s", 1129),
        ("runtime.concatstrings", "runtime/string.go", 21),
        ("runtime.concatstring2", "runtime/string.go", 59),
        ("runtime.concatstring3", "runtime/string.go", 63),
        ("runtime.slicebytetostring", "runtime/string.go", 81),
        ("runtime.convTstring", "runtime/iface.go", 386),
        ("runtime.assertE2I2", "runtime/iface.go", 456),
        ("runtime.typedmemmove", "runtime/mbarrier.go", 152),
        ("runtime.gcWriteBarrier", "runtime/asm_amd64.s", 1620),
        ("runtime.selectgo", "runtime/select.go", 121),
        ("runtime.procyield", "runtime/asm_amd64.s", 723),
        ("runtime.chansend1", "runtime/chan.go", 144),
        ("runtime.chansend", "runtime/chan.go", 160),
        ("runtime.send", "runtime/chan.go", 294),
        ("runtime.goready", "runtime/proc.go", 386),
        ("runtime.goready.func1", "runtime/proc.go", 387),
        ("runtime.ready", "runtime/proc.go", 847),
        ("runtime.wakep", "runtime/proc.go", 2582),
        ("runtime.startm", "runtime/proc.go", 2318),
        ("runtime.notewakeup", "runtime/lock_futex.go", 129),
        ("runtime.futexwakeup", "runtime/os_linux.go", 82),
        ("runtime.futex", "runtime/sys_linux_amd64.s", 553),
        ("runtime.futexsleep", "runtime/os_linux.go", 62),
        ("runtime.notesleep", "runtime/lock_futex.go", 151),
        ("runtime.stopm", "runtime/proc.go", 2246),
        ("runtime.findrunnable", "runtime/proc.go", 2611),
        ("runtime.schedule", "runtime/proc.go", 3187),
        ("runtime.park_m", "runtime/proc.go", 3336),
        ("runtime.gcBgMarkWorker", "runtime/mgc.go", 1200),
        ("runtime.gcBgMarkWorker.func2", "runtime/mgc.go", 1292),
        ("runtime.gcDrain", "runtime/mgcmark.go", 1003),
        ("runtime.scanobject", "runtime/mgcmark.go", 1255),
        ("runtime.greyobject", "runtime/mgcmark.go", 1420),
        ("runtime.findObject", "runtime/mbitmap.go", 338),
        ("runtime.spanOf", "runtime/mheap.go", 622),
        ("runtime.markroot", "runtime/mgcmark.go", 160),
        ("runtime.markrootBlock", "runtime/mgcmark.go", 249),
        ("runtime.scanblock", "runtime/mgcmark.go", 1212),
        ("runtime.(*gcWork).put", "runtime/mgcwork.go", 107),
        ("runtime/internal/syscall.Syscall6", "runtime/internal/syscall/asm_linux_amd64.s", 36),
        ("syscall.Syscall", "syscall/syscall_linux.go", 68),
        ("syscall.write", "syscall/zsyscall_linux_amd64.go", 916),
        ("syscall.Write", "syscall/syscall_unix.go", 209),
        ("syscall.read", "syscall/zsyscall_linux_amd64.go", 691),
        ("syscall.Read", "syscall/syscall_unix.go", 181),
        ("internal/poll.ignoringEINTRIO", "internal/poll/fd_unix.go", 793),
        ("internal/poll.(*FD).Write", "internal/poll/fd_unix.go", 368),
        ("internal/poll.(*FD).Read", "internal/poll/fd_unix.go", 155),
        ("net.(*netFD).Write", "net/fd_posix.go", 95),
        ("net.(*netFD).Read", "net/fd_posix.go", 54),
        ("net.(*conn).Write", "net/net.go", 193),
        ("net.(*conn).Read", "net/net.go", 181),
        ("bufio.(*Writer).Flush", "bufio/bufio.go", 627),
        ("bufio.(*Reader).fill", "bufio/bufio.go", 100),
        ("net/http.(*conn).serve", "net/http/server.go", 1882),
        ("net/http.serverHandler.ServeHTTP", "net/http/server.go", 2929),
        ("net/http.(*ServeMux).ServeHTTP", "net/http/server.go", 2477),
        ("net/http.HandlerFunc.ServeHTTP", "net/http/server.go", 2108),
        ("encoding/json.Marshal", "encoding/json/encode.go", 158),
        ("encoding/json.(*encodeState).marshal", "encoding/json/encode.go", 291),
        ("encoding/json.(*encodeState).reflectValue", "encoding/json/encode.go", 323),
        ("encoding/json.ptrEncoder.encode", "encoding/json/encode.go", 864),
        ("encoding/json.structEncoder.encode", "encoding/json/encode.go", 743),
        ("encoding/json.stringEncoder", "encoding/json/encode.go", 614),
        ("encoding/json.(*encodeState).string", "encoding/json/encode.go", 1037),
        ("encoding/json.Unmarshal", "encoding/json/decode.go", 96),
        ("encoding/json.checkValid", "encoding/json/scanner.go", 32),
        ("encoding/json.(*decodeState).unmarshal", "encoding/json/decode.go", 177),
        ("encoding/json.(*decodeState).value", "encoding/json/decode.go", 381),
        ("encoding/json.(*decodeState).object", "encoding/json/decode.go", 611),
        ("sync.(*Mutex).Lock", "sync/mutex.go", 81),
        ("sync.(*Mutex).lockSlow", "sync/mutex.go", 108),
        ("sync.(*Mutex).Unlock", "sync/mutex.go", 212),
        ("strconv.AppendInt", "strconv/itoa.go", 30),
        ("strconv.formatBits", "strconv/itoa.go", 97),
        ("fmt.Sprintf", "fmt/print.go", 217),
        ("fmt.(*pp).doPrintf", "fmt/print.go", 1017),
        ("fmt.(*pp).printArg", "fmt/print.go", 652),
        ("fmt.(*pp).fmtInteger", "fmt/print.go", 372),
        ("fmt.(*fmt).fmtInteger", "fmt/format.go", 187),
        ("strings.(*Builder).WriteString", "strings/builder.go", 121),
        ("strings.(*Builder).grow", "strings/builder.go", 68),
        ("bytes.(*Buffer).Write", "bytes/buffer.go", 168),
        ("bytes.(*Buffer).grow", "bytes/buffer.go", 118),
        ("sort.Slice", "sort/slice.go", 20),
        ("sort.pdqsort_func", "sort/zsortfunc.go", 61),
        ("sort.insertionSort_func", "sort/zsortfunc.go", 12),
        ("crypto/sha256.block", "crypto/sha256/sha256block_amd64.s", 700),
        ("crypto/sha256.(*digest).Write", "crypto/sha256/sha256.go", 176),
        ("crypto/sha256.Sum256", "crypto/sha256/sha256.go", 255),
        ("compress/flate.(*compressor).deflate", "compress/flate/deflate.go", 403),
        ("compress/flate.(*compressor).write", "compress/flate/deflate.go", 547),
        ("compress/flate.(*Writer).Write", "compress/flate/deflate.go", 712),
        ("compress/gzip.(*Writer).Write", "compress/gzip/gzip.go", 196),
        ("time.Now", "time/time.go", 1096),
        ("time.now", "runtime/timestub.go", 15),
        ("context.(*cancelCtx).Done", "context/context.go", 362),
        ("reflect.Value.Field", "reflect/value.go", 1270),
        ("main.main", "/home/build/go/src/github.com/acme/service/main.go", 41),
        ("main.startWorkers.func1", "/home/build/go/src/github.com/acme/service/main.go", 88),
    ]

    /// Chains an application frame calls into, leaf first. Earlier ones are
    /// picked more often (Zipf), so allocation and map frames dominate the
    /// flat profile as they do in real Go services.
    static let tails: [[String]] = [
        ["runtime.nextFreeFast|runtime.mallocgc", "runtime.newobject"],
        ["runtime.mallocgc", "runtime.newobject"],
        ["runtime.mapassign_faststr"],
        ["runtime.memmove", "runtime.growslice"],
        ["runtime.mapaccess2_faststr"],
        ["runtime.memclrNoHeapPointers", "runtime.mallocgc", "runtime.makeslice"],
        ["runtime.mapaccess1_faststr"],
        ["runtime.aeshashbody", "runtime.mapassign_faststr"],
        ["runtime.mallocgc", "runtime.growslice"],
        ["runtime.evacuate_faststr", "runtime.growWork_faststr", "runtime.mapassign_faststr"],
        ["runtime.mapiternext"],
        ["runtime.add|runtime.(*bmap).overflow|runtime.mapassign_faststr"],
        ["runtime.memmove"],
        ["runtime.mapassign"],
        ["runtime.mapiternext", "runtime.mapiterinit"],
        ["runtime.mapaccess1"],
        ["runtime.mallocgc", "runtime.makemap"],
        ["runtime.mapdelete_faststr"],
        ["runtime.mallocgc", "runtime.convTstring"],
        ["runtime.concatstrings", "runtime.concatstring2"],
        ["runtime.memmove", "runtime.concatstrings", "runtime.concatstring3"],
        ["runtime.slicebytetostring"],
        ["runtime.typedmemmove"],
        ["runtime.gcWriteBarrier"],
        ["runtime.assertE2I2"],
        ["runtime.selectgo"],
        ["sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock"],
        ["runtime.procyield", "sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock"],
        ["sync.(*Mutex).Unlock"],
        ["strconv.formatBits", "strconv.AppendInt"],
        ["fmt.(*fmt).fmtInteger", "fmt.(*pp).fmtInteger", "fmt.(*pp).printArg", "fmt.(*pp).doPrintf", "fmt.Sprintf"],
        ["runtime.mallocgc", "runtime.growslice", "strings.(*Builder).grow|strings.(*Builder).WriteString"],
        ["runtime.memmove", "bytes.(*Buffer).grow", "bytes.(*Buffer).Write"],
        [
            "encoding/json.(*encodeState).string", "encoding/json.stringEncoder",
            "encoding/json.structEncoder.encode", "encoding/json.ptrEncoder.encode",
            "encoding/json.(*encodeState).reflectValue", "encoding/json.(*encodeState).marshal",
            "encoding/json.Marshal",
        ],
        ["encoding/json.checkValid", "encoding/json.Unmarshal"],
        [
            "encoding/json.(*decodeState).object", "encoding/json.(*decodeState).value",
            "encoding/json.(*decodeState).unmarshal", "encoding/json.Unmarshal",
        ],
        [
            "runtime/internal/syscall.Syscall6", "syscall.Syscall", "syscall.write", "syscall.Write",
            "internal/poll.ignoringEINTRIO|internal/poll.(*FD).Write", "net.(*netFD).Write",
            "net.(*conn).Write", "bufio.(*Writer).Flush",
        ],
        [
            "runtime/internal/syscall.Syscall6", "syscall.Syscall", "syscall.read", "syscall.Read",
            "internal/poll.ignoringEINTRIO|internal/poll.(*FD).Read", "net.(*netFD).Read",
            "net.(*conn).Read", "bufio.(*Reader).fill",
        ],
        [
            "runtime.futex", "runtime.futexwakeup", "runtime.notewakeup", "runtime.startm",
            "runtime.wakep", "runtime.ready", "runtime.goready.func1", "runtime.systemstack",
            "runtime.goready", "runtime.send", "runtime.chansend", "runtime.chansend1",
        ],
        ["crypto/sha256.block", "crypto/sha256.(*digest).Write", "crypto/sha256.Sum256"],
        [
            "compress/flate.(*compressor).deflate", "compress/flate.(*compressor).write",
            "compress/flate.(*Writer).Write", "compress/gzip.(*Writer).Write",
        ],
        ["time.now", "time.Now"],
        ["context.(*cancelCtx).Done"],
        ["reflect.Value.Field"],
        ["sort.insertionSort_func", "sort.pdqsort_func", "sort.Slice"],
    ]

    /// Whole stacks of runtime goroutines (GC workers, the scheduler), leaf first.
    static let systemStacks: [[String]] = [
        [
            "runtime.(*gcWork).put", "runtime.greyobject", "runtime.scanobject", "runtime.gcDrain",
            "runtime.gcBgMarkWorker.func2", "runtime.systemstack", "runtime.gcBgMarkWorker", "runtime.goexit",
        ],
        [
            "runtime.spanOf|runtime.findObject", "runtime.scanblock", "runtime.markrootBlock",
            "runtime.markroot", "runtime.gcDrain", "runtime.gcBgMarkWorker.func2", "runtime.systemstack",
            "runtime.gcBgMarkWorker", "runtime.goexit",
        ],
        [
            "runtime.findObject", "runtime.scanblock", "runtime.markrootBlock", "runtime.markroot",
            "runtime.gcDrain", "runtime.gcBgMarkWorker.func2", "runtime.systemstack",
            "runtime.gcBgMarkWorker", "runtime.goexit",
        ],
        [
            "runtime.futex", "runtime.futexsleep", "runtime.notesleep", "runtime.stopm",
            "runtime.findrunnable", "runtime.schedule", "runtime.park_m", "runtime.mcall",
        ],
    ]

    /// How an application goroutine's stack starts, outermost first. The last
    /// frame's location is per call site (see CodeBase.addRoots).
    enum RootKind: Int, CaseIterable {
        case main = 0   // runtime.main -> main.main -> ...
        case http = 1   // net/http server goroutine -> handler
        case worker = 2 // background worker goroutine

        var chain: [String] {
            switch self {
            case .main:
                return ["runtime.main", "main.main"]
            case .http:
                return [
                    "runtime.goexit", "net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP",
                    "net/http.(*ServeMux).ServeHTTP", "net/http.HandlerFunc.ServeHTTP",
                ]
            case .worker:
                return ["runtime.goexit", "main.startWorkers.func1"]
            }
        }

        /// Share of new top-level branches.
        static let weights: [Double] = [0.6, 0.3, 0.1]
    }

    static let endpoints: [String] = {
        var result: [String] = []
        for version in 1...3 {
            for resource in ["orders", "users", "payments", "search", "inventory", "sessions", "metrics", "reports"] {
                result.append("/api/v\(version)/\(resource)")
            }
        }
        return result
    }()
}
