// Command riskd keeps the resting orders of a small exchange gateway and
// marks every account's open exposure to market on a fixed cadence, so the
// risk checks always see fresh margin numbers. Like the matching engine it
// sits next to, the book is owned by a single goroutine: gateways send it
// order entry and cancel messages, and it runs the risk pass itself.
package main

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Side int8

const (
	Buy  Side = 1
	Sell Side = -1
)

type Order struct {
	ID      uint64
	Account uint32
	Symbol  int
	Side    Side
	Qty     int64
	Limit   float64
	Placed  time.Time
}

// Exposure is the marked-to-market view of one account.
type Exposure struct {
	Notional   float64
	Unrealized float64
	Orders     int
}

// msg is one order-entry message: a new order, or a cancel when Cancel != 0.
type msg struct {
	New    *Order
	Cancel uint64
}

// Engine owns the book; only its run goroutine touches the maps.
type Engine struct {
	orders    map[uint64]*Order
	exposures map[uint32]*Exposure
	marks     *atomic.Value

	passes, breaches, rejects int
}

func NewEngine(capacity int, marks *atomic.Value) *Engine {
	return &Engine{
		orders:    make(map[uint64]*Order, capacity),
		exposures: make(map[uint32]*Exposure, nAccounts),
		marks:     marks,
	}
}

func (e *Engine) apply(batch []msg) {
	for _, m := range batch {
		if m.New != nil {
			e.orders[m.New.ID] = m.New
			continue
		}
		if _, ok := e.orders[m.Cancel]; !ok {
			e.rejects++
			continue
		}
		delete(e.orders, m.Cancel)
	}
}

// markToMarket values every resting order at the current marks and counts
// the accounts over their limits.
func (e *Engine) markToMarket() {
	marks := e.marks.Load().([]float64)
	for _, x := range e.exposures {
		*x = Exposure{}
	}
	for _, o := range e.orders {
		mark := marks[o.Symbol]
		x := e.exposures[o.Account]
		if x == nil {
			x = &Exposure{}
			e.exposures[o.Account] = x
		}
		x.Notional += math.Abs(float64(o.Qty) * mark)
		x.Unrealized += float64(o.Side) * float64(o.Qty) * (mark - o.Limit)
		x.Orders++
	}
	for _, x := range e.exposures {
		if x.Notional > 2.5e6 || x.Unrealized < -2e4 {
			e.breaches++
		}
	}
	e.passes++
}

func (e *Engine) run(in <-chan []msg, every time.Duration, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case batch, ok := <-in:
			if !ok {
				return
			}
			e.apply(batch)
		case <-t.C:
			// Order entry has priority: apply what is queued, then mark.
			for pending := len(in); pending > 0; pending-- {
				e.apply(<-in)
			}
			e.markToMarket()
		}
	}
}

const nSymbols = 120
const nAccounts = 3000

// priceFeed publishes a fresh slice of marks every few milliseconds.
func priceFeed(marks *atomic.Value, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(7))
	cur := make([]float64, nSymbols)
	for i := range cur {
		cur[i] = 20 + rng.Float64()*480
	}
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		next := make([]float64, nSymbols)
		for i, p := range cur {
			next[i] = p * (1 + (rng.Float64()-0.5)*0.002)
		}
		marks.Store(next)
		cur = next
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

var nextID uint64

func newOrder(rng *rand.Rand, marks []float64) *Order {
	sym := rng.Intn(nSymbols)
	side := Buy
	if rng.Intn(2) == 0 {
		side = Sell
	}
	return &Order{
		ID:      atomic.AddUint64(&nextID, 1),
		Account: uint32(rng.Intn(nAccounts)),
		Symbol:  sym,
		Side:    side,
		Qty:     int64(1 + rng.Intn(500)),
		Limit:   marks[sym] * (1 - float64(side)*0.001*float64(rng.Intn(20))),
		Placed:  time.Now(),
	}
}

// gateway is one client session: it keeps `resting` orders in the book and
// replaces a few of them (cancel + new) every millisecond.
func gateway(out chan<- []msg, marks *atomic.Value, resting int, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	live := make([]uint64, 0, resting)
	batch := make([]msg, 0, 512)
	for len(live) < resting {
		o := newOrder(rng, marks.Load().([]float64))
		live = append(live, o.ID)
		batch = append(batch, msg{New: o})
		if len(batch) == cap(batch) {
			out <- batch
			batch = make([]msg, 0, 512)
		}
	}
	out <- batch
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		m := marks.Load().([]float64)
		batch = make([]msg, 0, 8)
		for i := 0; i < 4; i++ {
			j := rng.Intn(len(live))
			o := newOrder(rng, m)
			batch = append(batch, msg{Cancel: live[j]}, msg{New: o})
			live[j] = o.ID
		}
		out <- batch
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	var marks atomic.Value
	stop := make(chan struct{})
	go priceFeed(&marks, stop)
	for marks.Load() == nil {
		time.Sleep(time.Millisecond)
	}

	const working = 50000
	engine := NewEngine(working, &marks)
	in := make(chan []msg, 64)
	engineDone := make(chan struct{})
	go engine.run(in, 20*time.Millisecond, engineDone)

	var gws sync.WaitGroup
	for g := 0; g < 4; g++ {
		gws.Add(1)
		go gateway(in, &marks, working/4, int64(100+g), stop, &gws)
	}

	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))

	close(stop)
	gws.Wait()
	close(in)
	<-engineDone
	elapsed := time.Since(start)
	prof.Stop()
	fmt.Fprintf(os.Stderr, "orders placed=%d live=%d risk passes=%d breaches=%d rejects=%d in %v\n",
		atomic.LoadUint64(&nextID), len(engine.orders), engine.passes, engine.breaches, engine.rejects,
		elapsed.Round(time.Millisecond))
}
