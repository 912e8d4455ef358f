// Command stockd is the reservation core of the inventory service: carts hold
// units of a SKU while checkout runs, then either confirm or release them.
package main

import (
	"errors"
	"fmt"
	"log"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var (
	ErrUnknownSKU   = errors.New("unknown sku")
	ErrOutOfStock   = errors.New("insufficient stock")
	ErrUnknownHold  = errors.New("unknown hold")
	ErrMalformedSKU = errors.New("malformed sku")
)

// StockLevel is the per-SKU counter set.
type StockLevel struct {
	OnHand   int
	Reserved int
	Updated  time.Time
	Version  uint64
}

type hold struct {
	sku     string
	qty     int
	cart    string
	expires time.Time
}

// Inventory keeps stock levels and outstanding holds. Everything is
// guarded by mu.
type Inventory struct {
	mu       sync.RWMutex
	stock    map[string]*StockLevel
	holds    map[uint64]hold
	nextHold uint64
}

func NewInventory(skus []string, onHand int) *Inventory {
	inv := &Inventory{
		stock: make(map[string]*StockLevel, len(skus)),
		holds: make(map[uint64]hold),
	}
	now := time.Now()
	for _, s := range skus {
		inv.stock[s] = &StockLevel{OnHand: onHand, Updated: now}
	}
	return inv
}

// Reserve puts qty units of sku on hold for a cart.
func (inv *Inventory) Reserve(sku string, qty int, cart string, ttl time.Duration) (uint64, error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	lvl, ok := inv.stock[sku]
	if !ok {
		return 0, ErrUnknownSKU
	}
	if lvl.OnHand-lvl.Reserved < qty {
		return 0, ErrOutOfStock
	}
	now := time.Now()
	lvl.Reserved += qty
	lvl.Updated = now
	lvl.Version++
	inv.nextHold++
	id := inv.nextHold
	inv.holds[id] = hold{sku: sku, qty: qty, cart: cart, expires: now.Add(ttl)}
	return id, nil
}

// Release returns a hold to the pool; when sold is true the units leave
// the warehouse instead.
func (inv *Inventory) Release(id uint64, sold bool) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	h, ok := inv.holds[id]
	if !ok {
		return ErrUnknownHold
	}
	delete(inv.holds, id)
	lvl := inv.stock[h.sku]
	lvl.Reserved -= h.qty
	if sold {
		lvl.OnHand -= h.qty
		if lvl.OnHand < 50 {
			lvl.OnHand += 500 // the replenishment feed, folded in for the demo
		}
	}
	lvl.Updated = time.Now()
	lvl.Version++
	return nil
}

// Available answers the product page's "n left" badge.
func (inv *Inventory) Available(sku string) (int, error) {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	lvl, ok := inv.stock[sku]
	if !ok {
		return 0, ErrUnknownSKU
	}
	return lvl.OnHand - lvl.Reserved, nil
}

func validSKU(s string) error {
	if len(s) != 11 || !strings.HasPrefix(s, "SKU-") {
		return ErrMalformedSKU
	}
	return nil
}

type counters struct {
	reserved, released, sold, rejected, reads uint64
}

// client plays one storefront pod: it reserves for carts, abandons or
// checks out some of them, and sometimes only reads a badge.
func client(inv *Inventory, skus []string, seed int64, stop <-chan struct{}, c *counters) {
	rng := rand.New(rand.NewSource(seed))
	zipf := rand.NewZipf(rng, 1.2, 4, uint64(len(skus)-1))
	var open []uint64
	cart := fmt.Sprintf("cart-%d", seed)
	for {
		select {
		case <-stop:
			return
		default:
		}
		sku := skus[zipf.Uint64()]
		if err := validSKU(sku); err != nil {
			continue
		}
		switch op := rng.Intn(100); {
		case op < 4:
			if _, err := inv.Available(sku); err == nil {
				atomic.AddUint64(&c.reads, 1)
			}
		case op < 52 || len(open) == 0:
			id, err := inv.Reserve(sku, 1+rng.Intn(3), cart, 15*time.Minute)
			if err != nil {
				atomic.AddUint64(&c.rejected, 1)
				continue
			}
			open = append(open, id)
			atomic.AddUint64(&c.reserved, 1)
		default:
			i := rng.Intn(len(open))
			id := open[i]
			open[i] = open[len(open)-1]
			open = open[:len(open)-1]
			sold := rng.Intn(3) == 0
			if inv.Release(id, sold) == nil {
				if sold {
					atomic.AddUint64(&c.sold, 1)
				} else {
					atomic.AddUint64(&c.released, 1)
				}
			}
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	skus := make([]string, 5000)
	for i := range skus {
		skus[i] = fmt.Sprintf("SKU-%07d", i)
	}
	inv := NewInventory(skus, 10000)

	var c counters
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 48; i++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			client(inv, skus, seed, stop, &c)
		}(int64(i + 1))
	}

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	inv.mu.RLock()
	open := len(inv.holds)
	inv.mu.RUnlock()
	log.Printf("stockd: reserved=%d released=%d sold=%d rejected=%d reads=%d open-holds=%d",
		c.reserved, c.released, c.sold, c.rejected, c.reads, open)
}
