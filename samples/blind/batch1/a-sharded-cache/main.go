// Command profilesvc serves user-profile fragments to the storefront. Reads
// go through an in-process cache split into 64 independently locked shards
// (clock eviction per shard); misses are filled from the backing store.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const shardCount = 64

type cacheEntry[V any] struct {
	val     V
	expires int64
	ref     bool // clock bit
}

type shard[V any] struct {
	mu    sync.Mutex
	items map[string]*cacheEntry[V]
	ring  []string // clock hand order
	hand  int
	cap   int

	hits, misses, evictions uint64
}

// ShardedCache is a fixed-capacity cache whose keys are spread over
// shardCount shards, each with its own lock.
type ShardedCache[V any] struct {
	seed   maphash.Seed
	shards [shardCount]shard[V]
	ttl    time.Duration
}

func NewShardedCache[V any](capacity int, ttl time.Duration) *ShardedCache[V] {
	c := &ShardedCache[V]{seed: maphash.MakeSeed(), ttl: ttl}
	per := capacity / shardCount
	for i := range c.shards {
		c.shards[i].items = make(map[string]*cacheEntry[V], per)
		c.shards[i].ring = make([]string, 0, per)
		c.shards[i].cap = per
	}
	return c
}

func (c *ShardedCache[V]) shardFor(key string) *shard[V] {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(key)
	return &c.shards[h.Sum64()%shardCount]
}

func (c *ShardedCache[V]) Get(key string, now int64) (V, bool) {
	s := c.shardFor(key)
	s.mu.Lock()
	e, ok := s.items[key]
	if ok && e.expires > now {
		e.ref = true
		s.hits++
		v := e.val
		s.mu.Unlock()
		return v, true
	}
	s.misses++
	s.mu.Unlock()
	var zero V
	return zero, false
}

func (c *ShardedCache[V]) Set(key string, val V, now int64) {
	s := c.shardFor(key)
	exp := now + int64(c.ttl)
	s.mu.Lock()
	if e, ok := s.items[key]; ok {
		e.val, e.expires, e.ref = val, exp, true
		s.mu.Unlock()
		return
	}
	if len(s.ring) < s.cap {
		s.ring = append(s.ring, key)
	} else {
		// clock eviction: skip recently referenced entries once
		for {
			victim := s.ring[s.hand]
			if e := s.items[victim]; e != nil && e.ref {
				e.ref = false
				s.hand = (s.hand + 1) % len(s.ring)
				continue
			}
			delete(s.items, victim)
			s.evictions++
			s.ring[s.hand] = key
			s.hand = (s.hand + 1) % len(s.ring)
			break
		}
	}
	s.items[key] = &cacheEntry[V]{val: val, expires: exp}
	s.mu.Unlock()
}

func (c *ShardedCache[V]) Stats() (hits, misses, evictions uint64, size int) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		hits += s.hits
		misses += s.misses
		evictions += s.evictions
		size += len(s.items)
		s.mu.Unlock()
	}
	return
}

// ---- backing store and request handling ----

type profileFragment struct {
	UserID   uint64
	Segment  string
	Locale   string
	Payload  []byte
	Revision uint32
}

var segments = []string{"vip", "new", "returning", "dormant", "wholesale", "staff"}

// loadFragment stands in for a round trip to the profile database.
func loadFragment(userID uint64, part string) *profileFragment {
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:], userID)
	copy(buf[8:], part)
	sum := sha256.Sum256(buf[:])
	payload := make([]byte, 192+int(sum[0]))
	for i := 0; i < len(payload); i += len(sum) {
		copy(payload[i:], sum[:])
	}
	return &profileFragment{UserID: userID, Segment: segments[sum[1]%6], Locale: "en-US", Payload: payload, Revision: uint32(sum[2])}
}

var parts = []string{"prefs", "addr", "cart", "recs"}

func serve(cache *ShardedCache[*profileFragment], rng *rand.Rand, served *atomic.Int64) {
	// 70% of traffic comes from the most active 20% of users.
	var uid uint64
	if rng.Intn(10) < 7 {
		uid = uint64(rng.Intn(20000))
	} else {
		uid = uint64(rng.Intn(100000))
	}
	part := parts[rng.Intn(len(parts))]
	key := "u:" + strconv.FormatUint(uid, 10) + ":" + part
	now := time.Now().UnixNano()
	frag, ok := cache.Get(key, now)
	if !ok {
		frag = loadFragment(uid, part)
		cache.Set(key, frag, now)
	}
	_ = frag.Payload[len(frag.Payload)-1]
	served.Add(1)
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	cache := NewShardedCache[*profileFragment](64000, 30*time.Second)

	var stop atomic.Bool
	var served atomic.Int64
	var wg sync.WaitGroup
	const workers = 40
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for !stop.Load() {
				serve(cache, rng, &served)
				// write the response and wait for the next request on this connection
				time.Sleep(time.Duration(50+rng.Intn(300)) * time.Microsecond)
			}
		}(int64(w) * 7919)
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	stop.Store(true)
	wg.Wait()

	h, m, e, n := cache.Stats()
	fmt.Fprintf(os.Stderr, "served=%d hits=%d misses=%d evictions=%d size=%d\n", served.Load(), h, m, e, n)
	prof.Stop()
}
