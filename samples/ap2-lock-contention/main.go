// Command ap2-lock-contention shows the two mitigations of AP2 (concurrent
// map writes) that go wrong in production. It never races: every map access
// is synchronised, so it cannot die with "fatal error: concurrent map writes".
//
//   - A MetricsRegistry keeps every time series in one map behind one
//     sync.Mutex. Sixteen request-handling goroutines call
//     (*MetricsRegistry).Observe four times per request, and Observe builds
//     the series key, looks it up, buckets the value and updates the series
//     all while holding the lock, so the goroutines queue on it
//     (sync.(*Mutex).Lock in the block profile, sync.(*Mutex).Unlock in the
//     mutex profile, both under Observe).
//   - A RequestTracker keeps in-flight request IDs in a sync.Map. Every
//     request adds a brand-new key (LoadOrStore), polls it (Load) and removes
//     it (Delete): a write-heavy workload, the one sync.Map is not made for.
//     New keys go to the locked dirty map, loads of them miss the read map
//     (missLocked), and every promotion is followed by a copy of the whole
//     read map into a new dirty map (dirtyLocked).
//
// With -fixed the registry is sharded over 256 sync.RWMutex-guarded maps,
// existing series are found under a read lock and updated with atomics, and
// the tracker is a sharded map behind sync.RWMutex instead of a sync.Map.
//
// With -moderate, the registry and the tracker stay as they are, but each
// request also renders its response body (renderResponse, outside any
// lock), unrelated healthy work that leaves the locks and the sync.Map a
// minor share of the CPU: the contention is real but smaller. That run
// lasts 6 s instead of 3 s, to collect as many samples of the pattern.
//
// The mutex and block profiles cover the same period as the CPU profile (the
// workers start after StartCPU and have stopped before StopCPU), and a
// goroutine profile is taken halfway, while the workers are busy.
package main

import (
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"proflens/samples/internal/harness"
)

// Series is one histogram time series.
type Series struct {
	Count   int64
	SumBits uint64 // float64 bits, updated with CAS in the fixed version
	Buckets [16]int64
}

var bucketBounds = [16]float64{0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, math.Inf(1)}

func bucketOf(v float64) int {
	for i, b := range bucketBounds {
		if v <= b {
			return i
		}
	}
	return len(bucketBounds) - 1
}

// MetricsRegistry maps series names ("http_latency{route=...,code=...}") to series.
type MetricsRegistry struct {
	fixed bool

	// Anti-pattern: one lock around one hot map.
	mu     sync.Mutex
	series map[string]*Series

	// Fix: shards, each behind a RWMutex; counters updated atomically.
	shards [256]registryShard
}

type registryShard struct {
	mu     sync.RWMutex
	series map[string]*Series
	_      [32]byte // pad to 64 bytes: one shard per cache line
}

// NewMetricsRegistry returns an empty registry.
func NewMetricsRegistry(fixed bool) *MetricsRegistry {
	r := &MetricsRegistry{fixed: fixed, series: make(map[string]*Series)}
	for i := range r.shards {
		r.shards[i].series = make(map[string]*Series)
	}
	return r
}

// Observe records one measurement of the series name{labels}; labels are
// "key=value" pairs.
//
//go:noinline
func (r *MetricsRegistry) Observe(name string, labels []string, v float64) {
	if r.fixed {
		// Fix: build the key before taking any lock, then a sharded
		// RWMutex-guarded lookup and atomic updates.
		r.observeSharded(seriesKey(name, labels), v)
		return
	}
	// Anti-pattern: everything, key building included, under one mutex.
	r.mu.Lock()
	key := seriesKey(name, labels)
	s, ok := r.series[key]
	if !ok {
		s = &Series{}
		r.series[key] = s
	}
	s.Count++
	s.SumBits = math.Float64bits(math.Float64frombits(s.SumBits) + v)
	s.Buckets[bucketOf(v)]++
	r.mu.Unlock()
}

// seriesKey renders name{k1=v1,k2=v2}.
func seriesKey(name string, labels []string) string {
	return name + "{" + strings.Join(labels, ",") + "}"
}

