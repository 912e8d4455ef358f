// Command natd tracks connections for a userspace NAT gateway: the packet
// path opens and touches flows, FIN/RST closes them, and a janitor expires
// flows that went idle without a clean close.
package main

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type proto uint8

const (
	tcp proto = 6
	udp proto = 17
)

// flowKey is the 5-tuple of a tracked flow.
type flowKey struct {
	src, dst     [4]byte
	sport, dport uint16
	proto        proto
}

type flowState uint8

const (
	stateSynSent flowState = iota
	stateEstablished
	stateFinWait
)

type conn struct {
	state    flowState
	natPort  uint16
	packets  uint64
	bytes    uint64
	lastSeen int64 // unix nanos
}

// Tracker is the connection-tracking table.
type Tracker struct {
	mu       sync.Mutex
	conns    map[flowKey]conn
	nextPort uint16
	idleTCP  time.Duration
	idleUDP  time.Duration

	opened, closed, expired uint64
}

func NewTracker() *Tracker {
	return &Tracker{
		conns:    make(map[flowKey]conn),
		nextPort: 1024,
		idleTCP:  2 * time.Minute,
		idleUDP:  30 * time.Second,
	}
}

// Packet records one packet of a flow, opening the flow if needed.
func (t *Tracker) Packet(k flowKey, size int, now int64) conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.conns[k]
	if !ok {
		c = t.open()
	} else if c.state == stateSynSent {
		c.state = stateEstablished
	}
	c.packets++
	c.bytes += uint64(size)
	c.lastSeen = now
	t.conns[k] = c
	return c
}

// open allocates a NAT port for a new flow. Called with t.mu held.
func (t *Tracker) open() conn {
	t.nextPort++
	if t.nextPort < 1024 {
		t.nextPort = 1024
	}
	t.opened++
	return conn{state: stateSynSent, natPort: t.nextPort}
}

// PacketBurst records one receive-ring's worth of packets under a single
// lock hold.
func (t *Tracker) PacketBurst(keys []flowKey, size int, now int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		c, ok := t.conns[k]
		if !ok {
			c = t.open()
		}
		c.packets++
		c.bytes += uint64(size)
		c.lastSeen = now
		t.conns[k] = c
	}
}

// CloseBurst handles a ring's worth of FIN/RST packets.
func (t *Tracker) CloseBurst(keys []flowKey) {
	t.mu.Lock()
	defer t.mu.Unlock()
	before := len(t.conns)
	for _, k := range keys {
		delete(t.conns, k)
	}
	t.closed += uint64(before - len(t.conns))
}

// Close handles a FIN/RST: the flow is forgotten at once.
func (t *Tracker) Close(k flowKey) {
	t.mu.Lock()
	if _, ok := t.conns[k]; ok {
		delete(t.conns, k)
		t.closed++
	}
	t.mu.Unlock()
}

// expireIdle drops flows idle for longer than their protocol's timeout.
// The janitor is best effort: if the packet path holds the table, it skips
// this round rather than stall forwarding.
func (t *Tracker) expireIdle(now int64) int {
	if !t.mu.TryLock() {
		return 0
	}
	defer t.mu.Unlock()
	n := 0
	for k, c := range t.conns {
		idle := t.idleTCP
		if k.proto == udp {
			idle = t.idleUDP
		}
		if now-c.lastSeen > int64(idle) {
			delete(t.conns, k)
			n++
		}
	}
	t.expired += uint64(n)
	return n
}

func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

func janitor(t *Tracker, every time.Duration, stop <-chan struct{}, done func()) {
	defer done()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			t.expireIdle(now.UnixNano())
		}
	}
}

func randomFlow(rng *rand.Rand) flowKey {
	var k flowKey
	binary.BigEndian.PutUint32(k.src[:], 0x0a000000|uint32(rng.Intn(1<<20)))
	binary.BigEndian.PutUint32(k.dst[:], rng.Uint32())
	k.sport = uint16(1024 + rng.Intn(60000))
	k.dport = []uint16{443, 80, 53, 8443, 5432}[rng.Intn(5)]
	k.proto = tcp
	if k.dport == 53 {
		k.proto = udp
	}
	return k
}

// surge replays a traffic spike: a flash crowd opens many flows, then they
// all finish.
func surge(t *Tracker, flows int, rng *rand.Rand) {
	const ring = 65536
	keys := make([]flowKey, flows)
	for i := range keys {
		keys[i] = randomFlow(rng)
	}
	for i := 0; i < len(keys); i += ring {
		t.PacketBurst(keys[i:imin(i+ring, len(keys))], 60, time.Now().UnixNano())
	}
	for i := 0; i < len(keys); i += ring {
		t.CloseBurst(keys[i:imin(i+ring, len(keys))])
	}
}

func imin(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// steady is the ordinary background traffic once the spike is over.
func steady(t *Tracker, seed int64, stop <-chan struct{}, pkts *uint64, done func()) {
	defer done()
	rng := rand.New(rand.NewSource(seed))
	live := make([]flowKey, 0, 256)
	for {
		select {
		case <-stop:
			return
		default:
		}
		now := time.Now().UnixNano()
		for i := 0; i < 32; i++ {
			if len(live) < 300 && (len(live) < 50 || rng.Intn(6) == 0) {
				live = append(live, randomFlow(rng))
			}
			j := rng.Intn(len(live))
			t.Packet(live[j], 200+rng.Intn(1200), now)
			atomic.AddUint64(pkts, 1)
			if rng.Intn(8) == 0 {
				t.Close(live[j])
				live[j] = live[len(live)-1]
				live = live[:len(live)-1]
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	const runFor = 7 * time.Second
	t0 := time.Now()

	tr := NewTracker()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pkts uint64

	wg.Add(1)
	go janitor(tr, time.Millisecond, stop, wg.Done)

	surge(tr, 300000, rand.New(rand.NewSource(1)))
	fmt.Printf("surge over after %v, %d flows left\n", time.Since(t0).Round(time.Millisecond), tr.Len())

	for i := 0; i < 2; i++ {
		wg.Add(1)
		go steady(tr, int64(i+2), stop, &pkts, wg.Done)
	}

	time.Sleep(runFor/3 - time.Since(t0))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	wg.Wait()

	prof.Stop()
	fmt.Printf("packets=%d opened=%d closed=%d expired=%d live=%d\n",
		atomic.LoadUint64(&pkts), tr.opened, tr.closed, tr.expired, tr.Len())
}
