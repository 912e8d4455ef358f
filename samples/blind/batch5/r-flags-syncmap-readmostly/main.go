// Command checkout prices shopping carts. Pricing rules are gated by feature
// flags that the control plane pushes into the process about once a second.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type LineItem struct {
	SKU      string
	Qty      int
	UnitCent int64
	Category string
}

type Cart struct {
	Customer uint64
	Region   string
	Items    []LineItem
	Coupon   string
}

type Quote struct {
	Subtotal, Discount, Tax, Shipping, Total int64
	Receipt                                  string
}

var taxRates = []struct {
	region string
	bps    int64
}{{"us-ca", 725}, {"us-ny", 400}, {"us-tx", 625}, {"eu-de", 1900}, {"eu-fr", 2000}, {"uk", 2000}}

func taxBps(region string) int64 {
	for _, r := range taxRates {
		if r.region == region {
			return r.bps
		}
	}
	return 0
}

// priceCart is the request handler.
func priceCart(c *Cart) Quote {
	var q Quote
	bulk := enabledFor("bulk-discount", c.Customer)
	for _, it := range c.Items {
		line := it.UnitCent * int64(it.Qty)
		if bulk && it.Qty >= 5 {
			line = line * 95 / 100
		}
		q.Subtotal += line
	}
	if c.Coupon != "" && enabledFor("coupons-v2", c.Customer) {
		q.Discount = q.Subtotal / 10
	}
	q.Tax = (q.Subtotal - q.Discount) * taxBps(c.Region) / 10000
	switch variantOf("shipping-model", "flat") {
	case "free-over-50":
		if q.Subtotal < 5000 {
			q.Shipping = 599
		}
	case "weight":
		for _, it := range c.Items {
			q.Shipping += int64(it.Qty) * 45
		}
	default:
		q.Shipping = 499
	}
	q.Total = q.Subtotal - q.Discount + q.Tax + q.Shipping
	q.Receipt = renderReceipt(c, &q, enabledFor("itemized-receipt", c.Customer))
	return q
}

func cents(v int64) string {
	return strconv.FormatInt(v/100, 10) + "." + fmt.Sprintf("%02d", v%100)
}

func renderReceipt(c *Cart, q *Quote, itemized bool) string {
	var b strings.Builder
	b.WriteString("customer ")
	b.WriteString(strconv.FormatUint(c.Customer, 10))
	b.WriteByte('\n')
	if itemized {
		for _, it := range c.Items {
			fmt.Fprintf(&b, "%-12s x%-3d %10s  %s\n", it.SKU, it.Qty, cents(it.UnitCent*int64(it.Qty)), it.Category)
		}
	}
	fmt.Fprintf(&b, "subtotal %s discount %s tax %s shipping %s total %s\n",
		cents(q.Subtotal), cents(q.Discount), cents(q.Tax), cents(q.Shipping), cents(q.Total))
	return b.String()
}

var categories = []string{"apparel", "grocery", "garden", "toys", "electronics", "books"}

func randomCart(rng *rand.Rand) *Cart {
	n := 3 + rng.Intn(12)
	c := &Cart{Customer: uint64(rng.Int63n(5000000)), Region: taxRates[rng.Intn(len(taxRates))].region}
	c.Items = make([]LineItem, n)
	for i := range c.Items {
		c.Items[i] = LineItem{
			SKU:      "SKU-" + strconv.Itoa(100000+rng.Intn(900000)),
			Qty:      1 + rng.Intn(8),
			UnitCent: int64(99 + rng.Intn(20000)),
			Category: categories[rng.Intn(len(categories))],
		}
	}
	if rng.Intn(5) == 0 {
		c.Coupon = "SPRING24"
	}
	return c
}

func checkoutWorker(seed int64, quoted *int64, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for atomic.LoadInt32(stop) == 0 {
		q := priceCart(randomCart(rng))
		if q.Total < 0 {
			panic("negative total")
		}
		atomic.AddInt64(quoted, 1)
	}
}

// controlPlaneSync applies the flag changes pushed by the control plane.
func controlPlaneSync(shutdown <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(3))
	models := []string{"flat", "free-over-50", "weight"}
	var version int64 = 1
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-shutdown:
			return
		case <-tick.C:
		}
		version++
		flagSet.Store("bulk-discount", &Flag{Name: "bulk-discount", Enabled: true, Rollout: uint32(rng.Intn(101)), Version: version})
		flagSet.Store("shipping-model", &Flag{Name: "shipping-model", Enabled: true, Rollout: 100, Variant: models[rng.Intn(len(models))], Version: version})
	}
}

func main() {
	prof.Start()
	loadFlags([]Flag{
		{Name: "bulk-discount", Enabled: true, Rollout: 50, Version: 1},
		{Name: "coupons-v2", Enabled: true, Rollout: 100, Version: 1},
		{Name: "shipping-model", Enabled: true, Rollout: 100, Variant: "free-over-50", Version: 1},
		{Name: "itemized-receipt", Enabled: true, Rollout: 30, Version: 1},
		{Name: "new-tax-engine", Enabled: false, Version: 1},
	})

	var quoted int64
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go checkoutWorker(int64(i+1), &quoted, &stop, &wg)
	}
	shutdown := make(chan struct{})
	wg.Add(1)
	go controlPlaneSync(shutdown, &wg)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	close(shutdown)
	wg.Wait()
	prof.Stop()
	fmt.Printf("quoted=%d\n", atomic.LoadInt64(&quoted))
}
