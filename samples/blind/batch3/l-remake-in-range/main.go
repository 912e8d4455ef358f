// Command edgegw is the API edge gateway: it rate-limits every client key
// with a fixed-window counter before passing the request on to the backend.
package main

import (
	"crypto/md5"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// window is one client's counter for the current window.
type window struct {
	start time.Time
	hits  int
}

// Limiter is a fixed-window rate limiter keyed by API key.
type Limiter struct {
	mu       sync.Mutex
	period   time.Duration
	limit    int
	sizeHint int // expected distinct keys per window
	buckets  map[string]*window

	allowed, denied, resets int
	throttled               []string // keys that hit the limit in the last window
}

func NewLimiter(period time.Duration, limit, sizeHint int) *Limiter {
	return &Limiter{
		period:   period,
		limit:    limit,
		sizeHint: sizeHint,
		buckets:  make(map[string]*window, sizeHint),
	}
}

// Allow counts one request for key and reports whether it may proceed.
func (l *Limiter) Allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.buckets[key]
	if w == nil {
		w = &window{start: now}
		l.buckets[key] = w
	}
	if w.hits >= l.limit {
		l.denied++
		return false
	}
	w.hits++
	l.allowed++
	return true
}

// reset starts a fresh table once the current window has run out, and
// remembers who was throttled in it.
func (l *Limiter) reset(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for key, w := range l.buckets {
		if now.Sub(w.start) < l.period {
			continue
		}
		if w.hits >= l.limit {
			l.throttled = append(l.throttled, key)
		}
		l.buckets = make(map[string]*window, l.sizeHint)
		l.resets++
	}
	if len(l.throttled) > 256 {
		l.throttled = l.throttled[len(l.throttled)-256:]
	}
}

// Handler is a backend endpoint.
type Handler func(key string, body []byte) []byte

// rateLimited wraps h so that requests over the limit get a 429.
func rateLimited(l *Limiter, h Handler) Handler {
	tooMany := []byte(`{"error":"429 too many requests"}`)
	return func(key string, body []byte) []byte {
		if !l.Allow(key, time.Now()) {
			return tooMany
		}
		return h(key, body)
	}
}

func echoChecksum(key string, body []byte) []byte {
	sum := md5.Sum(body)
	return []byte(fmt.Sprintf(`{"key":%q,"etag":"%x"}`, key, sum[:8]))
}

// client sends requests for a population of API keys; a few keys are hot.
func client(id int, h Handler, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	body := make([]byte, 256)
	rng.Read(body)
	var sent int
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 40; i++ {
			var k int
			if rng.Intn(10) < 3 {
				k = rng.Intn(20)
			} else {
				k = rng.Intn(1200)
			}
			h("key-"+strconv.Itoa(k), body[:64+rng.Intn(192)])
			sent++
		}
		time.Sleep(time.Millisecond)
	}
}

func main() {
	prof.Start()

	lim := NewLimiter(250*time.Millisecond, 100, 1024)
	api := rateLimited(lim, echoChecksum)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go client(i, api, stop, &wg)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				lim.reset(now)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	lim.mu.Lock()
	fmt.Fprintf(os.Stderr, "allowed=%d denied=%d resets=%d keys=%d\n",
		lim.allowed, lim.denied, lim.resets, len(lim.buckets))
	lim.mu.Unlock()
}
