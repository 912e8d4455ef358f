// pricer serves storefront price lookups. The merchandising catalog (base
// prices, promotions) is the source of truth and changes constantly; the
// storefront reads a derived price table that is rebuilt from the catalog on
// a short interval and swapped in atomically, so readers never see a half-
// built table and never block the catalog writers for long.
package main

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Product struct {
	SKU       string
	BaseCents int64
	Currency  string
	Category  string
	PromoID   string
	Active    bool
}

type Promo struct {
	PercentOff float64
	Categories map[string]bool
	Ends       time.Time
}

// Catalog is the source of truth, written by the merchandising feed.
type Catalog struct {
	mu       sync.RWMutex
	products map[string]*Product
	promos   map[string]Promo
	fx       map[string]float64 // currency -> EUR
	version  uint64
}

type Quote struct {
	Cents    int64 // in EUR cents
	WasCents int64
	PromoID  string
	Version  uint64
}

// PriceTable is what storefront requests read.
type PriceTable struct {
	mu     sync.RWMutex
	prices map[string]Quote
	built  time.Time
}

func (t *PriceTable) Lookup(sku string) (Quote, bool) {
	t.mu.RLock()
	m := t.prices
	t.mu.RUnlock()
	q, ok := m[sku]
	return q, ok
}

func (t *PriceTable) swap(next map[string]Quote, at time.Time) {
	t.mu.Lock()
	t.prices = next
	t.built = at
	t.mu.Unlock()
}

// rebuild derives a fresh price table from the catalog.
func rebuild(c *Catalog, now time.Time) map[string]Quote {
	c.mu.RLock()
	defer c.mu.RUnlock()
	next := make(map[string]Quote, len(c.products))
	for sku, p := range c.products {
		if !p.Active {
			continue
		}
		eur := float64(p.BaseCents) * c.fx[p.Currency]
		q := Quote{Cents: int64(math.Round(eur)), WasCents: int64(math.Round(eur)), Version: c.version}
		if promo, ok := c.promos[p.PromoID]; ok && now.Before(promo.Ends) && promo.Categories[p.Category] {
			q.Cents = int64(math.Round(eur * (1 - promo.PercentOff/100)))
			q.PromoID = p.PromoID
		}
		next[sku] = q
	}
	return next
}

var categories = []string{"shoes", "outerwear", "bags", "accessories", "knitwear", "denim", "sport", "kids"}
var currencies = []string{"EUR", "GBP", "USD", "SEK", "CHF"}

func seedCatalog(n int) *Catalog {
	r := rand.New(rand.NewSource(7))
	c := &Catalog{
		products: make(map[string]*Product, n),
		promos:   make(map[string]Promo),
		fx:       map[string]float64{"EUR": 1, "GBP": 1.17, "USD": 0.92, "SEK": 0.087, "CHF": 1.04},
	}
	for i := 0; i < 40; i++ {
		cats := map[string]bool{}
		for j := 0; j < 3; j++ {
			cats[categories[r.Intn(len(categories))]] = true
		}
		c.promos["PROMO-"+strconv.Itoa(i)] = Promo{PercentOff: float64(5 + r.Intn(40)), Categories: cats, Ends: time.Now().Add(time.Hour)}
	}
	for i := 0; i < n; i++ {
		sku := fmt.Sprintf("SKU-%07d-%s", i, categories[i%len(categories)][:3])
		p := &Product{SKU: sku, BaseCents: int64(500 + r.Intn(50000)), Currency: currencies[r.Intn(len(currencies))],
			Category: categories[i%len(categories)], Active: r.Intn(20) != 0}
		if r.Intn(4) == 0 {
			p.PromoID = "PROMO-" + strconv.Itoa(r.Intn(40))
		}
		c.products[sku] = p
	}
	return c
}

// merchFeed applies price changes, promo reassignments and fx updates.
func merchFeed(c *Catalog, skus []string, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(99))
	for {
		select {
		case <-stop:
			return
		default:
		}
		c.mu.Lock()
		for i := 0; i < 200; i++ {
			p := c.products[skus[r.Intn(len(skus))]]
			switch r.Intn(10) {
			case 0:
				p.Active = !p.Active
			case 1, 2:
				p.PromoID = "PROMO-" + strconv.Itoa(r.Intn(40))
			default:
				p.BaseCents += int64(r.Intn(201) - 100)
				if p.BaseCents < 100 {
					p.BaseCents = 100
				}
			}
		}
		if r.Intn(50) == 0 {
			cur := currencies[1+r.Intn(len(currencies)-1)]
			c.fx[cur] *= 1 + (r.Float64()-0.5)/500
		}
		c.version++
		c.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	const nSKU = 60000
	cat := seedCatalog(nSKU)
	skus := make([]string, 0, nSKU)
	for sku := range cat.products {
		skus = append(skus, sku)
	}

	table := &PriceTable{}
	table.swap(rebuild(cat, time.Now()), time.Now())

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go merchFeed(cat, skus, stop, &wg)

	var rebuilds int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				table.swap(rebuild(cat, now), now)
				atomic.AddInt64(&rebuilds, 1)
			}
		}
	}()

	// storefront: product listing pages look up 48 prices each
	var pages, missing, revenueCents int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(1000 + g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				var sum int64
				for i := 0; i < 48; i++ {
					if q, ok := table.Lookup(skus[r.Intn(len(skus))]); ok {
						sum += q.Cents
					} else {
						atomic.AddInt64(&missing, 1)
					}
				}
				atomic.AddInt64(&revenueCents, sum)
				atomic.AddInt64(&pages, 1)
				time.Sleep(100 * time.Microsecond)
			}
		}(g)
	}

	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()
	prof.Stop()
	fmt.Printf("%d rebuilds, %d listing pages, %d inactive lookups, table of %d prices (catalog v%d)\n",
		atomic.LoadInt64(&rebuilds), atomic.LoadInt64(&pages), atomic.LoadInt64(&missing), len(table.prices), cat.version)
}
