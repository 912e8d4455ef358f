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
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
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

// inboundFrame builds the masked frame a client sends: a JSON position
// update, as a browser's websocket would.
func inboundFrame(dst []byte, id uint64, tick int64) []byte {
	var payload [160]byte
	p := append(payload[:0], `{"type":"position","conn":`...)
	p = strconv.AppendUint(p, id, 10)
	p = append(p, `,"seq":`...)
	p = strconv.AppendInt(p, tick, 10)
	p = append(p, `,"lat":`...)
	p = strconv.AppendFloat(p, 48.8+float64(id%1000)/7919, 'f', 6, 64)
	p = append(p, `,"lon":`...)
	p = strconv.AppendFloat(p, 2.3+float64(tick%1000)/7907, 'f', 6, 64)
	p = append(p, `}`...)
	mask := [4]byte{byte(id >> 3), byte(tick), byte(id), byte(tick >> 5)}
	dst = append(dst, 0x81, 0x80|byte(len(p)), mask[0], mask[1], mask[2], mask[3])
	for i, b := range p {
		dst = append(dst, b^mask[i&3])
	}
	return dst
}

// Position is what a client reports.
type Position struct {
	Seq      int64
	Lat, Lon float64
}

// handleInbound unmasks and parses one client frame and returns the
// reported position (the -moderate workload's healthy work).
//
//go:noinline
func handleInbound(frame []byte) (Position, bool) {
	if len(frame) < 6 || frame[0] != 0x81 {
		return Position{}, false
	}
	n := int(frame[1] & 0x7f)
	mask := frame[2:6]
	var buf [128]byte
	p := buf[:0]
	for i, b := range frame[6 : 6+n] {
		p = append(p, b^mask[i&3])
	}
	var pos Position
	field := func(name string) []byte {
		i := strings.Index(string(p), `"`+name+`":`)
		if i < 0 {
			return nil
		}
		v := p[i+len(name)+3:]
		end := 0
		for end < len(v) && v[end] != ',' && v[end] != '}' {
			end++
		}
		return v[:end]
	}
	var err error
	if pos.Seq, err = strconv.ParseInt(string(field("seq")), 10, 64); err != nil {
		return Position{}, false
	}
	if pos.Lat, err = strconv.ParseFloat(string(field("lat")), 64); err != nil {
		return Position{}, false
	}
	if pos.Lon, err = strconv.ParseFloat(string(field("lon")), 64); err != nil {
		return Position{}, false
	}
	return pos, true
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		harness.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// connect opens a new connection.
func connect(r *Registry, id uint64, now int64) {
	r.Register(&Conn{ID: id, Peer: "10." + strconv.Itoa(int(id>>16&255)) + "." + strconv.Itoa(int(id>>8&255)) + "." + strconv.Itoa(int(id&255)), LastSeen: now})
}

func main() {
	opts := harness.ParseFlags("ap4-never-shrink: connection registry map that keeps its peak-sized bucket array (AP4)",
		harness.Fixed|harness.Moderate)
	const (
		storm   = 1_000_000 // connections during the reconnect storm
		live    = 3000      // connections that stay
		maxIdle = 8         // ticks
	)

	// The -moderate run lasts longer: its iteration samples are fewer per
	// second, by design.
	runFor := 3 * time.Second
	if opts.Moderate {
		runFor = 6 * time.Second
	}

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
	var frames, inbound int64
	var registryCPU, inboundCPU time.Duration
	var frame []byte
	early := false
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
		c0 := cpuTime()
		frames += int64(reg.Broadcast(now))
		if now%4 == 0 {
			reg.Prune(now, maxIdle)
		}
		if opts.Moderate {
			// Inbound messages from the live clients, until they have had
			// 5x the CPU time of Broadcast and Prune.
			c1 := cpuTime()
			registryCPU += c1 - c0
			for m := uint64(0); ; m++ {
				if m%64 == 0 && inboundCPU+cpuTime()-c1 >= 5*registryCPU {
					break
				}
				frame = inboundFrame(frame[:0], nextID-m%live, now)
				if _, ok := handleInbound(frame); ok {
					inbound++
				}
			}
			inboundCPU += cpuTime() - c1
		}
		if !early && time.Since(start) >= runFor/2 {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "ap4-never-shrink fixed=%v moderate=%v: %d ticks in %v, %d frames sent, %d received, %d connections live\n",
		opts.Fixed, opts.Moderate, now, elapsed.Round(time.Millisecond), frames, inbound, len(reg.conns))
}
