// Command enricher is the attribute-normalisation stage of an analytics
// ingest pipeline: events arrive from collectors with attribute keys in
// whatever casing the SDK used ("userId", "HTTP-Status", "Session.ID"), and
// the enricher makes every attribute reachable under canonical alias keys
// before the event is handed to the indexer.
package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"blind/prof"
)

// Event is one analytics event as decoded from the collector wire format.
type Event struct {
	ID        uint64
	Source    string
	Timestamp time.Time
	Attrs     map[string]string
}

// Enricher canonicalises event attributes and tracks a few counters.
type Enricher struct {
	region    string
	processed uint64
	aliased   uint64
}

func NewEnricher(region string) *Enricher {
	return &Enricher{region: region}
}

// Enrich prepares an event for indexing: it stamps the ingest region and
// makes every attribute available under its lower-case and snake_case alias.
func (e *Enricher) Enrich(ev *Event) {
	ev.Attrs["ingest_region"] = e.region
	for k := range ev.Attrs {
		e.normalizeKey(ev.Attrs, k)
	}
	atomic.AddUint64(&e.processed, 1)
}

// normalizeKey stores the value of attrs[k] under the alias keys the query
// layer uses, so dashboards can filter on either spelling.
func (e *Enricher) normalizeKey(attrs map[string]string, k string) {
	v := attrs[k]
	lower := strings.ToLower(k)
	if lower != k {
		attrs[lower] = v
		atomic.AddUint64(&e.aliased, 1)
	}
	snake := toSnake(k)
	if snake != k && snake != lower {
		attrs[snake] = v
		atomic.AddUint64(&e.aliased, 1)
	}
}

// toSnake converts "userId", "HTTP-Status" or "Session.ID" to "user_id",
// "http_status" and "session_id".
func toSnake(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	prevLower := false
	for _, r := range s {
		switch {
		case r == '-' || r == '.' || r == ' ':
			b.WriteByte('_')
			prevLower = false
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	return b.String()
}

// --- synthetic collector traffic -------------------------------------------

var sdkKeys = []string{
	"userId", "sessionId", "HTTP-Status", "Request.Path", "deviceModel",
	"appVersion", "OS-Name", "osVersion", "screenWidth", "screenHeight",
	"Locale", "Referrer.Host", "utmSource", "utmCampaign", "cartValue",
	"itemCount", "Experiment-Bucket", "latencyMs", "Network.Type", "batteryLevel",
}

var sources = []string{"ios-sdk", "android-sdk", "web-js", "server-go"}

type collector struct {
	rng  *rand.Rand
	next uint64
}

func (c *collector) decode() *Event {
	n := 8 + c.rng.Intn(9)
	attrs := make(map[string]string, n)
	for i := 0; i < n; i++ {
		k := sdkKeys[c.rng.Intn(len(sdkKeys))]
		attrs[k] = fmt.Sprintf("v%d", c.rng.Intn(10000))
	}
	c.next++
	return &Event{
		ID:        c.next,
		Source:    sources[c.rng.Intn(len(sources))],
		Timestamp: time.Now(),
		Attrs:     attrs,
	}
}

// indexer stands in for the downstream writer: it only counts attributes.
type indexer struct {
	mu    sync.Mutex
	attrs int
	docs  int
}

func (ix *indexer) add(batch []*Event) {
	total := 0
	for _, ev := range batch {
		total += len(ev.Attrs)
	}
	ix.mu.Lock()
	ix.attrs += total
	ix.docs += len(batch)
	ix.mu.Unlock()
}

func main() {
	prof.Start()

	enr := NewEnricher("eu-west-1")
	ix := &indexer{}
	stop := make(chan struct{})
	var wg sync.WaitGroup

	const workers = 4
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			col := &collector{rng: rand.New(rand.NewSource(seed))}
			batch := make([]*Event, 0, 64)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 64; i++ {
					ev := col.decode()
					enr.Enrich(ev)
					batch = append(batch, ev)
				}
				ix.add(batch)
				batch = batch[:0]
			}
		}(int64(w) + 1)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	fmt.Printf("enriched %d events (%d aliases), indexed %d docs / %d attrs\n",
		atomic.LoadUint64(&enr.processed), atomic.LoadUint64(&enr.aliased), ix.docs, ix.attrs)
	prof.Stop()
}
