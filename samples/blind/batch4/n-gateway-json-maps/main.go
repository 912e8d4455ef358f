// Command edgegw is the JSON front of an API gateway: it decodes each
// request body, strips every field the target upstream is not allowed to
// see, and re-encodes the result for the upstream call. Bodies are never
// kept after the response is written.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"time"

	"blind/prof"
)

type route struct {
	name   string
	policy *fieldPolicy
}

var routes = map[string]route{
	"POST /orders": {"orders", newPolicy("customer_id", "currency", "coupon", "notes").
		with("items", newPolicy("sku", "qty", "unit_price")).
		with("shipping", newPolicy("name", "line1", "city", "zip", "country", "!phone"))},
	"POST /users": {"users", newPolicy("email", "display_name", "locale", "!password", "marketing_opt_in").
		with("address", newPolicy("city", "country"))},
	"PUT /profile": {"profile", newPolicy("bio", "avatar_url", "timezone", "links")},
}

type call struct {
	route string
	body  []byte
	reply chan<- result
}

type result struct {
	upstream string
	payload  []byte
	err      error
}

var errUnknownRoute = errors.New("no such route")

// forward filters one request body for its upstream.
func forward(c call) result {
	rt, ok := routes[c.route]
	if !ok {
		return result{err: errUnknownRoute}
	}
	var doc map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return result{upstream: rt.name, err: fmt.Errorf("decode: %w", err)}
	}
	clean := rt.policy.apply(doc)
	clean["_gateway"] = map[string]interface{}{"route": c.route, "ts": time.Now().Unix()}
	out, err := json.Marshal(clean)
	return result{upstream: rt.name, payload: out, err: err}
}

func serve(calls <-chan call, wg *sync.WaitGroup) {
	defer wg.Done()
	for c := range calls {
		c.reply <- forward(c)
	}
}

// sampleBodies builds the request bodies the synthetic clients send.
func sampleBodies(rng *rand.Rand) map[string][][]byte {
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
	w := func() string { return words[rng.Intn(len(words))] }
	bodies := map[string][][]byte{}
	for i := 0; i < 200; i++ {
		items := []interface{}{}
		for j := 0; j < 1+rng.Intn(6); j++ {
			items = append(items, map[string]interface{}{
				"sku": fmt.Sprintf("SKU-%05d", rng.Intn(99999)), "qty": 1 + rng.Intn(4),
				"unit_price": float64(rng.Intn(10000)) / 100, "warehouse": w(), "margin": rng.Float64(),
			})
		}
		order := map[string]interface{}{
			"customer_id": rng.Intn(1e6), "currency": "EUR", "coupon": w(), "notes": w() + " " + w(),
			"items": items, "internal_score": rng.Float64(), "fraud_flags": []string{w(), w()},
			"shipping": map[string]interface{}{"name": w(), "line1": w() + " street", "city": w(),
				"zip": fmt.Sprint(10000 + rng.Intn(89999)), "country": "DE", "phone": "+49 30 1234567"},
		}
		user := map[string]interface{}{
			"email": w() + "@example.com", "display_name": w(), "locale": "en-GB", "password": "hunter2",
			"marketing_opt_in": rng.Intn(2) == 0, "is_admin": false, "referrer": w(),
			"address": map[string]interface{}{"city": w(), "country": "FR", "street": w()},
		}
		profile := map[string]interface{}{
			"bio": w() + " " + w() + " " + w(), "avatar_url": "https://cdn.example.com/" + w() + ".png",
			"timezone": "Europe/Berlin", "links": []string{w(), w()}, "credits": rng.Intn(500),
		}
		for r, v := range map[string]interface{}{"POST /orders": order, "POST /users": user, "PUT /profile": profile} {
			b, err := json.Marshal(v)
			if err != nil {
				panic(err)
			}
			bodies[r] = append(bodies[r], b)
		}
	}
	return bodies
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	calls := make(chan call, 128)
	var workers sync.WaitGroup
	for i := 0; i < 6; i++ {
		workers.Add(1)
		go serve(calls, &workers)
	}

	type tally struct {
		ok, failed, bytes int
	}
	var mu sync.Mutex
	totals := map[string]*tally{}

	var clients sync.WaitGroup
	for c := 0; c < 12; c++ {
		clients.Add(1)
		go func(seed int64) {
			defer clients.Done()
			rng := rand.New(rand.NewSource(seed))
			bodies := sampleBodies(rng)
			names := []string{"POST /orders", "POST /users", "PUT /profile", "GET /nothing"}
			reply := make(chan result, 1)
			local := map[string]*tally{}
			for time.Now().Before(until) {
				r := names[rng.Intn(len(names))]
				var body []byte
				if bs := bodies[r]; len(bs) > 0 {
					body = bs[rng.Intn(len(bs))]
				}
				calls <- call{route: r, body: body, reply: reply}
				res := <-reply
				t := local[res.upstream]
				if t == nil {
					t = &tally{}
					local[res.upstream] = t
				}
				if res.err != nil {
					t.failed++
				} else {
					t.ok++
					t.bytes += len(res.payload)
				}
			}
			mu.Lock()
			for k, v := range local {
				if totals[k] == nil {
					totals[k] = &tally{}
				}
				totals[k].ok += v.ok
				totals[k].failed += v.failed
				totals[k].bytes += v.bytes
			}
			mu.Unlock()
		}(int64(c))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	clients.Wait()
	close(calls)
	workers.Wait()
	elapsed := time.Since(start)
	prof.Stop()
	for name, t := range totals {
		fmt.Fprintf(os.Stderr, "%-8q ok=%d failed=%d bytes=%d\n", name, t.ok, t.failed, t.bytes)
	}
	fmt.Fprintf(os.Stderr, "in %v\n", elapsed.Round(time.Millisecond))
}
