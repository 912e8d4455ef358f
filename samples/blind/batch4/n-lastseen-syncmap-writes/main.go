// Command presence is the presence tracker behind a chat edge: every request
// from a client refreshes its last-seen time, a sweeper expires clients that
// went quiet, and the "who is online" API reads the table.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// lastSeen maps client id -> time.Time of its latest request.
var lastSeen sync.Map

var (
	served  int64
	expired int64
)

const presenceTTL = 400 * time.Millisecond

type request struct {
	clientID string
	route    string
	body     []byte
}

type response struct {
	status int
	etag   string
}

// handle serves one request and records the client as present.
func handle(req *request) response {
	now := time.Now()
	lastSeen.Store(req.clientID, now)
	atomic.AddInt64(&served, 1)

	sum := sha1.Sum(req.body)
	status := 200
	if req.route == "/v1/typing" && len(req.body) == 0 {
		status = 204
	}
	return response{status: status, etag: hex.EncodeToString(sum[:8])}
}

// sweep drops clients whose last request is older than the TTL.
func sweep(now time.Time) int {
	n := 0
	lastSeen.Range(func(k, v interface{}) bool {
		if now.Sub(v.(time.Time)) > presenceTTL {
			lastSeen.Delete(k)
			n++
		}
		return true
	})
	return n
}

func onlineCount() int {
	n := 0
	lastSeen.Range(func(_, _ interface{}) bool { n++; return true })
	return n
}

func isOnline(id string) bool {
	v, ok := lastSeen.Load(id)
	return ok && time.Since(v.(time.Time)) <= presenceTTL
}

var routes = []string{"/v1/messages", "/v1/typing", "/v1/read", "/v1/heartbeat"}

// edgeConn plays one edge connection multiplexing many clients. Clients come
// and go: the id window slides forward, so new ids keep appearing.
func edgeConn(conn int, base *int64, until time.Time, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(conn)*104729 + 1))
	body := make([]byte, 96)
	for time.Now().Before(until) {
		lo := atomic.LoadInt64(base)
		for i := 0; i < 64; i++ {
			id := "c-" + strconv.FormatInt(lo+rng.Int63n(30000), 36)
			rng.Read(body[:rng.Intn(len(body))])
			req := request{clientID: id, route: routes[rng.Intn(len(routes))], body: body}
			_ = handle(&req)
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	var base int64
	var wg sync.WaitGroup
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go edgeConn(c, &base, until, &wg)
	}

	// Client churn: the population drifts by a few hundred ids per tick.
	stopDrift := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopDrift:
				return
			case <-t.C:
				atomic.AddInt64(&base, 400)
			}
		}
	}()

	// Sweeper and the online API.
	stopSweep := make(chan struct{})
	sweeperDone := make(chan struct{})
	go func() {
		defer close(sweeperDone)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopSweep:
				return
			case now := <-t.C:
				atomic.AddInt64(&expired, int64(sweep(now)))
				_ = isOnline("c-" + strconv.FormatInt(atomic.LoadInt64(&base), 36))
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	wg.Wait()
	close(stopDrift)
	close(stopSweep)
	<-sweeperDone
	online := onlineCount()
	elapsed := time.Since(start)
	prof.Stop()
	fmt.Fprintf(os.Stderr, "served=%d expired=%d online=%d in %v\n",
		atomic.LoadInt64(&served), atomic.LoadInt64(&expired), online, elapsed.Round(time.Millisecond))
}
