// Command dnscache runs crawl jobs, each with its own caching stub resolver.
//
// Every crawl job gets a private Resolver so that per-job resolver settings
// (upstream, search domains, negative caching) never leak between tenants.
// The resolver answers lookups from its cache and, on every tick, refreshes
// the entries that are about to expire so that hot names never miss.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	prefetchWindow = 12 * time.Second // refresh entries expiring within this window
	evictGrace     = 30 * time.Second // keep expired, unused entries this long
	maxChainDepth  = 4                // follow CNAME chains this deep when prefetching
	edgeRotation   = 30 * time.Second // the CDN hands out new edge names this often
	cdnZone        = ".cdn.example.net"
)

type rrKind uint8

const (
	kindA rrKind = iota + 1
	kindCNAME
)

// entry is one cached answer.
type entry struct {
	kind    rrKind
	addrs   []uint32
	targets []string // CNAME targets, for kindCNAME
	depth   int      // position in the CNAME chain that produced this entry
	ttl     time.Duration
	expires time.Time
	hits    uint32
}

// answer is what the (simulated) upstream server returns for a name.
type answer struct {
	kind    rrKind
	addrs   []uint32
	targets []string
	ttl     time.Duration
}

// upstream simulates the authoritative side: CDN-fronted names answer with a
// CNAME to edge hosts whose names rotate every edgeRotation.
type upstream struct {
	queries uint64
}

// hashName is FNV-1a over the name; the simulated zone data is derived from it.
func hashName(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func (u *upstream) query(name string, now time.Time) answer {
	atomic.AddUint64(&u.queries, 1)
	h := hashName(name)
	if h%3 == 0 || strings.HasSuffix(name, cdnZone) {
		// plain A record
		n := 1 + int(h%4)
		addrs := make([]uint32, n)
		for i := range addrs {
			addrs[i] = h*2654435761 + uint32(i)*16777619
		}
		return answer{kind: kindA, addrs: addrs, ttl: time.Duration(20+h%40) * time.Second}
	}
	// CDN-fronted site: a CNAME to the current pool of edge hosts.
	epoch := uint64(now.Unix() / int64(edgeRotation/time.Second))
	pool := strconv.Itoa(int(h % 64))
	targets := make([]string, 10+int(h%11))
	for i := range targets {
		targets[i] = "e" + strconv.FormatUint((uint64(h)<<20|epoch<<4|uint64(i))*0x9E3779B1&0xFFFFFFFFFF, 36) +
			".pop" + pool + cdnZone
	}
	return answer{kind: kindCNAME, targets: targets, ttl: time.Duration(20+h%20) * time.Second}
}

// Resolver is a caching stub resolver owned by one crawl job.
type Resolver struct {
	mu         sync.Mutex
	records    map[string]*entry
	up         *upstream
	hits       int
	misses     int
	prefetches int
}

func NewResolver(up *upstream) *Resolver {
	return &Resolver{records: make(map[string]*entry), up: up}
}

// Lookup returns the cached addresses for name, asking upstream on a miss.
func (r *Resolver) Lookup(name string, now time.Time) []uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	for hop := 0; hop <= maxChainDepth; hop++ {
		e, ok := r.records[name]
		if !ok || now.After(e.expires) {
			r.misses++
			a := r.up.query(name, now)
			e = &entry{kind: a.kind, addrs: a.addrs, targets: a.targets, depth: hop, ttl: a.ttl, expires: now.Add(a.ttl)}
			r.records[name] = e
		} else {
			r.hits++
		}
		e.hits++
		if e.kind == kindA || len(e.targets) == 0 {
			return e.addrs
		}
		name = e.targets[int(e.hits)%len(e.targets)]
	}
	return nil
}

// refresh renews every entry that is about to expire and evicts entries
// that expired a while ago and were never used.
func (r *Resolver) refresh(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, e := range r.records {
		left := e.expires.Sub(now)
		switch {
		case left < -evictGrace && e.hits == 0:
			delete(r.records, name)
		case left < prefetchWindow && e.hits > 0:
			r.prefetch(name, e, now)
		}
	}
}

// prefetch re-queries name and warms the cache with its CNAME targets so
// that the next lookup of the chain is answered locally.
func (r *Resolver) prefetch(name string, e *entry, now time.Time) {
	r.prefetches++
	a := r.up.query(name, now)
	e.addrs, e.targets, e.ttl = a.addrs, a.targets, a.ttl
	e.expires = now.Add(a.ttl)
	e.hits = 0
	if e.kind != kindCNAME || e.depth >= maxChainDepth {
		return
	}
	for _, t := range a.targets {
		if _, ok := r.records[t]; ok {
			continue
		}
		ta := r.up.query(t, now)
		r.records[t] = &entry{
			kind: ta.kind, addrs: ta.addrs, targets: ta.targets,
			depth: e.depth + 1, ttl: ta.ttl, expires: now.Add(ta.ttl),
		}
	}
}

// crawlJob simulates one crawl: a set of seed sites fetched page after page,
// with the job's clock advancing five seconds per tick.
type crawlJob struct {
	id    int
	seeds []string
	ticks int
}

func (j crawlJob) run(up *upstream, rng *rand.Rand) (hits, misses, prefetches, size int) {
	res := NewResolver(up)
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(j.id) * time.Minute)
	for tick := 0; tick < j.ticks; tick++ {
		for i := 0; i < 150; i++ {
			res.Lookup(j.seeds[rng.Intn(len(j.seeds))], now)
		}
		res.refresh(now)
		now = now.Add(5 * time.Second)
	}
	return res.hits, res.misses, res.prefetches, len(res.records)
}

func seedsFor(job int, n int) []string {
	tlds := []string{"com", "net", "org", "io", "de", "co.uk"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("www.site%d-%d.%s", job%97, i, tlds[i%len(tlds)])
	}
	return out
}

func main() {
	prof.Start()

	up := &upstream{}
	jobs := make(chan crawlJob)
	var stop int32
	var wg sync.WaitGroup
	var done, totalPrefetch, peak int64
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for j := range jobs {
				_, _, p, size := j.run(up, rng)
				atomic.AddInt64(&done, 1)
				atomic.AddInt64(&totalPrefetch, int64(p))
				if int64(size) > atomic.LoadInt64(&peak) {
					atomic.StoreInt64(&peak, int64(size))
				}
			}
		}(int64(w) + 1)
	}

	go func() {
		for id := 0; atomic.LoadInt32(&stop) == 0; id++ {
			jobs <- crawlJob{id: id, seeds: seedsFor(id, 400), ticks: 10}
		}
		close(jobs)
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	fmt.Printf("crawl jobs=%d prefetches=%d upstream queries=%d peak cache=%d\n",
		done, totalPrefetch, atomic.LoadUint64(&up.queries), peak)
	prof.Stop()
}
