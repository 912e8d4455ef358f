// Command edge-router resolves the upstream cluster for every incoming
// request. The route table is replaced copy-on-write whenever the control
// plane streams a batch of changes, so the request path never takes a lock.
package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Route struct {
	Cluster  string
	Weight   uint16
	Timeout  time.Duration
	Revision uint64
}

// Change is one entry of a control-plane delta: Remove or upsert Route.
type Change struct {
	Key    string // "host" + path prefix, e.g. "api.shop.example/v2"
	Route  Route
	Remove bool
}

type table struct {
	routes   map[string]Route
	revision uint64
}

type RouteTable struct {
	writeMu sync.Mutex   // serialises control-plane updates only
	current atomic.Value // *table
}

func NewRouteTable() *RouteTable {
	rt := &RouteTable{}
	rt.current.Store(&table{routes: map[string]Route{}})
	return rt
}

func (rt *RouteTable) load() *table { return rt.current.Load().(*table) }

// Apply builds the next table from the current one plus the delta and
// publishes it with a single pointer swap.
func (rt *RouteTable) Apply(delta []Change) {
	rt.writeMu.Lock()
	defer rt.writeMu.Unlock()

	cur := rt.load()
	removed := make(map[string]bool, len(delta))
	for _, c := range delta {
		if c.Remove {
			removed[c.Key] = true
		}
	}
	next := &table{
		routes:   make(map[string]Route, len(cur.routes)+len(delta)),
		revision: cur.revision + 1,
	}
	for k, r := range cur.routes {
		if removed[k] {
			continue
		}
		next.routes[k] = r
	}
	for _, c := range delta {
		if c.Remove {
			continue
		}
		c.Route.Revision = next.revision
		next.routes[c.Key] = c.Route
	}
	rt.current.Store(next)
}

// Resolve finds the longest configured prefix for host+path.
func (rt *RouteTable) Resolve(host, path string) (Route, bool) {
	t := rt.load()
	for p := path; ; {
		if r, ok := t.routes[host+p]; ok {
			return r, true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return Route{}, false
		}
		p = p[:i]
	}
}

var clusters = []string{"checkout-v3", "catalog-v7", "search-v2", "accounts-v5", "media-v1", "legacy-php"}

func randomRoute(rng *rand.Rand) Route {
	return Route{
		Cluster: clusters[rng.Intn(len(clusters))],
		Weight:  uint16(1 + rng.Intn(100)),
		Timeout: time.Duration(200+rng.Intn(4800)) * time.Millisecond,
	}
}

func main() {
	prof.Start()

	hosts := make([]string, 600)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("tenant%03d.shop.example", i)
	}
	prefixes := []string{"/api", "/api/v1", "/api/v2", "/static", "/img", "/cart", "/checkout", "/search", "/account", "/admin", "/graphql", "/ws", "/feeds", "/sitemap", "/health", "/oauth", "/ads", "/reviews", "/media", "/export", "/import", "/webhooks", "/events", "/docs", "/status", "/legal", "/help", "/promo", "/gift", "/b2b"}

	rt := NewRouteTable()
	seed := rand.New(rand.NewSource(1))
	var initial []Change
	for _, h := range hosts {
		for _, p := range prefixes {
			initial = append(initial, Change{Key: h + p, Route: randomRoute(seed)})
		}
	}
	rt.Apply(initial)

	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var resolved, misses int64

	// Request path.
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(100 + id)))
			var ok, miss int64
			for n := 0; ; n++ {
				if n%256 == 0 {
					select {
					case <-stop:
						atomic.AddInt64(&resolved, ok)
						atomic.AddInt64(&misses, miss)
						return
					default:
					}
				}
				path := prefixes[rng.Intn(len(prefixes))] + "/items/" + string(rune('a'+rng.Intn(26)))
				if _, found := rt.Resolve(hosts[rng.Intn(len(hosts))], path); found {
					ok++
				} else {
					miss++
				}
			}
		}(w)
	}

	// Control-plane stream: small deltas, a few dozen per second.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(2))
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			delta := make([]Change, 0, 32)
			for i := 0; i < 32; i++ {
				key := hosts[rng.Intn(len(hosts))] + prefixes[rng.Intn(len(prefixes))]
				delta = append(delta, Change{Key: key, Route: randomRoute(rng), Remove: rng.Intn(3) == 0})
			}
			rt.Apply(delta)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()

	t := rt.load()
	fmt.Printf("revision=%d routes=%d resolved=%d misses=%d\n", t.revision, len(t.routes), atomic.LoadInt64(&resolved), atomic.LoadInt64(&misses))
}
