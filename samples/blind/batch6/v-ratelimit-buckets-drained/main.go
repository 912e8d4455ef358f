// Command edgegate is the per-client rate limiter in front of the public API.
// Every client IP gets a token bucket; a janitor goroutine tops the buckets up
// and forgets clients that have gone quiet.
package main

import (
	"context"
	"encoding/binary"
	"log"
	"math/rand"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Config is the limiter policy.
type Config struct {
	RatePerSec float64       // tokens added per second
	Burst      float64       // bucket capacity
	IdleAfter  time.Duration // forget a client after this much silence
	RefillTick time.Duration // janitor period
}

type tokenBucket struct {
	tokens   float64
	lastSeen int64 // unix nanos of the last request
}

// Limiter hands out tokens per client address.
type Limiter struct {
	cfg Config

	mu       sync.Mutex
	buckets  map[string]*tokenBucket
	lastFill time.Time

	allowed  uint64
	rejected uint64
	evicted  uint64
	peak     int // high-water mark of tracked clients, for the dashboard
}

func NewLimiter(cfg Config) *Limiter {
	return &Limiter{cfg: cfg, buckets: make(map[string]*tokenBucket), lastFill: time.Now()}
}

// Allow takes one token from addr's bucket, creating the bucket on first sight.
func (l *Limiter) Allow(addr string, now time.Time) bool {
	l.mu.Lock()
	b := l.buckets[addr]
	if b == nil {
		b = &tokenBucket{tokens: l.cfg.Burst}
		l.buckets[addr] = b
		if len(l.buckets) > l.peak {
			l.peak = len(l.buckets)
		}
	}
	b.lastSeen = now.UnixNano()
	ok := b.tokens >= 1
	if ok {
		b.tokens--
	}
	l.mu.Unlock()
	if ok {
		atomic.AddUint64(&l.allowed, 1)
	} else {
		atomic.AddUint64(&l.rejected, 1)
	}
	return ok
}

// Tracked reports how many clients have a bucket.
func (l *Limiter) Tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// refill tops every bucket up for the time elapsed since the last pass and
// drops the buckets of clients that went idle.
func (l *Limiter) refill(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	add := now.Sub(l.lastFill).Seconds() * l.cfg.RatePerSec
	l.lastFill = now
	idleBefore := now.Add(-l.cfg.IdleAfter).UnixNano()
	for addr, b := range l.buckets {
		if b.lastSeen < idleBefore {
			delete(l.buckets, addr)
			l.evicted++
			continue
		}
		b.tokens += add
		if b.tokens > l.cfg.Burst {
			b.tokens = l.cfg.Burst
		}
	}
}

// RunJanitor calls refill every RefillTick until ctx is done. A pass that
// ran long (a big client table) pushes the next one out, so the janitor never
// holds the lock for more than a fifth of the time.
func (l *Limiter) RunJanitor(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	timer := time.NewTimer(l.cfg.RefillTick)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-timer.C:
			l.refill(now)
			wait := l.cfg.RefillTick
			if took := time.Since(now); 4*took > wait {
				wait = 4 * took
			}
			timer.Reset(wait)
		}
	}
}

func ipString(n uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return net.IP(b[:]).String()
}

// handle stands for the real request handling behind the limiter.
func handle(path string, body []byte) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(path); i++ {
		h = (h ^ uint32(path[i])) * 16777619
	}
	for _, c := range body {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// floodFrom replays the credential-stuffing burst of last night: each spoofed
// source sends a couple of requests and is never seen again.
func floodFrom(ctx context.Context, l *Limiter, base uint32, sources int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < sources; i++ {
		if ctx.Err() != nil {
			return
		}
		addr := ipString(base + uint32(i)*7919)
		now := time.Now()
		l.Allow(addr, now)
		l.Allow(addr, now)
	}
}

// client is one well-behaved API consumer.
func client(ctx context.Context, l *Limiter, id int, wg *sync.WaitGroup, served *uint64) {
	defer wg.Done()
	addr := ipString(0x0A000000 + uint32(id)) // 10.0.0.x
	rng := rand.New(rand.NewSource(int64(id)))
	body := make([]byte, 256)
	paths := []string{"/v1/orders", "/v1/orders/search", "/v1/inventory", "/v1/me"}
	for ctx.Err() == nil {
		if l.Allow(addr, time.Now()) {
			rng.Read(body)
			atomic.AddUint64(served, uint64(handle(paths[rng.Intn(len(paths))], body)&1))
		}
		time.Sleep(time.Duration(5+rng.Intn(10)) * time.Millisecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	lim := NewLimiter(Config{RatePerSec: 50, Burst: 20, IdleAfter: time.Second, RefillTick: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var served uint64

	wg.Add(1)
	go lim.RunJanitor(ctx, &wg)
	for i := 1; i <= 50; i++ {
		wg.Add(1)
		go client(ctx, lim, i, &wg, &served)
	}
	var flood sync.WaitGroup
	for _, base := range []uint32{0x2D000000, 0x59000000} { // two spoofed ranges
		flood.Add(1)
		go floodFrom(ctx, lim, base, 200000, &flood)
	}
	flood.Wait()
	log.Printf("flood over after %s, tracking %d clients (peak %d)", time.Since(start).Round(time.Millisecond), lim.Tracked(), lim.peak)

	time.Sleep(2200*time.Millisecond - time.Since(start))
	prof.HeapEarly()
	log.Printf("tracking %d clients at %s", lim.Tracked(), time.Since(start).Round(time.Millisecond))
	time.Sleep(3300*time.Millisecond - time.Since(start))
	prof.Goroutines()
	time.Sleep(6500*time.Millisecond - time.Since(start))
	prof.Stop() // collected from the live gateway, before shutdown

	cancel()
	wg.Wait()
	log.Printf("tracked=%d allowed=%d rejected=%d evicted=%d served=%d elapsed=%s",
		lim.Tracked(), atomic.LoadUint64(&lim.allowed), atomic.LoadUint64(&lim.rejected),
		lim.evicted, atomic.LoadUint64(&served), time.Since(start).Round(time.Millisecond))
}
