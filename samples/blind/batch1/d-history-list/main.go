// matchd: a single-symbol continuous matching engine with a drop-copy feed.
// Order entry gateways decode FIX NewOrderSingle / OrderCancelRequest
// messages and hand them to the engine goroutine, which owns the book.
package main

import (
	"container/list"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Side uint8

const (
	Buy Side = iota + 1
	Sell
)

type Status uint8

const (
	New Status = iota
	PartiallyFilled
	Filled
	Cancelled
)

type Fill struct {
	Against uint64
	Price   int64
	Qty     int64
	At      int64
}

// Order is everything we know about an accepted order, including the raw
// message (kept for the regulatory drop copy) and the pre-trade risk
// snapshot taken when it was accepted.
type Order struct {
	ID       uint64
	ClOrdID  string
	Account  string
	Side     Side
	Price    int64 // ticks
	Qty      int64
	Filled   int64
	Status   Status
	Accepted time.Time
	Raw      []byte
	Risk     [48]float64
	Fills    []Fill
}

type level struct {
	queue []*Order
}

const (
	minTick = 9800
	maxTick = 10200
)

type Book struct {
	mu      sync.Mutex // guards journal for the drop-copy reader
	live    map[uint64]*Order
	bids    [maxTick - minTick + 1]level
	asks    [maxTick - minTick + 1]level
	journal *list.List // accepted orders, in sequence, for the drop copy
	nextID  uint64     // read by gateways
	trades  int64
	bidHi   int64 // best bid, or below minTick when empty
	askLo   int64 // best ask, or above maxTick when empty
}

func NewBook() *Book {
	return &Book{live: make(map[uint64]*Order), journal: list.New(), bidHi: minTick - 1, askLo: maxTick + 1}
}

// Submit accepts a new order, matches it, and rests any remainder.
func (b *Book) Submit(o *Order) {
	o.ID = atomic.AddUint64(&b.nextID, 1)
	o.Accepted = time.Now()
	b.live[o.ID] = o
	b.mu.Lock()
	b.journal.PushBack(o)
	b.mu.Unlock()

	b.match(o)
	if o.Status == Filled {
		delete(b.live, o.ID)
		return
	}
	lv := b.levelFor(o.Side, o.Price)
	lv.queue = append(lv.queue, o)
	if o.Side == Buy && o.Price > b.bidHi {
		b.bidHi = o.Price
	} else if o.Side == Sell && o.Price < b.askLo {
		b.askLo = o.Price
	}
}

func (b *Book) levelFor(s Side, price int64) *level {
	if s == Buy {
		return &b.bids[price-minTick]
	}
	return &b.asks[price-minTick]
}

func (b *Book) match(in *Order) {
	now := in.Accepted.UnixNano()
	if in.Side == Buy {
		for px := b.askLo; px <= in.Price && px <= maxTick && in.Filled < in.Qty; px++ {
			b.fillAgainst(in, &b.asks[px-minTick], px, now)
		}
		for b.askLo <= maxTick && len(b.asks[b.askLo-minTick].queue) == 0 {
			b.askLo++
		}
	} else {
		for px := b.bidHi; px >= in.Price && px >= minTick && in.Filled < in.Qty; px-- {
			b.fillAgainst(in, &b.bids[px-minTick], px, now)
		}
		for b.bidHi >= minTick && len(b.bids[b.bidHi-minTick].queue) == 0 {
			b.bidHi--
		}
	}
	if in.Filled == in.Qty {
		in.Status = Filled
	} else if in.Filled > 0 {
		in.Status = PartiallyFilled
	}
}

// fillAgainst trades the incoming order against one price level, oldest
// resting order first.
func (b *Book) fillAgainst(in *Order, lv *level, px int64, now int64) {
	i := 0
	for ; i < len(lv.queue) && in.Filled < in.Qty; i++ {
		rest := lv.queue[i]
		q := rest.Qty - rest.Filled
		if r := in.Qty - in.Filled; r < q {
			q = r
		}
		rest.Filled += q
		in.Filled += q
		rest.Fills = append(rest.Fills, Fill{Against: in.ID, Price: px, Qty: q, At: now})
		in.Fills = append(in.Fills, Fill{Against: rest.ID, Price: px, Qty: q, At: now})
		b.trades++
		if rest.Filled == rest.Qty {
			rest.Status = Filled
			delete(b.live, rest.ID)
		} else {
			rest.Status = PartiallyFilled
			break
		}
	}
	n := copy(lv.queue, lv.queue[i:])
	for j := n; j < len(lv.queue); j++ {
		lv.queue[j] = nil
	}
	lv.queue = lv.queue[:n]
}

// Cancel pulls a live order off the book.
func (b *Book) Cancel(id uint64) bool {
	o, ok := b.live[id]
	if !ok {
		return false
	}
	o.Status = Cancelled
	delete(b.live, id)
	lv := b.levelFor(o.Side, o.Price)
	for i, q := range lv.queue {
		if q == o {
			copy(lv.queue[i:], lv.queue[i+1:])
			lv.queue[len(lv.queue)-1] = nil
			lv.queue = lv.queue[:len(lv.queue)-1]
			break
		}
	}
	return true
}

// ExpireBefore cancels resting orders accepted before the cutoff (all
// orders on this venue are good-til-time, 750ms).
func (b *Book) ExpireBefore(cutoff time.Time) int {
	var expired []uint64
	for id, o := range b.live {
		if o.Accepted.Before(cutoff) {
			expired = append(expired, id)
		}
	}
	for _, id := range expired {
		b.Cancel(id)
	}
	return len(expired)
}

// dropCopy streams accepted orders to the compliance feed, remembering
// where it got to.
func dropCopy(b *Book, stop <-chan struct{}, sent *int64, wg *sync.WaitGroup) {
	defer wg.Done()
	var cursor *list.Element
	buf := make([]byte, 0, 4096)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		b.mu.Lock()
		next := b.journal.Front()
		if cursor != nil {
			next = cursor.Next()
		}
		for e := next; e != nil; e = e.Next() {
			o := e.Value.(*Order)
			buf = append(buf[:0], "8=FIX.4.4|35=8|37="...)
			buf = strconv.AppendUint(buf, o.ID, 10)
			buf = append(buf, '|')
			buf = append(buf, o.Raw[:32]...)
			cursor = e
			atomic.AddInt64(sent, 1)
		}
		b.mu.Unlock()
	}
}

