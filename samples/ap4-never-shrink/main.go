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
// With -fixed, Prune rebuilds the map (copies the live entries into a new
// map sized for them and drops the old one) when it has shrunk below a
// quarter of its peak: the fix from antipatterns.md.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"proflens/samples/internal/harness"
)

// Conn is one client connection.
type Conn struct {
	ID       uint64
	Peer     string
	LastSeen int64 // tick of the last message from the client
	Outbox   []byte
	Sent     int64
}

// Registry maps connection IDs to connections.
type Registry struct {
	fixed bool
	conns map[uint64]*Conn
	peak  int // largest len(conns) since the map was (re)built
}

// NewRegistry returns an empty registry.
func NewRegistry(fixed bool) *Registry {
	return &Registry{fixed: fixed, conns: make(map[uint64]*Conn)}
}

// Register adds a connection.
//
//go:noinline
func (r *Registry) Register(c *Conn) {
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

// Prune drops connections idle for more than maxIdle ticks.
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
	if r.fixed && len(r.conns) < r.peak/4 {
		// Fix: the map has shrunk far below its peak; copy the live
		// entries into a map sized for them and let the old one go.
		compact := make(map[uint64]*Conn, len(r.conns))
		for id, c := range r.conns {
			compact[id] = c
		}
		r.conns = compact
		r.peak = len(compact)
	}
	return n
}

// Broadcast queues a heartbeat frame on every connection.
//
//go:noinline
func (r *Registry) Broadcast(tick int64) int {
	sent := 0
	for _, c := range r.conns {
		c.Outbox = appendFrame(c.Outbox[:0], c, tick)
		c.Sent += int64(len(c.Outbox))
		sent++
	}
	return sent
}

// appendFrame appends a masked websocket text frame carrying a JSON heartbeat.
func appendFrame(dst []byte, c *Conn, tick int64) []byte {
	var payload [128]byte
	p := append(payload[:0], `{"type":"heartbeat","seq":`...)
	p = strconv.AppendInt(p, tick, 10)
	p = append(p, `,"conn":`...)
	p = strconv.AppendUint(p, c.ID, 10)
	p = append(p, `,"peer":"`...)
	p = append(p, c.Peer...)
	p = append(p, `"}`...)
	mask := [4]byte{byte(c.ID), byte(c.ID >> 8), byte(tick), byte(tick >> 8)}
	dst = append(dst, 0x81, 0x80|byte(len(p)), mask[0], mask[1], mask[2], mask[3])
	for i, b := range p {
		dst = append(dst, b^mask[i&3])
	}
	return dst
}

// connect opens a new connection.
func connect(r *Registry, id uint64, now int64) {
	r.Register(&Conn{ID: id, Peer: "10." + strconv.Itoa(int(id>>16&255)) + "." + strconv.Itoa(int(id>>8&255)) + "." + strconv.Itoa(int(id&255)), LastSeen: now})
}

func main() {
	opts := harness.ParseFlags("ap4-never-shrink: connection registry map that keeps its peak-sized bucket array (AP4)")
	const (
		storm   = 1_000_000 // connections during the reconnect storm
		live    = 3000      // connections that stay
		maxIdle = 8         // ticks
		runFor  = 3 * time.Second
	)

	reg := NewRegistry(opts.Fixed)
	var nextID uint64
	var now int64

	// The storm: everyone reconnects at once ...
	for i := 0; i < storm; i++ {
		nextID++
		connect(reg, nextID, now)
	}
	// ... and all but the last `live` connections go idle.
	now += maxIdle + 1
	for id := nextID - live + 1; id <= nextID; id++ {
		reg.conns[id].LastSeen = now
	}
	pruned := reg.Prune(now, maxIdle)
	fmt.Fprintf(os.Stderr, "ap4-never-shrink fixed=%v: storm of %d connections, pruned %d, %d left\n",
		opts.Fixed, storm, pruned, len(reg.conns))

	// Steady state: a little churn and a heartbeat every tick, an idle sweep
	// every fourth tick.
	harness.StartCPU(opts.Out)
	start := time.Now()
	var frames int64
	for time.Since(start) < runFor {
		now++
		for i := 0; i < 20; i++ { // new clients
			nextID++
			connect(reg, nextID, now)
		}
		for id := nextID - live + 1; id <= nextID; id += 3 { // clients that talked
			if c, ok := reg.conns[id]; ok {
				c.LastSeen = now
			}
		}
		reg.Unregister(nextID - live/2) // a client that hung up
		frames += int64(reg.Broadcast(now))
		if now%4 == 0 {
			reg.Prune(now, maxIdle)
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "ap4-never-shrink fixed=%v: %d ticks in %v, %d frames sent, %d connections live\n",
		opts.Fixed, now, elapsed.Round(time.Millisecond), frames, len(reg.conns))
}
