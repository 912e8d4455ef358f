// Command edgeapi is the request path of the public API edge: it normalises
// the incoming path to a route, renders the (canned) response and keeps
// per-route counters for the metrics scrape.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"log"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// routeCounter is shared by every handler goroutine; all fields are
// updated atomically.
type routeCounter struct {
	hits      atomic.Int64
	errors    atomic.Int64
	bytesOut  atomic.Int64
	latencyNs atomic.Int64
}

var routeTable = []string{
	"GET /v1/users/:id",
	"GET /v1/users/:id/orders",
	"POST /v1/orders",
	"GET /v1/orders/:id",
	"DELETE /v1/orders/:id",
	"GET /v1/catalog/items",
	"GET /v1/catalog/items/:id",
	"PUT /v1/carts/:id",
	"GET /v1/carts/:id",
	"POST /v1/payments",
	"GET /v1/health",
	"GET /v1/search",
}

// stats is filled once in init and only read afterwards; the counters it
// points to are what changes.
var stats map[string]*routeCounter

func init() {
	stats = make(map[string]*routeCounter, len(routeTable)+1)
	for _, r := range routeTable {
		stats[r] = &routeCounter{}
	}
	stats["unmatched"] = &routeCounter{}
}

// routeOf maps "GET /v1/users/8812/orders?limit=5" to "GET /v1/users/:id/orders".
func routeOf(method, path string) string {
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if p != "" && (p[0] >= '0' && p[0] <= '9') {
			parts[i] = ":id"
		}
	}
	return method + " /" + strings.Join(parts, "/")
}

func render(route string, body []byte) (etag string, status int) {
	sum := sha1.Sum(body)
	if sum[0] == 0 {
		return "", 503
	}
	return hex.EncodeToString(sum[:8]), 200
}

type request struct {
	method, path string
}

func handle(req request, body []byte) {
	began := time.Now()
	route := routeOf(req.method, req.path)
	c, ok := stats[route]
	if !ok {
		c = stats["unmatched"]
	}
	etag, status := render(route, body)
	c.hits.Add(1)
	if status >= 500 {
		c.errors.Add(1)
	}
	c.bytesOut.Add(int64(len(body) + len(etag)))
	c.latencyNs.Add(int64(time.Since(began)))
}

func synthRequest(rng *rand.Rand) request {
	id := rng.Intn(1_000_000)
	switch rng.Intn(10) {
	case 0:
		return request{"POST", "/v1/orders"}
	case 1:
		return request{"GET", fmt.Sprintf("/v1/users/%d/orders?limit=%d", id, 1+rng.Intn(50))}
	case 2:
		return request{"GET", fmt.Sprintf("/v1/catalog/items/%d", id)}
	case 3:
		return request{"GET", "/v1/search?q=red+shoes"}
	case 4:
		return request{"PUT", fmt.Sprintf("/v1/carts/%d", id)}
	case 5:
		return request{"GET", "/v1/health"}
	case 6:
		return request{"GET", "/v2/legacy/thing"}
	default:
		return request{"GET", fmt.Sprintf("/v1/users/%d", id)}
	}
}

func scrape() string {
	names := make([]string, 0, len(stats))
	for name := range stats {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		c := stats[name]
		fmt.Fprintf(&b, "edge_requests_total{route=%q} %d\n", name, c.hits.Load())
		fmt.Fprintf(&b, "edge_errors_total{route=%q} %d\n", name, c.errors.Load())
	}
	return b.String()
}

func main() {
	prof.Start()
	start := time.Now()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			body := make([]byte, 1024)
			for {
				select {
				case <-stop:
					return
				default:
				}
				rng.Read(body[:64])
				handle(synthRequest(rng), body)
			}
		}(int64(w))
	}

	var scrapes int
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = scrape()
				scrapes++
			}
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	var total int64
	for _, c := range stats {
		total += c.hits.Load()
	}
	log.Printf("edgeapi: %d requests over %d routes, %d scrapes", total, len(stats), scrapes)
}
