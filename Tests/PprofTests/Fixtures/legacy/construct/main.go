// Writes, by hand, profiles in the formats go tool pprof reads besides profile.proto that no
// current program writes: the legacy binary CPU profile (Go before 1.9, gperftools), in 64-bit
// little-endian and 32-bit big-endian words, and gperftools' text heap and contention
// profiles. Each is made to exercise what pprof does with it: a signal-handler frame under
// most samples (removed), a leaf written twice (once as a return address), mappings from the
// memory map after the samples (adjacent ones merged, non-executable ones skipped, the main
// binary moved first), sampled heap values (scaled up), contention cycles turned into time.
// The mapped files do not exist, so that pprof cannot symbolize them on any machine.
//
//	go run main.go OUTDIR
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := os.Args[1]
	write(out, "cpu-64le.prof", cpuProfile(8, binary.LittleEndian, true))
	write(out, "cpu-32be.prof", cpuProfile(4, binary.BigEndian, false))
	write(out, "heap-v2.txt", []byte(heapV2))
	write(out, "heapprofile.txt", []byte(heapProfile))
	write(out, "growthz.txt", []byte(growthz))
	write(out, "contentionz.txt", []byte(contentionz))
}

func write(dir, name string, data []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// The program's text is at 0x400000 (mapped from /opt/textfmt/bin/server, in two pieces),
// libc's at 0x7f000000 (/opt/textfmt/lib/libc.so.6). Every address fits in 32 bits.
const (
	handler = 0x7f001234 // the signal handler's frame, under nearly every sample
	main_   = 0x401000
	serve   = 0x402000
	parse   = 0x403000
	hash    = 0x404000
	memcpy  = 0x7f005000
)

const memoryMap = `00400000-00405000 r-xp 00000000 08:01 4242 /opt/textfmt/bin/server
00405000-00408000 r-xp 00005000 08:01 4242 /opt/textfmt/bin/server
00608000-00609000 rw-p 00008000 08:01 4242 /opt/textfmt/bin/server
7f000000-7f010000 r-xp 00000000 08:01 777 /opt/textfmt/lib/libc.so.6
7ffd0000-7ffd2100 rw-p 00000000 00:00 0 [stack]
`

// cpuProfile: header 0, 3, 0, period (µs), 0; records count, depth, PCs (leaf first, callers
// as return addresses); trailer 0, 1, 0; then the memory map when withMap.
func cpuProfile(wordSize int, order binary.AppendByteOrder, withMap bool) []byte {
	var b []byte
	word := func(v uint64) {
		if wordSize == 8 {
			b = order.AppendUint64(b, v)
		} else {
			b = order.AppendUint32(b, uint32(v))
		}
	}
	record := func(count uint64, pcs ...uint64) {
		word(count)
		word(uint64(len(pcs)))
		for _, pc := range pcs {
			word(pc)
		}
	}
	for _, w := range []uint64{0, 3, 0, 10000, 0} {
		word(w)
	}
	// The handler's frame is second in 39 of 40 samples: pprof removes it.
	for i := 0; i < 13; i++ {
		record(3, hash+0x10, handler+1, parse+0x21, serve+0x31, main_+0x41)
	}
	record(5, memcpy+0x8, handler+1, hash+0x11, parse+0x21, serve+0x31, main_+0x41)
	// The leaf also as the first return address: that copy goes.
	record(2, parse+0x40, handler+1, parse+0x40, serve+0x31, main_+0x41)
	for i := 0; i < 24; i++ {
		record(1, serve+0x50, handler+1, serve+0x61, main_+0x41)
	}
	record(4, main_+0x70) // a single frame: nothing to remove
	for _, w := range []uint64{0, 1, 0} {
		word(w)
	}
	if withMap {
		b = append(b, memoryMap...)
	}
	return b
}

// A sampled heap profile (heap_v2, one sample every 512 KiB on average): values are scaled
// up by 1/(1-exp(-average size/rate)). Addresses as gperftools writes them (%08x).
var heapV2 = `heap profile:    5:  1114112 [   12:  1900544] @ heap_v2/524288
     2:  1048576 [     4:  1310720] @ 0x00404011 0x00403022 0x00402032 0x00401042
     3:    65536 [     6:   524288] @ 0x7f005009 0x00404011 0x00403022 0x00402032 0x00401042
     0:        0 [     2:    65536] @ 0x00406001 0x00401042

MAPPED_LIBRARIES:
` + memoryMap

// An unsampled heap profile whose in-use and allocated totals agree: two sample types.
// Its memory map has a logging prefix on one line, an attribute used by a later line, and a
// line in the brief format (start-end file (@offset) build-id).
var heapProfile = `heap profile:    4:    40960 [    4:    40960] @ heapprofile
     1:    16384 [     1:    16384] @ 0x00404011 0x00403022 0x00401042
     2:     8192 [     2:     8192] @ 0x7f101001 0x00402032 0x00401042
     1:    16384 [     1:    16384] @ 0x7f201001 0x00401042
MAPPED_LIBRARIES:
I0101 12:00:00.000000  1234 maps.cc:42] 00400000-00408000 r-xp 00000000 08:01 4242 /opt/textfmt/bin/server
prefix=/opt/textfmt/lib
7f100000-7f110000 r-xp 00000000 08:01 778 $prefix/libz.so.1
0x7f200000-0x7f210000 /opt/textfmt/lib/libm.so.6 (@1000) 0123abcd
`

// A growth profile: period 1, two sample types, no memory map.
var growthz = `heap profile:    3:  3145728 [    3:  3145728] @ growthz
     2:  2097152 [     2:  2097152] @ 0x00404011 0x00403022 0x00402032 0x00401042
     1:  1048576 [     1:  1048576] @ 0x00406001 0x00401042
`

// A C++ contention profile: delays in cycles at 2 GHz, one event in 100 recorded.
var contentionz = `--- contentionz 1 ---
cycles/second = 2000000000
sampling period = 100
ms since reset = 60000
discarded samples = 0
  40000000 25 @ 0x00404011 0x00403022 0x00402032 0x00401042
   6000000  3 @ 0x7f005009 0x00403022 0x00402032 0x00401042
    100000  1 @ 0x00406001 0x00401042
--- Memory map: ---
` + memoryMap
