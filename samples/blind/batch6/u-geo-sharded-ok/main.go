// fleetd ingests GPS pings from a delivery fleet, keeps each vehicle's last
// fix with its odometer and nearest depot, and answers "how many vehicles
// are near here" for the dispatch console.
package main

import (
	"fmt"
	"math"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type depot struct {
	name     string
	lat, lon float64
}

func makeDepots(rng *rand.Rand) []depot {
	ds := make([]depot, 60)
	for i := range ds {
		ds[i] = depot{
			name: fmt.Sprintf("DEPOT-%02d", i),
			lat:  51.2 + rng.Float64()*1.2,
			lon:  -0.9 + rng.Float64()*1.6,
		}
	}
	return ds
}

func nearestDepot(depots []depot, lat, lon float64) (int, float64) {
	best, bestKm := -1, math.Inf(1)
	for i, d := range depots {
		if km := haversineKm(lat, lon, d.lat, d.lon); km < bestKm {
			best, bestKm = i, km
		}
	}
	return best, bestKm
}

type ping struct {
	vehicle  string
	lat, lon float64
	at       time.Time
}

// ingestWorker processes one gateway's stream of pings. The gateway
// delivers what its radios received as a batch every few milliseconds.
func ingestWorker(idx *GeoIndex, depots []depot, vehicles []string, seed int64, stop <-chan struct{}, processed *int64) {
	rng := rand.New(rand.NewSource(seed))
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	batch := make([]ping, 0, 16)
	for {
		select {
		case <-stop:
			return
		case now := <-poll.C:
			batch = batch[:0]
			for n := 6 + rng.Intn(8); n > 0; n-- {
				batch = append(batch, ping{
					vehicle: vehicles[rng.Intn(len(vehicles))],
					lat:     51.2 + rng.Float64()*1.2,
					lon:     -0.9 + rng.Float64()*1.6,
					at:      now,
				})
			}
			for _, p := range batch {
				track(idx, depots, p)
			}
			atomic.AddInt64(processed, int64(len(batch)))
		}
	}
}

// track updates one vehicle's fix: odometer and speed from the previous
// fix, nearest depot from the new position.
func track(idx *GeoIndex, depots []depot, p ping) {
	prev, seen := idx.Last(p.vehicle)
	f := Fix{Lat: p.lat, Lon: p.lon, ReportedAt: p.at}
	if seen {
		km := haversineKm(prev.Lat, prev.Lon, p.lat, p.lon)
		f.Odometer = prev.Odometer + km
		if dt := p.at.Sub(prev.ReportedAt).Hours(); dt > 0 {
			f.SpeedKmh = km / dt
		}
	}
	f.NearDepot, _ = nearestDepot(depots, p.lat, p.lon)
	idx.Put(p.vehicle, f)
}

func main() {
	prof.Start()

	rng := rand.New(rand.NewSource(42))
	depots := makeDepots(rng)
	vehicles := make([]string, 20000)
	for i := range vehicles {
		vehicles[i] = fmt.Sprintf("VH-%05d", i)
	}
	idx := NewGeoIndex()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var processed int64
	const gateways = 24
	for g := 0; g < gateways; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			ingestWorker(idx, depots, vehicles, seed, stop, &processed)
		}(int64(g) + 100)
	}

	// Dispatch console: a radius query every 200ms.
	var queries, lastCount int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				d := depots[int(atomic.LoadInt64(&queries))%len(depots)]
				atomic.StoreInt64(&lastCount, int64(idx.CountWithin(d.lat, d.lon, 5)))
				atomic.AddInt64(&queries, 1)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	fmt.Printf("processed %d pings, %d radius queries (last: %d vehicles within 5 km)\n",
		processed, queries, lastCount)
	prof.Stop()
}
