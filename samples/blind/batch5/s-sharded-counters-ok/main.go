// Command logagg tails the edge proxies' access logs and keeps per-route
// request statistics (count, errors, bytes, latency histogram) that the
// dashboard scrapes. Parsing is done by a pool of workers; the statistics
// live in a map split into 32 independently locked shards.
package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const numShards = 32

type shard[V any] struct {
	sync.Mutex
	m map[string]*V
}

// shardedMap is a string-keyed map whose keys are spread over numShards
// shards by FNV-1a, each with its own lock.
type shardedMap[V any] struct {
	shards [numShards]shard[V]
}

func newShardedMap[V any]() *shardedMap[V] {
	sm := &shardedMap[V]{}
	for i := range sm.shards {
		sm.shards[i].m = make(map[string]*V)
	}
	return sm
}

func (sm *shardedMap[V]) shardFor(key string) *shard[V] {
	h := fnv.New32a()
	h.Write([]byte(key))
	return &sm.shards[h.Sum32()%numShards]
}

// Update runs fn on the value for key (creating it if needed) under the
// key's shard lock. fn must be short.
func (sm *shardedMap[V]) Update(key string, fn func(*V)) {
	sh := sm.shardFor(key)
	sh.Lock()
	v := sh.m[key]
	if v == nil {
		v = new(V)
		sh.m[key] = v
	}
	fn(v)
	sh.Unlock()
}

func (sm *shardedMap[V]) Len() int {
	n := 0
	for i := range sm.shards {
		sh := &sm.shards[i]
		sh.Lock()
		n += len(sh.m)
		sh.Unlock()
	}
	return n
}

var latencyBounds = [...]float64{5, 10, 25, 50, 100, 250, 500, 1000, 2500}

type routeStats struct {
	Requests uint64
	Errors   uint64
	Bytes    uint64
	Hist     [len(latencyBounds) + 1]uint64
}

type accessRecord struct {
	method, route, status string
	bytes                 uint64
	latencyMs             float64
}

var errMalformed = errors.New("malformed access log line")

// parseLine parses a line of the edge proxy's access log, e.g.
// 10.1.2.3 - - [07/Dec/2026:23:10:01 +0000] "GET /api/v1/orders/123?x=1 HTTP/1.1" 200 5123 "-" "curl/8.0" 12.345
func parseLine(line string) (accessRecord, error) {
	var rec accessRecord
	q1 := strings.IndexByte(line, '"')
	if q1 < 0 {
		return rec, errMalformed
	}
	q2 := strings.IndexByte(line[q1+1:], '"')
	if q2 < 0 {
		return rec, errMalformed
	}
	req := strings.Fields(line[q1+1 : q1+1+q2])
	if len(req) != 3 {
		return rec, errMalformed
	}
	rest := strings.Fields(line[q1+q2+2:])
	if len(rest) < 3 {
		return rec, errMalformed
	}
	rec.method = req[0]
	rec.route = normalizeRoute(req[1])
	rec.status = rest[0]
	b, err := strconv.ParseUint(rest[1], 10, 64)
	if err != nil {
		return rec, errMalformed
	}
	rec.bytes = b
	lat, err := strconv.ParseFloat(rest[len(rest)-1], 64)
	if err != nil {
		return rec, errMalformed
	}
	rec.latencyMs = lat
	return rec, nil
}

// normalizeRoute drops the query and replaces numeric path segments with
// ":id" so that /api/v1/orders/123 and /api/v1/orders/456 share a route.
func normalizeRoute(target string) string {
	if i := strings.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	segs := strings.Split(target, "/")
	for i, s := range segs {
		if s == "" {
			continue
		}
		if _, err := strconv.Atoi(s); err == nil {
			segs[i] = ":id"
		}
	}
	return strings.Join(segs, "/")
}

func bucketOf(ms float64) int {
	for i, b := range latencyBounds {
		if ms <= b {
			return i
		}
	}
	return len(latencyBounds)
}

func synthLog(n int, seed int64) []string {
	r := rand.New(rand.NewSource(seed))
	resources := []string{"orders", "users", "carts", "invoices", "products", "search", "shipments", "reviews"}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	statuses := []string{"200", "200", "200", "200", "201", "204", "304", "400", "404", "500", "503"}
	lines := make([]string, n)
	for i := range lines {
		path := fmt.Sprintf("/api/v%d/%s", 1+r.Intn(3), resources[r.Intn(len(resources))])
		if r.Intn(3) > 0 {
			path += "/" + strconv.Itoa(r.Intn(100000))
			if r.Intn(2) == 0 {
				path += "/" + resources[r.Intn(len(resources))]
			}
		}
		if r.Intn(4) == 0 {
			path += "?page=" + strconv.Itoa(r.Intn(50))
		}
		lines[i] = fmt.Sprintf("10.%d.%d.%d - - [07/Dec/2026:23:10:%02d +0000] \"%s %s HTTP/1.1\" %s %d \"-\" \"svc-client/2.%d\" %.3f",
			r.Intn(256), r.Intn(256), r.Intn(256), r.Intn(60), methods[r.Intn(len(methods))], path,
			statuses[r.Intn(len(statuses))], r.Intn(200000), r.Intn(9), r.ExpFloat64()*60)
	}
	return lines
}

func main() {
	prof.Start()
	began := time.Now()

	logLines := synthLog(50000, 3)
	stats := newShardedMap[routeStats]()

	// The tailer hands the workers batches of lines as the proxies write them.
	batches := make(chan []string, 32)
	stop := make(chan struct{})
	go func() {
		defer close(batches)
		const batchLines = 100
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		off := 0
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if off+batchLines > len(logLines) {
				off = 0
			}
			batches <- logLines[off : off+batchLines]
			off += batchLines
		}
	}()

	var parsed, bad uint64
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n, nbad uint64
			for batch := range batches {
				for _, line := range batch {
					rec, err := parseLine(line)
					if err != nil {
						nbad++
						continue
					}
					key := rec.method + " " + rec.route
					isErr := rec.status[0] == '5'
					bucket := bucketOf(rec.latencyMs)
					stats.Update(key, func(s *routeStats) {
						s.Requests++
						s.Bytes += rec.bytes
						s.Hist[bucket]++
						if isErr {
							s.Errors++
						}
					})
					n++
				}
			}
			atomic.AddUint64(&parsed, n)
			atomic.AddUint64(&bad, nbad)
		}()
	}

	time.Sleep(time.Until(began.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(began.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(began.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Printf("parsed=%d bad=%d routes=%d in %v\n", atomic.LoadUint64(&parsed), atomic.LoadUint64(&bad), stats.Len(), time.Since(began).Round(time.Millisecond))
}
