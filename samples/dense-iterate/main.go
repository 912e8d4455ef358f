// Command dense-iterate is the hard negative of AP4 (maps that never
// shrink): a healthy service that ranges over a large map again and again,
// but a map that is dense, every key live.
//
// A pricing service keeps the current price and stock of one million SKUs in
// one map (loaded once at startup by (*Catalog).Load). Every tick it applies
// a batch of price and stock updates from the feed ((*Catalog).ApplyUpdates,
// point lookups and assignments), and then (*Catalog).Aggregate ranges over
// the whole map to compute the stock value per category for the dashboard.
// Range over a dense map is the right tool here: each visited slot holds a
// live entry, the loop body does real work with every entry, and the map is
// as large as it needs to be. About 40% of the CPU goes to map iteration
// (runtime.mapiternext; internal/runtime/maps.(*Iter).Next on Go 1.24+),
// which is what AP4 looks like in a CPU profile; what differs is what the
// iteration time is spent on (visiting entries, not skipping empty buckets)
// and how much the loop body costs next to it.
package main

import (
	"fmt"
	"os"
	"time"

	"proflens/samples/internal/harness"
)

// Item is what the service knows about one SKU. By value in the map: 16
// bytes, no pointers for the GC to follow.
type Item struct {
	PriceCents int64
	Stock      int32
	Category   uint16
	Flags      uint16
}

// Catalog maps SKU numbers to their item.
type Catalog struct {
	items map[uint64]Item
}

// Categories is the number of product categories.
const Categories = 64

// Load fills the catalog with n SKUs, as read from the database at startup.
//
//go:noinline
func (c *Catalog) Load(n int) {
	c.items = make(map[uint64]Item, n)
	for i := 0; i < n; i++ {
		sku := uint64(i)*2654435761 + 100000
		c.items[sku] = Item{
			PriceCents: int64(199 + i%50000),
			Stock:      int32(i % 700),
			Category:   uint16(i % Categories),
		}
	}
}

// Update is one record of the price and stock feed.
type Update struct {
	SKU        uint64
	PriceCents int64
	StockDelta int32
}

// ApplyUpdates applies a batch of feed records; updates for unknown SKUs
// are ignored.
//
//go:noinline
func (c *Catalog) ApplyUpdates(batch []Update) int {
	applied := 0
	for _, u := range batch {
		it, ok := c.items[u.SKU]
		if !ok {
			continue
		}
		if u.PriceCents > 0 {
			it.PriceCents = u.PriceCents
		}
		it.Stock += u.StockDelta
		if it.Stock < 0 {
			it.Stock = 0
		}
		c.items[u.SKU] = it
		applied++
	}
	return applied
}

// Totals is the dashboard's view of one category.
type Totals struct {
	SKUs       int
	OutOfStock int
	Units      int64
	ValueCents int64
}

// Aggregate computes the stock value per category over the whole catalog.
//
//go:noinline
func (c *Catalog) Aggregate(out *[Categories]Totals) {
	*out = [Categories]Totals{}
	for _, it := range c.items {
		t := &out[it.Category%Categories]
		t.SKUs++
		if it.Stock == 0 {
			t.OutOfStock++
		}
		t.Units += int64(it.Stock)
		t.ValueCents += int64(it.Stock) * it.PriceCents
	}
}

// feed fills batch with the next records of the update feed.
//
//go:noinline
func feed(batch []Update, seed *uint64, skus int) {
	for i := range batch {
		*seed = *seed*6364136223846793005 + 1442695040888963407
		r := *seed >> 17
		sku := uint64(r%uint64(skus))*2654435761 + 100000
		if r&63 == 0 {
			sku++ // a SKU the catalog does not carry
		}
		batch[i] = Update{SKU: sku, StockDelta: int32(r>>20%9) - 4}
		if r&7 == 0 {
			batch[i].PriceCents = int64(199 + r>>24%50000)
		}
	}
}

func main() {
	opts := harness.ParseFlags("dense-iterate: pricing service that aggregates over a dense, fully live map of 1M SKUs (hard negative of AP4)", 0)
	var (
		skus  = harness.Size(1_000_000)
		batch = 70_000 // feed records per tick
	)
	runFor := harness.RunFor(3 * time.Second)

	cat := &Catalog{}
	cat.Load(skus)
	updates := make([]Update, batch)
	var seed uint64 = 42
	var totals [Categories]Totals
	var ticks, applied int

	harness.StartCPU(opts.Out)
	start := time.Now()
	early := false
	for time.Since(start) < runFor {
		ticks++
		feed(updates, &seed, skus)
		applied += cat.ApplyUpdates(updates)
		cat.Aggregate(&totals)
		if !early && time.Since(start) >= runFor/2 {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	var value int64
	for _, t := range totals {
		value += t.ValueCents
	}
	fmt.Fprintf(os.Stderr, "dense-iterate: %d ticks in %v, %d updates applied, %d SKUs live, stock value %d cents\n",
		ticks, elapsed.Round(time.Millisecond), applied, len(cat.items), value)
}
