// Command geoapi answers "which price zone / warehouse serves this postal
// code" lookups. The zone table is loaded at startup and patched now and then
// by an operator feed; it is sharded so that readers never queue behind each
// other and a patch only blocks one shard.
package main

import (
	"fmt"
	"hash/maphash"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const shardCount = 32

type Zone struct {
	Code      string
	Warehouse string
	PriceTier int
	SameDay   bool
}

type shard struct {
	sync.RWMutex
	zones map[string]Zone
}

// ZoneCache is a sharded postal-code -> zone table.
type ZoneCache struct {
	seed   maphash.Seed
	shards [shardCount]*shard
}

func NewZoneCache() *ZoneCache {
	c := &ZoneCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i] = &shard{zones: make(map[string]Zone, 1024)}
	}
	return c
}

func (c *ZoneCache) shardFor(postal string) *shard {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(postal)
	return c.shards[h.Sum64()%shardCount]
}

// Lookup is on the hot path of every quote request.
func (c *ZoneCache) Lookup(postal string) (Zone, bool) {
	s := c.shardFor(postal)
	s.RLock()
	z, ok := s.zones[postal]
	s.RUnlock()
	return z, ok
}

// Upsert applies one operator patch.
func (c *ZoneCache) Upsert(postal string, z Zone) {
	s := c.shardFor(postal)
	s.Lock()
	s.zones[postal] = z
	s.Unlock()
}

// quote is the request handler: price a parcel to a postal code.
func quote(c *ZoneCache, postal string, grams int) (string, error) {
	z, ok := c.Lookup(postal)
	if !ok {
		return "", fmt.Errorf("no zone for %s", postal)
	}
	cents := 390 + z.PriceTier*120 + grams/250*45
	if z.SameDay {
		cents += 500
	}
	return z.Warehouse + ":" + strconv.Itoa(cents), nil
}

func postal(i int) string { return fmt.Sprintf("%05d", i) }

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	cache := NewZoneCache()
	warehouses := []string{"BER1", "HAM2", "MUC1", "CGN3", "FRA1", "LEJ1"}
	for i := 1000; i < 100000; i += 3 {
		cache.Upsert(postal(i), Zone{Code: "Z" + strconv.Itoa(i/1000), Warehouse: warehouses[i%len(warehouses)], PriceTier: i % 5, SameDay: i%7 == 0})
	}

	var served, missed int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			codes := make([]string, 4096)
			for i := range codes {
				if i%50 == 0 {
					codes[i] = postal(1001 + 3*r.Intn(33000)) // not served
				} else {
					codes[i] = postal(1000 + 3*r.Intn(33000))
				}
			}
			for n := 0; ; n++ {
				if n%256 == 0 {
					select {
					case <-done:
						return
					default:
					}
				}
				if _, err := quote(cache, codes[n%len(codes)], 200+r.Intn(5000)); err != nil {
					atomic.AddInt64(&missed, 1)
				} else {
					atomic.AddInt64(&served, 1)
				}
			}
		}(int64(w + 1))
	}

	// Operator feed: a patch every 50 ms.
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		r := rand.New(rand.NewSource(99))
		for {
			select {
			case <-done:
				return
			case <-t.C:
				i := 1000 + r.Intn(99000)
				cache.Upsert(postal(i), Zone{Code: "Z" + strconv.Itoa(i/1000), Warehouse: warehouses[r.Intn(len(warehouses))], PriceTier: r.Intn(5)})
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(done)
	wg.Wait()
	log.Printf("geoapi: %d quotes, %d unknown postal codes", served, missed)
	prof.Stop()
}
