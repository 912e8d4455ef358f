// logtally reads nginx-style access log shards with a small worker pool and
// keeps running per-route statistics for the capacity dashboard.
package main

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type routeStat struct {
	Requests  int64
	Errors    int64
	Bytes     int64
	LatencyUs int64
	MaxUs     int64
}

// routeStats is the dashboard's view, keyed by "METHOD /route".
// It started life when logtally had a single reader.
var routeStats = map[string]routeStat{}

var linesRead int64

// publish folds one shard chunk's tallies into the dashboard view.
func publish(local map[string]routeStat) {
	for k, s := range local {
		g := routeStats[k]
		g.Requests += s.Requests
		g.Errors += s.Errors
		g.Bytes += s.Bytes
		g.LatencyUs += s.LatencyUs
		if s.MaxUs > g.MaxUs {
			g.MaxUs = s.MaxUs
		}
		routeStats[k] = g
	}
}

// routeOf collapses ids in a path so /api/orders/8812 and /api/orders/17
// tally together.
func routeOf(path string) string {
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path = path[:q]
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			segs[i] = ":id"
		}
	}
	return strings.Join(segs, "/")
}

// parseLine understands:
// 10.0.3.7 - - [12/Mar/2024:10:01:02 +0000] "GET /api/orders/8812 HTTP/1.1" 200 5120 0.0123
func parseLine(line string) (key string, status int, bytes int64, latUs int64, ok bool) {
	q1 := strings.IndexByte(line, '"')
	if q1 < 0 {
		return
	}
	q2 := strings.IndexByte(line[q1+1:], '"')
	if q2 < 0 {
		return
	}
	req := strings.Fields(line[q1+1 : q1+1+q2])
	if len(req) != 3 {
		return
	}
	rest := strings.Fields(line[q1+q2+2:])
	if len(rest) != 3 {
		return
	}
	st, err := strconv.Atoi(rest[0])
	if err != nil {
		return
	}
	b, _ := strconv.ParseInt(rest[1], 10, 64)
	secs, _ := strconv.ParseFloat(rest[2], 64)
	return req[0] + " " + routeOf(req[1]), st, b, int64(secs * 1e6), true
}

func tallyChunk(lines []string) map[string]routeStat {
	local := make(map[string]routeStat, 64)
	for _, ln := range lines {
		key, st, b, lat, ok := parseLine(ln)
		if !ok {
			continue
		}
		s := local[key]
		s.Requests++
		if st >= 500 {
			s.Errors++
		}
		s.Bytes += b
		s.LatencyUs += lat
		if lat > s.MaxUs {
			s.MaxUs = lat
		}
		local[key] = s
	}
	atomic.AddInt64(&linesRead, int64(len(lines)))
	return local
}

func reader(shard []string, chunk int, flushEvery time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	pending := make(map[string]routeStat, 64)
	lastFlush := time.Now()
	for off := 0; ; off = (off + chunk) % (len(shard) - chunk) {
		select {
		case <-stop:
			return
		default:
		}
		for k, s := range tallyChunk(shard[off : off+chunk]) {
			p := pending[k]
			p.Requests += s.Requests
			p.Errors += s.Errors
			p.Bytes += s.Bytes
			p.LatencyUs += s.LatencyUs
			if s.MaxUs > p.MaxUs {
				p.MaxUs = s.MaxUs
			}
			pending[k] = p
		}
		if time.Since(lastFlush) >= flushEvery {
			publish(pending)
			for k := range pending {
				delete(pending, k)
			}
			lastFlush = time.Now()
		}
	}
}

func synthShard(seed int64, n int) []string {
	r := rand.New(rand.NewSource(seed))
	paths := []string{"/api/orders/%d", "/api/orders/%d/items", "/api/users/%d", "/api/cart", "/static/%d/app.js", "/api/search?q=item%d", "/healthz", "/api/invoices/%d/pdf"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	out := make([]string, n)
	for i := range out {
		p := paths[r.Intn(len(paths))]
		if strings.Contains(p, "%d") {
			p = fmt.Sprintf(p, r.Intn(100000))
		}
		st := 200
		switch x := r.Intn(100); {
		case x < 3:
			st = 500 + r.Intn(4)
		case x < 10:
			st = 404
		case x < 15:
			st = 304
		}
		out[i] = fmt.Sprintf(`10.0.%d.%d - - [12/Mar/2024:10:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d %.4f`,
			r.Intn(255), r.Intn(255), r.Intn(60), r.Intn(60), methods[r.Intn(len(methods))], p, st, r.Intn(200000), r.Float64()*0.3)
	}
	return out
}

func main() {
	prof.Start()
	const runFor = 5 * time.Second

	const shards = 4
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < shards; i++ {
		shard := synthShard(int64(i+1), 8000)
		wg.Add(1)
		go reader(shard, 2500+700*i, time.Duration(300+130*i)*time.Millisecond, stop, &wg)
	}

	start := time.Now()
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()

	keys := make([]string, 0, len(routeStats))
	for k := range routeStats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return routeStats[keys[i]].Requests > routeStats[keys[j]].Requests })
	fmt.Printf("%d lines read\n", atomic.LoadInt64(&linesRead))
	for _, k := range keys[:5] {
		s := routeStats[k]
		fmt.Printf("%-28s %8d req %6d err avg %6dus max %6dus\n", k, s.Requests, s.Errors, s.LatencyUs/s.Requests, s.MaxUs)
	}
	prof.Stop()
}
