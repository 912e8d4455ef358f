// Command logfwd receives logfmt lines from agents, pulls out the fields
// the routing rules need and forwards a compact record per line.
package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type record struct {
	Service  string
	Level    uint8
	Status   int
	Latency  time.Duration
	TraceID  string
	Dropped  bool
	FieldCnt int
}

var levels = map[string]uint8{"debug": 0, "info": 1, "warn": 2, "error": 3}

// newDecoder returns a decode function for one connection. Each decoder
// reuses its field map across lines.
func newDecoder() func(line []byte) record {
	fields := make(map[string]string, 16)
	return func(line []byte) record {
		for _, tok := range bytes.Fields(line) {
			eq := bytes.IndexByte(tok, '=')
			if eq <= 0 {
				continue
			}
			fields[string(tok[:eq])] = string(tok[eq+1:])
		}
		r := record{
			Service:  fields["svc"],
			Level:    levels[fields["level"]],
			TraceID:  fields["trace_id"],
			FieldCnt: len(fields),
		}
		if s, ok := fields["status"]; ok {
			r.Status, _ = strconv.Atoi(s)
		}
		if d, ok := fields["dur"]; ok {
			r.Latency, _ = time.ParseDuration(d)
		}
		r.Dropped = r.Level == 0 && fields["sampled"] != "true"
		for k := range fields {
			delete(fields, k)
		}
		return r
	}
}

var services = []string{"checkout", "search", "cart", "identity", "payments", "catalog"}

// agentLine fabricates one log line as an agent would ship it.
func agentLine(rng *rand.Rand, buf *bytes.Buffer) []byte {
	buf.Reset()
	fmt.Fprintf(buf, "ts=%d level=%s svc=%s host=node-%02d pod=%s-%x trace_id=%016x span_id=%08x",
		time.Now().UnixNano(), []string{"debug", "info", "warn", "error"}[rng.Intn(4)],
		services[rng.Intn(len(services))], rng.Intn(40), services[rng.Intn(len(services))], rng.Intn(1<<20),
		rng.Uint64(), rng.Uint32())
	fmt.Fprintf(buf, " method=%s path=/api/v%d/items status=%d dur=%dms bytes=%d region=eu-west-1 zone=b sampled=%t user=u%d",
		[]string{"GET", "POST", "PUT"}[rng.Intn(3)], 1+rng.Intn(2), []int{200, 200, 201, 404, 500}[rng.Intn(5)],
		rng.Intn(900), rng.Intn(1<<16), rng.Intn(3) == 0, rng.Intn(100000))
	out := make([]byte, buf.Len())
	copy(out, buf.Bytes())
	return out
}

type sink struct {
	mu        sync.Mutex
	byService map[string]int
	errors    int
	forwarded uint64
	dropped   uint64
}

func (s *sink) accept(batch []record) {
	s.mu.Lock()
	for _, r := range batch {
		if r.Dropped {
			s.dropped++
			continue
		}
		s.forwarded++
		s.byService[r.Service]++
		if r.Status >= 500 {
			s.errors++
		}
	}
	s.mu.Unlock()
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	out := &sink{byService: make(map[string]int)}
	conns := make(chan [][]byte, 8)
	stop := make(chan struct{})
	var lines uint64
	var wg sync.WaitGroup

	// Agents ship batches of lines.
	var agents sync.WaitGroup
	for a := 0; a < 2; a++ {
		agents.Add(1)
		go func(seed int64) {
			defer agents.Done()
			rng := rand.New(rand.NewSource(seed))
			var buf bytes.Buffer
			for {
				batch := make([][]byte, 64)
				for i := range batch {
					batch[i] = agentLine(rng, &buf)
				}
				select {
				case <-stop:
					return
				case conns <- batch:
				}
				time.Sleep(200 * time.Microsecond)
			}
		}(int64(a + 1))
	}

	// Decoder workers, one decoder (and scratch map) each.
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			decode := newDecoder()
			recs := make([]record, 0, 64)
			for batch := range conns {
				recs = recs[:0]
				for _, line := range batch {
					recs = append(recs, decode(line))
				}
				out.accept(recs)
				atomic.AddUint64(&lines, uint64(len(batch)))
			}
		}()
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	agents.Wait()
	close(conns)
	wg.Wait()

	prof.Stop()
	fmt.Printf("lines=%d forwarded=%d dropped=%d errors=%d services=%v\n",
		atomic.LoadUint64(&lines), out.forwarded, out.dropped, out.errors, out.byService)
}
