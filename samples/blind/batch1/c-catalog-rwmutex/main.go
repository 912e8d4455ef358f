// Command pricing is the cart-pricing service of a web shop. It keeps the
// product catalog in memory; checkout and cart pages price baskets against
// it all the time, while the merchandising feed pushes price and stock
// changes a few times per second.
package main

import (
	"fmt"
	"log"
	"math"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Product struct {
	SKU        string
	Title      string
	PriceCents int64
	TaxClass   string
	Stock      int
	Discount   float64 // 0..1
	Version    uint64
}

type Catalog struct {
	mu       sync.RWMutex
	products map[string]*Product
	version  uint64
}

var (
	catalog = &Catalog{products: make(map[string]*Product)}

	taxRates = map[string]float64{"standard": 0.21, "reduced": 0.09, "zero": 0, "books": 0.06}
)

// Snapshot copies the listed products under the read lock; missing SKUs are
// reported as nil entries.
func (c *Catalog) Snapshot(skus []string, out []Product) []Product {
	out = out[:0]
	c.mu.RLock()
	for _, sku := range skus {
		if p, ok := c.products[sku]; ok {
			out = append(out, *p)
		} else {
			out = append(out, Product{SKU: sku, Stock: -1})
		}
	}
	c.mu.RUnlock()
	return out
}

// PriceUpdate is one message of the merchandising feed.
type PriceUpdate struct {
	SKU        string
	PriceCents int64
	StockDelta int
	Discount   float64
}

// Apply installs a batch of feed updates under the write lock.
func (c *Catalog) Apply(batch []PriceUpdate) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	n := 0
	for _, u := range batch {
		p, ok := c.products[u.SKU]
		if !ok {
			continue
		}
		// replace rather than mutate: readers may hold copies only
		np := *p
		np.PriceCents = u.PriceCents
		np.Stock += u.StockDelta
		np.Discount = u.Discount
		np.Version = c.version
		c.products[u.SKU] = &np
		n++
	}
	return n
}

type CartLine struct {
	SKU string
	Qty int
}

type Quote struct {
	SubtotalCents int64
	TaxCents      int64
	Unavailable   int
}

// PriceCart prices one basket; scratch is the caller's reusable buffer.
func PriceCart(lines []CartLine, skus []string, scratch []Product) (Quote, []Product) {
	skus = skus[:0]
	for _, l := range lines {
		skus = append(skus, l.SKU)
	}
	prods := catalog.Snapshot(skus, scratch)
	var q Quote
	for i, l := range lines {
		p := prods[i]
		if p.Stock < l.Qty {
			q.Unavailable++
			continue
		}
		unit := float64(p.PriceCents) * (1 - p.Discount)
		line := int64(math.Round(unit * float64(l.Qty)))
		q.SubtotalCents += line
		q.TaxCents += int64(math.Round(float64(line) * taxRates[p.TaxClass]))
	}
	return q, prods
}

// encodeQuote renders the JSON body of a quote response.
func encodeQuote(b []byte, q Quote, prods []Product) []byte {
	b = append(b, `{"lines":[`...)
	for i, p := range prods {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"sku":`...)
		b = strconv.AppendQuote(b, p.SKU)
		b = append(b, `,"title":`...)
		b = strconv.AppendQuote(b, p.Title)
		b = append(b, `,"unit_cents":`...)
		b = strconv.AppendInt(b, p.PriceCents, 10)
		b = append(b, `,"in_stock":`...)
		b = strconv.AppendBool(b, p.Stock > 0)
		b = append(b, '}')
	}
	b = append(b, `],"subtotal_cents":`...)
	b = strconv.AppendInt(b, q.SubtotalCents, 10)
	b = append(b, `,"tax_cents":`...)
	b = strconv.AppendInt(b, q.TaxCents, 10)
	b = append(b, `,"unavailable":`...)
	b = strconv.AppendInt(b, int64(q.Unavailable), 10)
	return append(b, '}')
}

func loadCatalog(rng *rand.Rand, n int) []string {
	classes := []string{"standard", "standard", "standard", "reduced", "zero", "books"}
	skus := make([]string, n)
	catalog.mu.Lock()
	for i := range skus {
		sku := fmt.Sprintf("SKU-%02d-%06d", i%40, i)
		skus[i] = sku
		catalog.products[sku] = &Product{
			SKU:        sku,
			Title:      fmt.Sprintf("Item %d", i),
			PriceCents: int64(199 + rng.Intn(50000)),
			TaxClass:   classes[rng.Intn(len(classes))],
			Stock:      rng.Intn(500),
		}
	}
	catalog.mu.Unlock()
	return skus
}

func main() {
	prof.Start()
	start := time.Now()
	rng := rand.New(rand.NewSource(11))
	skus := loadCatalog(rng, 50000)

	var quit int32
	var quotes, revenue int64
	var wg sync.WaitGroup

	// cart and checkout traffic
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			lines := make([]CartLine, 0, 16)
			keys := make([]string, 0, 16)
			var scratch []Product
			resp := make([]byte, 0, 512)
			for served := 1; atomic.LoadInt32(&quit) == 0; served++ {
				lines = lines[:0]
				for n := 1 + r.Intn(12); n > 0; n-- {
					lines = append(lines, CartLine{SKU: skus[r.Intn(len(skus))], Qty: 1 + r.Intn(3)})
				}
				var q Quote
				q, scratch = PriceCart(lines, keys, scratch)
				resp = encodeQuote(resp[:0], q, scratch)
				atomic.AddInt64(&quotes, 1)
				atomic.AddInt64(&revenue, q.SubtotalCents+q.TaxCents)
				if served%16 == 0 {
					time.Sleep(time.Millisecond) // waiting on the next request from the network
				}
			}
		}(int64(w + 100))
	}

	// merchandising feed: a few batches per second
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewSource(5))
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		applied := 0
		for atomic.LoadInt32(&quit) == 0 {
			<-tick.C
			batch := make([]PriceUpdate, 300)
			for i := range batch {
				batch[i] = PriceUpdate{
					SKU:        skus[r.Intn(len(skus))],
					PriceCents: int64(199 + r.Intn(50000)),
					StockDelta: r.Intn(21) - 10,
					Discount:   float64(r.Intn(4)) * 0.05,
				}
			}
			applied += catalog.Apply(batch)
		}
		log.Printf("feed applied %d updates", applied)
	}()

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2400 * time.Millisecond)
	atomic.StoreInt32(&quit, 1)
	wg.Wait()
	log.Printf("priced %d carts (%.2f M in quotes) in %.1fs", atomic.LoadInt64(&quotes), float64(atomic.LoadInt64(&revenue))/1e8, time.Since(start).Seconds())
	prof.Stop()
}
