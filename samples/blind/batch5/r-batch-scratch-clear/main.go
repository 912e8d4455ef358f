// Command rollupd pre-aggregates metric samples before they are shipped to
// the time-series store: each batch of raw samples is folded into one point
// per series (count, sum, min, max) and encoded in line protocol.
package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Sample is one raw observation from an agent.
type Sample struct {
	Series string // measurement plus sorted tags, e.g. "http_latency,host=web-3,route=/cart"
	Value  float64
	TsMs   int64
}

type rollup struct {
	count    int
	sum      float64
	min, max float64
	lastTs   int64
}

// flusher owns one worker's reusable state.
type flusher struct {
	id      int
	scratch map[string]rollup // reused for every batch
	keys    []string
	out     bytes.Buffer
	shipped *int64
}

func newFlusher(id int, shipped *int64) *flusher {
	return &flusher{id: id, scratch: make(map[string]rollup, 64), keys: make([]string, 0, 64), shipped: shipped}
}

// fold aggregates one batch and writes the encoded points to f.out.
func (f *flusher) fold(batch []Sample) {
	for _, s := range batch {
		r, ok := f.scratch[s.Series]
		if !ok {
			r = rollup{min: math.Inf(1), max: math.Inf(-1)}
		}
		r.count++
		r.sum += s.Value
		r.min = math.Min(r.min, s.Value)
		r.max = math.Max(r.max, s.Value)
		if s.TsMs > r.lastTs {
			r.lastTs = s.TsMs
		}
		f.scratch[s.Series] = r
	}

	f.keys = f.keys[:0]
	for k := range f.scratch {
		f.keys = append(f.keys, k)
	}
	sort.Strings(f.keys)

	f.out.Reset()
	var num []byte
	for _, k := range f.keys {
		r := f.scratch[k]
		f.out.WriteString(k)
		f.out.WriteString(" count=")
		num = strconv.AppendInt(num[:0], int64(r.count), 10)
		f.out.Write(num)
		f.out.WriteString("i,sum=")
		num = strconv.AppendFloat(num[:0], r.sum, 'g', -1, 64)
		f.out.Write(num)
		f.out.WriteString(",min=")
		num = strconv.AppendFloat(num[:0], r.min, 'g', -1, 64)
		f.out.Write(num)
		f.out.WriteString(",max=")
		num = strconv.AppendFloat(num[:0], r.max, 'g', -1, 64)
		f.out.Write(num)
		f.out.WriteByte(' ')
		num = strconv.AppendInt(num[:0], r.lastTs*1000000, 10)
		f.out.Write(num)
		f.out.WriteByte('\n')
	}
	atomic.AddInt64(f.shipped, int64(f.out.Len()))

	// Reset the scratch map for the next batch; it keeps its buckets.
	for k := range f.scratch {
		delete(f.scratch, k)
	}
}

func (f *flusher) run(batches <-chan []Sample, free chan<- []Sample, wg *sync.WaitGroup) {
	defer wg.Done()
	for b := range batches {
		f.fold(b)
		free <- b[:0]
	}
}

// seriesCatalog is what the agents on a fleet report.
func seriesCatalog() []string {
	var out []string
	metrics := []string{"http_latency_ms", "http_requests", "db_query_ms", "queue_depth", "gc_pause_us"}
	routes := []string{"/", "/cart", "/checkout", "/search", "/api/items", "/api/items/:id", "/login", "/logout", "/account", "/healthz"}
	for h := 0; h < 40; h++ {
		for _, m := range metrics {
			for _, r := range routes {
				out = append(out, m+",host=web-"+strconv.Itoa(h)+",route="+r)
			}
		}
	}
	return out
}

// agentFeed cuts the incoming stream into batches; each batch comes from one
// host and therefore touches a few dozen series.
func agentFeed(series []string, batches chan<- []Sample, free chan []Sample, stop *int32) {
	rng := rand.New(rand.NewSource(17))
	perHost := len(series) / 40
	ts := time.Now().UnixNano() / 1e6
	for atomic.LoadInt32(stop) == 0 {
		var b []Sample
		select {
		case b = <-free:
		default:
			b = make([]Sample, 0, 512)
		}
		host := rng.Intn(40)
		n := 300 + rng.Intn(200)
		for i := 0; i < n; i++ {
			ts++
			b = append(b, Sample{
				Series: series[host*perHost+rng.Intn(perHost)],
				Value:  rng.ExpFloat64() * 120,
				TsMs:   ts,
			})
		}
		batches <- b
	}
	close(batches)
}

func main() {
	prof.Start()
	series := seriesCatalog()
	batches := make(chan []Sample, 16)
	free := make(chan []Sample, 64)
	var shipped int64
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go newFlusher(i, &shipped).run(batches, free, &wg)
	}
	go agentFeed(series, batches, free, &stop)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	prof.Stop()
	fmt.Printf("shipped=%d bytes\n", atomic.LoadInt64(&shipped))
}
