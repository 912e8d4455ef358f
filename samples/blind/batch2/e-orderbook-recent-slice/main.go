// Command matcher runs a single-instrument limit order book. Gateways submit
// orders, the engine matches them price-time, and the market-data publisher
// shows the most recent fills.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

type Side uint8

const (
	Buy Side = iota
	Sell
)

// Field is one tag=value pair of the FIX message the order arrived in.
type Field struct {
	Tag   int
	Value string
}

// Order is a resting or incoming limit order, with the original wire message
// kept for audit.
type Order struct {
	ID       uint64
	Account  string
	Side     Side
	Price    int64 // ticks
	Qty      int64
	Filled   int64
	Received time.Time
	FilledAt time.Time
	Fields   []Field
	Raw      []byte
}

// OrderBook holds the live orders by id and the per-price FIFO queues.
type OrderBook struct {
	mu          sync.Mutex
	live        map[uint64]*Order
	bids, asks  map[int64][]*Order
	recentFills []*Order
	trades      int
}

func NewOrderBook() *OrderBook {
	return &OrderBook{
		live: make(map[uint64]*Order),
		bids: make(map[int64][]*Order),
		asks: make(map[int64][]*Order),
	}
}

// Submit matches an incoming order against the opposite side and rests any
// remainder.
func (b *OrderBook) Submit(o *Order) {
	b.mu.Lock()
	defer b.mu.Unlock()

	opposite, own := b.asks, b.bids
	if o.Side == Sell {
		opposite, own = b.bids, b.asks
	}
	for o.Filled < o.Qty {
		px, ok := bestCrossing(opposite, o)
		if !ok {
			break
		}
		queue := opposite[px]
		maker := queue[0]
		qty := o.Qty - o.Filled
		if rem := maker.Qty - maker.Filled; rem < qty {
			qty = rem
		}
		o.Filled += qty
		maker.Filled += qty
		b.trades++
		if maker.Filled == maker.Qty {
			queue[0] = nil
			queue = queue[1:]
			if len(queue) == 0 {
				delete(opposite, px)
			} else {
				opposite[px] = queue
			}
			b.fill(maker)
		}
	}
	if o.Filled == o.Qty {
		b.fill(o)
		return
	}
	b.live[o.ID] = o
	own[o.Price] = append(own[o.Price], o)
}

// fill retires a completely filled order.
func (b *OrderBook) fill(o *Order) {
	o.FilledAt = time.Now()
	delete(b.live, o.ID)
	b.recentFills = append(b.recentFills, o)
}

// Cancel removes a resting order; it reports false if the order already
// filled or was never rested.
func (b *OrderBook) Cancel(id uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	o, ok := b.live[id]
	if !ok {
		return false
	}
	levels := b.bids
	if o.Side == Sell {
		levels = b.asks
	}
	queue := levels[o.Price]
	for i, q := range queue {
		if q == o {
			copy(queue[i:], queue[i+1:])
			queue[len(queue)-1] = nil
			queue = queue[:len(queue)-1]
			break
		}
	}
	if len(queue) == 0 {
		delete(levels, o.Price)
	} else {
		levels[o.Price] = queue
	}
	delete(b.live, id)
	return true
}

// bestCrossing scans the handful of price levels near the incoming limit.
func bestCrossing(levels map[int64][]*Order, o *Order) (int64, bool) {
	const window = 8
	if o.Side == Buy {
		for px := o.Price - window; px <= o.Price; px++ {
			if len(levels[px]) > 0 {
				return px, true
			}
		}
		return 0, false
	}
	for px := o.Price + window; px >= o.Price; px-- {
		if len(levels[px]) > 0 {
			return px, true
		}
	}
	return 0, false
}

// RecentFills returns the last n filled orders for the market-data feed.
func (b *OrderBook) RecentFills(n int) []*Order {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > len(b.recentFills) {
		n = len(b.recentFills)
	}
	out := make([]*Order, n)
	copy(out, b.recentFills[len(b.recentFills)-n:])
	return out
}

func (b *OrderBook) Stats() (live, fills, trades int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.live), len(b.recentFills), b.trades
}

// gateway decodes orders from one trading session.
type gateway struct {
	session string
	rng     *rand.Rand
	nextID  func() uint64
}

func (g *gateway) decode(mid int64) *Order {
	side := Buy
	if g.rng.Intn(2) == 1 {
		side = Sell
	}
	o := &Order{
		ID:       g.nextID(),
		Account:  g.session + "-" + strconv.Itoa(g.rng.Intn(40)),
		Side:     side,
		Price:    mid + int64(g.rng.Intn(9)) - 4,
		Qty:      int64(1 + g.rng.Intn(10)),
		Received: time.Now(),
	}
	o.Fields = make([]Field, 0, 18)
	for tag := 1; tag <= 18; tag++ {
		o.Fields = append(o.Fields, Field{Tag: 30 + tag, Value: g.session + ":" + strconv.Itoa(g.rng.Int())})
	}
	o.Raw = make([]byte, 2048)
	g.rng.Read(o.Raw)
	return o
}

func main() {
	prof.Start()

	book := NewOrderBook()
	var idMu sync.Mutex
	var id uint64
	nextID := func() uint64 {
		idMu.Lock()
		defer idMu.Unlock()
		id++
		return id
	}

	const runFor = 6 * time.Second
	deadline := time.Now().Add(runFor)
	var wg sync.WaitGroup
	for s := 0; s < 6; s++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			g := &gateway{session: fmt.Sprintf("FIX-SESS-%02d", n), rng: rand.New(rand.NewSource(int64(n))), nextID: nextID}
			mid := int64(100000)
			var working, previous []uint64
			for time.Now().Before(deadline) {
				// Quotes not filled within a couple of cycles are pulled.
				for _, id := range previous {
					book.Cancel(id)
				}
				previous, working = working, previous[:0]
				for i := 0; i < 80; i++ {
					o := g.decode(mid + int64(g.rng.Intn(3)) - 1)
					working = append(working, o.ID)
					book.Submit(o)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}(s)
	}

	// Market-data publisher.
	wg.Add(1)
	go func() {
		defer wg.Done()
		var notional int64
		for time.Now().Before(deadline) {
			for _, o := range book.RecentFills(50) {
				notional += o.Price * o.Qty
			}
			time.Sleep(20 * time.Millisecond)
		}
		_ = notional
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	wg.Wait()

	prof.Stop()
	live, fills, trades := book.Stats()
	fmt.Printf("live=%d fills=%d trades=%d\n", live, fills, trades)
}
