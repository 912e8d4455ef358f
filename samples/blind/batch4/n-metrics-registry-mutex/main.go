// Command accesslogd tails the access logs of a fleet of proxies and turns
// them into counters (requests per route, per status, bytes, upstream
// latency buckets) exported on a /metrics endpoint.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

var routes = []string{"/api/orders", "/api/cart", "/api/login", "/api/search", "/api/items", "/static", "/healthz", "/api/profile"}
var methods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
var statuses = []string{"200", "200", "200", "201", "204", "304", "400", "404", "500", "503"}

// fakeLog renders n access-log lines like the proxies write them.
func fakeLog(seed int64, n int) []string {
	rng := rand.New(rand.NewSource(seed))
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("10.%d.%d.%d %s %s %s %d %dms",
			rng.Intn(4), rng.Intn(256), rng.Intn(256),
			methods[rng.Intn(len(methods))], routes[rng.Intn(len(routes))],
			statuses[rng.Intn(len(statuses))], 200+rng.Intn(60000), rng.Intn(900))
	}
	return lines
}

var latencyBuckets = []int{5, 10, 25, 50, 100, 250, 500, 1000}

func bucketName(ms int) string {
	for _, b := range latencyBuckets {
		if ms <= b {
			return "le_" + strconv.Itoa(b)
		}
	}
	return "le_inf"
}

// observe accounts one access-log line.
func observe(reg *Registry, line string) bool {
	f := strings.Fields(line)
	if len(f) != 6 {
		reg.Add("accesslog.parse_errors", 1)
		return false
	}
	method, route, status := f[1], f[2], f[3]
	size, err1 := strconv.Atoi(f[4])
	ms, err2 := strconv.Atoi(strings.TrimSuffix(f[5], "ms"))
	if err1 != nil || err2 != nil {
		reg.Add("accesslog.parse_errors", 1)
		return false
	}
	reg.Add("http.requests."+method+route, 1)
	reg.Add("http.status."+status, 1)
	reg.Add("http.response_bytes"+route, int64(size))
	reg.Add("http.latency."+bucketName(ms), 1)
	return true
}

// tail follows one proxy's log until the deadline.
func tail(reg *Registry, proxy int, until time.Time, wg *sync.WaitGroup) {
	defer wg.Done()
	lines := fakeLog(int64(proxy)+42, 4096)
	for n := 0; ; n++ {
		if n%256 == 0 && !time.Now().Before(until) {
			return
		}
		observe(reg, lines[n%len(lines)])
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	reg := NewRegistry(map[string]string{
		"http.requests":       "Requests by method and route.",
		"http.status":         "Responses by status code.",
		"http.response_bytes": "Response body bytes by route.",
		"http.latency":        "Upstream latency histogram.",
		"accesslog":           "Access log processing.",
	})

	var wg sync.WaitGroup
	for p := 0; p < 24; p++ {
		wg.Add(1)
		go tail(reg, p, until, &wg)
	}

	// The /metrics scraper.
	scrapes := 0
	stop := make(chan struct{})
	scraped := make(chan struct{})
	go func() {
		defer close(scraped)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = reg.Snapshot()
				scrapes++
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	wg.Wait()
	close(stop)
	<-scraped
	snap := reg.Snapshot()
	elapsed := time.Since(start)
	prof.Stop()
	var total int64
	for _, s := range snap {
		if strings.HasPrefix(s.Name, "http.status.") {
			total += s.Value
		}
	}
	fmt.Fprintf(os.Stderr, "%d counters, %d requests, %d scrapes in %v\n", len(snap), total, scrapes, elapsed.Round(time.Millisecond))
}
