// Command edge-metrics is a node-local metrics relay: agents on the host push
// samples into it, it keeps the latest value of every live series, and an
// exporter serialises a full snapshot of all series for the upstream
// collector every few milliseconds (the collector dedups by series and
// timestamp, so full snapshots are simpler than deltas).
package main

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Series is one time series: its identity and its latest sample.
type Series struct {
	Name   string
	Labels string // pre-rendered {k="v",...}
	bits   uint64 // math.Float64bits of the latest value
	stamp  int64  // unix millis of the latest sample
}

func (s *Series) set(v float64, ts int64) {
	atomic.StoreUint64(&s.bits, math.Float64bits(v))
	atomic.StoreInt64(&s.stamp, ts)
}

func (s *Series) add(d float64, ts int64) {
	for {
		old := atomic.LoadUint64(&s.bits)
		nv := math.Float64bits(math.Float64frombits(old) + d)
		if atomic.CompareAndSwapUint64(&s.bits, old, nv) {
			break
		}
	}
	atomic.StoreInt64(&s.stamp, ts)
}

// Head holds every live series by its canonical id.
type Head struct {
	mu     sync.RWMutex
	series map[string]*Series
}

func (h *Head) get(id string) *Series {
	h.mu.RLock()
	s := h.series[id]
	h.mu.RUnlock()
	return s
}

func (h *Head) create(id, name, labels string) *Series {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.series[id]; ok {
		return s
	}
	s := &Series{Name: name, Labels: labels}
	h.series[id] = s
	return s
}

// replace retires the series of targets that went away and creates the
// series of the targets that replaced them, under one write lock.
func (h *Head) replace(gone, added []seriesDef) {
	h.mu.Lock()
	for _, d := range gone {
		delete(h.series, d.id)
	}
	for _, d := range added {
		if _, ok := h.series[d.id]; !ok {
			h.series[d.id] = &Series{Name: d.name, Labels: d.labels}
		}
	}
	h.mu.Unlock()
}

// Exporter writes snapshots in the text exposition format.
type Exporter struct {
	head    *Head
	live    []*Series
	buf     bytes.Buffer
	line    []byte
	sent    int
	bytes   int64
	lastCRC uint32
}

func (e *Exporter) snapshot(now int64) {
	// Collect the live series under the read lock; format them after
	// releasing it so that pushes creating series are not held up.
	e.live = e.live[:0]
	e.head.mu.RLock()
	for _, s := range e.head.series {
		e.live = append(e.live, s)
	}
	e.head.mu.RUnlock()

	e.buf.Reset()
	for _, s := range e.live {
		l := e.line[:0]
		l = append(l, s.Name...)
		l = append(l, s.Labels...)
		l = append(l, ' ')
		l = strconv.AppendFloat(l, math.Float64frombits(atomic.LoadUint64(&s.bits)), 'g', -1, 64)
		l = append(l, ' ')
		l = strconv.AppendInt(l, atomic.LoadInt64(&s.stamp), 10)
		l = append(l, '\n')
		e.buf.Write(l)
		e.line = l
	}
	e.lastCRC = crc32.ChecksumIEEE(e.buf.Bytes())
	e.sent += len(e.live)
	e.bytes += int64(e.buf.Len())
}

type seriesDef struct{ id, name, labels string }

func seriesFor(host, target int) []seriesDef {
	metrics := []string{"http_requests_total", "http_request_duration_seconds_sum", "process_cpu_seconds_total", "process_resident_memory_bytes", "go_goroutines"}
	var out []seriesDef
	for _, m := range metrics {
		for code := 0; code < 2; code++ {
			labels := fmt.Sprintf(`{host="node-%03d",job="svc-%04d",instance="10.2.%d.%d:9100",code="%d"}`, host, target, target/250, target%250, 200+code*300)
			out = append(out, seriesDef{id: m + labels, name: m, labels: labels})
		}
	}
	return out
}

// ingest applies the pushes of a group of agents. Its agents come and go:
// every 100 ms a few of its targets are replaced by new ones, so the head
// stays at ~50k live series.
func ingest(h *Head, defs []seriesDef, nextTarget int, seed int64, stop *int32, applied *int64) {
	r := rand.New(rand.NewSource(seed))
	lastChurn := time.Now()
	for atomic.LoadInt32(stop) == 0 {
		now := time.Now()
		if now.Sub(lastChurn) >= 100*time.Millisecond {
			lastChurn = now
			for k := 0; k < 2; k++ {
				victim := r.Intn(len(defs)/10) * 10
				gone := append([]seriesDef(nil), defs[victim:victim+10]...)
				added := seriesFor(nextTarget%40, nextTarget)
				nextTarget += 2
				copy(defs[victim:victim+10], added)
				h.replace(gone, added)
			}
		}
		ms := now.UnixMilli()
		for k := 0; k < 256; k++ {
			d := defs[r.Intn(len(defs))]
			s := h.get(d.id)
			if s == nil {
				s = h.create(d.id, d.name, d.labels)
			}
			if d.name == "go_goroutines" || d.name == "process_resident_memory_bytes" {
				s.set(float64(r.Intn(1<<20)), ms)
			} else {
				s.add(r.Float64(), ms)
			}
		}
		atomic.AddInt64(applied, 256)
		time.Sleep(50 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	head := &Head{series: make(map[string]*Series)}
	var defs []seriesDef
	for t := 0; t < 5000; t++ {
		defs = append(defs, seriesFor(t%40, t)...)
	}
	for _, d := range defs {
		head.create(d.id, d.name, d.labels)
	}

	var stop int32
	var applied int64
	var wg sync.WaitGroup
	half := len(defs) / 2
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ingest(head, defs[i*half:(i+1)*half], 5000+i, int64(i), &stop, &applied)
		}(i)
	}

	exp := &Exporter{head: head, line: make([]byte, 0, 256)}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for atomic.LoadInt32(&stop) == 0 {
			now := <-tk.C
			exp.snapshot(now.UnixMilli())
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	head.mu.RLock()
	live := len(head.series)
	head.mu.RUnlock()
	fmt.Printf("live=%d applied=%d snapshots_series=%d exported=%dMB elapsed=%s\n", live, atomic.LoadInt64(&applied), exp.sent, exp.bytes>>20, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
