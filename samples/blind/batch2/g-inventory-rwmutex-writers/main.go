// Command stockd keeps warehouse stock levels for the order pipeline.
// Checkout workers reserve units, the receiving dock restocks them, and the
// storefront occasionally reads availability.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type SKU string

type level struct {
	onHand   int64
	reserved int64
	lastMove int64 // unix nanos of the last change
}

// Inventory is the stock table of one warehouse.
type Inventory struct {
	mu     sync.RWMutex
	levels map[SKU]*level
	moves  uint64
}

var ErrOutOfStock = errors.New("out of stock")

func NewInventory(skus []SKU, initial int64) *Inventory {
	inv := &Inventory{levels: make(map[SKU]*level, len(skus))}
	for _, s := range skus {
		inv.levels[s] = &level{onHand: initial}
	}
	return inv
}

// Reserve holds qty units of every line of an order, or none of them.
func (inv *Inventory) Reserve(lines map[SKU]int64, now int64) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for sku, qty := range lines {
		l, ok := inv.levels[sku]
		if !ok || l.onHand-l.reserved < qty {
			return ErrOutOfStock
		}
	}
	for sku, qty := range lines {
		l := inv.levels[sku]
		l.reserved += qty
		l.lastMove = now
	}
	inv.moves++
	return nil
}

// Release gives back a reservation (payment failed, order cancelled) or
// consumes it when the parcel ships.
func (inv *Inventory) Release(lines map[SKU]int64, shipped bool, now int64) {
	inv.mu.Lock()
	for sku, qty := range lines {
		if l, ok := inv.levels[sku]; ok {
			l.reserved -= qty
			if shipped {
				l.onHand -= qty
			}
			l.lastMove = now
		}
	}
	inv.moves++
	inv.mu.Unlock()
}

// Restock books a delivery from the receiving dock.
func (inv *Inventory) Restock(sku SKU, qty int64, now int64) {
	inv.mu.Lock()
	l, ok := inv.levels[sku]
	if !ok {
		l = &level{}
		inv.levels[sku] = l
	}
	l.onHand += qty
	l.lastMove = now
	inv.moves++
	inv.mu.Unlock()
}

// Available is what the storefront shows.
func (inv *Inventory) Available(sku SKU) int64 {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	if l, ok := inv.levels[sku]; ok {
		return l.onHand - l.reserved
	}
	return 0
}

func catalog(n int) []SKU {
	out := make([]SKU, n)
	for i := range out {
		out[i] = SKU(fmt.Sprintf("WH1-%05d", i))
	}
	return out
}

type counters struct {
	reserved, rejected, restocked, reads uint64
}

// checkoutWorker handles orders from the checkout queue.
func checkoutWorker(inv *Inventory, skus []SKU, seed int64, stop *int32, c *counters, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	lines := make(map[SKU]int64, 4)
	for atomic.LoadInt32(stop) == 0 {
		for k := range lines {
			delete(lines, k)
		}
		for i, n := 0, 1+rng.Intn(3); i < n; i++ {
			lines[skus[rng.Intn(len(skus))]] += int64(1 + rng.Intn(2))
		}
		now := time.Now().UnixNano()
		if err := inv.Reserve(lines, now); err != nil {
			atomic.AddUint64(&c.rejected, 1)
			continue
		}
		atomic.AddUint64(&c.reserved, 1)
		inv.Release(lines, rng.Intn(10) != 0, now)
	}
}

// dock books deliveries as they are scanned.
func dock(inv *Inventory, skus []SKU, seed int64, stop *int32, c *counters, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for atomic.LoadInt32(stop) == 0 {
		inv.Restock(skus[rng.Intn(len(skus))], int64(5+rng.Intn(20)), time.Now().UnixNano())
		atomic.AddUint64(&c.restocked, 1)
	}
}

// storefront renders product pages, now and then.
func storefront(inv *Inventory, skus []SKU, seed int64, stop *int32, c *counters, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for atomic.LoadInt32(stop) == 0 {
		_ = inv.Available(skus[rng.Intn(len(skus))])
		atomic.AddUint64(&c.reads, 1)
		time.Sleep(200 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	skus := catalog(2000)
	inv := NewInventory(skus, 500)
	var stop int32
	var c counters
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go checkoutWorker(inv, skus, int64(i+1), &stop, &c, &wg)
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go dock(inv, skus, int64(100+i), &stop, &c, &wg)
	}
	wg.Add(1)
	go storefront(inv, skus, 999, &stop, &c, &wg)

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	fmt.Printf("reserved=%d rejected=%d restocked=%d reads=%d moves=%d\n",
		c.reserved, c.rejected, c.restocked, c.reads, inv.moves)
	prof.Stop()
}
