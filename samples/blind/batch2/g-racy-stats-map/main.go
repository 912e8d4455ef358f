// Command edgeproxy is a tiny API edge: it routes requests to handlers and
// keeps per-endpoint request statistics that a reporter flushes every
// second.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type endpointStats struct {
	Count    int64
	Errors   int64
	TotalDur time.Duration
	MaxDur   time.Duration
}

// stats holds the statistics of the current reporting window.
var stats = map[string]endpointStats{}

// record accounts one finished request.
func record(endpoint string, dur time.Duration, status int) {
	s := stats[endpoint]
	s.Count++
	if status >= 500 {
		s.Errors++
	}
	s.TotalDur += dur
	if dur > s.MaxDur {
		s.MaxDur = dur
	}
	stats[endpoint] = s
}

// flush emits the window's statistics and starts a new window.
func flush(w *strings.Builder) {
	names := make([]string, 0, len(stats))
	for name := range stats {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := stats[name]
		avg := time.Duration(0)
		if s.Count > 0 {
			avg = s.TotalDur / time.Duration(s.Count)
		}
		fmt.Fprintf(w, "%-28s n=%-5d err=%-3d avg=%-10s max=%s\n", name, s.Count, s.Errors, avg, s.MaxDur)
	}
	for name := range stats {
		delete(stats, name)
	}
}

type request struct {
	Route   string
	Tenant  string
	Payload []byte
}

type handler func(req *request) (int, []byte)

var routes = map[string]handler{
	"GET /v1/profile":      profile,
	"POST /v1/upload":      upload,
	"GET /v1/search":       search,
	"POST /v1/token/renew": renewToken,
}

func profile(req *request) (int, []byte) {
	out, _ := json.Marshal(map[string]interface{}{
		"tenant": req.Tenant, "plan": "pro", "seats": len(req.Payload) % 50,
		"features": []string{"sso", "audit", "export"},
	})
	backend(2 * time.Millisecond)
	return 200, out
}

func upload(req *request) (int, []byte) {
	h := sha256.New()
	for i := 0; i < 64; i++ {
		h.Write(req.Payload)
	}
	backend(5 * time.Millisecond)
	return 201, []byte(hex.EncodeToString(h.Sum(nil)))
}

func search(req *request) (int, []byte) {
	words := strings.Fields(strings.Repeat("alpha beta gamma delta epsilon ", 40))
	sort.Strings(words)
	backend(4 * time.Millisecond)
	if len(req.Payload)%97 == 0 {
		return 503, nil
	}
	return 200, []byte(strings.Join(words[:10], ","))
}

func renewToken(req *request) (int, []byte) {
	sum := sha256.Sum256(append([]byte(req.Tenant), req.Payload...))
	backend(time.Millisecond)
	return 200, sum[:]
}

// backend simulates the downstream call of a handler.
func backend(d time.Duration) { time.Sleep(d) }

// listener serves the requests arriving on one accept loop.
func listener(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	names := make([]string, 0, len(routes))
	for r := range routes {
		names = append(names, r)
	}
	sort.Strings(names)
	for {
		select {
		case <-stop:
			return
		default:
		}
		req := &request{
			Route:   names[rng.Intn(len(names))],
			Tenant:  fmt.Sprintf("tenant-%03d", rng.Intn(300)),
			Payload: make([]byte, 512+rng.Intn(4096)),
		}
		rng.Read(req.Payload)
		start := time.Now()
		status, _ := routes[req.Route](req)
		record(req.Route, time.Since(start), status)
		time.Sleep(time.Duration(2+rng.Intn(6)) * time.Millisecond)
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go listener(i, stop, &wg)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var report strings.Builder
		for {
			select {
			case <-stop:
				fmt.Print(report.String())
				return
			case <-tick.C:
				flush(&report)
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	wg.Wait()
	prof.Stop()
}
