// Command notifier publishes order notifications to a message broker through an
// outbox: messages that fail to publish are parked in the outbox and re-sent
// by a background flusher once the broker is reachable again.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var errUnavailable = errors.New("broker: connection refused")

// broker stands in for the message broker client.
type broker struct {
	down      int32
	published uint64
	flaky     uint32 // one publish in flaky fails even when the broker is up
	seq       uint32
}

func (b *broker) healthy() bool { return atomic.LoadInt32(&b.down) == 0 }

func (b *broker) publish(m *message) error {
	if !b.healthy() {
		return errUnavailable
	}
	if atomic.AddUint32(&b.seq, 1)%b.flaky == 0 {
		return errUnavailable
	}
	atomic.AddUint64(&b.published, 1)
	return nil
}

type message struct {
	id       uint64
	topic    string
	key      string
	body     []byte
	attempts int
	firstTry time.Time
}

// Outbox parks messages that could not be published.
type Outbox struct {
	b        *broker
	maxBatch int

	mu      sync.Mutex
	pending map[uint64]*message

	batch   []*message // reused by flush
	resent  uint64
	flushes uint64
}

func NewOutbox(b *broker, maxBatch int) *Outbox {
	return &Outbox{b: b, maxBatch: maxBatch, pending: make(map[uint64]*message)}
}

// Send publishes m, parking it in the outbox if the broker refuses it.
func (o *Outbox) Send(m *message) {
	if err := o.b.publish(m); err == nil {
		return
	}
	m.attempts++
	o.mu.Lock()
	o.pending[m.id] = m
	o.mu.Unlock()
}

func (o *Outbox) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.pending)
}

// flush takes parked messages out of the outbox, at most maxBatch at a time,
// and re-publishes them. Messages that fail again go back in.
func (o *Outbox) flush() {
	if !o.b.healthy() {
		return // circuit open: do not hammer a broker that is down
	}
	o.batch = o.batch[:0]
	o.mu.Lock()
	if len(o.pending) <= o.maxBatch {
		for _, m := range o.pending {
			o.batch = append(o.batch, m)
		}
		for id := range o.pending {
			delete(o.pending, id)
		}
	} else {
		for id, m := range o.pending {
			o.batch = append(o.batch, m)
			delete(o.pending, id)
			if len(o.batch) == o.maxBatch {
				break
			}
		}
	}
	o.mu.Unlock()
	o.flushes++
	for _, m := range o.batch {
		if o.b.publish(m) != nil {
			m.attempts++
			o.mu.Lock()
			o.pending[m.id] = m
			o.mu.Unlock()
			continue
		}
		o.resent++
	}
}

// run flushes the outbox every interval until stop is closed.
func (o *Outbox) run(interval time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			o.flush()
		}
	}
}

var topics = []string{"order.created", "order.paid", "order.shipped", "order.refunded"}

// producer turns order events into notifications.
func producer(id int, ob *Outbox, ids *uint64, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	for {
		select {
		case <-stop:
			return
		default:
		}
		// while the broker is down events pile up; otherwise they trickle in
		n := 40
		if ob.b.healthy() {
			n = 10
		}
		for i := 0; i < n; i++ {
			order := rng.Int63n(1 << 32)
			body := make([]byte, 96+rng.Intn(64))
			copy(body, `{"order":`+strconv.FormatInt(order, 10)+`,"status":"ok","amount_cents":`)
			ob.Send(&message{
				id:       atomic.AddUint64(ids, 1),
				topic:    topics[order%int64(len(topics))],
				key:      strconv.FormatInt(order, 16),
				body:     body,
				firstTry: time.Now(),
			})
		}
		if ob.b.healthy() {
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	prof.Start()

	br := &broker{flaky: 12}
	ob := NewOutbox(br, 2000)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ids uint64

	wg.Add(1)
	go ob.run(time.Millisecond, stop, &wg)

	// The broker goes down right after start; the outage lasts until a quarter
	// of a million notifications are parked (or 3 s at most). Afterwards the
	// broker stays a little flaky (one publish in 12 is refused).
	atomic.StoreInt32(&br.down, 1)
	for p := 0; p < 3; p++ {
		wg.Add(1)
		go producer(p, ob, &ids, stop, &wg)
	}
	outage := time.Now()
	for ob.Len() < 250000 && time.Since(outage) < 3*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	peak := ob.Len()
	atomic.StoreInt32(&br.down, 0)
	fmt.Printf("outage: %d messages parked in %v\n", peak, time.Since(outage).Round(time.Millisecond))

	time.Sleep(300 * time.Millisecond) // let the backlog drain
	prof.HeapEarly()
	time.Sleep(1200 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	wg.Wait()

	prof.Stop()
	fmt.Printf("published=%d resent=%d flushes=%d still parked=%d\n",
		atomic.LoadUint64(&br.published), ob.resent, ob.flushes, ob.Len())
}
