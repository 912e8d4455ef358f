// Command gatekeeper is the admission layer in front of an API: every request
// is charged against its client's token bucket before it reaches a handler.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var errThrottled = errors.New("429 too many requests")

type bucket struct {
	tokens   float64
	last     time.Time
	allowed  uint64
	rejected uint64
}

// Limiter is a per-client token-bucket rate limiter.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	rate    float64 // tokens per second
	burst   float64
}

func NewLimiter(rate, burst float64) *Limiter {
	return &Limiter{buckets: make(map[string]*bucket), rate: rate, burst: burst}
}

// Allow reports whether the client may make one more request now.
func (l *Limiter) Allow(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := time.Now()
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	elapsed := now.Sub(b.last).Seconds()
	b.tokens += elapsed * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	if b.tokens < 1 {
		b.rejected++
		return false
	}
	b.tokens--
	b.allowed++
	return true
}

// Request is a parsed incoming API call.
type Request struct {
	APIKey string
	Path   string
	Body   []byte
}

type Response struct {
	Status int
	ETag   string
}

// Server wires the limiter in front of the handlers.
type Server struct {
	limiter *Limiter
	served  int64
	limited int64
}

func (s *Server) Handle(r *Request) (Response, error) {
	if !s.limiter.Allow(r.APIKey) {
		atomic.AddInt64(&s.limited, 1)
		return Response{Status: 429}, errThrottled
	}
	atomic.AddInt64(&s.served, 1)
	sum := sha1.Sum(r.Body)
	return Response{Status: 200, ETag: hex.EncodeToString(sum[:8])}, nil
}

func main() {
	prof.Start()

	srv := &Server{limiter: NewLimiter(2000, 200)}

	keys := make([]string, 5000)
	for i := range keys {
		keys[i] = fmt.Sprintf("ak_live_%08x", rand.Uint32())
	}

	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 64; c++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(id)))
			req := &Request{Path: "/v1/items", Body: make([]byte, 48)}
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Traffic is skewed: a few big integrations make most calls.
				k := rng.Intn(len(keys))
				if rng.Intn(4) != 0 {
					k = rng.Intn(50)
				}
				req.APIKey = keys[k]
				rng.Read(req.Body)
				_, _ = srv.Handle(req)
			}
		}(c)
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	fmt.Printf("served=%d limited=%d clients=%d\n",
		atomic.LoadInt64(&srv.served), atomic.LoadInt64(&srv.limited), len(srv.limiter.buckets))
	prof.Stop()
}
