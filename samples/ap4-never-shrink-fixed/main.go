// Command ap4-never-shrink-fixed is ap4-never-shrink with the fix from
// antipatterns.md: when a sweep leaves the registry's map below a quarter of
// its peak, Prune copies the live entries into a map sized for them and drops
// the old one. The same gateway (samples/internal/gateway) runs on it, so the
// two programs' profiles line up function by function.
package main

import (
	"proflens/samples/internal/gateway"
	"proflens/samples/internal/harness"
)

// Registry maps connection IDs to connections.
type Registry struct {
	conns map[uint64]*gateway.Conn
	peak  int // largest len(conns) since the map was (re)built
}

// Register adds a connection.
//
//go:noinline
func (r *Registry) Register(c *gateway.Conn) {
	r.conns[c.ID] = c
	if len(r.conns) > r.peak {
		r.peak = len(r.conns)
	}
}

// Unregister removes a connection the client closed.
//
//go:noinline
func (r *Registry) Unregister(id uint64) {
	delete(r.conns, id)
}

// Lookup finds a connection.
func (r *Registry) Lookup(id uint64) (*gateway.Conn, bool) {
	c, ok := r.conns[id]
	return c, ok
}

// Len is the number of connections.
func (r *Registry) Len() int { return len(r.conns) }

// Broadcast queues a heartbeat frame on every connection.
//
//go:noinline
func (r *Registry) Broadcast(tick int64) int {
	sent := 0
	for _, c := range r.conns {
		c.Outbox = gateway.AppendFrame(c.Outbox[:0], c, tick)
		c.Sent += int64(len(c.Outbox))
		sent++
	}
	return sent
}

// Prune drops connections idle for more than maxIdle ticks, and rebuilds the
// map once it has shrunk far below its peak.
//
//go:noinline
func (r *Registry) Prune(now, maxIdle int64) int {
	n := 0
	for id, c := range r.conns {
		if now-c.LastSeen > maxIdle {
			delete(r.conns, id)
			n++
		}
	}
	if len(r.conns) < r.peak/4 {
		// Fix: copy the live entries into a map sized for them and let the
		// old one, with its peak-sized table, go.
		compact := make(map[uint64]*gateway.Conn, len(r.conns))
		for id, c := range r.conns {
			compact[id] = c
		}
		r.conns = compact
		r.peak = len(compact)
	}
	return n
}

func main() {
	gateway.Run("ap4-never-shrink-fixed", "ap4-never-shrink-fixed: connection registry map rebuilt once it has shrunk (AP4, fixed)",
		harness.Moderate, &Registry{conns: make(map[uint64]*gateway.Conn)})
}
