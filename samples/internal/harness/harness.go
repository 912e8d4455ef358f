// Package harness holds the flag handling and profile writing shared by the
// sample programs, so that each program's main.go shows only its workload.
//
// None of its functions sit on the stacks of the work being profiled: a
// program calls StartCPU, runs its workload from main, then calls StopCPU and
// the Write* functions. The exceptions are WriteHeapEarly and
// WriteGoroutines, called partway through the run: the forced collection
// and the profile writing show in the CPU profile under
// harness.WriteHeapEarly / harness.WriteGoroutines (a few percent at most).
package harness

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

// MemProfileRate is low so that programs of this size still give a heap
// profile with enough samples (the default is one sample per 512 KiB).
const MemProfileRate = 4096

func init() {
	// Set as early as possible: allocations made before this line are
	// sampled at the default rate.
	runtime.MemProfileRate = MemProfileRate
}

// Options are the command-line flags of a sample program.
type Options struct {
	Fixed    bool   // run the corrected version of the workload
	Moderate bool   // run the anti-pattern diluted by unrelated healthy work
	Out      string // directory that receives the profiles
}

// Variants says which of -fixed and -moderate a program accepts.
type Variants uint8

const (
	// Fixed: the program has a corrected version of its workload (-fixed).
	Fixed Variants = 1 << iota
	// Moderate: the program can run its anti-pattern next to enough
	// unrelated healthy work that the pattern takes only about 10-20% of
	// the CPU (-moderate).
	Moderate
)

// ParseFlags parses -out and, as far as the program offers them, -fixed and
// -moderate (which exclude each other).
func ParseFlags(about string, v Variants) Options {
	var o Options
	usage := "[-out DIR]"
	if v&Moderate != 0 {
		flag.BoolVar(&o.Moderate, "moderate", false, "keep the anti-pattern but add unrelated healthy work, so that it takes about 10-20% of the CPU")
		usage = "[-moderate] " + usage
	}
	if v&Fixed != 0 {
		flag.BoolVar(&o.Fixed, "fixed", false, "run the corrected version of the same workload")
		usage = "[-fixed] " + usage
	}
	flag.StringVar(&o.Out, "out", ".", "directory to write the profiles (cpu.pb.gz, heap.pb.gz, ...) into")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "%s\n\nUsage: %s %s\n", about, filepath.Base(os.Args[0]), usage)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 || (o.Fixed && o.Moderate) {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		Fatal(err)
	}
	return o
}

// Fatal prints err and exits with status 1.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}

var cpuFile *os.File

// StartCPU starts the CPU profile, written to DIR/cpu.pb.gz.
func StartCPU(dir string) {
	f, err := os.Create(filepath.Join(dir, "cpu.pb.gz"))
	if err != nil {
		Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		Fatal(err)
	}
	cpuFile = f
}

// StopCPU stops the CPU profile and closes its file.
func StopCPU() {
	pprof.StopCPUProfile()
	if err := cpuFile.Close(); err != nil {
		Fatal(err)
	}
}

// WriteHeap writes DIR/heap.pb.gz. With gc set it first runs a full
// collection, so that inuse_* reflects what is still reachable now (the heap
// profile shows the state as of the last completed GC cycle).
func WriteHeap(dir string, gc bool) {
	if gc {
		runtime.GC()
	}
	WriteLookup(dir, "heap")
}

// WriteHeapEarly writes DIR/heap-early.pb.gz, a heap profile taken partway
// through the run, after a full collection like the final heap.pb.gz: the
// two profiles of one run show how the live heap changed in between. The
// forced collection shows in the CPU profile under runtime.GC.
func WriteHeapEarly(dir string) {
	runtime.GC()
	writeProfile(dir, "heap-early", "heap")
}

// WriteGoroutines writes DIR/goroutine.pb.gz: the stacks of all goroutines
// at this moment, so it must be taken while the workers are busy.
func WriteGoroutines(dir string) {
	WriteLookup(dir, "goroutine")
}

// WriteLookup writes the named runtime/pprof profile ("heap", "mutex",
// "block", ...) to DIR/NAME.pb.gz in the gzipped protobuf format.
func WriteLookup(dir, name string) {
	writeProfile(dir, name, name)
}

// writeProfile writes the runtime/pprof profile NAME to DIR/FILE.pb.gz.
func writeProfile(dir, file, name string) {
	f, err := os.Create(filepath.Join(dir, file+".pb.gz"))
	if err != nil {
		Fatal(err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		Fatal(err)
	}
	if err := f.Close(); err != nil {
		Fatal(err)
	}
}

// RunFor scales a program's run length by SAMPLE_RUN_SCALE (a positive number;
// default 1), which samples/sweep.sh sets to sweep the run length.
func RunFor(d time.Duration) time.Duration {
	return time.Duration(float64(d) * RunScale())
}

// RunScale is SAMPLE_RUN_SCALE, or 1 when it is unset or not a positive number.
func RunScale() float64 {
	scale, err := strconv.ParseFloat(os.Getenv("SAMPLE_RUN_SCALE"), 64)
	if err != nil || !(scale > 0) {
		return 1
	}
	return scale
}

// Goroutines scales a program's number of working goroutines by
// SAMPLE_GOROUTINE_SCALE (default 1; at least one goroutine), which
// samples/sweep.sh sets to sweep the load on locks.
func Goroutines(n int) int { return scaled(n, "SAMPLE_GOROUTINE_SCALE") }

// Size scales a map's size or a value's size by SAMPLE_SIZE_SCALE (default 1;
// at least 1), which samples/sweep.sh sets to sweep map and value sizes.
func Size(n int) int { return scaled(n, "SAMPLE_SIZE_SCALE") }

func scaled(n int, variable string) int {
	scale, err := strconv.ParseFloat(os.Getenv(variable), 64)
	if err != nil || !(scale > 0) {
		return n
	}
	if m := int(float64(n)*scale + 0.5); m > 1 {
		return m
	}
	return 1
}
