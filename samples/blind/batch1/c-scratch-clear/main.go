// Command bidnorm is the request-normalization stage of an ad-bidding edge
// service: it parses each bid request's query string, applies the publisher's
// parameter rules, and derives the cache fingerprint used to dedupe bids.
package main

import (
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// paramRule says how the normalizer treats one query parameter.
type paramRule struct {
	canonical string // name the rest of the pipeline uses
	inKey     bool   // part of the dedupe fingerprint
	lower     bool   // value is case-insensitive
}

var rules = map[string]paramRule{
	"pub":     {"publisher_id", true, false},
	"pid":     {"publisher_id", true, false},
	"slot":    {"slot_id", true, false},
	"w":       {"width", true, false},
	"h":       {"height", true, false},
	"fmt":     {"format", true, true},
	"geo":     {"country", true, true},
	"cc":      {"country", true, true},
	"dev":     {"device", true, true},
	"os":      {"os", true, true},
	"osv":     {"os_version", false, false},
	"ua":      {"user_agent", false, false},
	"lang":    {"language", true, true},
	"cat":     {"category", true, true},
	"floor":   {"floor_cpm", false, false},
	"cur":     {"currency", true, true},
	"gdpr":    {"gdpr", true, false},
	"consent": {"consent", false, false},
	"ts":      {"timestamp", false, false},
	"rid":     {"request_id", false, false},
	"sid":     {"session_id", false, false},
	"ref":     {"referrer", false, false},
	"pos":     {"position", true, false},
	"vis":     {"viewable", false, false},
}

// Normalizer is owned by one worker goroutine; its scratch state is reused
// from one request to the next.
type Normalizer struct {
	params map[string]string // canonical name -> value, per request
	keys   []string
	buf    strings.Builder
	stats  struct{ requests, dropped, unknown int64 }
}

func NewNormalizer() *Normalizer {
	return &Normalizer{params: make(map[string]string, 32), keys: make([]string, 0, 32)}
}

// Normalize parses raw and returns the dedupe fingerprint of the request.
func (n *Normalizer) Normalize(raw string) (uint64, bool) {
	n.stats.requests++
	for _, kv := range strings.Split(raw, "&") {
		eq := strings.IndexByte(kv, '=')
		if eq <= 0 {
			continue
		}
		name, val := kv[:eq], kv[eq+1:]
		r, ok := rules[name]
		if !ok {
			n.stats.unknown++
			continue
		}
		if r.lower {
			val = strings.ToLower(val)
		}
		if _, dup := n.params[r.canonical]; dup {
			continue // first occurrence wins, like the legacy PHP endpoint
		}
		n.params[r.canonical] = val
	}

	ok := n.validate()
	var fp uint64
	if ok {
		fp = n.fingerprint()
	} else {
		n.stats.dropped++
	}

	// reset the scratch map for the next request
	for k := range n.params {
		delete(n.params, k)
	}
	return fp, ok
}

func (n *Normalizer) validate() bool {
	if n.params["publisher_id"] == "" || n.params["slot_id"] == "" {
		return false
	}
	if c, ok := n.params["currency"]; ok && c != "usd" && c != "eur" {
		return false
	}
	if n.params["gdpr"] == "1" && n.params["consent"] == "" {
		return false
	}
	return true
}

func (n *Normalizer) fingerprint() uint64 {
	n.keys = n.keys[:0]
	for k := range n.params {
		if rulesByCanonical[k] {
			n.keys = append(n.keys, k)
		}
	}
	sort.Strings(n.keys)
	h := fnv.New64a()
	for _, k := range n.keys {
		h.Write([]byte(k))
		h.Write([]byte{'='})
		h.Write([]byte(n.params[k]))
		h.Write([]byte{';'})
	}
	return h.Sum64()
}

var rulesByCanonical = func() map[string]bool {
	m := make(map[string]bool)
	for _, r := range rules {
		if r.inKey {
			m[r.canonical] = true
		}
	}
	return m
}()

// sampleTraffic builds a pool of realistic bid-request query strings.
func sampleTraffic(rng *rand.Rand, n int) []string {
	names := make([]string, 0, len(rules))
	for k := range rules {
		names = append(names, k)
	}
	sort.Strings(names)
	values := map[string][]string{
		"fmt": {"Banner", "VIDEO", "native"}, "geo": {"DE", "NL", "US", "BR"}, "cc": {"de", "fr"},
		"dev": {"Mobile", "desktop", "CTV"}, "os": {"iOS", "Android", "Windows"}, "cur": {"USD", "EUR", "usd"},
		"gdpr": {"0", "1"}, "lang": {"EN", "de", "pt-BR"}, "cat": {"IAB1", "IAB7-39", "IAB19"},
	}
	out := make([]string, n)
	var b strings.Builder
	for i := range out {
		b.Reset()
		fmt.Fprintf(&b, "pub=%d&slot=s%d", 1000+rng.Intn(300), rng.Intn(5000))
		extra := 8 + rng.Intn(22)
		for j := 0; j < extra; j++ {
			name := names[rng.Intn(len(names))]
			val := fmt.Sprintf("%x", rng.Int63n(1<<40))
			if vs, ok := values[name]; ok {
				val = vs[rng.Intn(len(vs))]
			}
			fmt.Fprintf(&b, "&%s=%s", name, val)
		}
		if rng.Intn(10) == 0 {
			b.WriteString("&utm_source=newsletter&cb=" + fmt.Sprint(rng.Int()))
		}
		out[i] = b.String()
	}
	return out
}

func main() {
	prof.Start()
	start := time.Now()

	traffic := sampleTraffic(rand.New(rand.NewSource(3)), 6000)

	var stop int32
	var total, dropped uint64
	var wg sync.WaitGroup
	seen := make([]map[uint64]int, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		seen[w] = make(map[uint64]int)
		go func(w int) {
			defer wg.Done()
			norm := NewNormalizer()
			dedupe := seen[w]
			rng := rand.New(rand.NewSource(int64(w)))
			for atomic.LoadInt32(&stop) == 0 {
				for i := 0; i < 256; i++ {
					fp, ok := norm.Normalize(traffic[rng.Intn(len(traffic))])
					if ok {
						dedupe[fp%4096]++
					}
				}
			}
			atomic.AddUint64(&total, uint64(norm.stats.requests))
			atomic.AddUint64(&dropped, uint64(norm.stats.dropped))
		}(w)
	}

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2300 * time.Millisecond)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	log.Printf("normalized %d bid requests (%d dropped) in %.1fs", total, dropped, time.Since(start).Seconds())
	prof.Stop()
}
