// Command orderflow wires the order service's modules together through an
// in-process event bus: API handlers publish domain events, and projections,
// notifiers and the search indexer consume them.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var topics = []string{
	"order.created", "order.paid", "order.shipped", "order.cancelled",
	"cart.updated", "inventory.low", "customer.updated", "refund.issued",
	"invoice.generated", "shipment.delayed",
}

var consumers = []string{"projection", "search-indexer", "notifier", "analytics", "fraud-check"}

// consume is one module's handler loop.
func consume(s *subscription, processed *uint64, wg *sync.WaitGroup) {
	defer wg.Done()
	h := fnv.New64a()
	for ev := range s.ch {
		h.Reset()
		h.Write([]byte(ev.Key))
		h.Write(ev.Payload)
		_ = h.Sum64()
		atomic.AddUint64(processed, 1)
	}
}

// apiHandler plays one request-serving goroutine that publishes a domain
// event per request.
func apiHandler(bus *Bus, seed int64, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(seed))
	var seq uint64
	for {
		select {
		case <-stop:
			return
		default:
		}
		seq++
		payload := make([]byte, 96+rng.Intn(160))
		binary.LittleEndian.PutUint64(payload, seq)
		rng.Read(payload[8:40])
		bus.Publish(Event{
			Topic:   topics[rng.Intn(len(topics))],
			Key:     fmt.Sprintf("ord-%d-%d", seed, seq),
			Seq:     seq,
			At:      time.Now(),
			Payload: payload,
		})
	}
}

func main() {
	prof.Start()
	start := time.Now()

	bus := NewBus()
	var processed uint64
	var consumersWG sync.WaitGroup
	for _, t := range topics {
		for _, c := range consumers {
			s := bus.Subscribe(t, c, 32)
			consumersWG.Add(1)
			go consume(s, &processed, &consumersWG)
		}
	}

	stop := make(chan struct{})
	var producers sync.WaitGroup
	for i := 0; i < 32; i++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			apiHandler(bus, seed, stop)
		}(int64(i + 1))
	}

	// An operator's debug tap attaches to a topic for a moment now and then.
	producers.Add(1)
	go func() {
		defer producers.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(40 * time.Millisecond):
			}
			tap := bus.Subscribe(topics[i%len(topics)], "debug-tap", 8)
			consumersWG.Add(1)
			go consume(tap, &processed, &consumersWG)
			time.Sleep(10 * time.Millisecond)
			bus.Unsubscribe(tap)
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	producers.Wait()
	bus.CloseAll()
	consumersWG.Wait()
	prof.Stop()

	log.Printf("orderflow: published=%d delivered=%d processed=%d",
		bus.published, bus.delivered, atomic.LoadUint64(&processed))
}
