// Command ap4-never-shrink simulates a websocket gateway whose connection
// registry keeps the size of its busiest moment forever (anti-pattern AP4).
//
// A reconnect storm registers one million connections
// ((*Registry).Register); then almost all of them go idle and
// (*Registry).Prune deletes them, leaving a few thousand. A Go map never
// gives its bucket array back, so from then on every heartbeat
// ((*Registry).Broadcast) and every idle sweep ((*Registry).Prune) ranges
// over the bucket array sized for a million keys to find the live few:
// runtime.mapiterinit / runtime.mapiternext take most of the CPU although
// the work done per tick is small, and the heap keeps the peak-sized bucket
// array (allocated, in the storm, by runtime.hashGrow / makeBucketArray under
// mapassign_fast64 under Register).
//
// Only the steady state after the storm is CPU-profiled, as a production
// profile taken later would be; the heap profile (after a GC) shows what the
// registry still holds.
//
// The fixed registry is another program, ap4-never-shrink-fixed: the fix is
// the registry's own code, so each program's source holds only its version.
//
// With -moderate, the registry stays oversized but every tick the gateway
// also reads the messages its live clients sent (handleInbound), unrelated
// healthy work that brings the iteration down to a minor share of the CPU.
// The event loop gives inbound traffic five times the CPU time that
// Broadcast and Prune have taken so far (process CPU time, from getrusage),
// so the share is about the same whatever the Go version (a sparse
// Swiss-table map iterates at another speed than a sparse bucket array) and
// the load on the machine. That run lasts 6 s instead
// of 3 s, to collect as many samples of the pattern.
package main

import (
	"proflens/samples/internal/gateway"
	"proflens/samples/internal/harness"
)

// Registry maps connection IDs to connections.
type Registry struct {
	conns map[uint64]*gateway.Conn
	peak  int // largest len(conns)
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

// Prune drops connections idle for more than maxIdle ticks. Anti-pattern:
// the map is emptied key by key and kept, with the table of its peak size.
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
	return n
}

func main() {
	gateway.Run("ap4-never-shrink", "ap4-never-shrink: connection registry map that keeps its peak-sized table (AP4)",
		harness.Moderate, &Registry{conns: make(map[uint64]*gateway.Conn)})
}
