// Command ordersvc is the order-lifecycle core of a checkout service. A single
// goroutine owns the order book and applies commands sent to it over a
// channel (place, cancel, fulfil, status scrape), so the map needs no lock.
package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

type OrderStatus string

const (
	StatusOpen      OrderStatus = "open"
	StatusCancelled OrderStatus = "cancelled"
	StatusFulfilled OrderStatus = "fulfilled"
)

type LineItem struct {
	SKU       string
	Name      string
	Quantity  int
	UnitCents int64
	Options   string
	Warehouse string
}

type Order struct {
	ID          uint64
	CustomerID  string
	Status      OrderStatus
	CreatedAt   time.Time
	CancelledAt time.Time
	CancelCode  string
	Lines       []LineItem
	Receipt     *bytes.Buffer
	TotalCents  int64
}

type cmdKind int

const (
	cmdPlace cmdKind = iota
	cmdCancel
	cmdFulfil
	cmdScrape
)

type command struct {
	kind   cmdKind
	order  *Order
	id     uint64
	reason string
	reply  chan result
}

type result struct {
	id     uint64
	ok     bool
	counts map[OrderStatus]int
}

// orderBook is owned by the goroutine running loop.
type orderBook struct {
	orders   map[uint64]*Order
	nextID   uint64
	archived int
	cmds     chan command
}

func newOrderBook() *orderBook {
	return &orderBook{
		orders: make(map[uint64]*Order),
		nextID: 100000,
		cmds:   make(chan command, 256),
	}
}

func (b *orderBook) loop(done chan<- struct{}) {
	for c := range b.cmds {
		switch c.kind {
		case cmdPlace:
			c.reply <- result{id: b.place(c.order), ok: true}
		case cmdCancel:
			c.reply <- result{id: c.id, ok: b.cancel(c.id, c.reason)}
		case cmdFulfil:
			c.reply <- result{id: c.id, ok: b.fulfil(c.id)}
		case cmdScrape:
			c.reply <- result{counts: b.statusCounts()}
		}
	}
	close(done)
}

func (b *orderBook) place(o *Order) uint64 {
	b.nextID++
	o.ID = b.nextID
	o.Status = StatusOpen
	o.CreatedAt = time.Now()
	b.orders[o.ID] = o
	return o.ID
}

// cancel marks an open order as cancelled.
func (b *orderBook) cancel(id uint64, reason string) bool {
	o, ok := b.orders[id]
	if !ok || o.Status != StatusOpen {
		return false
	}
	o.Status = StatusCancelled
	o.CancelledAt = time.Now()
	o.CancelCode = reason
	return true
}

// fulfil hands an order to the shipping archive and forgets it.
func (b *orderBook) fulfil(id uint64) bool {
	o, ok := b.orders[id]
	if !ok || o.Status != StatusOpen {
		return false
	}
	o.Status = StatusFulfilled
	delete(b.orders, id)
	b.archived++
	return true
}

// statusCounts feeds the orders_by_status gauge.
func (b *orderBook) statusCounts() map[OrderStatus]int {
	counts := make(map[OrderStatus]int, 3)
	for _, o := range b.orders {
		counts[o.Status]++
	}
	return counts
}

// client is a thin synchronous wrapper around the command channel.
type client struct {
	cmds  chan<- command
	reply chan result
}

func (c *client) do(cmd command) result {
	cmd.reply = c.reply
	c.cmds <- cmd
	return <-c.reply
}

var catalog = []string{"espresso grinder", "pour-over kettle", "ceramic dripper", "paper filters (100)",
	"burr set", "milk jug", "tamper 58mm", "scale with timer", "cold brew bottle", "descaler"}

var cancelReasons = []string{"customer_request", "payment_declined", "fraud_check", "out_of_stock", "address_invalid"}

func buildOrder(rng *rand.Rand, customer string) *Order {
	n := 18 + rng.Intn(20)
	o := &Order{CustomerID: customer, Lines: make([]LineItem, n)}
	receipt := new(bytes.Buffer)
	fmt.Fprintf(receipt, "RECEIPT for %s\n%s\n", customer, time.Now().Format(time.RFC1123))
	for i := range o.Lines {
		name := catalog[rng.Intn(len(catalog))]
		li := LineItem{
			SKU:       "CF-" + strconv.Itoa(10000+rng.Intn(90000)),
			Name:      name,
			Quantity:  1 + rng.Intn(4),
			UnitCents: int64(499 + rng.Intn(25000)),
			Options:   fmt.Sprintf("color=%d;gift_wrap=%t;engraving=%q", rng.Intn(8), rng.Intn(5) == 0, "for "+customer),
			Warehouse: fmt.Sprintf("wh-%s-%02d", []string{"ams", "fra", "lhr"}[rng.Intn(3)], rng.Intn(20)),
		}
		o.Lines[i] = li
		o.TotalCents += li.UnitCents * int64(li.Quantity)
		fmt.Fprintf(receipt, "%-10s %-28s x%d  %8.2f EUR  [%s] %s\n",
			li.SKU, li.Name, li.Quantity, float64(li.UnitCents)/100, li.Warehouse, li.Options)
	}
	fmt.Fprintf(receipt, "TOTAL %10.2f EUR\nThank you for shopping with us.\n", float64(o.TotalCents)/100)
	o.Receipt = receipt
	return o
}

// shopper places orders and later either cancels or fulfils them.
func shopper(id int, cl *client, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)*104729 + 1))
	var pending []uint64
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		customer := "cust-" + strconv.Itoa(id) + "-" + strconv.Itoa(rng.Intn(50000))
		r := cl.do(command{kind: cmdPlace, order: buildOrder(rng, customer)})
		pending = append(pending, r.id)
		if len(pending) > 8 {
			oid := pending[0]
			pending = pending[1:]
			if rng.Intn(100) < 65 {
				cl.do(command{kind: cmdCancel, id: oid, reason: cancelReasons[rng.Intn(len(cancelReasons))]})
			} else {
				cl.do(command{kind: cmdFulfil, id: oid})
			}
		}
		if seq%2 == 1 {
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	book := newOrderBook()
	loopDone := make(chan struct{})
	go book.loop(loopDone)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go shopper(i, &client{cmds: book.cmds, reply: make(chan result, 1)}, stop, &wg)
	}

	// metrics scraper
	var last map[OrderStatus]int
	wg.Add(1)
	go func() {
		defer wg.Done()
		cl := &client{cmds: book.cmds, reply: make(chan result, 1)}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				last = cl.do(command{kind: cmdScrape}).counts
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

	close(book.cmds)
	<-loopDone
	fmt.Printf("ordersvc: %d orders in book %v, %d archived, in %v\n",
		len(book.orders), last, book.archived, elapsed.Round(time.Millisecond))
}
