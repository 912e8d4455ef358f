// Command ingestd is the metrics side of a log-ingestion service: handlers
// bump counters and histograms, a Prometheus-style text endpoint is scraped
// by several collectors, and a StatsD pusher flushes deltas on a short tick.
package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type metricKind uint8

const (
	kindCounter metricKind = iota
	kindGauge
	kindHistogram
)

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}

// series is one labelled time series.
type series struct {
	name   string
	labels string // already rendered: method="GET",code="200"
	kind   metricKind
	value  uint64 // counter value, or math.Float64bits for gauges
	sum    uint64 // histogram: float64 bits, updated with CAS
	count  uint64
	bucket []uint64
}

func (s *series) Inc(n uint64) { atomic.AddUint64(&s.value, n) }

func (s *series) Set(v float64) { atomic.StoreUint64(&s.value, math.Float64bits(v)) }

func (s *series) Observe(v float64) {
	for i, ub := range latencyBuckets {
		if v <= ub {
			atomic.AddUint64(&s.bucket[i], 1)
			break
		}
	}
	atomic.AddUint64(&s.count, 1)
	for {
		old := atomic.LoadUint64(&s.sum)
		if atomic.CompareAndSwapUint64(&s.sum, old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Registry holds every series the process exports.
type Registry struct {
	mu     sync.RWMutex
	series map[string]*series
}

func seriesID(name, labels string) string { return name + "{" + labels + "}" }

// Get returns the series, creating it on first use.
func (r *Registry) Get(kind metricKind, name, labels string) *series {
	id := seriesID(name, labels)
	r.mu.RLock()
	s := r.series[id]
	r.mu.RUnlock()
	if s != nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s = r.series[id]; s == nil {
		s = &series{name: name, labels: labels, kind: kind}
		if kind == kindHistogram {
			s.bucket = make([]uint64, len(latencyBuckets))
		}
		r.series[id] = s
	}
	return s
}

// WriteText renders the whole registry in the Prometheus text format.
func (r *Registry) WriteText(w *bytes.Buffer) {
	r.mu.RLock()
	for _, s := range r.series {
		switch s.kind {
		case kindCounter:
			writeSample(w, s.name, s.labels, "", float64(atomic.LoadUint64(&s.value)))
		case kindGauge:
			writeSample(w, s.name, s.labels, "", math.Float64frombits(atomic.LoadUint64(&s.value)))
		case kindHistogram:
			var cum uint64
			for i, ub := range latencyBuckets {
				cum += atomic.LoadUint64(&s.bucket[i])
				writeSample(w, s.name+"_bucket", s.labels, strconv.FormatFloat(ub, 'g', -1, 64), float64(cum))
			}
			writeSample(w, s.name+"_sum", s.labels, "", math.Float64frombits(atomic.LoadUint64(&s.sum)))
			writeSample(w, s.name+"_count", s.labels, "", float64(atomic.LoadUint64(&s.count)))
		}
	}
	r.mu.RUnlock()
}

func writeSample(w *bytes.Buffer, name, labels, le string, v float64) {
	w.WriteString(name)
	w.WriteByte('{')
	w.WriteString(labels)
	if le != "" {
		w.WriteString(`,le="`)
		w.WriteString(le)
		w.WriteByte('"')
	}
	w.WriteString("} ")
	var num [32]byte
	w.Write(strconv.AppendFloat(num[:0], v, 'g', -1, 64))
	w.WriteByte('\n')
}

// statsdPusher sends each tenant's counter deltas since the previous flush
// to that tenant's own StatsD endpoint.
type statsdPusher struct {
	reg   *Registry
	last  map[*series]uint64
	buf   bytes.Buffer
	sinks map[string]io.Writer // tenant -> endpoint
}

func (p *statsdPusher) flush() {
	for _, tenant := range tenants {
		p.flushTenant(tenant, `tenant="`+tenant+`"`)
	}
}

func (p *statsdPusher) flushTenant(tenant, match string) {
	p.buf.Reset()
	p.reg.mu.RLock()
	for id, s := range p.reg.series {
		if s.kind != kindCounter || !strings.HasPrefix(s.labels, match) {
			continue
		}
		cur := atomic.LoadUint64(&s.value)
		delta := cur - p.last[s]
		if delta == 0 {
			continue
		}
		p.last[s] = cur
		p.buf.WriteString(id)
		p.buf.WriteByte(':')
		p.buf.WriteString(strconv.FormatUint(delta, 10))
		p.buf.WriteString("|c\n")
	}
	p.reg.mu.RUnlock()
	p.sinks[tenant].Write(p.buf.Bytes())
}

// ---- the service being measured ----

var (
	tenants = []string{"acme", "globex", "initech", "umbrella", "hooli", "piedpiper", "stark", "wayne"}
	sources = []string{"nginx", "app", "audit", "k8s-events", "syslog"}
	codes   = []string{"200", "204", "400", "413", "429", "500"}
)

func ingestWorker(reg *Registry, seed int64, stop *atomic.Bool, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for !stop.Load() {
		tenant := tenants[rng.Intn(len(tenants))]
		src := sources[rng.Intn(len(sources))]
		code := codes[rng.Intn(len(codes))]
		lbl := `tenant="` + tenant + `",source="` + src + `"`
		lines := 1 + rng.Intn(200)
		reg.Get(kindCounter, "ingest_batches_total", lbl+`,code="`+code+`"`).Inc(1)
		reg.Get(kindCounter, "ingest_lines_total", lbl).Inc(uint64(lines))
		reg.Get(kindHistogram, "ingest_batch_seconds", `source="`+src+`"`).Observe(rng.ExpFloat64() * 0.01)
		time.Sleep(20 * time.Microsecond)
	}
}

type countingSink struct{ n int64 }

func (c *countingSink) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	reg := &Registry{series: make(map[string]*series, 512)}
	// Pre-register everything so a fresh process exports a stable set.
	for _, t := range tenants {
		for _, s := range sources {
			lbl := `tenant="` + t + `",source="` + s + `"`
			reg.Get(kindCounter, "ingest_lines_total", lbl)
			reg.Get(kindGauge, "ingest_queue_depth", lbl)
			for _, c := range codes {
				reg.Get(kindCounter, "ingest_batches_total", lbl+`,code="`+c+`"`)
			}
		}
	}
	for _, s := range sources {
		reg.Get(kindHistogram, "ingest_batch_seconds", `source="`+s+`"`)
	}
	fmt.Fprintf(os.Stderr, "series=%d\n", len(reg.series))

	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go ingestWorker(reg, int64(i), &stop, &wg)
	}

	// Queue-depth gauges are sampled by a background poller.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(42))
		for !stop.Load() {
			for _, t := range tenants {
				for _, s := range sources {
					reg.Get(kindGauge, "ingest_queue_depth", `tenant="`+t+`",source="`+s+`"`).Set(float64(rng.Intn(5000)))
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// Collectors scraping /metrics.
	var scrapedBytes atomic.Int64
	for c := 0; c < 3; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for !stop.Load() {
				buf.Reset()
				reg.WriteText(&buf)
				scrapedBytes.Add(int64(buf.Len()))
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}

	// StatsD pusher flushing every millisecond.
	sink := &countingSink{}
	pusher := &statsdPusher{reg: reg, last: make(map[*series]uint64, 512), sinks: make(map[string]io.Writer)}
	for _, t := range tenants {
		pusher.sinks[t] = sink
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for !stop.Load() {
			<-tick.C
			pusher.flush()
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	stop.Store(true)
	wg.Wait()

	fmt.Fprintf(os.Stderr, "series=%d scraped=%dB pushed=%dB\n", len(reg.series), scrapedBytes.Load(), sink.n)
	prof.Stop()
}
