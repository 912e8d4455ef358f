// Package harness holds the flag handling and profile writing shared by the
// sample programs, so that each program's main.go shows only its workload.
//
// None of its functions sit on the stacks of the work being profiled: a
// program calls StartCPU, runs its workload from main, then calls StopCPU and
// the Write* functions.
package harness

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// MemProfileRate is low so that programs of this size still give a heap
// profile with enough samples (the default is one sample per 512 KiB).
const MemProfileRate = 4096

func init() {
	// Set as early as possible: allocations made before this line are
	// sampled at the default rate.
	runtime.MemProfileRate = MemProfileRate
}

// Options are the command-line flags every sample program accepts.
type Options struct {
	Fixed bool   // run the corrected version of the workload
	Out   string // directory that receives the profiles
}

// ParseFlags parses -fixed and -out.
func ParseFlags(about string) Options {
	var o Options
	flag.BoolVar(&o.Fixed, "fixed", false, "run the corrected version of the same workload")
	flag.StringVar(&o.Out, "out", ".", "directory to write the profiles (cpu.pb.gz, heap.pb.gz, ...) into")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "%s\n\nUsage: %s [-fixed] [-out DIR]\n", about, filepath.Base(os.Args[0]))
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
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

// WriteLookup writes the named runtime/pprof profile ("heap", "mutex",
// "block", ...) to DIR/NAME.pb.gz in the gzipped protobuf format.
func WriteLookup(dir, name string) {
	f, err := os.Create(filepath.Join(dir, name+".pb.gz"))
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
