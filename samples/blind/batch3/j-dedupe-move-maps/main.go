// Command relay forwards webhook events to subscribers with at-least-once
// delivery. Every sent event waits in the pending table until the
// subscriber acknowledges it; acknowledged ids are remembered for a while so
// that redeliveries from upstream are dropped instead of sent twice.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

type eventID uint64

type delivery struct {
	id         eventID
	subscriber string
	body       []byte
	sentAt     time.Time
	attempts   int
	acked      bool
}

// outbox state, owned by the relay loop goroutine.
var (
	pending   = map[eventID]*delivery{}
	delivered = map[eventID]time.Time{} // dedupe window
	stats     struct {
		sent, dup, acked, retried, expired int
	}
)

const (
	dedupeWindow = 300 * time.Millisecond
	retryAfter   = 40 * time.Millisecond
)

type inbound struct {
	id         eventID
	subscriber string
	body       []byte
}

func idOf(subscriber string, seq uint64) eventID {
	h := fnv.New64a()
	h.Write([]byte(subscriber))
	return eventID(h.Sum64() ^ seq*0x9e3779b97f4a7c15)
}

// accept queues an event unless it was delivered recently or is in flight.
func accept(ev inbound, now time.Time, send func(*delivery)) {
	if _, seen := delivered[ev.id]; seen {
		stats.dup++
		return
	}
	if _, inFlight := pending[ev.id]; inFlight {
		stats.dup++
		return
	}
	d := &delivery{id: ev.id, subscriber: ev.subscriber, body: ev.body, sentAt: now, attempts: 1}
	pending[ev.id] = d
	stats.sent++
	send(d)
}

// reconcile moves acknowledged deliveries out of the pending table into the
// dedupe window, and resends the ones that waited too long.
func reconcile(now time.Time, send func(*delivery)) {
	for id, d := range pending {
		if d.acked {
			delivered[id] = now
			delete(pending, id)
			stats.acked++
			continue
		}
		if now.Sub(d.sentAt) > retryAfter {
			d.sentAt = now
			d.attempts++
			stats.retried++
			send(d)
		}
	}
}

// expire forgets delivered ids older than the dedupe window.
func expire(now time.Time) {
	for id, at := range delivered {
		if now.Sub(at) > dedupeWindow {
			delete(delivered, id)
			stats.expired++
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	events := make(chan inbound, 256)
	acks := make(chan eventID, 1024)
	wire := make(chan *delivery, 1024)
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// upstream producers; about one event in eight is a redelivery
	for p := 0; p < 3; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(p) + 11))
			sub := fmt.Sprintf("https://hooks.tenant%02d.example/ingest", p)
			var seq uint64
			for {
				s := seq
				if seq > 8 && rng.Intn(8) == 0 {
					s = seq - uint64(1+rng.Intn(8))
				} else {
					seq++
				}
				body := make([]byte, 200+rng.Intn(600))
				select {
				case events <- inbound{id: idOf(sub, s), subscriber: sub, body: body}:
				case <-stop:
					return
				}
				time.Sleep(time.Duration(100+rng.Intn(150)) * time.Microsecond)
			}
		}(p)
	}

	// subscribers: ack most deliveries after a short delay, drop a few
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(99))
		for {
			select {
			case d := <-wire:
				if rng.Intn(20) == 0 {
					continue // lost; the relay will retry
				}
				select {
				case acks <- d.id:
				case <-stop:
					return
				}
			case <-stop:
				return
			}
		}
	}()

	relayDone := make(chan struct{})
	go func() { // the relay loop owns pending and delivered
		defer close(relayDone)
		send := func(d *delivery) {
			select {
			case wire <- d:
			default: // wire full: leave it pending, reconcile will retry
			}
		}
		tick := time.NewTicker(5 * time.Millisecond)
		sweep := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		defer sweep.Stop()
		for {
			select {
			case ev := <-events:
				accept(ev, time.Now(), send)
			case id := <-acks:
				if d, ok := pending[id]; ok {
					d.acked = true
				}
			case now := <-tick.C:
				reconcile(now, send)
			case now := <-sweep.C:
				expire(now)
			case <-stop:
				return
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor / 6)
	prof.Goroutines()
	time.Sleep(runFor / 2)
	close(stop)
	wg.Wait()
	<-relayDone
	prof.Stop()
	fmt.Printf("sent=%d dup=%d acked=%d retried=%d expired=%d pending=%d window=%d\n",
		stats.sent, stats.dup, stats.acked, stats.retried, stats.expired, len(pending), len(delivered))
}
