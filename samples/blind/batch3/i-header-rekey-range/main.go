// Command gateway-normalize is the header stage of an HTTP/2 -> HTTP/1 edge
// gateway: HTTP/2 frames carry lower-case header names, while the legacy
// handlers behind the gateway look headers up by their canonical MIME form.
package main

import (
	"fmt"
	"math/rand"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Header is the gateway's own header representation.
type Header map[string][]string

// Normalize rewrites every header name into its canonical MIME form so that
// downstream lookups like h["Content-Type"] work.
func (h Header) Normalize() int {
	renamed := 0
	for name, values := range h {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if canon == name {
			continue
		}
		h[canon] = append(h[canon], values...)
		delete(h, name)
		renamed++
	}
	return renamed
}

// Get returns the first value of a canonical header name.
func (h Header) Get(name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

type frame struct {
	name, value string
}

// decodeHeaderBlock turns the decoded HPACK fields of one stream into a Header.
func decodeHeaderBlock(fields []frame) Header {
	h := make(Header, len(fields))
	for _, f := range fields {
		if strings.HasPrefix(f.name, ":") {
			continue // pseudo-headers are handled by the stream layer
		}
		h[f.name] = append(h[f.name], f.value)
	}
	return h
}

type routeStats struct {
	requests uint64
	renamed  uint64
	authed   uint64
	bytes    uint64
}

type upstream struct {
	name  string
	stats routeStats
}

type gateway struct {
	routes map[string]*upstream
}

func (g *gateway) serve(fields []frame) {
	h := decodeHeaderBlock(fields)
	n := h.Normalize()
	up := g.routes[h.Get("Host")]
	if up == nil {
		up = g.routes["default"]
	}
	atomic.AddUint64(&up.stats.requests, 1)
	atomic.AddUint64(&up.stats.renamed, uint64(n))
	if strings.HasPrefix(h.Get("Authorization"), "Bearer ") {
		atomic.AddUint64(&up.stats.authed, 1)
	}
	var size uint64
	for k, vs := range h {
		size += uint64(len(k))
		for _, v := range vs {
			size += uint64(len(v))
		}
	}
	atomic.AddUint64(&up.stats.bytes, size)
}

var commonHeaders = []string{
	"accept", "accept-encoding", "accept-language", "authorization", "cache-control",
	"content-type", "content-length", "cookie", "host", "origin", "referer", "user-agent",
	"x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-b3-traceid", "x-b3-spanid",
	"x-b3-sampled", "traceparent", "tracestate", "if-none-match", "if-modified-since",
	"sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest", "sec-ch-ua", "sec-ch-ua-mobile",
	"sec-ch-ua-platform", "x-client-version", "x-tenant-id", "x-api-key", "dnt",
	"upgrade-insecure-requests", "pragma", "te", "x-correlation-id", "x-envoy-attempt-count",
	"x-amzn-trace-id", "x-real-ip", "forwarded",
}

var hosts = []string{"api.shop.example", "img.shop.example", "auth.shop.example", "search.shop.example"}

// sampleStreams builds a pool of realistic header blocks (between 14 and 40
// fields, mostly lower case as HTTP/2 requires, a few from HTTP/1 clients).
func sampleStreams(r *rand.Rand, n int) [][]frame {
	out := make([][]frame, n)
	for i := range out {
		count := 14 + r.Intn(27)
		perm := r.Perm(len(commonHeaders))
		fields := []frame{{":method", "GET"}, {":path", fmt.Sprintf("/v1/items/%d", r.Intn(1e6))}}
		for _, idx := range perm[:count] {
			name := commonHeaders[idx]
			value := fmt.Sprintf("%s-%08x", name, r.Uint32())
			switch name {
			case "host":
				value = hosts[r.Intn(len(hosts))]
			case "authorization":
				value = fmt.Sprintf("Bearer %016x", r.Uint64())
			}
			if r.Intn(10) == 0 {
				name = textproto.CanonicalMIMEHeaderKey(name)
			}
			fields = append(fields, frame{name, value})
		}
		out[i] = fields
	}
	return out
}

func main() {
	prof.Start()

	g := &gateway{routes: map[string]*upstream{"default": {name: "default"}}}
	for _, h := range hosts {
		g.routes[h] = &upstream{name: h}
	}
	streams := sampleStreams(rand.New(rand.NewSource(7)), 4096)

	const runFor = 6 * time.Second
	deadline := time.Now().Add(runFor)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for time.Now().Before(deadline) {
				for i := 0; i < 256; i++ {
					g.serve(streams[r.Intn(len(streams))])
				}
			}
		}(int64(w))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	wg.Wait()

	var total uint64
	for _, up := range g.routes {
		total += up.stats.requests
	}
	fmt.Printf("served %d requests\n", total)
	prof.Stop()
}
