// Command accesslogd receives access-log events from the log shippers of the
// web tier and turns them into per-route statistics every window, which the
// dashboards read. Shippers retry, so events are keyed by request id and a
// retried event simply overwrites itself.
package main

import (
	"log"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

type AccessEvent struct {
	Route     string
	Method    string
	Status    int
	LatencyUS int64
	BytesOut  int
	At        int64
}

type RouteStats struct {
	Requests  int
	Errors    int
	BytesOut  int64
	TotalUS   int64
	MaxUS     int64
	latencies []int64
}

func (s *RouteStats) add(e AccessEvent) {
	s.Requests++
	if e.Status >= 500 {
		s.Errors++
	}
	s.BytesOut += int64(e.BytesOut)
	s.TotalUS += e.LatencyUS
	if e.LatencyUS > s.MaxUS {
		s.MaxUS = e.LatencyUS
	}
	s.latencies = append(s.latencies, e.LatencyUS)
}

func (s *RouteStats) p99() int64 {
	if len(s.latencies) == 0 {
		return 0
	}
	sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
	return s.latencies[len(s.latencies)*99/100]
}

// Window is the raw events of one aggregation interval.
type Window struct {
	Start  time.Time
	Events map[string]AccessEvent // request id -> event
}

// Summary is what the dashboards read for one window.
type Summary struct {
	Start  time.Time
	Routes map[string]RouteStats
}

type Collector struct {
	mu      sync.Mutex
	current *Window

	histMu  sync.RWMutex
	history [30]Summary
	next    int
}

func NewCollector(now time.Time) *Collector {
	return &Collector{current: &Window{Start: now, Events: make(map[string]AccessEvent)}}
}

func (c *Collector) Ingest(batch map[string]AccessEvent) {
	c.mu.Lock()
	for id, e := range batch {
		c.current.Events[id] = e
	}
	c.mu.Unlock()
}

// Rotate closes the current window and opens the next one, sized like the
// window that just ended.
func (c *Collector) Rotate(now time.Time) *Window {
	c.mu.Lock()
	defer c.mu.Unlock()
	done := c.current
	c.current = &Window{Start: now, Events: make(map[string]AccessEvent, len(done.Events))}
	return done
}

// Summarize aggregates a closed window by route and status class.
func Summarize(w *Window) Summary {
	routes := make(map[string]*RouteStats)
	for _, e := range w.Events {
		key := e.Method + " " + e.Route + " " + strconv.Itoa(e.Status/100) + "xx"
		st, ok := routes[key]
		if !ok {
			st = &RouteStats{}
			routes[key] = st
		}
		st.add(e)
	}
	out := Summary{Start: w.Start, Routes: make(map[string]RouteStats, len(routes))}
	for key, st := range routes {
		st.MaxUS = st.p99()
		st.latencies = nil
		out.Routes[key] = *st
	}
	return out
}

func (c *Collector) Publish(s Summary) {
	c.histMu.Lock()
	c.history[c.next%len(c.history)] = s
	c.next++
	c.histMu.Unlock()
}

func (c *Collector) Latest() (Summary, int) {
	c.histMu.RLock()
	defer c.histMu.RUnlock()
	if c.next == 0 {
		return Summary{}, 0
	}
	return c.history[(c.next-1)%len(c.history)], c.next
}

var routes = []string{
	"/", "/login", "/logout", "/cart", "/cart/items", "/checkout", "/checkout/pay",
	"/search", "/product/:id", "/product/:id/reviews", "/account", "/account/orders",
	"/api/v1/stock", "/api/v1/price", "/static/*", "/healthz",
}

func shipper(c *Collector, host int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(int64(host)))
	seq := 0
	prefix := "web-" + strconv.Itoa(host) + "-"
	for {
		select {
		case <-stop:
			return
		default:
		}
		batch := make(map[string]AccessEvent, 64)
		for i := 0; i < 48; i++ {
			if r.Intn(20) != 0 || seq == 0 {
				seq++
			}
			status := 200
			switch x := r.Intn(100); {
			case x < 3:
				status = 500 + r.Intn(4)
			case x < 10:
				status = 400 + r.Intn(5)
			case x < 15:
				status = 302
			}
			method := "GET"
			if r.Intn(5) == 0 {
				method = "POST"
			}
			batch[prefix+strconv.Itoa(seq)] = AccessEvent{
				Route:     routes[r.Intn(len(routes))],
				Method:    method,
				Status:    status,
				LatencyUS: int64(200 + r.ExpFloat64()*3000),
				BytesOut:  300 + r.Intn(40000),
				At:        time.Now().UnixNano(),
			}
		}
		c.Ingest(batch)
		time.Sleep(time.Millisecond)
	}
}

func main() {
	prof.Start()
	c := NewCollector(time.Now())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for h := 1; h <= 3; h++ {
		wg.Add(1)
		go shipper(c, h, stop, &wg)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				c.Publish(Summarize(c.Rotate(now)))
			}
		}
	}()

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()
	s, n := c.Latest()
	total := 0
	for _, st := range s.Routes {
		total += st.Requests
	}
	log.Printf("windows=%d last window: %d route keys, %d requests", n, len(s.Routes), total)
}
