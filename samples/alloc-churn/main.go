// Command alloc-churn is the hard negative of AP3 (deleting the key but
// keeping the value alive): a healthy service that allocates heavily, so
// that the garbage collector takes a large share of the CPU, but retains
// nothing after a request.
//
// A product API loads its catalog at startup ((*Catalog).Load: about 30 MB of
// small, pointer-rich records the GC must mark on every cycle) and then
// serves requests. Each request (handle) parses its query string and headers
// into fresh maps (parseQuery, parseHeaders), looks the products up,
// collects the matching offers into a per-request map keyed by seller
// (collectOffers), and renders a JSON response (renderJSON). All of that is
// garbage as soon as the response is written: the maps are dropped whole,
// nothing is kept in any long-lived map, and the live heap stays the size of
// the catalog. The GC (background mark workers and mark assists under
// mallocgc) takes about a third of the CPU, and alloc_space under the
// map-filling functions is large, as in AP3; inuse_space does not grow.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"proflens/samples/internal/harness"
)

// Offer is one seller's offer for a product.
type Offer struct {
	Seller     string
	PriceCents int64
	Shipping   string
}

// Product is one catalog record.
type Product struct {
	ID     int
	Title  string
	Brand  string
	Tags   []string
	Offers []*Offer
}

// Catalog is the read-only product catalog, loaded once.
type Catalog struct {
	products []*Product
}

// Load builds n products, as read from the database at startup.
//
//go:noinline
func (c *Catalog) Load(n int) {
	sellers := []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"}
	c.products = make([]*Product, n)
	for i := range c.products {
		p := &Product{
			ID:    i,
			Title: "Product " + strconv.Itoa(i) + " deluxe edition",
			Brand: sellers[i%len(sellers)] + " brands",
			Tags:  []string{"tag" + strconv.Itoa(i%97), "tag" + strconv.Itoa(i%89)},
		}
		for j := 0; j < 3; j++ {
			p.Offers = append(p.Offers, &Offer{
				Seller:     sellers[(i+j)%len(sellers)],
				PriceCents: int64(500 + (i*31+j*7)%90000),
				Shipping:   "standard",
			})
		}
		c.products[i] = p
	}
}

// parseQuery parses "a=1&b=2" into a fresh map.
//
//go:noinline
func parseQuery(q string) map[string]string {
	m := make(map[string]string)
	for _, kv := range strings.Split(q, "&") {
		if i := strings.IndexByte(kv, '='); i > 0 {
			m[kv[:i]] = kv[i+1:]
		}
	}
	return m
}

// parseHeaders parses raw "Name: value" lines into a fresh map.
//
//go:noinline
func parseHeaders(raw string) map[string][]string {
	h := make(map[string][]string)
	for _, line := range strings.Split(raw, "\r\n") {
		if i := strings.IndexByte(line, ':'); i > 0 {
			k := strings.ToLower(line[:i])
			h[k] = append(h[k], strings.TrimSpace(line[i+1:]))
		}
	}
	return h
}

// SellerOffers is what the response lists per seller.
type SellerOffers struct {
	Seller string
	Items  []string
	Total  int64
}

// collectOffers groups the offers of the requested products by seller, in
// a map that lives for this request only.
//
//go:noinline
func (c *Catalog) collectOffers(ids []int) map[string]*SellerOffers {
	bySeller := make(map[string]*SellerOffers)
	for _, id := range ids {
		p := c.products[id%len(c.products)]
		for _, o := range p.Offers {
			s := bySeller[o.Seller]
			if s == nil {
				s = &SellerOffers{Seller: o.Seller}
				bySeller[o.Seller] = s
			}
			s.Items = append(s.Items, p.Title+" ("+strconv.FormatInt(o.PriceCents, 10)+")")
			s.Total += o.PriceCents
		}
	}
	return bySeller
}

// renderJSON renders the response body.
//
//go:noinline
func renderJSON(bySeller map[string]*SellerOffers, headers map[string][]string) []byte {
	var b strings.Builder
	b.WriteString(`{"sellers":[`)
	first := true
	for _, s := range bySeller {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(`{"seller":` + strconv.Quote(s.Seller) + `,"total":` + strconv.FormatInt(s.Total, 10) + `,"items":[`)
		for i, it := range s.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(it))
		}
		b.WriteString("]}")
	}
	b.WriteString(`],"request_id":` + strconv.Quote(strings.Join(headers["x-request-id"], ",")) + "}")
	return []byte(b.String())
}

// readBody stands in for io.ReadAll(r.Body): a fresh buffer per request.
//
//go:noinline
func readBody(payload []byte) []byte {
	body := make([]byte, len(payload))
	copy(body, payload)
	return body
}

// handle serves one request: "POST /offers?ids=..." with its headers and a
// body (a client's cart, which this endpoint only checksums).
//
//go:noinline
func (c *Catalog) handle(query, rawHeaders string, payload []byte) int {
	body := readBody(payload)
	q := parseQuery(query)
	h := parseHeaders(rawHeaders)
	var ids []int
	for _, s := range strings.Split(q["ids"], ",") {
		if id, err := strconv.Atoi(s); err == nil {
			ids = append(ids, id)
		}
	}
	sum := byte(0)
	for i := 0; i < len(body); i += 512 {
		sum ^= body[i]
	}
	return len(renderJSON(c.collectOffers(ids), h)) + int(sum&1)
}

func main() {
	opts := harness.ParseFlags("alloc-churn: product API that allocates heavily but keeps nothing after a request (hard negative of AP3)", 0)
	const (
		products = 80_000    // about 30 MB of catalog
		idsPer   = 40        // products per request
		bodySize = 192 << 10 // request body, read into a fresh buffer
	)
	runFor := harness.RunFor(3 * time.Second)

	cat := &Catalog{}
	cat.Load(products)
	payload := make([]byte, bodySize)
	for i := range payload {
		payload[i] = byte(i * 31)
	}

	harness.StartCPU(opts.Out)
	start := time.Now()
	early := false
	var requests, bytes int
	var sb strings.Builder
	for time.Since(start) < runFor {
		requests++
		sb.Reset()
		sb.WriteString("ids=")
		for i := 0; i < idsPer; i++ {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(strconv.Itoa((requests*7919 + i*104729) % products))
		}
		sb.WriteString("&currency=EUR&lang=fr")
		headers := "Host: api.example.com\r\nAccept: application/json\r\nX-Request-Id: req-" + strconv.Itoa(requests) +
			"\r\nUser-Agent: shop-app/5.1\r\nAccept-Encoding: gzip\r\nCookie: session=abc; theme=dark\r\n"
		bytes += cat.handle(sb.String(), headers, payload)
		if !early && time.Since(start) >= runFor/2 {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "alloc-churn: %d requests in %v, %d response bytes, %d products in the catalog\n",
		requests, elapsed.Round(time.Millisecond), bytes, len(cat.products))
}
