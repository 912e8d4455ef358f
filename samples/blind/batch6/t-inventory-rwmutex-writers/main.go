// Command stockd holds the warehouse's live stock levels. Checkout workers
// reserve stock when a cart is submitted and release it again when payment
// fails or the hold expires.
package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var ErrInsufficientStock = errors.New("insufficient stock")
var ErrUnknownSKU = errors.New("unknown sku")

type stockLevel struct {
	onHand   int
	reserved int
	reorder  int
	version  uint64
}

// Inventory maps SKU -> stock level.
type Inventory struct {
	mu     sync.RWMutex
	levels map[string]*stockLevel
	lowSKU map[string]struct{}
}

func NewInventory(skus []string, rng *rand.Rand) *Inventory {
	inv := &Inventory{levels: make(map[string]*stockLevel, len(skus)), lowSKU: make(map[string]struct{})}
	for _, s := range skus {
		inv.levels[s] = &stockLevel{onHand: 5000 + rng.Intn(5000), reorder: 200}
	}
	return inv
}

// applyDelta moves qty units of sku between available and reserved.
func (inv *Inventory) applyDelta(sku string, qty int) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	lvl, ok := inv.levels[sku]
	if !ok {
		return ErrUnknownSKU
	}
	if qty > 0 && lvl.onHand-lvl.reserved < qty {
		return ErrInsufficientStock
	}
	lvl.reserved += qty
	if lvl.reserved < 0 {
		lvl.reserved = 0
	}
	lvl.version++
	if lvl.onHand-lvl.reserved < lvl.reorder {
		inv.lowSKU[sku] = struct{}{}
	} else {
		delete(inv.lowSKU, sku)
	}
	return nil
}

func (inv *Inventory) Reserve(sku string, qty int) error { return inv.applyDelta(sku, qty) }
func (inv *Inventory) Release(sku string, qty int) error { return inv.applyDelta(sku, -qty) }

// Available is used by the product page's "only N left" badge.
func (inv *Inventory) Available(sku string) (int, bool) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	lvl, ok := inv.levels[sku]
	if !ok {
		return 0, false
	}
	return lvl.onHand - lvl.reserved, true
}

type cartLine struct {
	sku string
	qty int
}

type checkoutStats struct {
	carts, reserved, released, rejected int64
}

// priceCart stands in for the per-cart work done outside the inventory:
// promotions, tax rounding, fraud score.
func priceCart(lines []cartLine) uint32 {
	h := fnv.New32a()
	for _, l := range lines {
		h.Write([]byte(l.sku))
		h.Write([]byte{byte(l.qty)})
	}
	return h.Sum32()
}

func checkoutWorker(id int, inv *Inventory, skus []string, st *checkoutStats, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)*31 + 5))
	lines := make([]cartLine, 0, 8)
	for {
		select {
		case <-stop:
			return
		default:
		}
		lines = lines[:0]
		for n := 1 + rng.Intn(6); n > 0; n-- {
			// Hot items dominate carts.
			var sku string
			if rng.Intn(4) == 0 {
				sku = skus[rng.Intn(len(skus))]
			} else {
				sku = skus[rng.Intn(64)]
			}
			lines = append(lines, cartLine{sku: sku, qty: 1 + rng.Intn(3)})
		}
		_ = priceCart(lines)
		atomic.AddInt64(&st.carts, 1)

		held := lines[:0:0]
		for _, l := range lines {
			if err := inv.Reserve(l.sku, l.qty); err != nil {
				atomic.AddInt64(&st.rejected, 1)
				continue
			}
			held = append(held, l)
			atomic.AddInt64(&st.reserved, 1)
		}
		// Most holds end in a payment failure or timeout in this load test,
		// so the stock goes back.
		for _, l := range held {
			if rng.Intn(10) < 9 {
				if inv.Release(l.sku, l.qty) == nil {
					atomic.AddInt64(&st.released, 1)
				}
			}
		}
		if rng.Intn(64) == 0 {
			time.Sleep(50 * time.Microsecond)
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	rng := rand.New(rand.NewSource(1))
	skus := make([]string, 4000)
	for i := range skus {
		skus[i] = fmt.Sprintf("WH1-%05d-%c", i, 'A'+byte(i%26))
	}
	inv := NewInventory(skus, rng)
	// The warehouse restocks now and then so the load test does not run dry.
	restock := func() {
		inv.mu.Lock()
		for _, lvl := range inv.levels {
			if lvl.reserved > lvl.onHand/2 {
				lvl.reserved = lvl.onHand / 4
			}
		}
		inv.mu.Unlock()
	}

	st := &checkoutStats{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go checkoutWorker(i, inv, skus, st, stop, &wg)
	}

	badgeHits := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				if n, ok := inv.Available(skus[i%len(skus)]); ok && n < 100 {
					badgeHits++
				}
				if i%10 == 9 {
					restock()
				}
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	prof.Stop()

	fmt.Printf("stockd: %d carts, %d reserved, %d released, %d rejected, %d low badges, in %v\n",
		st.carts, st.reserved, st.released, st.rejected, badgeHits, elapsed.Round(time.Millisecond))
}
