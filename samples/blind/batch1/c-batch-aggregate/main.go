// Command logroll is the rollup stage of an access-log pipeline: it receives
// parsed access-log records in batches (one per shipper flush), aggregates
// each batch per route and per service, and emits the rollups to the metrics
// store.
package main

import (
	"log"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Record struct {
	Service  string
	Route    string
	Region   string
	Status   int
	Latency  time.Duration
	BytesOut int
}

type routeKey struct {
	service, route, region string
	class                  int // status/100
}

// latency histogram bucket upper bounds, in milliseconds
var bounds = [...]float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}

type routeAgg struct {
	count int
	sumMs float64
	maxMs float64
	bytes int
	hist  [len(bounds) + 1]int
}

type RouteRollup struct {
	Service, Route, Region string
	Class                  int
	Count                  int
	MeanMs, P95Ms, MaxMs   float64
	Bytes                  int
}

type ServiceRollup struct {
	Service   string
	Requests  int
	Errors    int
	Bytes     int
	WorstP95  float64
	WorstPath string
}

func p95(h *[len(bounds) + 1]int, n int) float64 {
	want := (n*95 + 99) / 100
	seen := 0
	for i, c := range h {
		seen += c
		if seen >= want {
			if i < len(bounds) {
				return bounds[i]
			}
			return bounds[len(bounds)-1] * 2
		}
	}
	return 0
}

// rollup aggregates one batch. Both maps live only for this call.
func rollup(batch []Record) ([]RouteRollup, []ServiceRollup) {
	routes := make(map[routeKey]*routeAgg)
	for i := range batch {
		r := &batch[i]
		k := routeKey{service: r.Service, route: r.Route, region: r.Region, class: r.Status / 100}
		a := routes[k]
		if a == nil {
			a = &routeAgg{}
			routes[k] = a
		}
		ms := float64(r.Latency) / float64(time.Millisecond)
		a.count++
		a.sumMs += ms
		if ms > a.maxMs {
			a.maxMs = ms
		}
		a.bytes += r.BytesOut
		b := sort.SearchFloat64s(bounds[:], ms)
		a.hist[b]++
	}

	out := make([]RouteRollup, 0, len(routes))
	services := make(map[string]*ServiceRollup)
	for k, a := range routes {
		rr := RouteRollup{
			Service: k.service, Route: k.route, Region: k.region, Class: k.class,
			Count: a.count, MeanMs: a.sumMs / float64(a.count), P95Ms: p95(&a.hist, a.count), MaxMs: a.maxMs, Bytes: a.bytes,
		}
		out = append(out, rr)

		s := services[k.service]
		if s == nil {
			s = &ServiceRollup{Service: k.service}
			services[k.service] = s
		}
		s.Requests += a.count
		if k.class == 5 {
			s.Errors += a.count
		}
		s.Bytes += a.bytes
		if rr.P95Ms > s.WorstP95 {
			s.WorstP95, s.WorstPath = rr.P95Ms, k.route
		}
	}

	svc := make([]ServiceRollup, 0, len(services))
	for _, s := range services {
		svc = append(svc, *s)
	}
	sort.Slice(svc, func(i, j int) bool { return svc[i].Service < svc[j].Service })
	return out, svc
}

// shipper produces batches of parsed records like a log shipper flushing.
func shipper(seed int64, batches chan<- []Record, quit *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	services := []string{"checkout", "catalog", "search", "accounts", "payments", "reviews", "recs", "media", "shipping", "cms"}
	regions := []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"}
	routes := make(map[string][]string)
	for _, s := range services {
		for i := 0; i < 40; i++ {
			routes[s] = append(routes[s], "/"+s+"/v"+string(rune('1'+i%3))+"/op"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		}
	}
	for atomic.LoadInt32(quit) == 0 {
		batch := make([]Record, 2000+rng.Intn(6000))
		for i := range batch {
			s := services[rng.Intn(len(services))]
			status := 200
			switch x := rng.Intn(100); {
			case x < 3:
				status = 500 + rng.Intn(4)
			case x < 10:
				status = 400 + rng.Intn(30)
			case x < 14:
				status = 304
			}
			batch[i] = Record{
				Service:  s,
				Route:    routes[s][rng.Intn(len(routes[s]))],
				Region:   regions[rng.Intn(len(regions))],
				Status:   status,
				Latency:  time.Duration(rng.ExpFloat64() * float64(30*time.Millisecond)),
				BytesOut: 200 + rng.Intn(40000),
			}
		}
		batches <- batch
	}
}

func main() {
	prof.Start()
	start := time.Now()

	var quit int32
	batches := make(chan []Record, 4)
	var producers, consumers sync.WaitGroup
	for i := 0; i < 2; i++ {
		producers.Add(1)
		go shipper(int64(i+1), batches, &quit, &producers)
	}

	var batchesDone, rowsOut, errs int64
	for i := 0; i < 3; i++ {
		consumers.Add(1)
		go func() {
			defer consumers.Done()
			for b := range batches {
				rr, svc := rollup(b)
				atomic.AddInt64(&batchesDone, 1)
				atomic.AddInt64(&rowsOut, int64(len(rr)))
				for _, s := range svc {
					atomic.AddInt64(&errs, int64(s.Errors))
				}
			}
		}()
	}

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2400 * time.Millisecond)
	atomic.StoreInt32(&quit, 1)
	go func() {
		// drain whatever the shippers still push while stopping
		producers.Wait()
		close(batches)
	}()
	consumers.Wait()
	log.Printf("rolled up %d batches into %d route rows (%d 5xx) in %.1fs",
		batchesDone, rowsOut, errs, time.Since(start).Seconds())
	prof.Stop()
}
