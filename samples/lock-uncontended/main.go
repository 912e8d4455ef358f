// Command lock-uncontended is the hard negative of AP2 (a hot lock around a
// map): a healthy service that takes sync.Mutex and sync.RWMutex millions of
// times, but where they are almost never contended.
//
// A rate limiter runs one worker goroutine per CPU. Each worker owns a shard
// of the per-client token buckets (a map behind its own sync.Mutex):
// requests are routed to the worker that owns their client, so only that
// worker locks the shard on the hot path ((*Shard).Allow). Every request
// also reads the limiter's configuration under a sync.RWMutex read lock
// ((*Limiter).Rules), which is written only when the configuration is
// reloaded, twice a second. A reporter goroutine locks each shard briefly
// every 50 ms to read its counters ((*Limiter).Report). So the locks are
// taken millions of times, but the mutex and block profiles stay almost
// empty and no goroutine is parked in a lock: the mutex work shows only as
// the cheap inlined fast paths of Lock and Unlock in the CPU profile.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"proflens/samples/internal/harness"
)

// Bucket is one client's token bucket.
type Bucket struct {
	Tokens   float64
	Last     int64 // ns
	Allowed  int64
	Rejected int64
}

// Shard holds the buckets of the clients one worker serves.
type Shard struct {
	mu      sync.Mutex
	buckets map[string]*Bucket
	allowed int64
	denied  int64
}

// Rules is the limiter's configuration.
type Rules struct {
	Rate  float64 // tokens per second
	Burst float64
}

// Limiter is the rate limiter: its configuration and its shards.
type Limiter struct {
	cfgMu  sync.RWMutex
	rules  Rules
	shards []*Shard
}

// Rules returns the current configuration.
//
//go:noinline
func (l *Limiter) Rules() Rules {
	l.cfgMu.RLock()
	r := l.rules
	l.cfgMu.RUnlock()
	return r
}

// Reload replaces the configuration.
//
//go:noinline
func (l *Limiter) Reload(r Rules) {
	l.cfgMu.Lock()
	l.rules = r
	l.cfgMu.Unlock()
}

// Allow takes a token from client's bucket at time now, if there is one.
//
//go:noinline
func (s *Shard) Allow(client string, now int64, r Rules) bool {
	s.mu.Lock()
	b := s.buckets[client]
	if b == nil {
		b = &Bucket{Tokens: r.Burst, Last: now}
		s.buckets[client] = b
	}
	b.Tokens += float64(now-b.Last) * r.Rate / 1e9
	if b.Tokens > r.Burst {
		b.Tokens = r.Burst
	}
	b.Last = now
	ok := b.Tokens >= 1
	if ok {
		b.Tokens--
		b.Allowed++
		s.allowed++
	} else {
		b.Rejected++
		s.denied++
	}
	s.mu.Unlock()
	return ok
}

// Report reads every shard's counters, as the metrics endpoint does.
//
//go:noinline
func (l *Limiter) Report() (allowed, denied int64, clients int) {
	for _, s := range l.shards {
		s.mu.Lock()
		allowed += s.allowed
		denied += s.denied
		clients += len(s.buckets)
		s.mu.Unlock()
	}
	return
}

// serve is one worker: it handles the requests of the clients of its shard.
//
//go:noinline
func serve(l *Limiter, shard int, stop *int32, served *int64) {
	s := l.shards[shard]
	clients := make([]string, 2000)
	for i := range clients {
		clients[i] = "client-" + strconv.Itoa(shard) + "-" + strconv.Itoa(i)
	}
	seed := uint32(shard*7919 + 1)
	n := int64(0)
	for atomic.LoadInt32(stop) == 0 {
		for i := 0; i < 256; i++ {
			seed = seed*1664525 + 1013904223
			r := l.Rules()
			s.Allow(clients[seed>>8%uint32(len(clients))], n*50_000, r)
			n++
		}
	}
	atomic.AddInt64(served, n)
}

func main() {
	opts := harness.ParseFlags("lock-uncontended: rate limiter whose mutexes are taken millions of times but rarely contended (hard negative of AP2)", 0)
	runFor := harness.RunFor(3 * time.Second)

	// The same rates as ap2-lock-contention.
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1000)

	workers := harness.Goroutines(runtime.GOMAXPROCS(0))
	l := &Limiter{rules: Rules{Rate: 5, Burst: 10}}
	for i := 0; i < workers; i++ {
		l.shards = append(l.shards, &Shard{buckets: make(map[string]*Bucket)})
	}
	var stop, reporterStop int32
	var served int64
	var wg, reporter sync.WaitGroup

	harness.StartCPU(opts.Out)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			serve(l, w, &stop, &served)
		}(w)
	}
	reporter.Add(1)
	go func() {
		defer reporter.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for n := 1; atomic.LoadInt32(&reporterStop) == 0; n++ {
			<-tick.C
			l.Report()
			if n%10 == 0 {
				l.Reload(Rules{Rate: float64(5 + n%3), Burst: 10})
			}
		}
	}()
	time.Sleep(runFor / 2)
	harness.WriteGoroutines(opts.Out)
	harness.WriteHeapEarly(opts.Out)
	time.Sleep(runFor / 2)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	atomic.StoreInt32(&reporterStop, 1)
	reporter.Wait()
	harness.StopCPU()

	harness.WriteLookup(opts.Out, "mutex")
	harness.WriteLookup(opts.Out, "block")
	harness.WriteHeap(opts.Out, true)

	allowed, denied, clients := l.Report()
	fmt.Fprintf(os.Stderr, "lock-uncontended: %d requests by %d workers in %v (%d allowed, %d denied), %d clients\n",
		served, workers, runFor, allowed, denied, clients)
}
