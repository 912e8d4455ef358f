// Command gateway is the request-accounting middleware of an API gateway:
// every request that enters is registered as in flight (so an admin endpoint
// can list it and a reaper can flag stuck ones) and counted per client.
package main

import (
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Request is the gateway's view of one API call.
type Request struct {
	ClientID string
	Method   string
	Path     string
	Body     []byte
}

// Response is what a backend handler produces.
type Response struct {
	Status int
	Sum    uint32
}

// Handler is a backend handler wrapped by middleware.
type Handler func(*Request) Response

type inflight struct {
	id      uint64
	client  string
	route   string
	started time.Time
}

type clientStats struct {
	open     int64
	total    int64
	errors   int64
	lastSeen int64 // unix nanos
}

// Tracker keeps every in-flight request and per-client counters.
type Tracker struct {
	seq      uint64
	active   sync.Map // request id (uint64) -> *inflight
	clients  sync.Map // client id (string) -> *clientStats
	finished int64
}

// Begin registers a request as in flight.
func (t *Tracker) Begin(req *Request) *inflight {
	f := &inflight{
		id:      atomic.AddUint64(&t.seq, 1),
		client:  req.ClientID,
		route:   req.Method + " " + req.Path,
		started: time.Now(),
	}
	t.active.Store(f.id, f)
	v, _ := t.clients.LoadOrStore(req.ClientID, &clientStats{})
	cs := v.(*clientStats)
	atomic.AddInt64(&cs.open, 1)
	atomic.AddInt64(&cs.total, 1)
	atomic.StoreInt64(&cs.lastSeen, f.started.UnixNano())
	return f
}

// End removes a finished request.
func (t *Tracker) End(f *inflight, resp Response) {
	t.active.Delete(f.id)
	if v, ok := t.clients.Load(f.client); ok {
		cs := v.(*clientStats)
		atomic.AddInt64(&cs.open, -1)
		if resp.Status >= 500 {
			atomic.AddInt64(&cs.errors, 1)
		}
	}
	atomic.AddInt64(&t.finished, 1)
}

// Middleware wraps next with request tracking.
func (t *Tracker) Middleware(next Handler) Handler {
	return func(req *Request) Response {
		f := t.Begin(req)
		resp := next(req)
		t.End(f, resp)
		return resp
	}
}

// Stuck lists requests older than max (the reaper's view).
func (t *Tracker) Stuck(max time.Duration) int {
	n := 0
	now := time.Now()
	t.active.Range(func(_, v interface{}) bool {
		if now.Sub(v.(*inflight).started) > max {
			n++
		}
		return true
	})
	return n
}

// checksumHandler stands in for a cheap backend call.
func checksumHandler(req *Request) Response {
	sum := crc32.ChecksumIEEE(req.Body)
	status := 200
	if sum%97 == 0 {
		status = 503
	}
	return Response{Status: status, Sum: sum}
}

var tenants = func() []string {
	names := make([]string, 20000)
	for i := range names {
		names[i] = fmt.Sprintf("tenant-%05d", i)
	}
	return names
}()

// connection simulates one multiplexed client connection: it keeps `window`
// requests outstanding and completes them in arrival order.
func connection(t *Tracker, h Handler, seed int64, window int, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	routes := []string{"/v1/orders", "/v1/orders/items", "/v1/users/me", "/v2/search", "/v1/cart", "/healthz"}
	body := make([]byte, 128)
	rng.Read(body)
	pending := make([]*inflight, 0, window)
	reqs := make([]*Request, 0, window)
	for atomic.LoadInt32(stop) == 0 {
		// a burst of new requests from a pool of clients, some brand new
		for len(pending) < window {
			client := tenants[rng.Intn(len(tenants))]
			if rng.Intn(50) == 0 {
				client = fmt.Sprintf("anon-%d-%d", seed, rng.Int63())
			}
			r := &Request{ClientID: client, Method: "GET", Path: routes[rng.Intn(len(routes))], Body: body}
			pending = append(pending, t.Begin(r))
			reqs = append(reqs, r)
		}
		// complete the older half
		half := window / 2
		for i := 0; i < half; i++ {
			t.End(pending[i], h(reqs[i]))
		}
		pending = append(pending[:0], pending[half:]...)
		reqs = append(reqs[:0], reqs[half:]...)
	}
	for i := range pending {
		t.End(pending[i], h(reqs[i]))
	}
}

func main() {
	prof.Start()
	start := time.Now()

	t := &Tracker{}
	h := t.Middleware(checksumHandler)

	var stop int32
	var wg sync.WaitGroup
	for c := 0; c < 24; c++ {
		wg.Add(1)
		go connection(t, checksumHandler, int64(c+1), 64, &stop, &wg)
	}
	// plain request/response clients go through the middleware
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			body := []byte("{\"sku\":\"A-1000\",\"qty\":1}")
			for atomic.LoadInt32(&stop) == 0 {
				h(&Request{ClientID: tenants[rng.Intn(len(tenants))], Method: "POST", Path: "/v1/cart", Body: body})
			}
		}(int64(100 + c))
	}

	// reaper
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for atomic.LoadInt32(&stop) == 0 {
			<-tick.C
			if n := t.Stuck(2 * time.Second); n > 0 {
				log.Printf("reaper: %d stuck requests", n)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2500 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	clients := 0
	t.clients.Range(func(_, _ interface{}) bool { clients++; return true })
	log.Printf("finished %d requests, %d clients, %.1fs", atomic.LoadInt64(&t.finished), clients, time.Since(start).Seconds())
	prof.Stop()
}
