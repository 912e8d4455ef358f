// Command notifier consumes order events from the broker and sends customer
// notifications. The broker delivers at-least-once, so recently seen message
// ids are remembered for a short window and redeliveries are dropped.
package main

import (
	"log"
	"strconv"
	"strings"
	"time"

	"blind/prof"
)

// Message is one delivery from the broker.
type Message struct {
	ID        string
	Partition int
	Offset    int64
	Body      string
}

// Fetch is one fetch response: a batch of messages and how many more the
// broker holds for this consumer group.
type Fetch struct {
	Messages []Message
	Lag      int
}

// dedupeWindow remembers message ids for ttl after first delivery. It is
// owned by the consumer goroutine.
type dedupeWindow struct {
	ttl  time.Duration
	seen map[string]int64 // id -> unix nanos of first delivery

	dropped int
	expired int
}

func newDedupeWindow(ttl time.Duration) *dedupeWindow {
	return &dedupeWindow{ttl: ttl, seen: make(map[string]int64)}
}

// admit drops the messages of a fetched batch whose ids were already seen in
// the window and records the rest.
func (w *dedupeWindow) admit(batch []Message, now time.Time) []Message {
	ts := now.UnixNano()
	fresh := batch[:0]
	for _, m := range batch {
		if _, dup := w.seen[m.ID]; dup {
			w.dropped++
			continue
		}
		w.seen[m.ID] = ts
		fresh = append(fresh, m)
	}
	return fresh
}

// expire forgets ids older than the window.
func (w *dedupeWindow) expire(now time.Time) int {
	cutoff := now.Add(-w.ttl).UnixNano()
	n := 0
	for id, at := range w.seen {
		if at < cutoff {
			delete(w.seen, id)
			n++
		}
	}
	w.expired += n
	return n
}

// notification is what the sender would hand to the mail/SMS gateway.
type notification struct {
	Customer string
	Template string
	Order    string
}

func parseOrderEvent(body string) (notification, bool) {
	// body: "<event>|<order>|<customer>"
	event, rest, ok := strings.Cut(body, "|")
	if !ok {
		return notification{}, false
	}
	order, customer, ok := strings.Cut(rest, "|")
	if !ok {
		return notification{}, false
	}
	return notification{Customer: customer, Template: event, Order: order}, true
}

// consumer handles fetched batches and, whenever it has nothing to do,
// sweeps the dedupe window on the janitor tick. Housekeeping waits while the
// consumer is catching up on a backlog.
type consumer struct {
	window *dedupeWindow
	sweep  *time.Ticker
	lag    int
	sent   int
	byTmpl map[string]int
}

func (c *consumer) handle(batch []Message) {
	for _, m := range c.window.admit(batch, time.Now()) {
		if n, ok := parseOrderEvent(m.Body); ok && n.Customer != "" {
			c.byTmpl[n.Template]++
			c.sent++
		}
	}
}

func (c *consumer) run(fetches <-chan Fetch, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case f, ok := <-fetches:
			if !ok {
				return
			}
			c.lag = f.Lag
			c.handle(f.Messages)
			continue
		default:
		}
		select {
		case f, ok := <-fetches:
			if !ok {
				return
			}
			c.lag = f.Lag
			c.handle(f.Messages)
		case now := <-c.sweep.C:
			if c.lag == 0 {
				c.window.expire(now)
			}
		}
	}
}

var bodies = func() []string {
	events := []string{"order-placed", "order-paid", "order-shipped", "order-delivered", "order-refunded"}
	var out []string
	for i := 0; i < 5000; i++ {
		out = append(out, events[i%5]+"|ord-"+strconv.FormatInt(int64(i)*7919, 36)+"|cust-"+strconv.Itoa(i%997))
	}
	return out
}()

// broker replays the backlog left by a partition failover (about a million
// messages, some delivered twice), then delivers normal overnight traffic
// until stop is closed.
func broker(fetches chan<- Fetch, replayed, stop chan struct{}) {
	const partitions = 12
	var offsets [partitions]int64
	message := func(p int, off int64) Message {
		return Message{
			ID:        "orders-p" + strconv.Itoa(p) + "-" + strconv.FormatInt(off, 10),
			Partition: p,
			Offset:    off,
			Body:      bodies[(off+int64(p))%int64(len(bodies))],
		}
	}
	const backlog = 85000
	for p := range offsets {
		for offsets[p] < backlog {
			batch := make([]Message, 0, 512)
			for len(batch) < 500 {
				batch = append(batch, message(p, offsets[p]))
				if offsets[p]%13 == 5 {
					batch = append(batch, message(p, offsets[p]-3)) // redelivery
				}
				offsets[p]++
			}
			lag := (partitions-p-1)*backlog + int(backlog-offsets[p])
			if lag < 0 {
				lag = 0
			}
			fetches <- Fetch{Messages: batch, Lag: lag}
		}
	}
	close(replayed)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			close(fetches)
			return
		case <-tick.C:
		}
		batch := make([]Message, 0, partitions)
		for p := range offsets {
			batch = append(batch, message(p, offsets[p]))
			offsets[p]++
		}
		fetches <- Fetch{Messages: batch}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	c := &consumer{
		window: newDedupeWindow(400 * time.Millisecond),
		sweep:  time.NewTicker(3 * time.Millisecond),
		byTmpl: map[string]int{},
	}
	fetches := make(chan Fetch, 16)
	replayed, stop, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go c.run(fetches, done)
	go broker(fetches, replayed, stop)

	// The replay takes however long the broker needs; quiet traffic follows.
	<-replayed
	log.Printf("backlog replayed in %v", time.Since(start).Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1300 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2200 * time.Millisecond)
	close(stop)
	<-done
	c.sweep.Stop()
	prof.Stop()
	w := c.window
	log.Printf("sent=%d window=%d dropped=%d expired=%d templates=%v", c.sent, len(w.seen), w.dropped, w.expired, c.byTmpl)
}
