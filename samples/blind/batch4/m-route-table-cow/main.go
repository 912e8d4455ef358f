// Command ingress is the routing core of an HTTP ingress: request handlers
// resolve host + path to a backend pool using a route table that the control
// plane replaces wholesale on every change (copy-on-write), so the hot path
// never takes a lock.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Route is where matching requests go.
type Route struct {
	Pool      string
	Backends  []string
	Timeout   time.Duration
	Rewrite   string
	Weight    int
	Version   uint64
	StripPath bool
}

type routeMap map[string]Route // "host/prefix" -> route

// RouteTable publishes immutable route maps.
type RouteTable struct {
	current atomic.Value // routeMap
	writeMu sync.Mutex   // serializes control-plane writers
	version uint64
}

func NewRouteTable(initial routeMap) *RouteTable {
	t := &RouteTable{}
	t.current.Store(initial)
	return t
}

func (t *RouteTable) snapshot() routeMap { return t.current.Load().(routeMap) }

// Change is one control-plane update.
type Change struct {
	Key    string
	Route  Route
	Delete bool
}

// Apply publishes a new table equal to the current one plus c. Readers keep
// using whichever table they loaded; nothing is ever modified in place.
func (t *RouteTable) Apply(c Change) {
	t.writeMu.Lock()
	defer t.writeMu.Unlock()
	cur := t.snapshot()
	next := make(routeMap, len(cur)+1)
	for k, r := range cur {
		next[k] = r
	}
	t.version++
	if c.Delete {
		delete(next, c.Key)
	} else {
		c.Route.Version = t.version
		next[c.Key] = c.Route
	}
	t.current.Store(next)
}

// Resolve finds the longest matching prefix route for host and path.
func (t *RouteTable) Resolve(host, path string) (Route, bool) {
	routes := t.snapshot()
	p := path
	for {
		if r, ok := routes[host+p]; ok {
			return r, true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	r, ok := routes[host+"/"]
	return r, ok
}

type stats struct {
	served, notFound uint64
}

func handle(t *RouteTable, st *stats, host, path string, rng *rand.Rand) {
	r, ok := t.Resolve(host, path)
	if !ok {
		atomic.AddUint64(&st.notFound, 1)
		return
	}
	// pick a backend, build the upstream request line
	b := r.Backends[rng.Intn(len(r.Backends))]
	target := path
	if r.StripPath {
		target = r.Rewrite + path[strings.IndexByte(path[1:], '/')+1:]
	}
	line := "GET " + target + " HTTP/1.1\r\nHost: " + b + "\r\n"
	if len(line) > 0 {
		atomic.AddUint64(&st.served, 1)
	}
}

var services = []string{"cart", "search", "users", "billing", "catalog", "reviews", "media", "auth"}

func makeRoute(rng *rand.Rand, svc string) Route {
	n := 2 + rng.Intn(4)
	bs := make([]string, n)
	for i := range bs {
		bs[i] = fmt.Sprintf("10.%d.%d.%d:8080", rng.Intn(256), rng.Intn(256), rng.Intn(256))
	}
	return Route{Pool: svc, Backends: bs, Timeout: time.Duration(1+rng.Intn(30)) * time.Second,
		Rewrite: "/" + svc, Weight: 100, StripPath: rng.Intn(2) == 0}
}

func main() {
	prof.Start()

	rng := rand.New(rand.NewSource(7))
	hosts := make([]string, 120)
	for i := range hosts {
		hosts[i] = "tenant" + strconv.Itoa(i) + ".shop.example.com"
	}
	initial := make(routeMap)
	var keys []string
	for _, h := range hosts {
		for _, svc := range services {
			for v := 1; v <= 3; v++ {
				k := h + "/api/v" + strconv.Itoa(v) + "/" + svc
				initial[k] = makeRoute(rng, svc)
				keys = append(keys, k)
			}
		}
		initial[h+"/"] = makeRoute(rng, "frontend")
	}
	table := NewRouteTable(initial)

	var stop int32
	var wg sync.WaitGroup
	st := &stats{}

	// control plane: deployments and scale events every few milliseconds
	wg.Add(1)
	go func() {
		defer wg.Done()
		crng := rand.New(rand.NewSource(99))
		for atomic.LoadInt32(&stop) == 0 {
			k := keys[crng.Intn(len(keys))]
			svc := k[strings.LastIndexByte(k, '/')+1:]
			table.Apply(Change{Key: k, Route: makeRoute(crng, svc)})
			if crng.Intn(10) == 0 {
				table.Apply(Change{Key: k, Delete: true})
				table.Apply(Change{Key: k, Route: makeRoute(crng, svc)})
			}
			time.Sleep(8 * time.Millisecond)
		}
	}()

	// request handlers
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for atomic.LoadInt32(&stop) == 0 {
				host := hosts[r.Intn(len(hosts))]
				path := "/api/v" + strconv.Itoa(1+r.Intn(3)) + "/" + services[r.Intn(len(services))] +
					"/items/" + strconv.Itoa(r.Intn(100000))
				if r.Intn(5) == 0 {
					path = "/static/app." + strconv.Itoa(r.Intn(50)) + ".js"
				}
				handle(table, st, host, path, r)
			}
		}(int64(w))
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	fmt.Printf("served=%d notfound=%d routes=%d version=%d\n",
		atomic.LoadUint64(&st.served), atomic.LoadUint64(&st.notFound), len(table.snapshot()), table.version)
	prof.Stop()
}
