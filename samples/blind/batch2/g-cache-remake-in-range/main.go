// Package main runs quoted, a small quote service that fronts a slow pricing
// upstream with an in-process response cache.
package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"sync"
	"time"

	"blind/prof"
)

// entry is one cached upstream response.
type entry struct {
	body     []byte
	sum      uint32
	storedAt time.Time
	ttl      time.Duration
}

func (e *entry) expired(now time.Time) bool { return now.Sub(e.storedAt) > e.ttl }

// poisoned reports whether the body no longer matches the checksum the
// upstream sent with it.
func (e *entry) poisoned() bool { return crc32.ChecksumIEEE(e.body) != e.sum }

type cacheStats struct {
	hits, misses, resets, expired int
}

// Cache is the quote cache.
type Cache struct {
	mu       sync.Mutex
	items    map[string]*entry
	capacity int
	ttl      time.Duration
	stats    cacheStats
}

type Option func(*Cache)

func WithCapacity(n int) Option        { return func(c *Cache) { c.capacity = n } }
func WithTTL(d time.Duration) Option { return func(c *Cache) { c.ttl = d } }

func NewCache(opts ...Option) *Cache {
	c := &Cache{capacity: 1024, ttl: time.Second}
	for _, o := range opts {
		o(c)
	}
	c.items = make(map[string]*entry, c.capacity)
	return c
}

func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		c.stats.misses++
		return nil, false
	}
	c.stats.hits++
	return e.body, true
}

func (c *Cache) Put(key string, body []byte, sum uint32) {
	e := &entry{body: body, sum: sum, storedAt: time.Now(), ttl: c.ttl}
	c.mu.Lock()
	c.items[key] = e
	c.mu.Unlock()
}

// sweep drops expired entries. A poisoned entry means the upstream served
// corrupt data at some point, so the whole cache is thrown away.
func (c *Cache) sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.items {
		if e.poisoned() {
			c.stats.resets++
			c.items = make(map[string]*entry, c.capacity)
			continue
		}
		if e.expired(now) {
			delete(c.items, k)
			c.stats.expired++
		}
	}
}

func (c *Cache) Stats() cacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// upstream is the pricing backend. Now and then a response is mangled in
// transit after its checksum was computed.
type upstream struct {
	rng *rand.Rand
}

var errUnavailable = errors.New("pricing upstream unavailable")

func (u *upstream) quote(sku string) ([]byte, uint32, error) {
	if u.rng.Intn(5000) == 0 {
		return nil, 0, errUnavailable
	}
	body := []byte(fmt.Sprintf(`{"sku":%q,"price":%d,"currency":"EUR","tier":%d}`,
		sku, 100+u.rng.Intn(90000), u.rng.Intn(4)))
	sum := crc32.ChecksumIEEE(body)
	if u.rng.Intn(3000) == 0 {
		body[len(body)-2] ^= 0x20
	}
	return body, sum, nil
}

func serve(c *Cache, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	up := &upstream{rng: rand.New(rand.NewSource(seed * 31))}
	zipf := rand.NewZipf(rng, 1.05, 4, 400000)
	for n := 0; ; n++ {
		if n%256 == 0 {
			select {
			case <-stop:
				return
			default:
			}
		}
		sku := fmt.Sprintf("SKU-%07d", zipf.Uint64())
		if _, ok := c.Get(sku); ok {
			continue
		}
		body, sum, err := up.quote(sku)
		if err != nil {
			continue
		}
		c.Put(sku, body, sum)
		if n%64 == 0 {
			time.Sleep(50 * time.Microsecond)
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	begin := time.Now()

	cache := NewCache(WithCapacity(65536), WithTTL(400*time.Millisecond))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go serve(cache, int64(i+1), stop, &wg)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				cache.sweep(now)
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(begin))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(begin))
	close(stop)
	wg.Wait()

	st := cache.Stats()
	fmt.Fprintf(os.Stdout, "hits=%d misses=%d resets=%d expired=%d\n", st.hits, st.misses, st.resets, st.expired)
	prof.Stop()
}
