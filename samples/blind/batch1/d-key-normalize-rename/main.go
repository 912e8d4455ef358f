// gatewayd: the request path of an API gateway sitting behind an HTTP/2
// terminator. The terminator hands us lowercase header names (as HTTP/2
// mandates); the legacy upstreams and our own middleware expect canonical
// MIME names, so the first middleware rewrites the header map in place.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type Header map[string][]string

type Request struct {
	Method string
	Path   string
	Header Header
	Body   []byte
}

type Response struct {
	Status int
	Header Header
	Body   []byte
}

type Handler func(*Request) *Response

type Middleware func(Handler) Handler

// canonicalizeHeaders rewrites every header name into its canonical MIME
// form ("x-request-id" -> "X-Request-Id"), merging duplicate spellings.
func canonicalizeHeaders(h Header) {
	for k, vv := range h {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if ck == k {
			continue
		}
		delete(h, k)
		h[ck] = append(h[ck], vv...)
	}
}

func withCanonicalHeaders(next Handler) Handler {
	return func(r *Request) *Response {
		canonicalizeHeaders(r.Header)
		return next(r)
	}
}

var apiKeys = func() map[string]string {
	m := make(map[string]string)
	for i := 0; i < 2000; i++ {
		m[fmt.Sprintf("key-%06d", i)] = fmt.Sprintf("tenant-%d", i%150)
	}
	return m
}()

func withAuth(next Handler) Handler {
	return func(r *Request) *Response {
		auth := r.Header["Authorization"]
		if len(auth) == 0 || !strings.HasPrefix(auth[0], "Bearer ") {
			return &Response{Status: 401}
		}
		tenant, ok := apiKeys[auth[0][len("Bearer "):]]
		if !ok {
			return &Response{Status: 403}
		}
		r.Header["X-Tenant"] = []string{tenant}
		return next(r)
	}
}

type limiter struct {
	mu      sync.Mutex
	buckets map[string]float64
	last    map[string]time.Time
}

func (l *limiter) allow(tenant string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	tokens := l.buckets[tenant]
	if t, ok := l.last[tenant]; ok {
		tokens += now.Sub(t).Seconds() * 5000
	} else {
		tokens = 200
	}
	if tokens > 200 {
		tokens = 200
	}
	l.last[tenant] = now
	if tokens < 1 {
		l.buckets[tenant] = tokens
		return false
	}
	l.buckets[tenant] = tokens - 1
	return true
}

func withRateLimit(l *limiter) Middleware {
	return func(next Handler) Handler {
		return func(r *Request) *Response {
			if !l.allow(r.Header["X-Tenant"][0], time.Now()) {
				return &Response{Status: 429}
			}
			return next(r)
		}
	}
}

// upstream stands in for the proxied service: it builds an ETag from a few
// forwarded headers and echoes a small body.
func upstream(r *Request) *Response {
	sum := sha1.New()
	for _, name := range []string{"X-Request-Id", "X-Tenant", "Accept", "User-Agent"} {
		for _, v := range r.Header[name] {
			sum.Write([]byte(v))
		}
	}
	sum.Write(r.Body)
	etag := hex.EncodeToString(sum.Sum(nil))
	return &Response{Status: 200, Header: Header{"Etag": {etag}, "Content-Type": {"application/json"}}, Body: r.Body[:len(r.Body)/2]}
}

func chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// terminator simulates the HTTP/2 front end decoding requests off the wire.
func terminator(seed int64, out chan<- *Request, done <-chan struct{}) {
	r := rand.New(rand.NewSource(seed))
	paths := []string{"/v2/catalog/items", "/v2/cart", "/v2/checkout", "/v1/users/me", "/v2/search"}
	agents := []string{"ios-app/7.12.0", "android-app/7.11.3", "Mozilla/5.0 (X11; Linux x86_64)", "okhttp/4.12.0"}
	body := make([]byte, 512)
	for {
		h := make(Header)
		h["accept"] = []string{"application/json"}
		h["accept-encoding"] = []string{"gzip, br"}
		h["accept-language"] = []string{"en-GB,en;q=0.8"}
		h["authorization"] = []string{fmt.Sprintf("Bearer key-%06d", r.Intn(2100))}
		h["user-agent"] = []string{agents[r.Intn(len(agents))]}
		h["x-request-id"] = []string{fmt.Sprintf("%016x", r.Uint64())}
		h["x-forwarded-for"] = []string{fmt.Sprintf("203.0.113.%d, 10.1.0.%d", r.Intn(255), r.Intn(255))}
		h["x-forwarded-proto"] = []string{"https"}
		h["x-forwarded-port"] = []string{"443"}
		h["x-amzn-trace-id"] = []string{fmt.Sprintf("Root=1-%08x-%024x", r.Uint32(), r.Uint64())}
		h["traceparent"] = []string{fmt.Sprintf("00-%032x-%016x-01", r.Uint64(), r.Uint64())}
		h["tracestate"] = []string{"vendor=1"}
		h["cookie"] = []string{"session=abc", fmt.Sprintf("cart=%d", r.Intn(1e6))}
		h["content-type"] = []string{"application/json"}
		h["content-length"] = []string{"512"}
		h["cache-control"] = []string{"no-cache"}
		h["pragma"] = []string{"no-cache"}
		h["origin"] = []string{"https://shop.example.com"}
		h["referer"] = []string{"https://shop.example.com/cart"}
		h["sec-fetch-site"] = []string{"same-origin"}
		h["sec-fetch-mode"] = []string{"cors"}
		h["sec-fetch-dest"] = []string{"empty"}
		h["x-client-version"] = []string{"7.12.0"}
		h["x-device-id"] = []string{fmt.Sprintf("dev-%d", r.Intn(1e7))}
		h["x-experiment"] = []string{"checkout-v3", "search-rerank"}
		h["if-none-match"] = []string{`W/"1f2e"`}
		for i := r.Intn(6); i > 0; i-- {
			h[fmt.Sprintf("x-feature-%d", r.Intn(40))] = []string{"on"}
		}
		req := &Request{Method: "POST", Path: paths[r.Intn(len(paths))], Header: h, Body: body}
		select {
		case out <- req:
		case <-done:
			return
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	lim := &limiter{buckets: make(map[string]float64), last: make(map[string]time.Time)}
	handler := chain(upstream, withCanonicalHeaders, withAuth, withRateLimit(lim))

	reqs := make(chan *Request, 512)
	done := make(chan struct{})
	for i := 0; i < 2; i++ {
		go terminator(int64(i+1), reqs, done)
	}

	var mu sync.Mutex
	statusCount := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int{}
			for {
				select {
				case req := <-reqs:
					resp := handler(req)
					local[resp.Status]++
				case <-done:
					mu.Lock()
					for s, n := range local {
						statusCount[s] += n
					}
					mu.Unlock()
					return
				}
			}
		}()
	}

	start := time.Now()
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(done)
	wg.Wait()
	fmt.Println("responses by status:", statusCount)
	prof.Stop()
}
