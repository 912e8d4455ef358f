// Command meter counts API calls per tenant and endpoint for usage-based
// billing. Counters are spread over 64 independently locked shards so the
// request handlers do not serialize on one lock.
package main

import (
	"hash/crc32"
	"log"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

const shardCount = 64

// signatures keeps the workers' response checksums observable.
var signatures [8]uint32

type shard struct {
	mu     sync.Mutex
	counts map[string]int64
}

// Meter is a sharded map of counters.
type Meter struct {
	shards [shardCount]shard
}

func NewMeter() *Meter {
	m := &Meter{}
	for i := range m.shards {
		m.shards[i].counts = make(map[string]int64, 1024)
	}
	return m
}

// fnv32a hashes the key without allocating a hash.Hash.
func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func (m *Meter) shardFor(key string) *shard {
	return &m.shards[fnv32a(key)%shardCount]
}

// Add increments a counter.
func (m *Meter) Add(key string, n int64) {
	s := m.shardFor(key)
	s.mu.Lock()
	s.counts[key] += n
	s.mu.Unlock()
}

// Get reads one counter.
func (m *Meter) Get(key string) int64 {
	s := m.shardFor(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[key]
}

type usage struct {
	key   string
	calls int64
}

// Top returns the n heaviest keys, visiting one shard at a time.
func (m *Meter) Top(n int) []usage {
	var all []usage
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		for k, v := range s.counts {
			all = append(all, usage{k, v})
		}
		s.mu.Unlock()
	}
	sort.Slice(all, func(i, j int) bool { return all[i].calls > all[j].calls })
	if len(all) > n {
		all = all[:n]
	}
	return all
}

var endpoints = []string{
	"GET /v1/orders", "POST /v1/orders", "GET /v1/orders/{id}", "GET /v1/customers",
	"POST /v1/customers", "GET /v1/invoices", "POST /v1/payments", "GET /v1/payments/{id}",
	"GET /v1/products", "PUT /v1/products/{id}", "DELETE /v1/carts/{id}", "GET /v1/search",
}

// serveRequest stands in for the handler behind the metering middleware:
// it renders a small response and signs it.
func serveRequest(rnd *rand.Rand, buf []byte) ([]byte, uint32) {
	buf = append(buf[:0], `{"items":[`...)
	for i := 0; i < 40; i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		buf = strconv.AppendInt(buf, rnd.Int63n(1e9), 10)
		buf = append(buf, `,"qty":`...)
		buf = strconv.AppendInt(buf, int64(rnd.Intn(20)), 10)
		buf = append(buf, '}')
	}
	buf = append(buf, "]}"...)
	return buf, crc32.ChecksumIEEE(buf)
}

const tenants = 3000

// meterKeys holds the interned counter key of every tenant and endpoint, built
// when tenants are registered, so the middleware does not allocate per call.
var meterKeys = func() [][]string {
	keys := make([][]string, tenants)
	for t := range keys {
		keys[t] = make([]string, len(endpoints))
		for e, ep := range endpoints {
			keys[t][e] = "t" + strconv.Itoa(t) + " " + ep
		}
	}
	return keys
}()

// handle simulates the middleware of one API server worker.
func handle(m *Meter, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rnd := rand.New(rand.NewSource(seed))
	var body []byte
	var sig uint32
	defer func() { signatures[seed%int64(len(signatures))] ^= sig }()
	for i := 0; ; i++ {
		if i%16 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(time.Millisecond) // waiting on the network
		}
		// a few tenants are much busier than the rest
		tenant := rnd.Intn(tenants)
		if rnd.Intn(4) == 0 {
			tenant = rnd.Intn(40)
		}
		key := meterKeys[tenant][rnd.Intn(len(endpoints))]
		var crc uint32
		body, crc = serveRequest(rnd, body)
		sig ^= crc
		m.Add(key, 1)
		if rnd.Intn(200) == 0 {
			m.Get(key) // quota check
		}
	}
}

func main() {
	prof.Start()
	started := time.Now()

	meter := NewMeter()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go handle(meter, int64(w)+1, stop, &wg)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				top := meter.Top(3)
				if len(top) > 0 {
					log.Printf("top tenant/endpoint: %s (%d calls)", top[0].key, top[0].calls)
				}
			}
		}
	}()

	const runFor = 5500 * time.Millisecond
	time.Sleep(time.Until(started.Add(runFor / 3)))
	prof.HeapEarly()
	time.Sleep(time.Until(started.Add(runFor / 2)))
	prof.Goroutines()
	time.Sleep(time.Until(started.Add(runFor)))
	close(stop)
	wg.Wait()
	prof.Stop()
	keys := 0
	for i := range meter.shards {
		keys += len(meter.shards[i].counts)
	}
	log.Printf("distinct keys=%d", keys)
}
