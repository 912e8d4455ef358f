// Command edgequota is the admission step of an API edge: every request is
// counted against a fixed-window quota per tenant and route before it is
// handed to the backend pool.
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

const (
	windowLength  = 250 * time.Millisecond
	perRouteLimit = 4000
	perTenantCap  = 12000
	handlers      = 48
)

type windowCounter struct {
	hits     int64
	rejected int64
	first    time.Time
	last     time.Time
}

// Quota state shared by all request handlers.
var (
	quotaMu      sync.Mutex
	routeWindows = make(map[string]*windowCounter)
	tenantHits   = make(map[string]int64)
	windowStart  = time.Now()
)

var (
	admitted atomic.Int64
	throttled atomic.Int64
)

// admit counts one request and reports whether it fits the tenant's quota.
func admit(tenant, route string, now time.Time) bool {
	key := tenant + "|" + route
	quotaMu.Lock()
	w := routeWindows[key]
	if w == nil {
		w = &windowCounter{first: now}
		routeWindows[key] = w
	}
	w.hits++
	w.last = now
	tenantHits[tenant]++
	ok := w.hits <= perRouteLimit && tenantHits[tenant] <= perTenantCap
	if !ok {
		w.rejected++
	}
	quotaMu.Unlock()
	return ok
}

// rollWindow starts a new quota window.
func rollWindow(now time.Time) (keys int) {
	quotaMu.Lock()
	keys = len(routeWindows)
	for k := range routeWindows {
		delete(routeWindows, k)
	}
	for k := range tenantHits {
		delete(tenantHits, k)
	}
	windowStart = now
	quotaMu.Unlock()
	return keys
}

type request struct {
	method string
	path   string
	apiKey string
}

// tenantOf maps an API key to its tenant id ("tk_<tenant>_<secret>").
func tenantOf(apiKey string) string {
	rest := strings.TrimPrefix(apiKey, "tk_")
	if i := strings.IndexByte(rest, '_'); i >= 0 {
		return rest[:i]
	}
	return rest
}

// routeOf collapses ids in a path into a route template.
func routeOf(method, path string) string {
	var b strings.Builder
	b.Grow(len(method) + len(path) + 1)
	b.WriteString(method)
	b.WriteByte(' ')
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		b.WriteByte('/')
		if seg != "" && seg[0] >= '0' && seg[0] <= '9' {
			b.WriteString(":id")
			continue
		}
		b.WriteString(seg)
	}
	return b.String()
}

func handle(r request) int {
	tenant := tenantOf(r.apiKey)
	route := routeOf(r.method, r.path)
	if !admit(tenant, route, time.Now()) {
		throttled.Add(1)
		return 429
	}
	admitted.Add(1)
	return 200
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond

	// A pool of recorded requests replayed by the load generator.
	rng := rand.New(rand.NewSource(7))
	zipf := rand.NewZipf(rng, 1.2, 1, 399)
	paths := []string{"/v2/orders/%d", "/v2/orders/%d/items", "/v2/customers/%d", "/v2/search",
		"/v2/carts/%d/checkout", "/v2/inventory/%d", "/healthz", "/v2/payments/%d/refunds"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	pool := make([]request, 1<<14)
	for i := range pool {
		p := paths[rng.Intn(len(paths))]
		if strings.Contains(p, "%d") {
			p = fmt.Sprintf(p, rng.Intn(1e6))
		}
		pool[i] = request{
			method: methods[rng.Intn(len(methods))],
			path:   p,
			apiKey: fmt.Sprintf("tk_t%03d_%08x", zipf.Uint64(), rng.Uint32()),
		}
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	for h := 0; h < handlers; h++ {
		wg.Add(1)
		go func(h int) {
			defer wg.Done()
			i := h * 997
			for !stop.Load() {
				handle(pool[i&(len(pool)-1)])
				i++
			}
		}(h)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(windowLength)
		defer t.Stop()
		for !stop.Load() {
			now := <-t.C
			rollWindow(now)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	stop.Store(true)
	wg.Wait()

	fmt.Fprintf(os.Stderr, "admitted=%d throttled=%d\n", admitted.Load(), throttled.Load())
	prof.Stop()
}
