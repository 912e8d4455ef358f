// Command statsd-lite aggregates application metrics: clients push raw
// samples, which land in per-second buckets; once a minute the buckets are
// rolled up into per-minute summaries that the dashboard API serves.
package main

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// The service runs on a compressed clock in this harness: one "minute" of
// metric time passes every minuteEvery of wall time.
const (
	minuteEvery = 400 * time.Millisecond
	secondEvery = minuteEvery / 60
)

type bucketKey struct {
	series string
	second int64
}

type secondBucket struct {
	count    int64
	sum      float64
	min, max float64
}

type minuteSummary struct {
	Series   string
	Count    int64
	Mean     float64
	Min, Max float64
	Seconds  int
}

type sample struct {
	series string
	value  float64
}

var (
	bucketsMu sync.Mutex
	buckets   = make(map[bucketKey]*secondBucket)
	epoch     = time.Now()

	// published per-minute rollup; replaced wholesale by rollupMinute.
	latest atomic.Value // map[string]*minuteSummary

	ingested int64
)

func metricSecond(t time.Time) int64 { return int64(t.Sub(epoch) / secondEvery) }

// ingest adds a batch of samples to the current second's buckets.
func ingest(batch []sample) {
	sec := metricSecond(time.Now())
	bucketsMu.Lock()
	for _, s := range batch {
		k := bucketKey{s.series, sec}
		b := buckets[k]
		if b == nil {
			b = &secondBucket{min: math.Inf(1), max: math.Inf(-1)}
			buckets[k] = b
		}
		b.count++
		b.sum += s.value
		if s.value < b.min {
			b.min = s.value
		}
		if s.value > b.max {
			b.max = s.value
		}
	}
	bucketsMu.Unlock()
	atomic.AddInt64(&ingested, int64(len(batch)))
}

// rollupMinute takes the finished per-second buckets, summarises them per
// series into a fresh map and publishes it.
func rollupMinute() int {
	bucketsMu.Lock()
	done := buckets
	buckets = make(map[bucketKey]*secondBucket, len(done))
	bucketsMu.Unlock()

	perMinute := make(map[string]*minuteSummary, len(done)/60+1)
	for k, b := range done {
		m := perMinute[k.series]
		if m == nil {
			m = &minuteSummary{Series: k.series, Min: b.min, Max: b.max}
			perMinute[k.series] = m
		}
		m.Count += b.count
		m.Mean += b.sum
		m.Seconds++
		if b.min < m.Min {
			m.Min = b.min
		}
		if b.max > m.Max {
			m.Max = b.max
		}
	}
	for _, m := range perMinute {
		if m.Count > 0 {
			m.Mean /= float64(m.Count)
		}
	}
	latest.Store(perMinute)
	return len(perMinute)
}

// topSeries is what the dashboard asks for: the n busiest series of the last minute.
func topSeries(n int) []*minuteSummary {
	cur, _ := latest.Load().(map[string]*minuteSummary)
	out := make([]*minuteSummary, 0, len(cur))
	for _, m := range cur {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func seriesNames() []string {
	var names []string
	for _, svc := range []string{"checkout", "catalog", "search", "auth", "payments", "ledger"} {
		for _, m := range []string{"latency_ms", "rows", "bytes_out", "cache_hits", "errors"} {
			for shard := 0; shard < 10; shard++ {
				names = append(names, fmt.Sprintf("%s.%s.shard%02d", svc, m, shard))
			}
		}
	}
	return names
}

func main() {
	prof.Start()
	latest.Store(map[string]*minuteSummary{})

	names := seriesNames()
	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup

	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			batch := make([]sample, 0, 128)
			for {
				select {
				case <-stop:
					return
				default:
				}
				batch = batch[:0]
				for i := 0; i < cap(batch); i++ {
					batch = append(batch, sample{names[r.Intn(len(names))], r.ExpFloat64() * 40})
				}
				ingest(batch)
				time.Sleep(2 * time.Millisecond)
			}
		}(int64(c))
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(minuteEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				rollupMinute()
			}
		}
	}()

	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				topSeries(10)
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	top := topSeries(3)
	fmt.Printf("ingested %d samples, %d series in last minute\n", atomic.LoadInt64(&ingested), len(latest.Load().(map[string]*minuteSummary)))
	for _, m := range top {
		fmt.Printf("  %s count=%d mean=%.1f\n", m.Series, m.Count, m.Mean)
	}
	prof.Stop()
}
