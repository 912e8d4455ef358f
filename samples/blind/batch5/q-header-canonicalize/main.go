// Command edge-gw is a slice of an edge gateway's request path: frames arrive
// from HTTP/1.1 and HTTP/2 listeners, their header blocks are decoded into a
// Header map, the names are normalised to canonical MIME form (HTTP/2 peers
// send them lower-cased), and the request is routed to an upstream pool.
package main

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"net/textproto"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Header is a request header block keyed by field name.
type Header map[string][]string

// Get returns the first value of the canonical key.
func (h Header) Get(key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Canonicalize rewrites every field name to its canonical MIME spelling so
// that the routing and auth filters can look headers up with Get.
func (h Header) Canonicalize() int {
	moved := 0
	for name, values := range h {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if canon == name {
			continue
		}
		h[canon] = append(h[canon], values...)
		delete(h, name)
		moved++
	}
	return moved
}

type field struct{ name, value string }

// frame is a decoded request as the listener hands it over.
type frame struct {
	proto     string
	method    string
	authority string
	path      string
	fields    []field
}

func decodeHeaders(f *frame) Header {
	h := make(Header, len(f.fields))
	for _, fl := range f.fields {
		h[fl.name] = append(h[fl.name], fl.value)
	}
	return h
}

type upstream struct {
	name    string
	prefix  string
	served  int64
	bytesIn int64
}

type router struct {
	routes []*upstream
	deflt  *upstream
}

func (r *router) pick(path string, h Header) *upstream {
	if h.Get("X-Canary") == "always" {
		return r.routes[len(r.routes)-1]
	}
	for _, u := range r.routes {
		if len(path) >= len(u.prefix) && path[:len(u.prefix)] == u.prefix {
			return u
		}
	}
	return r.deflt
}

type accessLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines int64
}

func (l *accessLog) write(line []byte) {
	l.mu.Lock()
	if l.buf.Len() > 1<<20 {
		l.buf.Reset()
	}
	l.buf.Write(line)
	l.lines++
	l.mu.Unlock()
}

// handle runs one request through the gateway filters.
func handle(f *frame, rt *router, log *accessLog, scratch []byte) []byte {
	h := decodeHeaders(f)
	h.Canonicalize()

	if h.Get("Authorization") == "" && h.Get("Cookie") == "" {
		scratch = append(scratch[:0], "401 "...)
	} else {
		scratch = append(scratch[:0], "200 "...)
	}
	u := rt.pick(f.path, h)
	atomic.AddInt64(&u.served, 1)
	n, _ := strconv.Atoi(h.Get("Content-Length"))
	atomic.AddInt64(&u.bytesIn, int64(n))

	hs := fnv.New32a()
	hs.Write([]byte(h.Get("X-Request-Id")))
	scratch = append(scratch, f.method...)
	scratch = append(scratch, ' ')
	scratch = append(scratch, f.authority...)
	scratch = append(scratch, f.path...)
	scratch = append(scratch, " -> "...)
	scratch = append(scratch, u.name...)
	scratch = append(scratch, " ua="...)
	scratch = append(scratch, h.Get("User-Agent")...)
	scratch = append(scratch, " rid="...)
	scratch = strconv.AppendUint(scratch, uint64(hs.Sum32()), 16)
	scratch = append(scratch, '\n')
	log.write(scratch)
	return scratch
}

var commonFields = []field{
	{"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Safari/537.36"},
	{"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
	{"accept-encoding", "gzip, deflate, br"},
	{"accept-language", "en-US,en;q=0.9,de;q=0.7"},
	{"cache-control", "no-cache"},
	{"pragma", "no-cache"},
	{"sec-ch-ua", `"Chromium";v="118", "Google Chrome";v="118"`},
	{"sec-ch-ua-mobile", "?0"},
	{"sec-ch-ua-platform", `"Linux"`},
	{"sec-fetch-dest", "document"},
	{"sec-fetch-mode", "navigate"},
	{"sec-fetch-site", "same-origin"},
	{"sec-fetch-user", "?1"},
	{"upgrade-insecure-requests", "1"},
	{"cookie", "sid=2f9a1c; theme=dark"},
	{"cookie", "_ga=GA1.2.19931.1699"},
	{"x-forwarded-for", "203.0.113.9, 10.1.4.22"},
	{"x-forwarded-proto", "https"},
	{"x-forwarded-port", "443"},
	{"x-real-ip", "203.0.113.9"},
	{"x-request-id", "7d0e5c2e-93bb-4f54-a1f1-0b8c8a3e1f10"},
	{"x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"},
	{"x-b3-spanid", "a2fb4a1d1a96d312"},
	{"x-b3-parentspanid", "0020000000000001"},
	{"x-b3-sampled", "1"},
	{"traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"},
	{"x-envoy-expected-rq-timeout-ms", "15000"},
	{"x-amzn-trace-id", "Root=1-65a1-bc3d"},
	{"dnt", "1"},
	{"referer", "https://shop.example.com/cart"},
	{"origin", "https://shop.example.com"},
	{"content-type", "application/json"},
	{"content-length", "348"},
	{"authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig"},
	{"x-client-version", "4.18.2"},
	{"x-tenant", "acme"},
}

func buildFrames() []*frame {
	paths := []string{"/api/v2/cart", "/api/v2/orders/118", "/static/app.js", "/api/v2/search?q=boots", "/healthz", "/graphql"}
	var frames []*frame
	for i := 0; i < 64; i++ {
		f := &frame{method: "GET", authority: "shop.example.com", path: paths[i%len(paths)], proto: "HTTP/2"}
		if i%5 == 0 {
			f.method = "POST"
		}
		skip := i % 7
		for j, fl := range commonFields {
			if (j+i)%11 == skip {
				continue
			}
			if i%4 == 3 { // an HTTP/1.1 client: canonical names already
				f.proto = "HTTP/1.1"
				fl.name = textproto.CanonicalMIMEHeaderKey(fl.name)
			}
			f.fields = append(f.fields, fl)
		}
		if i%9 == 0 {
			f.fields = append(f.fields, field{"x-canary", "always"})
		}
		frames = append(frames, f)
	}
	return frames
}

func main() {
	prof.Start()
	start := time.Now()

	rt := &router{deflt: &upstream{name: "web-default", prefix: "/"}}
	for _, p := range []string{"/api/v2/cart", "/api/v2/orders", "/api/v2/search", "/static", "/graphql", "/canary"} {
		rt.routes = append(rt.routes, &upstream{name: "pool" + p, prefix: p})
	}
	frames := buildFrames()
	var log accessLog

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var handled int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			scratch := make([]byte, 0, 512)
			for i := w; ; i++ {
				if i&255 == 0 {
					select {
					case <-stop:
						return
					default:
					}
				}
				scratch = handle(frames[i%len(frames)], rt, &log, scratch)
				atomic.AddInt64(&handled, 1)
			}
		}(w)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	fmt.Printf("handled=%d log_lines=%d elapsed=%s\n", atomic.LoadInt64(&handled), log.lines, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
