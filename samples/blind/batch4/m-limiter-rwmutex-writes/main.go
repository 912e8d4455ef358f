// Command edge-limiter is the per-API-key rate limiting middleware of an edge
// proxy, driven by simulated client traffic.
package main

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// tokenBucket is the classic token bucket: tokens refill at rate per second
// up to burst.
type tokenBucket struct {
	tokens   float64
	last     time.Time
	allowed  uint64
	rejected uint64
}

// Limiter limits requests per API key.
type Limiter struct {
	mu      sync.RWMutex
	buckets map[string]*tokenBucket
	rate    float64
	burst   float64
}

func NewLimiter(rate, burst float64) *Limiter {
	return &Limiter{buckets: make(map[string]*tokenBucket), rate: rate, burst: burst}
}

// Allow takes one token from key's bucket and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		b = &tokenBucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	elapsed := now.Sub(b.last).Seconds()
	if elapsed > 0 {
		b.tokens += elapsed * l.rate
		if b.tokens > l.burst {
			b.tokens = l.burst
		}
		b.last = now
	}
	if b.tokens < 1 {
		b.rejected++
		return false
	}
	b.tokens--
	b.allowed++
	return true
}

// Stats reports the number of tracked keys and rejected requests, for the
// /debug/limiter page.
func (l *Limiter) Stats() (keys int, rejected uint64) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, b := range l.buckets {
		rejected += b.rejected
	}
	return len(l.buckets), rejected
}

// Sweep forgets keys that have been idle for longer than idle.
func (l *Limiter) Sweep(idle time.Duration) int {
	cutoff := time.Now().Add(-idle)
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for k, b := range l.buckets {
		if b.last.Before(cutoff) {
			delete(l.buckets, k)
			n++
		}
	}
	return n
}

type request struct {
	apiKey string
	path   string
	body   []byte
}

type proxy struct {
	limiter *Limiter
	served  uint64
	limited uint64
}

// handle is the middleware chain: rate limit, then sign and forward.
func (p *proxy) handle(r *request) int {
	if !p.limiter.Allow(r.apiKey) {
		atomic.AddUint64(&p.limited, 1)
		return 429
	}
	sum := sha1.Sum(r.body)
	if binary.BigEndian.Uint32(sum[:4]) == 0 {
		return 500
	}
	atomic.AddUint64(&p.served, 1)
	return 200
}

func main() {
	prof.Start()

	p := &proxy{limiter: NewLimiter(200, 50)}
	keys := make([]string, 4000)
	for i := range keys {
		keys[i] = "ak_live_" + strconv.FormatInt(int64(i)*7919+100003, 36)
	}
	paths := []string{"/v1/orders", "/v1/quotes", "/v1/accounts/me", "/v1/search"}

	var stop int32
	var wg sync.WaitGroup
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(id)))
			body := make([]byte, 64)
			for atomic.LoadInt32(&stop) == 0 {
				rng.Read(body)
				// a few hot keys make most of the traffic
				k := rng.Intn(len(keys))
				if rng.Intn(4) != 0 {
					k %= 40
				}
				p.handle(&request{apiKey: keys[k], path: paths[k%len(paths)], body: body})
			}
		}(c)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		for atomic.LoadInt32(&stop) == 0 {
			time.Sleep(250 * time.Millisecond)
			p.limiter.Stats()
			p.limiter.Sweep(time.Minute)
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	keysTracked, rejected := p.limiter.Stats()
	fmt.Printf("served=%d limited=%d keys=%d rejected=%d\n",
		atomic.LoadUint64(&p.served), atomic.LoadUint64(&p.limited), keysTracked, rejected)
	prof.Stop()
}
