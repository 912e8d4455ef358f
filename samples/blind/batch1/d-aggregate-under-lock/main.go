// sloguard tracks per-endpoint latency objectives for the payments API and
// serves a live status table. Handlers report every request to the tracker.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const windowSize = 600

type window struct {
	samples []float64 // ring of recent latencies, ms
	next    int
	count   int64
	errors  int64
	p50     float64
	p95     float64
	p99     float64
	burn    float64
}

// Tracker keeps a sliding latency window per endpoint.
type Tracker struct {
	mu        sync.Mutex
	endpoints map[string]*window
	status    map[string]string // rendered rows for /status
	objective map[string]float64
}

func NewTracker(objectives map[string]float64) *Tracker {
	return &Tracker{
		endpoints: make(map[string]*window),
		status:    make(map[string]string),
		objective: objectives,
	}
}

// Observe records one request and refreshes that endpoint's percentiles
// and status row so /status is always current.
func (t *Tracker) Observe(endpoint string, latencyMs float64, failed bool) {
	t.mu.Lock()
	defer t.mu.Unlock()

	w, ok := t.endpoints[endpoint]
	if !ok {
		w = &window{samples: make([]float64, 0, windowSize)}
		t.endpoints[endpoint] = w
	}
	if len(w.samples) < windowSize {
		w.samples = append(w.samples, latencyMs)
	} else {
		w.samples[w.next] = latencyMs
		w.next = (w.next + 1) % windowSize
	}
	w.count++
	if failed {
		w.errors++
	}

	sorted := make([]float64, len(w.samples))
	copy(sorted, w.samples)
	sort.Float64s(sorted)
	w.p50 = percentile(sorted, 0.50)
	w.p95 = percentile(sorted, 0.95)
	w.p99 = percentile(sorted, 0.99)

	target := t.objective[endpoint]
	over := 0
	for _, v := range sorted {
		if v > target {
			over++
		}
	}
	w.burn = float64(over) / float64(len(sorted)) / 0.01

	t.status[endpoint] = fmt.Sprintf("%-34s n=%-8d err=%-6d p50=%7.2fms p95=%7.2fms p99=%7.2fms burn=%5.2fx",
		endpoint, w.count, w.errors, w.p50, w.p95, w.p99, w.burn)
}

// Render is what the /status handler returns.
func (t *Tracker) Render() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	rows := make([]string, 0, len(t.status))
	for _, r := range t.status {
		rows = append(rows, r)
	}
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}

func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}

var endpoints = []string{
	"POST /v1/payments", "POST /v1/payments/{id}/capture", "POST /v1/refunds",
	"GET /v1/payments/{id}", "GET /v1/balance", "POST /v1/payouts", "GET /v1/disputes",
	"POST /v1/customers", "GET /v1/customers/{id}", "POST /v1/tokens",
}

// handle simulates a request handler: sign the payload, then report.
func handle(t *Tracker, key []byte, r *rand.Rand, payload []byte, served *int64) {
	ep := endpoints[r.Intn(len(endpoints))]
	start := time.Now()
	mac := hmac.New(sha256.New, key)
	for i := 0; i < 4; i++ {
		mac.Write(payload)
	}
	sig := mac.Sum(nil)
	simulated := float64(time.Since(start).Microseconds())/1000 + r.ExpFloat64()*35
	t.Observe(ep, simulated, sig[0] == 0 && r.Intn(3) == 0)
	atomic.AddInt64(served, 1)
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	obj := make(map[string]float64)
	for i, e := range endpoints {
		obj[e] = 120 + float64(i%3)*40
	}
	tr := NewTracker(obj)

	var served int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(id)))
			key := []byte(fmt.Sprintf("merchant-signing-key-%d", id))
			payload := make([]byte, 1024)
			r.Read(payload)
			for {
				select {
				case <-stop:
					return
				default:
					handle(tr, key, r, payload, &served)
				}
			}
		}(i)
	}
	// the status page is polled by the dashboard
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_ = tr.Render()
			}
		}
	}()

	start := time.Now()
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()
	fmt.Printf("served %d requests\n%s\n", atomic.LoadInt64(&served), tr.Render())
	prof.Stop()
}
