// Command conntrackd keeps a table of live flows seen by an L4 proxy and
// expires idle ones. Flows are refreshed by the packet path; a janitor
// goroutine sweeps the table every tick and drops flows whose idle deadline
// has passed.
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type proto uint8

const (
	protoTCP proto = 6
	protoUDP proto = 17
)

// flowKey is the 5-tuple that identifies a flow.
type flowKey struct {
	srcIP, dstIP     uint32
	srcPort, dstPort uint16
	proto            proto
}

func (k flowKey) String() string {
	return fmt.Sprintf("%d.%d.%d.%d:%d->%d.%d.%d.%d:%d/%d",
		byte(k.srcIP>>24), byte(k.srcIP>>16), byte(k.srcIP>>8), byte(k.srcIP), k.srcPort,
		byte(k.dstIP>>24), byte(k.dstIP>>16), byte(k.dstIP>>8), byte(k.dstIP), k.dstPort, k.proto)
}

type flowState struct {
	lastSeen  int64 // unix nanos
	idleLimit int64 // nanos
	packets   uint32
	bytes     uint64
	backend   uint16
}

// FlowTable is the connection-tracking table shared by the packet path and
// the janitor.
type FlowTable struct {
	mu    sync.Mutex
	flows map[flowKey]flowState

	expired uint64
	sweeps  uint64
	peak    int
}

func NewFlowTable() *FlowTable {
	return &FlowTable{flows: make(map[flowKey]flowState)}
}

// Touch records a packet for the flow, creating it if needed.
func (t *FlowTable) Touch(k flowKey, size int, idle time.Duration, now int64) {
	t.mu.Lock()
	st, ok := t.flows[k]
	if !ok {
		st.idleLimit = int64(idle)
		st.backend = uint16(k.srcPort % 8)
	}
	st.lastSeen = now
	st.packets++
	st.bytes += uint64(size)
	t.flows[k] = st
	t.mu.Unlock()
}

// packet is one received datagram as seen by the flow tracker.
type packet struct {
	key  flowKey
	size int
}

// TouchBatch records a receive batch (one recvmmsg worth of packets) under
// a single lock acquisition (the NIC ring is drained in large batches).
func (t *FlowTable) TouchBatch(batch []packet, idle time.Duration, now int64) {
	t.mu.Lock()
	for _, p := range batch {
		st, ok := t.flows[p.key]
		if !ok {
			st.idleLimit = int64(idle)
			st.backend = uint16(p.key.srcPort % 8)
		}
		st.lastSeen = now
		st.packets++
		st.bytes += uint64(p.size)
		t.flows[p.key] = st
	}
	if n := len(t.flows); n > t.peak {
		t.peak = n
	}
	t.mu.Unlock()
}

// Len returns the number of tracked flows.
func (t *FlowTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.flows)
}

// sweep drops every flow whose idle deadline has passed.
func (t *FlowTable) sweep(now int64) int {
	n := 0
	t.mu.Lock()
	for k, st := range t.flows {
		if now-st.lastSeen > st.idleLimit {
			delete(t.flows, k)
			n++
		}
	}
	t.sweeps++
	t.expired += uint64(n)
	t.mu.Unlock()
	return n
}

// runJanitor sweeps the table on every tick until stop is closed.
func runJanitor(t *FlowTable, every time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			t.sweep(now.UnixNano())
		}
	}
}

// spike simulates a SYN flood / retry storm: a burst of short-lived flows
// from many client addresses that go idle right away.
func spike(t *FlowTable, flows int, workers int) {
	var wg sync.WaitGroup
	per := flows / workers
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			batch := make([]packet, 0, 16384)
			for i := 0; i < per; i++ {
				batch = append(batch, packet{key: flowKey{
					srcIP:   0x0a000000 | uint32(r.Intn(1<<24)),
					dstIP:   0xc0a80001,
					srcPort: uint16(1024 + r.Intn(60000)),
					dstPort: 443,
					proto:   protoTCP,
				}, size: 60})
				if len(batch) == cap(batch) || i == per-1 {
					t.TouchBatch(batch, time.Second, time.Now().UnixNano())
					batch = batch[:0]
				}
			}
		}(w)
	}
	wg.Wait()
}

// steadyClients keeps a fixed set of long-lived flows refreshed, as the
// proxy sees once the storm is over.
func steadyClients(t *FlowTable, n int, stop <-chan struct{}, pkts *uint64, done *sync.WaitGroup) {
	defer done.Done()
	keys := make([]flowKey, n)
	for i := range keys {
		keys[i] = flowKey{srcIP: 0x0a630000 | uint32(i), dstIP: 0xc0a80001,
			srcPort: uint16(40000 + i), dstPort: 8443, proto: protoTCP}
	}
	r := rand.New(rand.NewSource(99))
	for {
		select {
		case <-stop:
			return
		default:
		}
		for j := 0; j < 20; j++ {
			k := keys[r.Intn(n)]
			t.Touch(k, 200+r.Intn(1200), 30*time.Second, time.Now().UnixNano())
			atomic.AddUint64(pkts, 1)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	began := time.Now()

	table := NewFlowTable()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pkts uint64

	wg.Add(2)
	go runJanitor(table, time.Millisecond, stop, &wg)
	go steadyClients(table, 100, stop, &pkts, &wg)

	spike(table, 500000, 2)
	table.mu.Lock()
	fmt.Printf("spike done after %v: %d flows tracked (peak %d)\n", time.Since(began).Round(time.Millisecond), len(table.flows), table.peak)
	table.mu.Unlock()

	time.Sleep(time.Until(began.Add(2 * time.Second)))
	fmt.Printf("t=%v flows=%d\n", time.Since(began).Round(time.Millisecond), table.Len())
	prof.HeapEarly()

	time.Sleep(time.Until(began.Add(3 * time.Second)))
	prof.Goroutines()

	time.Sleep(time.Until(began.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	table.mu.Lock()
	fmt.Printf("t=%v flows=%d sweeps=%d expired=%d packets=%d\n",
		time.Since(began).Round(time.Millisecond), len(table.flows), table.sweeps, table.expired, atomic.LoadUint64(&pkts))
	table.mu.Unlock()
}
