// Command meshresolver is the service mesh sidecar's DNS cache. Lookups read
// an immutable snapshot of the cache through an atomic.Value; a single
// refresher builds the next snapshot (re-resolving records near expiry,
// adding names that missed) and publishes it.
package main

import (
	"fmt"
	"math/rand"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type record struct {
	name     string
	addrs    []net.IP
	expires  time.Time
	resolved int
}

type snapshot map[string]*record

type resolver struct {
	current atomic.Value // snapshot
	misses  chan string

	hits, missCount, refreshes, upstreamQueries int64
}

func newResolver() *resolver {
	r := &resolver{misses: make(chan string, 4096)}
	r.current.Store(snapshot{})
	return r
}

// Lookup answers from the current snapshot; it never blocks on the refresher.
func (r *resolver) Lookup(name string) ([]net.IP, bool) {
	snap := r.current.Load().(snapshot)
	rec, ok := snap[name]
	if !ok {
		atomic.AddInt64(&r.missCount, 1)
		select {
		case r.misses <- name:
		default: // refresher is behind; the caller will retry
		}
		return nil, false
	}
	atomic.AddInt64(&r.hits, 1)
	return rec.addrs, true
}

// queryUpstream stands in for a query to the cluster DNS server.
func (r *resolver) queryUpstream(name string, generation int) *record {
	atomic.AddInt64(&r.upstreamQueries, 1)
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	n := 1 + int(h%3)
	addrs := make([]net.IP, n)
	for i := range addrs {
		addrs[i] = net.IPv4(10, byte(h>>8), byte(h>>16)+byte(i), byte(generation))
	}
	ttl := time.Duration(200+h%600) * time.Millisecond
	return &record{name: name, addrs: addrs, expires: time.Now().Add(ttl), resolved: generation}
}

// refresh builds the next snapshot from the current one and publishes it.
func (r *resolver) refresh(generation int, pending []string) {
	old := r.current.Load().(snapshot)
	now := time.Now()
	next := make(snapshot, len(old)+len(pending))
	for name, rec := range old {
		if now.Add(50 * time.Millisecond).After(rec.expires) {
			rec = r.queryUpstream(name, generation)
		}
		next[name] = rec
	}
	for _, name := range pending {
		if _, ok := next[name]; !ok {
			next[name] = r.queryUpstream(name, generation)
		}
	}
	r.current.Store(next)
	atomic.AddInt64(&r.refreshes, 1)
}

func (r *resolver) runRefresher(every time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	var pending []string
	for gen := 1; ; gen++ {
		select {
		case <-stop:
			return
		case name := <-r.misses:
			pending = append(pending, name)
			gen--
			continue
		case <-t.C:
		}
		r.refresh(gen, pending)
		pending = pending[:0]
	}
}

func serviceNames() []string {
	var names []string
	for _, ns := range []string{"payments", "catalog", "identity", "search", "shipping", "ledger"} {
		for i := 0; i < 600; i++ {
			names = append(names, fmt.Sprintf("svc-%03d.%s.svc.cluster.local", i, ns))
		}
	}
	return names
}

// dialer emulates an outbound HTTP client pool resolving upstream hosts.
func dialer(r *resolver, names []string, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	var conns int
	for i := 0; ; i++ {
		if i%200 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(time.Millisecond)
		}
		name := names[rng.Intn(len(names))]
		if addrs, ok := r.Lookup(name); ok && len(addrs) > 0 {
			conns++
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	r := newResolver()
	names := serviceNames()
	stop := make(chan struct{})
	refresherDone := make(chan struct{})
	go r.runRefresher(20*time.Millisecond, stop, refresherDone)

	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go dialer(r, names, int64(100+i), stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	<-refresherDone
	elapsed := time.Since(start)
	prof.Stop()

	fmt.Printf("meshresolver: %d names cached, %d hits, %d misses, %d refreshes, %d upstream queries, in %v\n",
		len(r.current.Load().(snapshot)), atomic.LoadInt64(&r.hits), atomic.LoadInt64(&r.missCount),
		atomic.LoadInt64(&r.refreshes), atomic.LoadInt64(&r.upstreamQueries), elapsed.Round(time.Millisecond))
}
