// Command apigw is the public API gateway in front of the order and catalog
// services. For each request it decodes the JSON body generically, applies
// the route's rewrite rules (field renames, redaction of internal fields,
// version shims), forwards it, and shapes the upstream's JSON answer for the
// public API.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type route struct {
	upstream string
	renames  map[string]string // public name -> upstream name
	redact   []string          // fields removed from responses
	version  int
}

type Gateway struct {
	routes   map[string]*route // immutable after construction
	upstream func(service string, body map[string]interface{}) map[string]interface{}
	ok, bad  uint64
}

func NewGateway() *Gateway {
	return &Gateway{
		routes: map[string]*route{
			"/v2/orders": {upstream: "orders", version: 2,
				renames: map[string]string{"customerId": "customer_id", "shippingAddress": "ship_to", "lineItems": "items"},
				redact:  []string{"internal_notes", "fraud_score", "warehouse_id"}},
			"/v2/quotes": {upstream: "pricing", version: 2,
				renames: map[string]string{"customerId": "customer_id", "lineItems": "items", "couponCode": "coupon"},
				redact:  []string{"margin", "cost_basis"}},
			"/v1/orders": {upstream: "orders", version: 1,
				renames: map[string]string{"customer": "customer_id", "items": "items"},
				redact:  []string{"internal_notes", "fraud_score"}},
		},
		upstream: fakeUpstream,
	}
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, ok := g.routes[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	var body map[string]interface{}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		atomic.AddUint64(&g.bad, 1)
		http.Error(w, `{"error":"malformed JSON"}`, http.StatusBadRequest)
		return
	}
	up := rewriteRequest(rt, body, r.Header)
	resp := g.upstream(rt.upstream, up)
	out := shapeResponse(rt, resp)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Gateway-Route", rt.upstream+"/v"+strconv.Itoa(rt.version))
	if err := json.NewEncoder(w).Encode(out); err != nil {
		atomic.AddUint64(&g.bad, 1)
		return
	}
	atomic.AddUint64(&g.ok, 1)
}

// rewriteRequest maps the public field names onto the upstream's.
func rewriteRequest(rt *route, body map[string]interface{}, h http.Header) map[string]interface{} {
	up := make(map[string]interface{}, len(body)+2)
	for k, v := range body {
		if name, ok := rt.renames[k]; ok {
			k = name
		}
		up[k] = v
	}
	if items, ok := up["items"].([]interface{}); ok {
		for _, it := range items {
			if m, ok := it.(map[string]interface{}); ok {
				if sku, ok := m["sku"].(string); ok {
					m["sku"] = strings.ToUpper(sku)
				}
				if _, ok := m["qty"]; !ok {
					m["qty"] = json.Number("1")
				}
			}
		}
	}
	up["_trace"] = h.Get("X-Request-Id")
	up["_client"] = h.Get("X-Client")
	return up
}

// shapeResponse drops internal fields and adds the public envelope.
func shapeResponse(rt *route, resp map[string]interface{}) map[string]interface{} {
	for _, f := range rt.redact {
		delete(resp, f)
	}
	if rt.version == 1 {
		if total, ok := resp["total"].(map[string]interface{}); ok {
			resp["total"] = total["amount"]
			resp["currency"] = total["currency"]
		}
	}
	return map[string]interface{}{
		"data":       resp,
		"apiVersion": rt.version,
		"links":      map[string]interface{}{"self": "/v" + strconv.Itoa(rt.version) + "/" + rt.upstream + "/" + fmt.Sprint(resp["id"])},
	}
}

// fakeUpstream stands in for the backend call: it answers with a JSON body
// that the gateway decodes generically, as it would off the wire.
func fakeUpstream(service string, req map[string]interface{}) map[string]interface{} {
	items, _ := req["items"].([]interface{})
	lines := make([]map[string]interface{}, 0, len(items))
	total := 0
	for i, it := range items {
		m, _ := it.(map[string]interface{})
		price := 500 + i*250
		qty := 1
		if n, ok := m["qty"].(json.Number); ok {
			if q, err := n.Int64(); err == nil {
				qty = int(q)
			}
		}
		total += price * qty
		lines = append(lines, map[string]interface{}{
			"sku": m["sku"], "qty": qty, "unit_price": price, "warehouse_id": "fra-2", "cost_basis": price / 2,
		})
	}
	raw, _ := json.Marshal(map[string]interface{}{
		"id":             service + "-" + strconv.Itoa(rand.Intn(1e9)),
		"status":         "accepted",
		"customer_id":    req["customer_id"],
		"items":          lines,
		"total":          map[string]interface{}{"amount": total, "currency": "EUR"},
		"internal_notes": "auto-approved by rules engine r42",
		"fraud_score":    0.07,
		"margin":         0.31,
		"trace":          req["_trace"],
	})
	var resp map[string]interface{}
	_ = json.Unmarshal(raw, &resp)
	return resp
}

var skus = []string{"tsh-blk-m", "tsh-wht-l", "hoodie-gry-xl", "cap-nvy", "sock-3pk", "mug-logo", "bottle-steel"}

func makeBody(rng *rand.Rand, path string) []byte {
	n := 1 + rng.Intn(6)
	items := make([]map[string]interface{}, n)
	for i := range items {
		items[i] = map[string]interface{}{"sku": skus[rng.Intn(len(skus))], "qty": 1 + rng.Intn(3)}
		if rng.Intn(3) == 0 {
			items[i]["giftWrap"] = true
		}
	}
	body := map[string]interface{}{
		"shippingAddress": map[string]interface{}{"name": "Jo Doe", "street": "Hauptstr. " + strconv.Itoa(rng.Intn(200)), "city": "Berlin", "zip": "10115"},
		"lineItems":       items,
		"customerId":      "cus_" + strconv.Itoa(rng.Intn(1e6)),
		"channel":         "web",
	}
	if path == "/v1/orders" {
		body["customer"] = body["customerId"]
		delete(body, "customerId")
		body["items"] = items
		delete(body, "lineItems")
	}
	if path == "/v2/quotes" && rng.Intn(2) == 0 {
		body["couponCode"] = "WINTER10"
	}
	raw, _ := json.Marshal(body)
	return raw
}

func main() {
	prof.Start()

	gw := NewGateway()
	paths := []string{"/v2/orders", "/v2/orders", "/v2/quotes", "/v1/orders"}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bytesOut uint64
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(c)))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[rng.Intn(len(paths))]
				body := makeBody(rng, path)
				if n%97 == 0 {
					body = body[:len(body)/2] // truncated upload
				}
				req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Request-Id", strconv.Itoa(c)+"-"+strconv.Itoa(n))
				req.Header.Set("X-Client", "web/4.12")
				rec := httptest.NewRecorder()
				gw.ServeHTTP(rec, req)
				b, _ := io.ReadAll(rec.Result().Body)
				atomic.AddUint64(&bytesOut, uint64(len(b)))
			}
		}(c)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "ok=%d bad=%d bytes=%d\n", atomic.LoadUint64(&gw.ok), atomic.LoadUint64(&gw.bad), atomic.LoadUint64(&bytesOut))
}
