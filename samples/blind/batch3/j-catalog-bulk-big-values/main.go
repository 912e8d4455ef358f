// Command storefront serves product pages from an in-memory catalog.
package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const catalogSize = 10000

type pageRequest struct {
	sku    string
	locale string
}

var served, notFound int64

// renderPage builds the product page's summary block.
func renderPage(c *Catalog, req pageRequest, sb *strings.Builder) {
	p, ok := c.Get(req.sku)
	if !ok {
		atomic.AddInt64(&notFound, 1)
		return
	}
	sb.Reset()
	fmt.Fprintf(sb, "<h1>%s</h1><div class=brand>%s</div>", p.Title, p.Brand)
	fmt.Fprintf(sb, "<div class=price>%d.%02d %s</div>", p.PriceCents/100, p.PriceCents%100, p.Currency)
	teaser := p.Description
	if len(teaser) > 600 {
		teaser = teaser[:600]
	}
	sb.WriteString(teaser)
	for _, k := range []string{"spec_00", "spec_03", "spec_07"} {
		fmt.Fprintf(sb, "<li>%s: %s</li>", k, p.Attributes[k])
	}
	for _, r := range p.Related {
		if rp, ok := c.Get(r); ok {
			fmt.Fprintf(sb, "<a href=/p/%s>%s</a>", rp.SKU, rp.Title)
		}
	}
	atomic.AddInt64(&served, 1)
}

func main() {
	prof.Start()
	start := time.Now()
	cat := LoadCatalog(catalogSize, 2024)
	fmt.Printf("catalog loaded: %d products in %v\n", len(cat.bySKU), time.Since(start))

	reqs := make(chan pageRequest, 128)
	var workers sync.WaitGroup
	for w := 0; w < 4; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			var sb strings.Builder
			for req := range reqs {
				renderPage(cat, req, &sb)
			}
		}()
	}

	// traffic generator: popular products get most of the views
	stop := make(chan struct{})
	genDone := make(chan struct{})
	go func() {
		defer close(genDone)
		defer close(reqs)
		rng := rand.New(rand.NewSource(5))
		zipf := rand.NewZipf(rng, 1.1, 8, catalogSize+50)
		for {
			select {
			case <-stop:
				return
			case reqs <- pageRequest{sku: skuOf(int(zipf.Uint64())), locale: "de-DE"}:
			}
			if rng.Intn(16) == 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()

	runFor := 6 * time.Second
	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(start.Add(runFor / 2).Sub(time.Now()))
	prof.Goroutines()
	time.Sleep(start.Add(runFor).Sub(time.Now()))
	close(stop)
	<-genDone
	workers.Wait()
	prof.Stop()
	fmt.Printf("served=%d notfound=%d products=%d\n", served, notFound, len(cat.bySKU))
}
