// Command eventbus is an in-process pub/sub broker used by the order
// service: domain events are published on topics and fanned out to the
// subscribers (projections, webhooks, audit) registered for that topic.
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Event struct {
	Topic   string
	Key     string
	Seq     uint64
	Payload []byte
	At      time.Time
}

type Subscriber struct {
	ID      int
	Name    string
	inbox   chan *Event
	dropped uint64
}

// Broker routes events to subscribers by topic.
type Broker struct {
	mu     sync.Mutex
	topics map[string][]*Subscriber
	seq    uint64
	nextID int
}

func NewBroker() *Broker {
	return &Broker{topics: make(map[string][]*Subscriber)}
}

func (b *Broker) Subscribe(topic, name string, buffer int) *Subscriber {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &Subscriber{ID: b.nextID, Name: name, inbox: make(chan *Event, buffer)}
	b.topics[topic] = append(b.topics[topic], s)
	return s
}

func (b *Broker) Unsubscribe(topic string, id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	subs := b.topics[topic]
	for i, s := range subs {
		if s.ID == id {
			kept := make([]*Subscriber, 0, len(subs)-1)
			kept = append(kept, subs[:i]...)
			b.topics[topic] = append(kept, subs[i+1:]...)
			return
		}
	}
}

// Publish delivers ev to every subscriber of its topic. Slow subscribers
// lose events rather than stall the publisher.
func (b *Broker) Publish(ev *Event) int {
	b.mu.Lock()
	b.seq++
	ev.Seq = b.seq
	delivered := 0
	for _, s := range b.topics[ev.Topic] {
		select {
		case s.inbox <- ev:
			delivered++
		default:
			s.dropped++
		}
	}
	b.mu.Unlock()
	return delivered
}

var topicNames = []string{
	"order.created", "order.paid", "order.shipped", "order.cancelled",
	"cart.updated", "inventory.reserved", "inventory.released", "refund.issued",
}

func main() {
	prof.Start()

	broker := NewBroker()
	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var consumers, producers sync.WaitGroup
	var consumed, published uint64

	consume := func(s *Subscriber) {
		defer consumers.Done()
		for ev := range s.inbox {
			if len(ev.Payload) > 0 && ev.Payload[0] == '{' {
				atomic.AddUint64(&consumed, 1)
			}
		}
	}
	for _, t := range topicNames {
		for _, kind := range []string{"projection", "webhook", "audit", "search-indexer", "metrics"} {
			s := broker.Subscribe(t, kind+"/"+t, 256)
			consumers.Add(1)
			go consume(s)
		}
	}

	// request handlers publishing domain events
	for p := 0; p < 12; p++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			r := rand.New(rand.NewSource(seed))
			payload := []byte(`{"order_id":"o-1","amount":1299,"currency":"EUR"}`)
			for {
				select {
				case <-stop:
					return
				default:
				}
				ev := &Event{
					Topic:   topicNames[r.Intn(len(topicNames))],
					Key:     fmt.Sprintf("o-%d", r.Intn(1e6)),
					Payload: payload,
					At:      time.Now(),
				}
				broker.Publish(ev)
				atomic.AddUint64(&published, 1)
			}
		}(int64(p))
	}

	// webhook endpoints come and go
	producers.Add(1)
	go func() {
		defer producers.Done()
		r := rand.New(rand.NewSource(99))
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			t := topicNames[r.Intn(len(topicNames))]
			s := broker.Subscribe(t, fmt.Sprintf("webhook-tmp-%d", i), 16)
			broker.Unsubscribe(t, s.ID)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	producers.Wait()

	prof.Stop()
	broker.mu.Lock()
	var dropped uint64
	for _, subs := range broker.topics {
		for _, s := range subs {
			dropped += s.dropped
			close(s.inbox)
		}
	}
	broker.mu.Unlock()
	consumers.Wait()
	fmt.Printf("published %d, consumed %d, dropped %d\n", atomic.LoadUint64(&published), atomic.LoadUint64(&consumed), dropped)
}
