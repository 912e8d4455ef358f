// Command stockd is the stock ledger of the fulfilment service: order workers
// place holds on SKUs while a checkout is in progress, then commit the hold
// (the stock leaves the warehouse) or release it (the cart was abandoned).
// Replenishment adds stock back; the storefront asks for availability.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var (
	ErrUnknownSKU   = errors.New("unknown sku")
	ErrInsufficient = errors.New("insufficient stock")
	ErrNoHold       = errors.New("no such hold")
)

type stockLevel struct {
	OnHand   int
	Reserved int
	Bins     [6]int // per-bin quantities in the warehouse
	LastMove time.Time
}

type hold struct {
	SKU     string
	Qty     int
	OrderID string
	Placed  time.Time
}

// Ledger is the authoritative in-memory stock ledger.
type Ledger struct {
	mu      sync.RWMutex
	levels  map[string]*stockLevel
	holds   map[string]hold
	journal []string // ring of the latest movements, for the ops dashboard
	jpos    int
	seq     uint64
}

func NewLedger(skus []string, rng *rand.Rand) *Ledger {
	l := &Ledger{
		levels:  make(map[string]*stockLevel, len(skus)),
		holds:   make(map[string]hold),
		journal: make([]string, 4096),
	}
	for _, s := range skus {
		lv := &stockLevel{}
		for b := range lv.Bins {
			lv.Bins[b] = 50 + rng.Intn(200)
			lv.OnHand += lv.Bins[b]
		}
		l.levels[s] = lv
	}
	return l
}

func (l *Ledger) record(format string, args ...interface{}) {
	l.journal[l.jpos] = fmt.Sprintf(format, args...)
	l.jpos = (l.jpos + 1) % len(l.journal)
}

// Reserve places a hold of qty units of sku for an order and returns the hold id.
func (l *Ledger) Reserve(sku string, qty int, orderID string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lv, ok := l.levels[sku]
	if !ok {
		return "", ErrUnknownSKU
	}
	if lv.OnHand-lv.Reserved < qty {
		return "", ErrInsufficient
	}
	lv.Reserved += qty
	l.seq++
	id := "H" + strconv.FormatUint(l.seq, 36)
	now := time.Now()
	l.holds[id] = hold{SKU: sku, Qty: qty, OrderID: orderID, Placed: now}
	lv.LastMove = now
	l.record("reserve %s sku=%s qty=%d order=%s avail=%d", id, sku, qty, orderID, lv.OnHand-lv.Reserved)
	return id, nil
}

// Commit turns a hold into a shipment: the units leave the bins.
func (l *Ledger) Commit(holdID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.holds[holdID]
	if !ok {
		return ErrNoHold
	}
	delete(l.holds, holdID)
	lv := l.levels[h.SKU]
	lv.Reserved -= h.Qty
	lv.OnHand -= h.Qty
	left := h.Qty
	for b := range lv.Bins {
		take := lv.Bins[b]
		if take > left {
			take = left
		}
		lv.Bins[b] -= take
		left -= take
	}
	lv.LastMove = time.Now()
	l.record("commit %s sku=%s qty=%d order=%s onhand=%d", holdID, h.SKU, h.Qty, h.OrderID, lv.OnHand)
	return nil
}

// Release cancels a hold.
func (l *Ledger) Release(holdID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.holds[holdID]
	if !ok {
		return ErrNoHold
	}
	delete(l.holds, holdID)
	lv := l.levels[h.SKU]
	lv.Reserved -= h.Qty
	lv.LastMove = time.Now()
	l.record("release %s sku=%s qty=%d order=%s", holdID, h.SKU, h.Qty, h.OrderID)
	return nil
}

// Restock puts qty units into the emptiest bin of sku.
func (l *Ledger) Restock(sku string, qty int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lv, ok := l.levels[sku]
	if !ok {
		return
	}
	min := 0
	for b := range lv.Bins {
		if lv.Bins[b] < lv.Bins[min] {
			min = b
		}
	}
	lv.Bins[min] += qty
	lv.OnHand += qty
	lv.LastMove = time.Now()
	l.record("restock sku=%s qty=%d bin=%d", sku, qty, min)
}

// Available is what the storefront shows.
func (l *Ledger) Available(sku string) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	lv, ok := l.levels[sku]
	if !ok {
		return 0
	}
	return lv.OnHand - lv.Reserved
}

type stats struct {
	reserved, committed, released, refused, restocked, views uint64
}

// orderWorker plays checkouts: hold every line of a cart, then (mostly)
// commit, sometimes release. It also answers a product-page view now and then.
func orderWorker(id int, l *Ledger, skus []string, st *stats, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	holds := make([]string, 0, 8)
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		orderID := "O" + strconv.Itoa(id) + "-" + strconv.Itoa(n)
		holds = holds[:0]
		lines := 1 + rng.Intn(4)
		for i := 0; i < lines; i++ {
			sku := skus[rng.Intn(len(skus))]
			hid, err := l.Reserve(sku, 1+rng.Intn(3), orderID)
			if err != nil {
				atomic.AddUint64(&st.refused, 1)
				l.Restock(sku, 100+rng.Intn(100))
				atomic.AddUint64(&st.restocked, 1)
				continue
			}
			atomic.AddUint64(&st.reserved, 1)
			holds = append(holds, hid)
		}
		abandon := rng.Intn(5) == 0
		for _, hid := range holds {
			if abandon {
				if l.Release(hid) == nil {
					atomic.AddUint64(&st.released, 1)
				}
			} else if l.Commit(hid) == nil {
				atomic.AddUint64(&st.committed, 1)
			}
		}
		if rng.Intn(3) == 0 {
			_ = l.Available(skus[rng.Intn(len(skus))])
			atomic.AddUint64(&st.views, 1)
		}
	}
}

func main() {
	prof.Start()

	rng := rand.New(rand.NewSource(42))
	skus := make([]string, 3000)
	for i := range skus {
		skus[i] = fmt.Sprintf("SKU-%05d-%c", 10000+i*7, 'A'+rune(i%26))
	}
	ledger := NewLedger(skus, rng)

	var st stats
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go orderWorker(i, ledger, skus, &st, stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "reserved=%d committed=%d released=%d refused=%d restocked=%d views=%d holds=%d\n",
		st.reserved, st.committed, st.released, st.refused, st.restocked, st.views, len(ledger.holds))
}
