// Command edgerouter resolves incoming requests to upstream clusters. The
// route table is read on every request and rebuilt whenever service
// discovery pushes a change set; rebuilds never block readers because the
// table is copy-on-write and published with an atomic pointer swap.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Upstream struct {
	Cluster   string
	Endpoints []string
	Weight    int
	TimeoutMs int
}

type Route struct {
	Host      string
	Prefix    string
	Upstream  *Upstream
	StripPath bool
	Version   uint64
}

// routeTable is immutable once published.
type routeTable struct {
	version uint64
	routes  map[string]*Route // key: host + prefix
	built   time.Time
}

var current atomic.Pointer[routeTable]

func routeKey(host, prefix string) string { return host + prefix }

// lookup finds the longest matching prefix for host+path.
func lookup(t *routeTable, host, path string) *Route {
	p := path
	for {
		if r, ok := t.routes[routeKey(host, p)]; ok {
			return r
		}
		if p == "/" || p == "" {
			return nil
		}
		i := strings.LastIndexByte(strings.TrimSuffix(p, "/"), '/')
		if i < 0 {
			return nil
		}
		p = p[:i+1]
	}
}

// changeSet is one push from service discovery.
type changeSet struct {
	upserts []*Route
	deletes []string
}

// applyChanges builds the next table from the published one and swaps it in.
func applyChanges(cs changeSet) *routeTable {
	old := current.Load()
	gone := make(map[string]struct{}, len(cs.deletes))
	for _, k := range cs.deletes {
		gone[k] = struct{}{}
	}
	next := &routeTable{
		version: old.version + 1,
		routes:  make(map[string]*Route, len(old.routes)+len(cs.upserts)),
		built:   time.Now(),
	}
	for k, r := range old.routes {
		if _, drop := gone[k]; drop {
			continue
		}
		next.routes[k] = r
	}
	for _, r := range cs.upserts {
		r.Version = next.version
		next.routes[routeKey(r.Host, r.Prefix)] = r
	}
	current.Store(next)
	return next
}

// ---- synthetic environment ----

type catalog struct {
	hosts    []string
	prefixes []string
	rng      *rand.Rand
}

func (c *catalog) randomRoute(cluster int) *Route {
	host := c.hosts[c.rng.Intn(len(c.hosts))]
	prefix := c.prefixes[c.rng.Intn(len(c.prefixes))]
	n := 2 + c.rng.Intn(4)
	eps := make([]string, n)
	for i := range eps {
		eps[i] = fmt.Sprintf("10.%d.%d.%d:8080", cluster%250, c.rng.Intn(250), c.rng.Intn(250))
	}
	return &Route{Host: host, Prefix: prefix, StripPath: c.rng.Intn(3) == 0,
		Upstream: &Upstream{Cluster: fmt.Sprintf("svc-%04d", cluster), Endpoints: eps, Weight: 100, TimeoutMs: 250 + c.rng.Intn(4)*250}}
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	cat := &catalog{rng: rand.New(rand.NewSource(11))}
	for i := 0; i < 120; i++ {
		cat.hosts = append(cat.hosts, fmt.Sprintf("api-%03d.shop.example", i))
	}
	for i := 0; i < 220; i++ {
		cat.prefixes = append(cat.prefixes, fmt.Sprintf("/v%d/%s-%d/", 1+i%3, []string{"orders", "users", "carts", "search", "media"}[i%5], i))
	}

	initial := &routeTable{routes: make(map[string]*Route, 24000), built: time.Now()}
	for i := 0; i < 24000; i++ {
		r := cat.randomRoute(i)
		initial.routes[routeKey(r.Host, r.Prefix)] = r
	}
	current.Store(initial)
	fmt.Fprintf(os.Stderr, "initial routes=%d\n", len(initial.routes))

	var stop atomic.Bool
	var wg sync.WaitGroup
	var served, notFound atomic.Int64

	// Request goroutines: resolve each request against the current table.
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for i := 0; !stop.Load(); i++ {
				if i%256 == 255 {
					time.Sleep(time.Millisecond) // idle between bursts of traffic
				}
				t := current.Load()
				host := cat.hosts[rng.Intn(len(cat.hosts))]
				path := cat.prefixes[rng.Intn(len(cat.prefixes))] + "item/" + "12345/details"
				if r := lookup(t, host, path); r != nil {
					_ = r.Upstream.Endpoints[rng.Intn(len(r.Upstream.Endpoints))]
					served.Add(1)
				} else {
					notFound.Add(1)
				}
			}
		}(int64(w))
	}

	// Service discovery: a change set every ten milliseconds or so.
	updates := make(chan changeSet, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(updates)
		rng := rand.New(rand.NewSource(77))
		cluster := 24000
		for !stop.Load() {
			var cs changeSet
			snapshot := current.Load()
			n := 0
			for k := range snapshot.routes {
				if n == 20 {
					break
				}
				if rng.Intn(4) == 0 {
					cs.deletes = append(cs.deletes, k)
					n++
				}
			}
			for i := 0; i < 20; i++ {
				cs.upserts = append(cs.upserts, cat.randomRoute(cluster))
				cluster++
			}
			updates <- cs
			time.Sleep(8 * time.Millisecond)
		}
	}()
	var rebuilds int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for cs := range updates {
			applyChanges(cs)
			rebuilds++
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	stop.Store(true)
	wg.Wait()

	t := current.Load()
	fmt.Fprintf(os.Stderr, "version=%d routes=%d rebuilds=%d served=%d notfound=%d\n",
		t.version, len(t.routes), rebuilds, served.Load(), notFound.Load())
	prof.Stop()
}
