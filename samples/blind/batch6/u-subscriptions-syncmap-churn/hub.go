package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// subKey identifies one subscription of one websocket connection.
type subKey struct {
	conn  uint64
	topic string
}

type subscription struct {
	conn   uint64
	topic  string
	since  time.Time
	filter string

	mu      sync.Mutex
	pending [][]byte // direct messages waiting for the writer loop
}

const maxPending = 8

// Hub tracks which connection listens to which topic.
type Hub struct {
	subs sync.Map // subKey -> *subscription

	subscribes   int64
	unsubscribes int64
	delivered    int64
	dropped      int64
}

func (h *Hub) Subscribe(conn uint64, topic, filter string) *subscription {
	s := &subscription{
		conn:   conn,
		topic:  topic,
		since:  time.Now(),
		filter: filter,
	}
	h.subs.Store(subKey{conn: conn, topic: topic}, s)
	atomic.AddInt64(&h.subscribes, 1)
	return s
}

func (h *Hub) Unsubscribe(conn uint64, topic string) {
	h.subs.Delete(subKey{conn: conn, topic: topic})
	atomic.AddInt64(&h.unsubscribes, 1)
}

// Deliver pushes a direct message to one connection's topic stream if the
// connection is still subscribed to it.
func (h *Hub) Deliver(conn uint64, topic string, msg []byte) bool {
	v, ok := h.subs.Load(subKey{conn: conn, topic: topic})
	if !ok {
		atomic.AddInt64(&h.dropped, 1)
		return false
	}
	s := v.(*subscription)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= maxPending {
		atomic.AddInt64(&h.dropped, 1)
		return false
	}
	s.pending = append(s.pending, msg)
	atomic.AddInt64(&h.delivered, 1)
	return true
}
