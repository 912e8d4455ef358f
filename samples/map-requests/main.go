// Command map-requests is the hard negative of AP1 (mutating a map while
// ranging over it): a healthy JSON API whose request handling is map-heavy,
// with map growth right next to range loops, but where no map is ever
// changed while it is being ranged over.
//
// An event-ingestion endpoint receives JSON events. For each request, the
// handler parses the raw header block into a header map (parseHeaders),
// decodes the body into a map[string]any (encoding/json, which grows maps
// as it decodes objects), and then normalize ranges over the decoded object
// and builds a new result map from it (snake_case keys, flattened nested
// objects, defaults filled in). The result map grows while normalize ranges
// over the *input* map, so growth (runtime.makemap_small, hashGrow,
// growWork*, evacuate*; internal/runtime/maps growth frames on Go 1.24+) and
// iteration sit in the same user function, as in AP1. The result is then
// tagged with the header values (ranging over the header map), counted per
// event type, and encoded back to JSON for the response.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"proflens/samples/internal/harness"
)

// parseHeaders parses raw "Name: value" lines into a fresh header map.
//
//go:noinline
func parseHeaders(raw string) map[string][]string {
	h := make(map[string][]string, 8)
	for _, line := range strings.Split(raw, "\r\n") {
		if i := strings.IndexByte(line, ':'); i > 0 {
			k := strings.ToLower(line[:i])
			h[k] = append(h[k], strings.TrimSpace(line[i+1:]))
		}
	}
	return h
}

// snake turns "userId" into "user_id".
func snake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// normalize ranges over a decoded event and builds the normalized event
// in a new map: snake_case keys, nested objects flattened into
// "parent.child" keys. The input map is only read.
//
//go:noinline
func normalize(in map[string]any, prefix string, out map[string]any) map[string]any {
	if out == nil {
		out = make(map[string]any)
	}
	for k, v := range in {
		key := prefix + snake(k)
		switch v := v.(type) {
		case map[string]any:
			normalize(v, key+".", out)
		case float64:
			out[key] = v
		case string:
			out[key] = strings.TrimSpace(v)
		default:
			out[key] = v
		}
	}
	if prefix == "" {
		if _, ok := out["schema_version"]; !ok {
			out["schema_version"] = float64(1)
		}
	}
	return out
}

// tagWithHeaders copies the tracing headers into the event.
//
//go:noinline
func tagWithHeaders(ev map[string]any, h map[string][]string) {
	for k, vs := range h {
		if strings.HasPrefix(k, "x-") {
			ev["header."+k] = strings.Join(vs, ",")
		}
	}
}

// handle serves one POST /events request and returns the response body.
//
//go:noinline
func handle(rawHeaders string, body []byte, counts map[string]int) ([]byte, error) {
	h := parseHeaders(rawHeaders)
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	ev := normalize(in, "", nil)
	tagWithHeaders(ev, h)
	if t, ok := ev["type"].(string); ok {
		counts[t]++
	}
	return json.Marshal(ev)
}

var eventTypes = []string{"page_view", "click", "add_to_cart", "checkout", "search", "login"}

// makeEvent renders the JSON body a client sends.
func makeEvent(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"` + eventTypes[n%len(eventTypes)] + `","eventId":"ev-` + strconv.Itoa(n) + `",`)
	b.WriteString(`"userId":"u-` + strconv.Itoa(n%9973) + `","sessionId":"s-` + strconv.Itoa(n%70001) + `",`)
	b.WriteString(`"timestampMs":` + strconv.Itoa(1700000000000+n*37) + `,"page":{"url":"/p/` + strconv.Itoa(n%500) + `","referrer":"/home","title":" Product page "},`)
	b.WriteString(`"device":{"os":"android","osVersion":"14","appVersion":"5.1.` + strconv.Itoa(n%9) + `","screenWidth":1080,"screenHeight":2400},`)
	b.WriteString(`"geo":{"country":"FR","city":"Lyon","lat":45.76,"lon":4.83},`)
	b.WriteString(`"properties":{"itemCount":` + strconv.Itoa(n%7) + `,"cartValue":` + strconv.Itoa(n%300) + `.5,"currency":"EUR","experiment":"b","variant":"blue"}}`)
	return []byte(b.String())
}

func main() {
	opts := harness.ParseFlags("map-requests: JSON event API with map-heavy request handling, growth of result maps while ranging over decoded input (hard negative of AP1)", 0)
	runFor := harness.RunFor(3 * time.Second)

	bodies := make([][]byte, 512)
	for i := range bodies {
		bodies[i] = makeEvent(i * 7)
	}
	counts := make(map[string]int)

	harness.StartCPU(opts.Out)
	start := time.Now()
	early := false
	var requests, out int
	for time.Since(start) < runFor {
		requests++
		headers := "Host: events.example.com\r\nContent-Type: application/json\r\nX-Request-Id: req-" + strconv.Itoa(requests) +
			"\r\nX-Client-Version: 5.1\r\nX-Trace-Id: 4bf92f3577b34da6a3ce929d0e0e4736\r\nUser-Agent: shop-app/5.1\r\n"
		resp, err := handle(headers, bodies[requests%len(bodies)], counts)
		if err != nil {
			harness.Fatal(err)
		}
		out += len(resp)
		if !early && time.Since(start) >= runFor/2 {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "map-requests: %d requests in %v, %d response bytes, %d event types\n",
		requests, elapsed.Round(time.Millisecond), out, len(counts))
}