//go:noinline
func (r *MetricsRegistry) observeSharded(key string, v float64) {
	h := fnv.New32a()
	h.Write([]byte(key))
	sh := &r.shards[h.Sum32()%uint32(len(r.shards))]
	sh.mu.RLock()
	s, ok := sh.series[key]
	sh.mu.RUnlock()
	if !ok {
		sh.mu.Lock()
		if s, ok = sh.series[key]; !ok {
			s = &Series{}
			sh.series[key] = s
		}
		sh.mu.Unlock()
	}
	atomic.AddInt64(&s.Count, 1)
	for {
		old := atomic.LoadUint64(&s.SumBits)
		if atomic.CompareAndSwapUint64(&s.SumBits, old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	atomic.AddInt64(&s.Buckets[bucketOf(v)], 1)
}

// Len returns the number of series.
func (r *MetricsRegistry) Len() int {
	if !r.fixed {
		r.mu.Lock()
		defer r.mu.Unlock()
		return len(r.series)
	}
	n := 0
	for i := range r.shards {
		r.shards[i].mu.RLock()
		n += len(r.shards[i].series)
		r.shards[i].mu.RUnlock()
	}
	return n
}

// RequestState is what the tracker knows about one in-flight request.
type RequestState struct {
	ID      string
	Route   string
	Started int64
	Polls   int32
}

// RequestTracker maps in-flight request IDs to their state.
type RequestTracker struct {
	fixed bool

	// Anti-pattern: sync.Map for keys that are each written once, read
	// once and deleted: every operation is a write.
	inflight sync.Map

	// Fix: plain maps behind RWMutexes, sharded.
	shards [256]trackerShard
}

type trackerShard struct {
	mu       sync.RWMutex
	inflight map[string]*RequestState
	_        [32]byte
}

// NewRequestTracker returns an empty tracker.
func NewRequestTracker(fixed bool) *RequestTracker {
	t := &RequestTracker{fixed: fixed}
	for i := range t.shards {
		t.shards[i].inflight = make(map[string]*RequestState, 512) // sized for the window: no growth under the lock
	}
	return t
}

func (t *RequestTracker) shard(id string) *trackerShard {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &t.shards[h.Sum32()%uint32(len(t.shards))]
}

// Start registers a new request.
//
//go:noinline
func (t *RequestTracker) Start(id, route string, now int64) *RequestState {
	st := &RequestState{ID: id, Route: route, Started: now}
	if !t.fixed {
		v, _ := t.inflight.LoadOrStore(id, st)
		return v.(*RequestState)
	}
	sh := t.shard(id)
	sh.mu.Lock()
	if old, ok := sh.inflight[id]; ok {
		st = old
	} else {
		sh.inflight[id] = st
	}
	sh.mu.Unlock()
	return st
}

// Poll looks a request up, as the status endpoint does.
//
//go:noinline
func (t *RequestTracker) Poll(id string) bool {
	if !t.fixed {
		v, ok := t.inflight.Load(id)
		if ok {
			atomic.AddInt32(&v.(*RequestState).Polls, 1)
		}
		return ok
	}
	sh := t.shard(id)
	sh.mu.RLock()
	st, ok := sh.inflight[id]
	sh.mu.RUnlock()
	if ok {
		atomic.AddInt32(&st.Polls, 1)
	}
	return ok
}

// Len returns the number of requests in flight.
func (t *RequestTracker) Len() int {
	n := 0
	if !t.fixed {
		t.inflight.Range(func(_, _ any) bool { n++; return true })
		return n
	}
	for i := range t.shards {
		t.shards[i].mu.RLock()
		n += len(t.shards[i].inflight)
		t.shards[i].mu.RUnlock()
	}
	return n
}

// Finish removes a completed request.
//
//go:noinline
func (t *RequestTracker) Finish(id string) {
	if !t.fixed {
		t.inflight.Delete(id)
		return
	}
	sh := t.shard(id)
	sh.mu.Lock()
	delete(sh.inflight, id)
	sh.mu.Unlock()
}

var routes = []string{"/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/users/{id}", "/api/v1/cart",
	"/api/v1/search", "/api/v1/checkout", "/healthz", "/api/v1/inventory/{sku}"}
var codes = []string{"200", "201", "204", "304", "400", "404", "409", "500"}

// renderResponse renders the JSON body of a response to route and returns
// its length and ETag (the -moderate workload's healthy work).
//
//go:noinline
func renderResponse(buf []byte, id, route string, seed uint32) ([]byte, uint64) {
	b := append(buf[:0], `{"request_id":"`...)
	b = append(b, id...)
	b = append(b, `","route":"`...)
	b = append(b, route...)
	b = append(b, `","items":[`...)
	for i := 0; i < responseItems; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"sku":"SKU-`...)
		b = strconv.AppendUint(b, uint64(seed>>3)+uint64(i)*7919, 36)
		b = append(b, `","qty":`...)
		b = strconv.AppendInt(b, int64(i%7+1), 10)
		b = append(b, `,"price":`...)
		b = strconv.AppendFloat(b, float64(seed%10000)/100+float64(i), 'f', 2, 64)
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	h := fnv.New64a()
	h.Write(b)
	return b, h.Sum64()
}

// responseItems is the size of a -moderate response.
const responseItems = 120

// serveRequests is one request-handling goroutine: it keeps a window of
// requests in flight, and reports each one's latency to the registry. With
// render set it also renders each response body.
//
//go:noinline
func serveRequests(worker int, reg *MetricsRegistry, tr *RequestTracker, render bool, stop *int32, served *int64) {
	window := 4096 // requests each worker keeps in flight
	if render {
		// A handler that renders serves fewer requests: a smaller window
		// keeps Finish (sync.Map's Delete) in the profile on a slow machine.
		window = 512
	}
	pending := make([]string, 0, window)
	seed := uint32(worker*7919 + 1)
	n := 0
	var body []byte
	for atomic.LoadInt32(stop) == 0 {
		seed = seed*1664525 + 1013904223
		n++
		route := routes[seed>>8%uint32(len(routes))]
		id := "req-" + strconv.Itoa(worker) + "-" + strconv.Itoa(n)
		tr.Start(id, route, int64(n))
		pending = append(pending, id)
		tr.Poll(pending[int(seed>>4)%len(pending)])
		if len(pending) == window {
			for _, old := range pending[:window/2] {
				tr.Finish(old)
			}
			pending = append(pending[:0], pending[window/2:]...)
		}
		// Several metrics per request, as instrumented middleware does.
		latency := float64(seed>>12%5000) / 10
		code := codes[seed>>20%uint32(len(codes))]
		labels := []string{"route=" + route, "code=" + code, "method=GET"}
		reg.Observe("http_request_duration_ms", labels, latency)
		reg.Observe("http_requests_total", labels, 1)
		reg.Observe("http_response_size_bytes", labels[:1], float64(seed%65536))
		reg.Observe("db_query_duration_ms", []string{"table=orders"}, latency/3)
		if render {
			body, _ = renderResponse(body, id, route, seed)
		}
		// Writing the response: a real handler would block on the network
		// here and let another goroutine run.
		runtime.Gosched()
	}
	atomic.AddInt64(served, int64(n))
}

func main() {
	opts := harness.ParseFlags("ap2-lock-contention: one hot mutex around a metrics map, and sync.Map under a write-heavy workload (AP2)",
		harness.Fixed|harness.Moderate)
	workers := harness.Goroutines(16)
	// The -moderate run lasts longer: its lock and sync.Map samples are
	// fewer per second, by design.
	runFor := harness.RunFor(3 * time.Second)
	if opts.Moderate {
		runFor = harness.RunFor(6 * time.Second)
	}

	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1000) // record blocking events of 1µs and more

	reg := NewMetricsRegistry(opts.Fixed)
	tr := NewRequestTracker(opts.Fixed)
	var stop int32
	var served int64
	var wg sync.WaitGroup

	harness.StartCPU(opts.Out)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			serveRequests(w, reg, tr, opts.Moderate, &stop, &served)
		}(w)
	}
	time.Sleep(runFor / 2)
	harness.WriteGoroutines(opts.Out)
	harness.WriteHeapEarly(opts.Out)
	time.Sleep(runFor / 2)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	harness.StopCPU()

	harness.WriteLookup(opts.Out, "mutex")
	harness.WriteLookup(opts.Out, "block")
	harness.WriteHeap(opts.Out, true) // reg and tr are still live: used below

	fmt.Fprintf(os.Stderr, "ap2-lock-contention fixed=%v moderate=%v: %d requests served by %d workers in %v, %d series, %d in flight\n",
		opts.Fixed, opts.Moderate, served, workers, runFor, reg.Len(), tr.Len())
}
