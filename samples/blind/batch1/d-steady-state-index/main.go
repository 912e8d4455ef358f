// edgeauth: the session index of an edge auth proxy. Every request carries a
// session token; the proxy validates it against an in-memory index that is
// bounded (FIFO eviction of the oldest session per shard) and kept warm by
// login traffic. Logouts remove sessions eagerly.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Session struct {
	Token     string
	Account   uint32
	Plan      string
	Scopes    []string
	IssuedAt  int64
	ExpiresAt int64
	Claims    map[string]string
	Device    [64]byte
}

// shard is one lock domain of the index: the token map plus the FIFO of
// tokens in insertion order used for eviction.
type shard[K comparable, V any] struct {
	mu    sync.RWMutex
	items map[K]V
	fifo  []K // ring buffer
	head  int
	n     int
}

type Index[K comparable, V any] struct {
	shards []*shard[K, V]
	hash   func(K) uint64
}

func NewIndex[K comparable, V any](nShards, perShard int, hash func(K) uint64) *Index[K, V] {
	ix := &Index[K, V]{hash: hash}
	for i := 0; i < nShards; i++ {
		ix.shards = append(ix.shards, &shard[K, V]{
			items: make(map[K]V, perShard),
			fifo:  make([]K, perShard),
		})
	}
	return ix
}

func (ix *Index[K, V]) shardFor(k K) *shard[K, V] {
	return ix.shards[ix.hash(k)%uint64(len(ix.shards))]
}

// Put inserts v; when the shard's ring is full the oldest entry is evicted.
func (ix *Index[K, V]) Put(k K, v V) (evicted bool) {
	s := ix.shardFor(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero K
	if s.n == len(s.fifo) {
		old := s.fifo[s.head]
		delete(s.items, old)
		s.fifo[s.head] = zero
		s.head = (s.head + 1) % len(s.fifo)
		s.n--
		evicted = true
	}
	s.items[k] = v
	s.fifo[(s.head+s.n)%len(s.fifo)] = k
	s.n++
	return evicted
}

func (ix *Index[K, V]) Get(k K) (V, bool) {
	s := ix.shardFor(k)
	s.mu.RLock()
	v, ok := s.items[k]
	s.mu.RUnlock()
	return v, ok
}

// Delete removes k from the map; its ring slot is reclaimed when the ring
// wraps past it.
func (ix *Index[K, V]) Delete(k K) {
	s := ix.shardFor(k)
	s.mu.Lock()
	delete(s.items, k)
	s.mu.Unlock()
}

func (ix *Index[K, V]) Len() int {
	n := 0
	for _, s := range ix.shards {
		s.mu.RLock()
		n += len(s.items)
		s.mu.RUnlock()
	}
	return n
}

// Each visits every entry of one shard under its read lock.
func (ix *Index[K, V]) Each(shard int, fn func(K, V)) {
	s := ix.shards[shard]
	s.mu.RLock()
	for k, v := range s.items {
		fn(k, v)
	}
	s.mu.RUnlock()
}

var seed = maphash.MakeSeed()

func hashToken(t string) uint64 { return maphash.String(seed, t) }

var plans = []string{"free", "pro", "team", "enterprise"}

func newSession(r *rand.Rand, now int64) *Session {
	var raw [24]byte
	binary.LittleEndian.PutUint64(raw[0:], r.Uint64())
	binary.LittleEndian.PutUint64(raw[8:], r.Uint64())
	binary.LittleEndian.PutUint64(raw[16:], uint64(now))
	acct := uint32(r.Intn(400000))
	s := &Session{
		Token:     base64.RawURLEncoding.EncodeToString(raw[:]),
		Account:   acct,
		Plan:      plans[acct%4],
		Scopes:    []string{"read", "write", "billing"}[:1+r.Intn(3)],
		IssuedAt:  now,
		ExpiresAt: now + int64(12*time.Hour),
		Claims: map[string]string{
			"sub": fmt.Sprintf("acct-%d", acct),
			"iss": "https://auth.example.net",
			"amr": "pwd",
		},
	}
	r.Read(s.Device[:])
	return s
}

func main() {
	prof.Start()
	const (
		runFor   = 5500 * time.Millisecond
		shards   = 32
		perShard = 8000
	)
	start := time.Now()
	idx := NewIndex[string, *Session](shards, perShard, hashToken)

	// Warm the index to its working size from the session store.
	warm := rand.New(rand.NewSource(1))
	var tokens []string
	for i := 0; i < shards*perShard; i++ {
		s := newSession(warm, start.UnixNano())
		idx.Put(s.Token, s)
		if i%8 == 0 {
			tokens = append(tokens, s.Token)
		}
	}
	// recent tokens that clients present; refreshed by logins
	var recentMu sync.Mutex
	recent := tokens

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var logins, evictions, logouts, hits, misses int64

	// login traffic: new sessions, oldest evicted
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(10 + g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 64; i++ {
					s := newSession(r, time.Now().UnixNano())
					if idx.Put(s.Token, s) {
						atomic.AddInt64(&evictions, 1)
					}
					recentMu.Lock()
					recent[r.Intn(len(recent))] = s.Token
					recentMu.Unlock()
				}
				atomic.AddInt64(&logins, 64)
				time.Sleep(time.Millisecond)
			}
		}(g)
	}

	// request validation and logouts
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(20 + g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 256; i++ {
					recentMu.Lock()
					tok := recent[r.Intn(len(recent))]
					recentMu.Unlock()
					if s, ok := idx.Get(tok); ok && s.ExpiresAt > time.Now().UnixNano() {
						atomic.AddInt64(&hits, 1)
						if r.Intn(1000) == 0 {
							idx.Delete(tok)
							atomic.AddInt64(&logouts, 1)
						}
					} else {
						atomic.AddInt64(&misses, 1)
					}
				}
				time.Sleep(200 * time.Microsecond)
			}
		}(g)
	}

	// per-plan session gauge for billing, one shard per tick
	var perPlan [4]int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(40 * time.Millisecond)
		defer tick.Stop()
		for sh := 0; ; sh = (sh + 1) % shards {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			var counts [4]int64
			idx.Each(sh, func(_ string, s *Session) { counts[s.Account%4]++ })
			for i := range counts {
				atomic.StoreInt64(&perPlan[i], counts[i])
			}
		}
	}()

	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()
	prof.Stop()
	fmt.Printf("index holds %d sessions; logins %d, evictions %d, logouts %d, validations hit=%d miss=%d\n",
		idx.Len(), logins, evictions, logouts, hits, misses)
}
