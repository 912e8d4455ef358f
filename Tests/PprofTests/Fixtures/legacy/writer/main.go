// Writes the Go runtime's text profiles (pprof.Lookup(name).WriteTo(w, 1)) into a folder:
// heap, allocs, goroutine, mutex, block and threadcreate, each NAME.txt, after a little work
// that puts something in each (allocations of several sizes, parked goroutines, some with
// labels, contended mutexes, blocked channel receives).
//
//	go run main.go OUTDIR
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var keep [][]byte
var sink []byte

//go:noinline
func allocSmall(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 64))
	}
}

//go:noinline
func allocLarge(n int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, 256<<10))
	}
}

//go:noinline
func allocGarbage(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 4096)
	}
}

//go:noinline
func park(ch chan struct{}) { <-ch }

//go:noinline
func contend(mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 200; i++ {
		mu.Lock()
		time.Sleep(10 * time.Microsecond)
		mu.Unlock()
	}
}

func main() {
	// Older runtimes take a new rate at the next sample: the first 2 MB make one.
	runtime.MemProfileRate = 4096
	sink = make([]byte, 2<<20)
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	out := os.Args[1]

	allocSmall(2000)
	allocLarge(8)
	allocGarbage(3000)
	// The heap profile is as of the last finished cycle: two, so that it holds the above.
	runtime.GC()
	runtime.GC()

	stop := make(chan struct{})
	for i := 0; i < 3; i++ {
		go park(stop)
	}
	for i := 0; i < 2; i++ {
		go pprof.Do(context.Background(), pprof.Labels("worker", "labelled"), func(context.Context) { park(stop) })
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go contend(&mu, &wg)
	}
	wg.Wait()
	time.Sleep(50 * time.Millisecond) // the parked goroutines are parked

	for _, name := range []string{"heap", "allocs", "goroutine", "mutex", "block", "threadcreate"} {
		f, err := os.Create(filepath.Join(out, name+".txt"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := pprof.Lookup(name).WriteTo(f, 1); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		f.Close()
	}
	close(stop)
}
