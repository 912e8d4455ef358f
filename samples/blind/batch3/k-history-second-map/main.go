// Command orderdesk is the order-tracking core of a takeaway platform. One
// goroutine owns the order state and applies commands from a channel; the
// kitchens report completions, the API asks for open orders and for a
// customer's order history.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"strings"
	"time"

	"blind/prof"
)

type LineItem struct {
	SKU      string
	Name     string
	Qty      int
	PriceCts int64
	Options  []string
}

type Order struct {
	ID         int64
	CustomerID string
	Placed     time.Time
	Completed  time.Time
	Items      []LineItem
	Address    string
	Notes      string
	Receipt    []byte // rendered receipt, kept for reprints
}

type cmdKind int

const (
	cmdPlace cmdKind = iota
	cmdComplete
	cmdOpenCount
	cmdHistory
)

type command struct {
	kind     cmdKind
	order    *Order
	orderID  int64
	customer string
	reply    chan int
}

// desk is owned by a single goroutine (run); nothing else touches its maps.
type desk struct {
	open       map[int64]*Order
	byCustomer map[string][]*Order
	completed  int
}

func (d *desk) place(o *Order) {
	d.open[o.ID] = o
	d.byCustomer[o.CustomerID] = append(d.byCustomer[o.CustomerID], o)
}

func (d *desk) complete(id int64, at time.Time) {
	o, ok := d.open[id]
	if !ok {
		return
	}
	o.Completed = at
	delete(d.open, id)
	d.completed++
}

func (d *desk) run(cmds <-chan command) {
	for c := range cmds {
		switch c.kind {
		case cmdPlace:
			d.place(c.order)
		case cmdComplete:
			d.complete(c.orderID, time.Now())
		case cmdOpenCount:
			c.reply <- len(d.open)
		case cmdHistory:
			c.reply <- len(d.byCustomer[c.customer])
		}
	}
}

var menu = []string{"Margherita", "Pad Thai", "Falafel Wrap", "Ramen Tonkotsu", "Caesar Salad", "Burrito Bowl", "Sushi Set", "Butter Chicken"}

func newOrder(r *rand.Rand, id int64) *Order {
	o := &Order{
		ID:         id,
		CustomerID: fmt.Sprintf("cust-%05d", r.Intn(30000)),
		Placed:     time.Now(),
		Address:    fmt.Sprintf("%d Example Street, %05d Berlin", r.Intn(200), 10000+r.Intn(5000)),
		Notes:      strings.Repeat("ring twice. ", 1+r.Intn(4)),
	}
	for i := 0; i < 2+r.Intn(4); i++ {
		o.Items = append(o.Items, LineItem{
			SKU:      fmt.Sprintf("SKU%04d", r.Intn(2000)),
			Name:     menu[r.Intn(len(menu))],
			Qty:      1 + r.Intn(3),
			PriceCts: int64(500 + r.Intn(2000)),
			Options:  []string{"extra spicy", "no onions"}[:r.Intn(3)],
		})
	}
	o.Receipt = make([]byte, 1536)
	copy(o.Receipt, o.Address)
	return o
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	cmds := make(chan command, 1024)
	d := &desk{open: make(map[int64]*Order), byCustomer: make(map[string][]*Order)}
	deskDone := make(chan struct{})
	go func() { d.run(cmds); close(deskDone) }()

	// Kitchens: complete orders a little while after they were placed.
	toKitchen := make(chan int64, 4096)
	kitchensDone := make(chan struct{})
	go func() {
		defer close(kitchensDone)
		pending := make([]int64, 0, 512)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case id, ok := <-toKitchen:
				if !ok {
					for _, id := range pending {
						cmds <- command{kind: cmdComplete, orderID: id}
					}
					return
				}
				pending = append(pending, id)
			case <-tick.C:
				for _, id := range pending {
					cmds <- command{kind: cmdComplete, orderID: id}
				}
				pending = pending[:0]
			}
		}
	}()

	// API front: ~8000 orders a second arrive in bursts every 5 ms.
	r := rand.New(rand.NewSource(42))
	var nextID int64
	reply := make(chan int)
	var steps int
	heapEarly, gor := false, false
	for time.Since(start) < runFor {
		for i := 0; i < 40; i++ {
			nextID++
			cmds <- command{kind: cmdPlace, order: newOrder(r, nextID)}
			toKitchen <- nextID
		}
		steps++
		if steps%50 == 0 {
			cmds <- command{kind: cmdHistory, customer: fmt.Sprintf("cust-%05d", r.Intn(30000)), reply: reply}
			<-reply
		}
		time.Sleep(5 * time.Millisecond)
		if el := time.Since(start); !heapEarly && el > runFor/3 {
			prof.HeapEarly()
			heapEarly = true
		} else if !gor && el > runFor/2 {
			prof.Goroutines()
			gor = true
		}
	}
	close(toKitchen)
	<-kitchensDone
	cmds <- command{kind: cmdOpenCount, reply: reply}
	open := <-reply
	prof.Stop()
	close(cmds)
	<-deskDone
	log.Printf("orderdesk: %d placed, %d completed, %d still open, %d customers with history", nextID, d.completed, open, len(d.byCustomer))
}
