// Command ledgerconsumer consumes payment events from the broker with
// at-least-once delivery. Message ids are kept in an in-flight set until the
// acker flushes them to the broker; a redelivery of an in-flight id is dropped
// as a duplicate.
package main

import (
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Delivery struct {
	ID      string
	Payload string
}

// InFlight tracks delivered-but-not-acked message ids.
type InFlight struct {
	mu      sync.Mutex
	ids     map[string]uint64 // id -> delivery sequence
	seq     uint64
	acked   uint64
	flushes uint64
}

func NewInFlight() *InFlight {
	return &InFlight{ids: make(map[string]uint64)}
}

// Admit records id and reports whether it is new (not a redelivery).
func (f *InFlight) Admit(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, dup := f.ids[id]; dup {
		return false
	}
	f.seq++
	f.ids[id] = f.seq
	return true
}

// Flush moves every in-flight id into an ack batch and empties the set.
func (f *InFlight) Flush(send func([]string)) int {
	f.mu.Lock()
	batch := make([]string, 0, len(f.ids))
	for id := range f.ids {
		batch = append(batch, id)
		delete(f.ids, id)
	}
	f.flushes++
	f.mu.Unlock()
	if len(batch) > 0 {
		send(batch)
	}
	atomic.AddUint64(&f.acked, uint64(len(batch)))
	return len(batch)
}

// brokerLink simulates the connection to the broker.
type brokerLink struct {
	connected int32
	acks      uint64
	ackBytes  uint64
}

func (b *brokerLink) up() bool { return atomic.LoadInt32(&b.connected) == 1 }

func (b *brokerLink) sendAcks(ids []string) {
	n := 0
	for _, id := range ids {
		n += len(id) + 1
	}
	atomic.AddUint64(&b.acks, uint64(len(ids)))
	atomic.AddUint64(&b.ackBytes, uint64(n))
}

var merchants = []string{"m_acme", "m_globex", "m_initech", "m_umbrella", "m_hooli", "m_vandelay"}

func makePayload(rng *rand.Rand, seq int) string {
	var sb strings.Builder
	sb.WriteString("type=payment.captured;merchant=")
	sb.WriteString(merchants[rng.Intn(len(merchants))])
	sb.WriteString(";amount=")
	sb.WriteString(strconv.Itoa(100 + rng.Intn(99900)))
	sb.WriteString(";currency=EUR;seq=")
	sb.WriteString(strconv.Itoa(seq))
	return sb.String()
}

// process applies one event to the merchant balances.
func process(d Delivery, balances map[string]int64) uint32 {
	var merchant string
	var amount int64
	for _, field := range strings.Split(d.Payload, ";") {
		kv := strings.SplitN(field, "=", 2)
		if len(kv) != 2 {
			continue
		}
		switch kv[0] {
		case "merchant":
			merchant = kv[1]
		case "amount":
			a, _ := strconv.ParseInt(kv[1], 10, 64)
			amount = a
		}
	}
	balances[merchant] += amount
	return crc32.ChecksumIEEE([]byte(d.Payload))
}

func main() {
	prof.Start()

	inflight := NewInFlight()
	link := &brokerLink{}
	deliveries := make(chan Delivery, 1024)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var processed, dropped uint64

	// Consumers.
	for c := 0; c < 3; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			balances := make(map[string]int64)
			var sum uint32
			for d := range deliveries {
				if !inflight.Admit(d.ID) {
					atomic.AddUint64(&dropped, 1)
					continue
				}
				sum ^= process(d, balances)
				atomic.AddUint64(&processed, 1)
			}
			_ = sum
		}()
	}

	// Acker: every tick, flush the in-flight set to the broker (only while
	// the link is up).
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if link.up() {
				inflight.Flush(link.sendAcks)
			}
		}
	}()

	// Broker: after a reconnect it redelivers the whole unacked backlog at
	// once; then normal traffic of a few events per tick, with the odd
	// redelivery.
	var producer sync.WaitGroup
	producer.Add(1)
	go func() {
		defer producer.Done()
		rng := rand.New(rand.NewSource(9))
		seq := 0
		for ; seq < 320000; seq++ {
			deliveries <- Delivery{ID: "evt-" + strconv.Itoa(7000000+seq), Payload: makePayload(rng, seq)}
		}
		atomic.StoreInt32(&link.connected, 1)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		recent := make([]string, 0, 64)
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			for i := 0; i < 2; i++ {
				id := "evt-" + strconv.Itoa(7000000+seq)
				seq++
				deliveries <- Delivery{ID: id, Payload: makePayload(rng, seq)}
				if len(recent) == cap(recent) {
					recent = recent[:0]
				}
				recent = append(recent, id)
			}
			if rng.Intn(10) == 0 {
				deliveries <- Delivery{ID: recent[rng.Intn(len(recent))], Payload: "type=redelivery"}
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	producer.Wait()
	close(deliveries)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "processed=%d dropped=%d acked=%d flushes=%d inflight=%d\n",
		atomic.LoadUint64(&processed), atomic.LoadUint64(&dropped), atomic.LoadUint64(&inflight.acked),
		inflight.flushes, len(inflight.ids))
}