type request struct {
	order    *Order
	cancelID uint64
}

// gateway decodes inbound FIX traffic from one session.
// Market makers on these sessions re-quote constantly, cancelling their
// recent resting orders.
func gateway(session int, lastID func() uint64, out chan<- request, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(int64(session)))
	account := fmt.Sprintf("ACC%05d", session*37)
	seq := 0
	mid := float64(10000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		seq++
		if seq%3 == 0 {
			id := lastID()
			if back := uint64(r.Intn(3000)); back < id {
				id -= back
			}
			req := request{cancelID: id}
			select {
			case out <- req:
			case <-stop:
				return
			}
			continue
		}
		mid += r.NormFloat64() * 0.4
		if mid < minTick+100 || mid > maxTick-100 {
			mid = 10000
		}
		side := Buy
		if r.Intn(2) == 0 {
			side = Sell
		}
		px := int64(mid + r.NormFloat64()*6)
		if px < minTick {
			px = minTick
		}
		if px > maxTick {
			px = maxTick
		}
		qty := int64(1 + r.Intn(100))
		raw := make([]byte, 0, 640)
		raw = append(raw, "8=FIX.4.4|9=512|35=D|49=CLIENT"...)
		raw = strconv.AppendInt(raw, int64(session), 10)
		raw = append(raw, "|56=MATCHD|34="...)
		raw = strconv.AppendInt(raw, int64(seq), 10)
		raw = append(raw, "|11=C"...)
		raw = strconv.AppendInt(raw, int64(seq), 36)
		raw = append(raw, "|1="...)
		raw = append(raw, account...)
		raw = append(raw, "|55=XYZ|54="...)
		raw = strconv.AppendInt(raw, int64(side), 10)
		raw = append(raw, "|38="...)
		raw = strconv.AppendInt(raw, qty, 10)
		raw = append(raw, "|40=2|44="...)
		raw = strconv.AppendInt(raw, px, 10)
		for len(raw) < 560 {
			raw = append(raw, "|58=pad|"...)
		}
		o := &Order{ClOrdID: "C" + strconv.Itoa(seq), Account: account, Side: side, Price: px, Qty: qty, Raw: raw}
		for i := range o.Risk {
			o.Risk[i] = float64(qty) * mid * float64(i+1) * 1e-4
		}
		select {
		case out <- request{order: o}:
		case <-stop:
			return
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	book := NewBook()
	in := make(chan request, 4096)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for s := 1; s <= 3; s++ {
		wg.Add(1)
		go gateway(s, func() uint64 { return atomic.LoadUint64(&book.nextID) }, in, stop, &wg)
	}
	var sent int64
	wg.Add(1)
	go dropCopy(book, stop, &sent, &wg)

	engineDone := make(chan struct{})
	var accepted, cancels int64
	go func() {
		defer close(engineDone)
		gtt := time.NewTicker(100 * time.Millisecond)
		defer gtt.Stop()
		for {
			select {
			case now := <-gtt.C:
				atomic.AddInt64(&cancels, int64(book.ExpireBefore(now.Add(-750*time.Millisecond))))
			case req := <-in:
				if req.order != nil {
					book.Submit(req.order)
					atomic.AddInt64(&accepted, 1)
				} else if book.Cancel(req.cancelID) {
					atomic.AddInt64(&cancels, 1)
				}
			case <-stop:
				return
			}
		}
	}()

	start := time.Now()
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()
	<-engineDone
	prof.Stop()
	fmt.Printf("accepted %d orders, %d cancels, %d trades, %d live, %d journalled, drop copy sent %d\n",
		atomic.LoadInt64(&accepted), atomic.LoadInt64(&cancels), book.trades, len(book.live), book.journal.Len(), atomic.LoadInt64(&sent))
}
