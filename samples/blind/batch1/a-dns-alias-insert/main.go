// Command dnsmirror is the cache half of a small stub resolver that mirrors an
// upstream zone. Every time the primary announces a new serial the zone is
// transferred again, loaded into the answer cache, and a refresh pass
// flattens CNAME chains so that clients get A/AAAA answers without a second
// round trip. Client queries are served from the same event loop.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strconv"
	"time"

	"blind/prof"
)

type rrType uint16

const (
	typeA     rrType = 1
	typeCNAME rrType = 5
	typeAAAA  rrType = 28
)

func (t rrType) String() string {
	switch t {
	case typeA:
		return "A"
	case typeCNAME:
		return "CNAME"
	case typeAAAA:
		return "AAAA"
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// qkey identifies one cached RRset.
type qkey struct {
	name  string
	qtype rrType
}

// answer is one cached RRset (one record per set keeps the example small).
type answer struct {
	target    string // for CNAME
	addr      [16]byte
	ttl       uint32
	expires   int64 // unix nanos
	serial    uint32
	flattened bool // synthesized from a CNAME chain
}

// zoneRecord is what an AXFR hands us.
type zoneRecord struct {
	name   string
	qtype  rrType
	target string
	addr   [16]byte
	ttl    uint32
}

type resolverStats struct {
	queries, hits, misses, flattened, expired, transfers uint64
}

// AnswerCache holds everything the resolver can answer locally.
type AnswerCache struct {
	entries map[qkey]answer
	serial  uint32
	maxHops int
	stats   resolverStats
}

func NewAnswerCache() *AnswerCache {
	return &AnswerCache{entries: make(map[qkey]answer), maxHops: 4}
}

// Load replaces the cache content with a freshly transferred zone.
func (c *AnswerCache) Load(serial uint32, zone []zoneRecord, now time.Time) {
	entries := make(map[qkey]answer, len(zone))
	exp := now.UnixNano()
	for i := range zone {
		zr := &zone[i]
		entries[qkey{zr.name, zr.qtype}] = answer{
			target:  zr.target,
			addr:    zr.addr,
			ttl:     zr.ttl,
			expires: exp + int64(zr.ttl)*int64(time.Second),
			serial:  serial,
		}
	}
	c.entries = entries
	c.serial = serial
	c.stats.transfers++
}

// refresh drops expired RRsets and flattens CNAME chains: for every CNAME it
// resolves the chain to its terminal address and caches A and AAAA answers
// for the alias itself and for the chain's target.
func (c *AnswerCache) refresh(now time.Time) {
	nowNs := now.UnixNano()
	for k, rr := range c.entries {
		if rr.expires < nowNs {
			delete(c.entries, k)
			c.stats.expired++
			continue
		}
		if k.qtype != typeCNAME {
			continue
		}
		v4, v6, ok := c.chase(rr.target)
		if !ok {
			continue
		}
		flat := answer{ttl: rr.ttl, expires: rr.expires, serial: c.serial, flattened: true}
		flat.addr = v4
		c.entries[qkey{k.name, typeA}] = flat
		c.entries[qkey{rr.target, typeA}] = flat
		flat.addr = v6
		c.entries[qkey{k.name, typeAAAA}] = flat
		c.stats.flattened += 3
	}
}

// chase follows a CNAME chain inside the cache; names that leave the zone are
// resolved by the (simulated) upstream.
func (c *AnswerCache) chase(name string) (v4, v6 [16]byte, ok bool) {
	for hop := 0; hop < c.maxHops; hop++ {
		next, found := c.entries[qkey{name, typeCNAME}]
		if !found {
			return upstreamAddr(name, typeA), upstreamAddr(name, typeAAAA), true
		}
		name = next.target
	}
	return v4, v6, false
}

// upstreamAddr stands in for the recursive lookup of an out-of-zone name.
func upstreamAddr(name string, t rrType) (a [16]byte) {
	h := fnv.New64a()
	h.Write([]byte(name))
	s := h.Sum64()
	if t == typeA {
		a[10], a[11] = 0xff, 0xff
		binary.BigEndian.PutUint32(a[12:], uint32(s))
		return a
	}
	binary.BigEndian.PutUint64(a[:8], 0x20010db800000000|(s>>32))
	binary.BigEndian.PutUint64(a[8:], s)
	return a
}

// Lookup answers one client query.
func (c *AnswerCache) Lookup(name string, t rrType) (answer, bool) {
	c.stats.queries++
	a, ok := c.entries[qkey{name, t}]
	if ok {
		c.stats.hits++
	} else {
		c.stats.misses++
	}
	return a, ok
}

// ---- the event loop ----

type query struct {
	name  string
	qtype rrType
	reply chan<- bool
}

type resolver struct {
	cache   *AnswerCache
	queries chan query
	notify  chan uint32 // NOTIFY from the primary: new serial
	primary *primary
	done    chan struct{}
}

func (r *resolver) run() {
	defer close(r.done)
	for {
		select {
		case serial, ok := <-r.notify:
			if !ok {
				return
			}
			now := time.Now()
			zone := r.primary.transfer(serial)
			r.cache.Load(serial, zone, now)
			r.cache.refresh(now)
		case q := <-r.queries:
			_, ok := r.cache.Lookup(q.name, q.qtype)
			q.reply <- ok
		}
	}
}

// primary simulates the zone's primary server.
type primary struct {
	zone []zoneRecord
}

func newPrimary(rng *rand.Rand, names int) *primary {
	p := &primary{}
	for i := 0; i < names; i++ {
		host := fmt.Sprintf("svc-%05d.int.example.com.", i)
		switch rng.Intn(10) {
		case 0, 1, 2:
			var a [16]byte
			a[10], a[11] = 0xff, 0xff
			binary.BigEndian.PutUint32(a[12:], 0x0a000000|uint32(i))
			p.zone = append(p.zone, zoneRecord{name: host, qtype: typeA, addr: a, ttl: 300})
		case 3:
			// chain inside the zone
			p.zone = append(p.zone, zoneRecord{name: host, qtype: typeCNAME,
				target: fmt.Sprintf("svc-%05d.int.example.com.", rng.Intn(names)), ttl: 60})
		default:
			// CDN-fronted service, one edge name per service
			p.zone = append(p.zone, zoneRecord{name: host, qtype: typeCNAME,
				target: fmt.Sprintf("e%d-%04x.edge.cdnprovider.net.", i%97, rng.Intn(1<<16)), ttl: 60})
		}
	}
	return p
}

func (p *primary) transfer(serial uint32) []zoneRecord {
	return p.zone
}

func client(r *resolver, names []string, seed int64, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(seed))
	reply := make(chan bool, 1)
	for {
		select {
		case <-stop:
			return
		default:
		}
		t := typeA
		if rng.Intn(4) == 0 {
			t = typeAAAA
		}
		r.queries <- query{name: names[rng.Intn(len(names))], qtype: t, reply: reply}
		<-reply
		time.Sleep(200 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	rng := rand.New(rand.NewSource(53))
	p := newPrimary(rng, 8000)
	names := make([]string, 0, len(p.zone))
	for _, zr := range p.zone {
		names = append(names, zr.name)
	}

	r := &resolver{
		cache:   NewAnswerCache(),
		queries: make(chan query, 64),
		notify:  make(chan uint32),
		primary: p,
		done:    make(chan struct{}),
	}
	go r.run()

	stop := make(chan struct{})
	for i := 0; i < 4; i++ {
		go client(r, names, int64(i+1), stop)
	}

	// The primary bumps its serial frequently (dynamic updates from service
	// discovery) and sends a NOTIFY each time.
	go func() {
		serial := uint32(2024010100)
		for time.Since(start) < runFor {
			serial++
			r.notify <- serial
			time.Sleep(2 * time.Millisecond)
		}
		close(r.notify)
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()

	<-r.done
	close(stop)
	st := r.cache.stats
	fmt.Fprintf(os.Stderr, "transfers=%d entries=%d flattened=%d queries=%d hits=%d misses=%d\n",
		st.transfers, len(r.cache.entries), st.flattened, st.queries, st.hits, st.misses)
	prof.Stop()
}
