package main

import (
	"sync"
	"time"
)

// Event is what producers publish on the bus.
type Event struct {
	Topic   string
	Key     string
	Seq     uint64
	At      time.Time
	Payload []byte
}

type subscription struct {
	id    uint64
	name  string
	topic string
	ch    chan Event
}

// Bus is the in-process event bus shared by every module of the service.
type Bus struct {
	mu        sync.Mutex
	topics    map[string][]*subscription
	nextID    uint64
	published uint64
	delivered uint64
}

func NewBus() *Bus {
	return &Bus{topics: make(map[string][]*subscription)}
}

// Subscribe attaches a consumer to topic with a buffered inbox.
func (b *Bus) Subscribe(topic, name string, buffer int) *subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	s := &subscription{id: b.nextID, name: name, topic: topic, ch: make(chan Event, buffer)}
	b.topics[topic] = append(b.topics[topic], s)
	return s
}

// Unsubscribe detaches s and closes its inbox.
func (b *Bus) Unsubscribe(s *subscription) {
	b.mu.Lock()
	subs := b.topics[s.topic]
	for i, x := range subs {
		if x.id == s.id {
			subs = append(subs[:i:i], subs[i+1:]...)
			break
		}
	}
	if len(subs) == 0 {
		delete(b.topics, s.topic)
	} else {
		b.topics[s.topic] = subs
	}
	b.mu.Unlock()
	close(s.ch)
}

// Publish delivers ev to every subscriber of its topic, in subscription
// order, and returns how many received it.
func (b *Bus) Publish(ev Event) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	subs := b.topics[ev.Topic]
	for _, s := range subs {
		s.ch <- ev
	}
	b.published++
	b.delivered += uint64(len(subs))
	return len(subs)
}

// CloseAll detaches every subscriber (used at shutdown).
func (b *Bus) CloseAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for topic, subs := range b.topics {
		for _, s := range subs {
			close(s.ch)
		}
		delete(b.topics, topic)
	}
}
