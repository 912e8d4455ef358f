// Command edge-gateway is the admission step of an API gateway: every request
// carries an API key, and each key has a token bucket that decides whether
// the request is let through or answered with 429.
package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	ratePerSec = 200.0 // sustained requests per second per key
	burst      = 400.0 // bucket size
	numConns   = 64
)

type bucket struct {
	tokens  float64
	last    int64 // unix nanos of the last refill
	allowed uint64
	limited uint64
}

// Package-level limiter state, shared by every connection handler.
var (
	limiterMu sync.Mutex
	buckets   = make(map[string]*bucket)

	served, throttled int64
)

// admit charges cost tokens to the key's bucket and reports whether the
// request may proceed.
func admit(apiKey string, cost float64, now int64) bool {
	limiterMu.Lock()
	b := buckets[apiKey]
	if b == nil {
		b = &bucket{tokens: burst, last: now}
		buckets[apiKey] = b
	}
	if elapsed := float64(now-b.last) / 1e9; elapsed > 0 {
		b.tokens += elapsed * ratePerSec
		if b.tokens > burst {
			b.tokens = burst
		}
		b.last = now
	}
	ok := b.tokens >= cost
	if ok {
		b.tokens -= cost
		b.allowed++
	} else {
		b.limited++
	}
	limiterMu.Unlock()
	return ok
}

// keyFromAuth pulls the key out of an "Authorization: ApiKey <key>" header.
func keyFromAuth(header string) string {
	if i := strings.LastIndexByte(header, ' '); i >= 0 {
		return header[i+1:]
	}
	return header
}

func routeCost(path string) float64 {
	switch {
	case strings.HasPrefix(path, "/v1/search"):
		return 5
	case strings.HasPrefix(path, "/v1/export"):
		return 20
	default:
		return 1
	}
}

type request struct {
	auth string
	path string
}

// handleConn serves one keep-alive connection until the gateway drains.
func handleConn(reqs []request, seed int64, draining *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for atomic.LoadInt32(draining) == 0 {
		r := reqs[rng.Intn(len(reqs))]
		if admit(keyFromAuth(r.auth), routeCost(r.path), time.Now().UnixNano()) {
			atomic.AddInt64(&served, 1)
		} else {
			atomic.AddInt64(&throttled, 1)
		}
	}
}

func syntheticTraffic(n, keys int) []request {
	rng := rand.New(rand.NewSource(7))
	paths := []string{"/v1/items", "/v1/items/42", "/v1/search?q=shoes", "/v1/cart", "/v1/export/orders", "/v1/profile"}
	keyNames := make([]string, keys)
	for i := range keyNames {
		keyNames[i] = fmt.Sprintf("gw_live_%08x%08x", rng.Uint32(), i)
	}
	reqs := make([]request, n)
	for i := range reqs {
		// a few tenants produce most of the traffic
		k := rng.Intn(keys)
		if rng.Intn(4) != 0 {
			k = rng.Intn(keys/50 + 1)
		}
		reqs[i] = request{auth: "ApiKey " + keyNames[k], path: paths[rng.Intn(len(paths))]}
	}
	return reqs
}

func main() {
	prof.Start()
	reqs := syntheticTraffic(100000, 20000)
	var draining int32
	var wg sync.WaitGroup
	for c := 0; c < numConns; c++ {
		wg.Add(1)
		go handleConn(reqs, int64(c+1), &draining, &wg)
	}
	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&draining, 1)
	wg.Wait()
	prof.Stop()
	limiterMu.Lock()
	n := len(buckets)
	limiterMu.Unlock()
	fmt.Printf("served=%d throttled=%d keys=%d\n", atomic.LoadInt64(&served), atomic.LoadInt64(&throttled), n)
}
