// Command gatewayd is the API gateway's legacy-compat layer: it accepts v1
// request bodies from old mobile clients, rewrites them into the v2 envelope
// the backend expects (renamed fields, request metadata), and forwards them.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// v1 -> v2 field names. Read-only after init.
var fieldRenames = []struct{ from, to string }{
	{"user_id", "accountId"},
	{"ts", "clientTimestamp"},
	{"lang", "locale"},
	{"device", "clientDevice"},
	{"cart", "basket"},
}

var itemRenames = []struct{ from, to string }{
	{"sku_id", "sku"},
	{"qty", "quantity"},
	{"price", "unitPrice"},
}

type inbound struct {
	requestID string
	route     string
	body      []byte
}

type outbound struct {
	requestID string
	status    int
	body      []byte
}

var errNotObject = errors.New("request body is not a JSON object")

func renameFields(obj map[string]interface{}, renames []struct{ from, to string }) {
	for _, r := range renames {
		if v, ok := obj[r.from]; ok {
			obj[r.to] = v
			delete(obj, r.from)
		}
	}
}

// rewriteEnvelope turns one v1 body into a v2 body.
func rewriteEnvelope(req inbound, now time.Time) ([]byte, error) {
	var doc map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errNotObject
	}
	renameFields(doc, fieldRenames)
	if basket, ok := doc["basket"].([]interface{}); ok {
		for _, it := range basket {
			if item, ok := it.(map[string]interface{}); ok {
				renameFields(item, itemRenames)
				item["currency"] = "EUR"
			}
		}
	}
	doc["apiVersion"] = "v2"
	doc["_meta"] = map[string]interface{}{
		"requestId":  req.requestID,
		"route":      req.route,
		"receivedAt": now.UTC().Format(time.RFC3339Nano),
		"gateway":    "gw-eu-1",
	}
	return json.Marshal(doc)
}

func worker(in <-chan inbound, out chan<- outbound, wg *sync.WaitGroup) {
	defer wg.Done()
	for req := range in {
		body, err := rewriteEnvelope(req, time.Now())
		if err != nil {
			out <- outbound{requestID: req.requestID, status: 400, body: []byte(`{"error":"` + err.Error() + `"}`)}
			continue
		}
		out <- outbound{requestID: req.requestID, status: 200, body: body}
	}
}

// mobileClients produces v1 bodies the way the old apps send them.
func mobileClients(in chan<- inbound, stop <-chan struct{}) {
	defer close(in)
	rng := rand.New(rand.NewSource(99))
	devices := []string{"ios-14.8", "android-11", "android-9", "ios-13.7"}
	langs := []string{"de-DE", "fr-FR", "en-GB", "nl-NL", "it-IT"}
	for n := 0; ; n++ {
		if n%64 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(2 * time.Millisecond)
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, `{"user_id":%d,"ts":%d,"lang":%q,"device":%q,"session":"s-%x","cart":[`,
			rng.Intn(1000000), time.Now().UnixMilli(), langs[rng.Intn(len(langs))], devices[rng.Intn(len(devices))], rng.Int63())
		for i, items := 0, 1+rng.Intn(8); i < items; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"sku_id":"SKU-%06d","qty":%d,"price":%d.%02d,"gift":%t,"tags":["promo","w%d"]}`,
				rng.Intn(999999), 1+rng.Intn(5), rng.Intn(200), rng.Intn(100), rng.Intn(7) == 0, rng.Intn(52))
		}
		b.WriteString(`],"coupon":null,"flags":{"beta":false,"darkMode":true}}`)
		if rng.Intn(500) == 0 {
			b.Reset()
			b.WriteString(`["not","an","object"]`)
		}
		in <- inbound{requestID: "req-" + strconv.Itoa(n), route: "/v1/checkout", body: b.Bytes()}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	in := make(chan inbound, 128)
	out := make(chan outbound, 128)
	stop := make(chan struct{})

	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(in, out, &wg)
	}
	go mobileClients(in, stop)
	go func() { wg.Wait(); close(out) }()

	var ok, bad, bytesOut int
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for resp := range out {
			if resp.status == 200 {
				ok++
			} else {
				bad++
			}
			bytesOut += len(resp.body)
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	<-collected
	elapsed := time.Since(start)
	prof.Stop()

	fmt.Printf("gatewayd: %d rewritten, %d rejected, %d bytes forwarded, in %v\n", ok, bad, bytesOut, elapsed.Round(time.Millisecond))
}
