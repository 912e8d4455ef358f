// Package prof writes the profiles of one run of a blind program into a
// directory, the way an operator of a service would collect them:
// a CPU profile of the whole run, a heap profile partway through and one at
// the end (each after a full collection), a goroutine profile while the work
// is in progress, and the mutex and block profiles at the end.
package prof

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

var out = flag.String("out", ".", "directory that receives the profiles")

var cpuFile *os.File

// Start parses -out, sets the sampling rates and starts the CPU profile.
// Call it first thing in main.
func Start() {
	flag.Parse()
	runtime.MemProfileRate = 4096
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(10000)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fatal(err)
	}
	f, err := os.Create(filepath.Join(*out, "cpu.pb.gz"))
	if err != nil {
		fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fatal(err)
	}
	cpuFile = f
}

// HeapEarly writes heap-early.pb.gz (after a full collection). Call it about a
// third of the way through the run.
func HeapEarly() { runtime.GC(); write("heap", "heap-early.pb.gz") }

// Goroutines writes goroutine.pb.gz. Call it while the workload's goroutines
// are busy, about halfway through the run.
func Goroutines() { write("goroutine", "goroutine.pb.gz") }

// Stop stops the CPU profile and writes heap.pb.gz (after a full collection),
// mutex.pb.gz and block.pb.gz. Call it at the end of the run, before exiting.
func Stop() {
	pprof.StopCPUProfile()
	if err := cpuFile.Close(); err != nil {
		fatal(err)
	}
	runtime.GC()
	write("heap", "heap.pb.gz")
	write("mutex", "mutex.pb.gz")
	write("block", "block.pb.gz")
}

func write(profile, name string) {
	f, err := os.Create(filepath.Join(*out, name))
	if err != nil {
		fatal(err)
	}
	if err := pprof.Lookup(profile).WriteTo(f, 0); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}
