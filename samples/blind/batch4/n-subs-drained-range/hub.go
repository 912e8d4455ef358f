package main

import (
	"sync"
	"time"
)

// SubID identifies one websocket subscription.
type SubID uint64

// Subscription is one client's interest in a topic.
type Subscription struct {
	ID       SubID
	Topic    string
	Conn     *conn
	Created  time.Time
	LastPong time.Time
	Missed   int
}

// conn stands in for the websocket connection a subscription writes to.
// A conn without an out channel is the shared relay link to the edge
// proxies, which coalesce control frames themselves.
type conn struct {
	out     chan []byte
	dropped int
}

func (c *conn) send(frame []byte) bool {
	if c.out == nil {
		return true
	}
	select {
	case c.out <- frame:
		return true
	default:
		c.dropped++
		return false
	}
}

// Hub tracks every live subscription of this node.
type Hub struct {
	mu     sync.Mutex
	subs   map[SubID]*Subscription
	nextID SubID

	pings, timeouts int
}

func NewHub() *Hub {
	return &Hub{subs: make(map[SubID]*Subscription)}
}

func (h *Hub) Subscribe(topic string, c *conn) SubID {
	now := time.Now()
	h.mu.Lock()
	h.nextID++
	id := h.nextID
	h.subs[id] = &Subscription{ID: id, Topic: topic, Conn: c, Created: now, LastPong: now}
	h.mu.Unlock()
	return id
}

// SubscribeAll registers a burst of subscriptions arriving together on one
// relay link (an edge proxy replaying its clients after a reconnect).
func (h *Hub) SubscribeAll(topics []string, c *conn) []SubID {
	now := time.Now()
	ids := make([]SubID, len(topics))
	h.mu.Lock()
	for i, topic := range topics {
		h.nextID++
		ids[i] = h.nextID
		h.subs[ids[i]] = &Subscription{ID: ids[i], Topic: topic, Conn: c, Created: now, LastPong: now}
	}
	h.mu.Unlock()
	return ids
}

// UnsubscribeAll removes a burst of subscriptions.
func (h *Hub) UnsubscribeAll(ids []SubID) {
	h.mu.Lock()
	for _, id := range ids {
		delete(h.subs, id)
	}
	h.mu.Unlock()
}

func (h *Hub) Unsubscribe(id SubID) {
	h.mu.Lock()
	delete(h.subs, id)
	h.mu.Unlock()
}

func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

var pingFrame = []byte{0x89, 0x00}

// heartbeat pings every subscription and drops those that stopped answering.
func (h *Hub) heartbeat(now time.Time, timeout time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, s := range h.subs {
		if s.Conn.send(pingFrame) {
			s.LastPong = now
			s.Missed = 0
			h.pings++
			continue
		}
		s.Missed++
		if now.Sub(s.LastPong) > timeout {
			delete(h.subs, id)
			h.timeouts++
		}
	}
}
