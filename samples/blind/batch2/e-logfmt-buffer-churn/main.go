// Command accesslog turns request-completion events into logfmt lines and
// ships them to the log collector. A pool of formatter workers drains the
// event queue.
package main

import (
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"blind/prof"
)

// Fields are the structured attributes attached to one log entry.
type Fields map[string]interface{}

type Entry struct {
	Time    time.Time
	Level   string
	Message string
	Fields  Fields
}

// countingSink stands in for the TCP connection to the collector.
type countingSink struct {
	lines int64
	bytes int64
}

func (s *countingSink) Write(p []byte) (int, error) {
	atomic.AddInt64(&s.lines, 1)
	atomic.AddInt64(&s.bytes, int64(len(p)))
	return len(p), nil
}

// formatLogfmt renders e as one logfmt line into a fresh buffer.
func formatLogfmt(e *Entry) []byte {
	// Sized for the long tail (error lines carry stack excerpts).
	buf := make([]byte, 0, 2048)
	buf = append(buf, "ts="...)
	buf = e.Time.AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, " level="...)
	buf = append(buf, e.Level...)
	buf = append(buf, " msg="...)
	buf = appendValue(buf, e.Message)

	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		buf = append(buf, ' ')
		buf = append(buf, k...)
		buf = append(buf, '=')
		switch v := e.Fields[k].(type) {
		case string:
			buf = appendValue(buf, v)
		case int:
			buf = strconv.AppendInt(buf, int64(v), 10)
		case float64:
			buf = strconv.AppendFloat(buf, v, 'f', 3, 64)
		case time.Duration:
			buf = appendValue(buf, v.String())
		default:
			buf = appendValue(buf, fmt.Sprint(v))
		}
	}
	return append(buf, '\n')
}

func appendValue(buf []byte, s string) []byte {
	needQuote := s == ""
	for _, r := range s {
		if r <= ' ' || r == '=' || r == '"' || r == utf8.RuneError {
			needQuote = true
			break
		}
	}
	if !needQuote {
		return append(buf, s...)
	}
	return strconv.AppendQuote(buf, s)
}

// formatter drains the queue; every line gets its own buffer which is handed
// to the sink and then dropped.
func formatter(queue <-chan *Entry, out io.Writer, wg *sync.WaitGroup) {
	defer wg.Done()
	for e := range queue {
		line := formatLogfmt(e)
		if _, err := out.Write(line); err != nil {
			return
		}
	}
}

var (
	methods  = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	routes   = []string{"/api/v1/orders", "/api/v1/orders/{id}", "/api/v1/cart", "/login", "/static/app.js", "/search"}
	agents   = []string{"Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "okhttp/4.12.0", "Go-http-client/2.0"}
	messages = []string{"request completed", "request completed", "upstream retry", "slow request"}
)

func requestEvent(rng *rand.Rand) *Entry {
	status := 200
	if rng.Intn(20) == 0 {
		status = 500 + rng.Intn(4)
	}
	level := "info"
	if status >= 500 {
		level = "error"
	}
	return &Entry{
		Time:    time.Now(),
		Level:   level,
		Message: messages[rng.Intn(len(messages))],
		Fields: Fields{
			"method":     methods[rng.Intn(len(methods))],
			"route":      routes[rng.Intn(len(routes))],
			"status":     status,
			"bytes":      rng.Intn(1 << 16),
			"duration":   time.Duration(rng.Intn(400000)) * time.Microsecond,
			"remote":     "192.0.2." + strconv.Itoa(rng.Intn(255)),
			"user_agent": agents[rng.Intn(len(agents))],
			"trace_id":   strconv.FormatUint(rng.Uint64(), 16),
			"upstream":   rng.Float64() * 100,
		},
	}
}

func main() {
	prof.Start()

	sink := &countingSink{}
	queue := make(chan *Entry, 4096)
	var workers sync.WaitGroup
	for i := 0; i < 3; i++ {
		workers.Add(1)
		go formatter(queue, sink, &workers)
	}

	const runFor = 6 * time.Second
	deadline := time.Now().Add(runFor)
	var producers sync.WaitGroup
	for p := 0; p < 2; p++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			rng := rand.New(rand.NewSource(seed))
			for time.Now().Before(deadline) {
				for i := 0; i < 1000; i++ {
					queue <- requestEvent(rng)
				}
				time.Sleep(time.Millisecond)
			}
		}(int64(p))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	producers.Wait()
	close(queue)
	workers.Wait()
	prof.Stop()

	fmt.Printf("lines=%d bytes=%dMB\n", atomic.LoadInt64(&sink.lines), atomic.LoadInt64(&sink.bytes)>>20)
}
