// Package gateway is the websocket gateway shared by the AP4 samples: its
// connections, frames, and event loop. The registry of connections (the
// map that does or does not keep its peak size) is each program's own, so
// that its code is all the program's source says about it.
package gateway

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

// Registry is what the gateway needs of a connection registry.
type Registry interface {
	Register(c *Conn)
	Unregister(id uint64)
	Lookup(id uint64) (*Conn, bool)
	// Prune drops connections idle for more than maxIdle ticks.
	Prune(now, maxIdle int64) int
	// Broadcast queues a heartbeat frame on every connection.
	Broadcast(tick int64) int
	Len() int
}

// appendFrame appends a masked websocket text frame carrying a JSON heartbeat.
func AppendFrame(dst []byte, c *Conn, tick int64) []byte {
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
func connect(r Registry, id uint64, now int64) {
	r.Register(&Conn{ID: id, Peer: "10." + strconv.Itoa(int(id>>16&255)) + "." + strconv.Itoa(int(id>>8&255)) + "." + strconv.Itoa(int(id&255)), LastSeen: now})
}

// Run parses the flags and runs the gateway on a new registry: the reconnect
// storm, the prune that leaves a few thousand connections, then the steady
// state, CPU-profiled.
func Run(name, about string, variants harness.Variants, registry Registry) {
	opts := harness.ParseFlags(about, variants)
	storm := harness.Size(1_000_000) // connections during the reconnect storm
	const (
		live    = 3000 // connections that stay
		maxIdle = 8    // ticks
	)

	// The -moderate run lasts longer: its iteration samples are fewer per
	// second, by design.
	runFor := harness.RunFor(3 * time.Second)
	if opts.Moderate {
		runFor = harness.RunFor(6 * time.Second)
	}

	reg := registry
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
		if c, ok := reg.Lookup(id); ok {
			c.LastSeen = now
		}
	}
	pruned := reg.Prune(now, maxIdle)
	fmt.Fprintf(os.Stderr, "%s: storm of %d connections, pruned %d, %d left\n", name, storm, pruned, reg.Len())

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
			if c, ok := reg.Lookup(id); ok {
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

	fmt.Fprintf(os.Stderr, "%s moderate=%v: %d ticks in %v, %d frames sent, %d received, %d connections live\n",
		name, opts.Moderate, now, elapsed.Round(time.Millisecond), frames, inbound, reg.Len())
}
