// Command legacyshim sits in front of an old partner API: it accepts events in
// the partner's JSON dialect (camelCase, abbreviated field names), renames the
// fields to our snake_case schema and forwards the translated document.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

// fieldNames maps partner field names to ours. Unknown fields are passed
// through in snake_case.
var fieldNames = map[string]string{
	"evtId":   "event_id",
	"ts":      "timestamp",
	"custNo":  "customer_id",
	"amt":     "amount_cents",
	"cur":     "currency",
	"chan":    "channel",
	"devType": "device_type",
	"geo":     "location",
	"tags":    "labels",
	"ref":     "reference",
}

func snakeCase(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// translate returns a new document with our field names; nested objects are
// translated recursively. The input is not modified.
func translate(in map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(in))
	for k, v := range in {
		name, ok := fieldNames[k]
		if !ok {
			name = snakeCase(k)
		}
		if obj, isObj := v.(map[string]interface{}); isObj {
			v = translate(obj)
		}
		out[name] = v
	}
	return out
}

type shim struct {
	forwarded func([]byte)
}

func (s *shim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var doc map[string]interface{}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		http.Error(w, "bad event: "+err.Error(), http.StatusBadRequest)
		return
	}
	body, err := json.Marshal(translate(doc))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.forwarded(body)
	w.WriteHeader(http.StatusAccepted)
}

// partnerEvent renders a random event as the partner sends it.
func partnerEvent(r *rand.Rand, n int) []byte {
	ev := map[string]interface{}{
		"evtId":   fmt.Sprintf("ev-%08x", r.Uint32()),
		"ts":      time.Unix(1700000000+int64(n), 0).UTC().Format(time.RFC3339),
		"custNo":  r.Intn(900000) + 100000,
		"amt":     r.Intn(50000),
		"cur":     []string{"EUR", "USD", "GBP"}[r.Intn(3)],
		"chan":    "web",
		"devType": "mobile",
		"geo":     map[string]interface{}{"countryCode": "DE", "postCode": "10115", "lat": 52.53, "lon": 13.38},
		"tags":    []interface{}{"promo", "newsletter"},
		"ref":     fmt.Sprintf("ORD-%d", n),
	}
	for i := 0; i < r.Intn(8); i++ {
		ev[fmt.Sprintf("extAttr%d", i)] = r.Intn(1000)
	}
	b, _ := json.Marshal(ev)
	return b
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	var mu sync.Mutex
	var forwardedBytes int
	h := &shim{forwarded: func(b []byte) {
		mu.Lock()
		forwardedBytes += len(b)
		mu.Unlock()
	}}

	r := rand.New(rand.NewSource(3))
	samples := make([][]byte, 500)
	for i := range samples {
		samples[i] = partnerEvent(r, i)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; ; i += 4 {
				select {
				case <-stop:
					return
				default:
				}
				req := httptest.NewRequest(http.MethodPost, "/v1/events", bytes.NewReader(samples[i%len(samples)]))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				io.Copy(io.Discard, rec.Result().Body)
				if rec.Code == http.StatusAccepted {
					counts[c]++
				}
			}
		}(c)
	}

	time.Sleep(runFor/3 - time.Since(t0))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	wg.Wait()
	log.Printf("legacyshim: %d events translated, %d bytes forwarded", counts[0]+counts[1]+counts[2]+counts[3], forwardedBytes)
	prof.Stop()
}
