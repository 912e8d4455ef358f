// Command checkout-api prices shopping carts. Behaviour is steered by feature
// flags that the flag service pushes every few seconds.
package main

import (
	"log"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type lineItem struct {
	sku      string
	qty      int
	unitCost float64
	category string
}

type cart struct {
	tenant, user string
	items        []lineItem
}

type quote struct {
	subtotal, discount, tax, total float64
	lines                          int
}

var categories = []string{"books", "electronics", "grocery", "garden", "toys", "apparel"}

func priceCart(c *cart) quote {
	var q quote
	dynamic := enabled("pricing.dynamic_discount", c.tenant, c.user)
	taxV2 := enabled("pricing.tax_v2", c.tenant, c.user)
	sort.Slice(c.items, func(i, j int) bool { return c.items[i].sku < c.items[j].sku })
	for i, it := range c.items {
		line := float64(it.qty) * it.unitCost
		if dynamic && it.qty >= 3 {
			d := line * (0.02 + 0.01*math.Log1p(float64(it.qty)))
			q.discount += d
			line -= d
		}
		rate := 0.19
		if taxV2 {
			switch it.category {
			case "books", "grocery":
				rate = 0.07
			}
		}
		// per-line promotion flags
		if enabled("checkout."+strconv.Itoa(i%40), c.tenant, c.user) {
			line *= 0.995
		}
		q.tax += math.Round(line*rate*100) / 100
		q.subtotal += line
		q.lines++
	}
	if variant("ui.new_cart", c.tenant, c.user, "control") == "treatment" {
		q.total = math.Round((q.subtotal+q.tax)*100) / 100
	} else {
		q.total = q.subtotal + q.tax
	}
	return q
}

func randomCart(rng *rand.Rand) *cart {
	n := 5 + rng.Intn(30)
	c := &cart{
		tenant: "tenant-" + strconv.Itoa(rng.Intn(20)),
		user:   "u" + strconv.Itoa(rng.Intn(500000)),
		items:  make([]lineItem, n),
	}
	for i := range c.items {
		c.items[i] = lineItem{
			sku:      "SKU-" + strconv.Itoa(100000+rng.Intn(900000)),
			qty:      1 + rng.Intn(6),
			unitCost: float64(rng.Intn(20000)) / 100,
			category: categories[rng.Intn(len(categories))],
		}
	}
	return c
}

// flagSync polls the flag service; a few flags change per poll.
func flagSync(stop <-chan struct{}, every time.Duration) {
	rng := rand.New(rand.NewSource(99))
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		changed := make([]*rule, 0, 6)
		for i := 0; i < 6; i++ {
			name := "checkout." + strconv.Itoa(rng.Intn(120))
			old, _ := flagStore.Load(name)
			r := *old.(*rule)
			r.RolloutPc = uint32(rng.Intn(101))
			r.Revision++
			changed = append(changed, &r)
		}
		loadFlags(changed)
		log.Printf("flags: applied %d changes (revision %d)", len(changed), atomic.LoadInt64(&flagRevision))
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)
	loadFlags(defaultRules(120))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		flagSync(stop, 2*time.Second)
	}()

	var quotes int64
	var revenue uint64
	carts := make(chan *cart, 128)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range carts {
				q := priceCart(c)
				atomic.AddInt64(&quotes, 1)
				atomic.AddUint64(&revenue, uint64(q.total))
			}
		}()
	}
	var gen sync.WaitGroup
	for g := 0; g < 2; g++ {
		gen.Add(1)
		go func(seed int64) {
			defer gen.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 10; i++ {
					carts <- randomCart(rng)
				}
				time.Sleep(300 * time.Microsecond)
			}
		}(int64(g) + 1)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	gen.Wait()
	close(carts)
	wg.Wait()
	prof.Stop()
	log.Printf("priced %d carts, revenue %d", atomic.LoadInt64(&quotes), atomic.LoadUint64(&revenue))
}
