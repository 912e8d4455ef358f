// Command l4lb is the connection-tracking part of a layer-4 load balancer.
// Each receive queue owns its flow table: the first packet of a flow picks a
// backend, later packets follow it, and flows are retired in the order they
// were opened once the table is at its configured capacity.
package main

import (
	"encoding/binary"
	"hash/maphash"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type flowKey struct {
	src, dst     uint32
	sport, dport uint16
	proto        uint8
}

type flowState struct {
	backend  int
	opened   int64
	packets  uint32
	bytes    uint64
	lastSeen int64
}

// conntrack is one receive queue's flow table. It is owned by a single
// goroutine, so it needs no lock.
type conntrack struct {
	flows    map[flowKey]*flowState
	order    []flowKey // ring of flows in opening order
	head     int
	capacity int
	backends int
	seed     maphash.Seed

	opened, retired, forwarded uint64
}

func newConntrack(capacity, backends int) *conntrack {
	return &conntrack{
		flows:    make(map[flowKey]*flowState, capacity),
		order:    make([]flowKey, 0, capacity),
		capacity: capacity,
		backends: backends,
		seed:     maphash.MakeSeed(),
	}
}

func (ct *conntrack) pickBackend(k flowKey) int {
	var buf [13]byte
	binary.BigEndian.PutUint32(buf[0:], k.src)
	binary.BigEndian.PutUint32(buf[4:], k.dst)
	binary.BigEndian.PutUint16(buf[8:], k.sport)
	binary.BigEndian.PutUint16(buf[10:], k.dport)
	buf[12] = k.proto
	return int(maphash.Bytes(ct.seed, buf[:]) % uint64(ct.backends))
}

// open starts tracking a new flow, retiring the oldest one if the table is full.
func (ct *conntrack) open(k flowKey, now int64) *flowState {
	if len(ct.order) < ct.capacity {
		ct.order = append(ct.order, k)
	} else {
		oldest := ct.order[ct.head]
		delete(ct.flows, oldest)
		ct.retired++
		ct.order[ct.head] = k
		ct.head = (ct.head + 1) % ct.capacity
	}
	st := &flowState{backend: ct.pickBackend(k), opened: now}
	ct.flows[k] = st
	ct.opened++
	return st
}

// forward accounts a packet and returns the backend it goes to.
func (ct *conntrack) forward(k flowKey, size int, now int64) int {
	st, ok := ct.flows[k]
	if !ok {
		st = ct.open(k, now)
	}
	st.packets++
	st.bytes += uint64(size)
	st.lastSeen = now
	ct.forwarded++
	return st.backend
}

type packet struct {
	key  flowKey
	size int
}

// trafficGen produces packets: mostly for recently opened flows, sometimes
// a new flow.
type trafficGen struct {
	r      *rand.Rand
	recent []flowKey
	next   int
	queue  uint32
}

func (g *trafficGen) packet() packet {
	if len(g.recent) == 0 || g.r.Intn(4) == 0 {
		k := flowKey{
			src:   0x0a000000 | g.r.Uint32()&0xffffff,
			dst:   0xc0a80000 | g.queue<<8 | uint32(g.r.Intn(16)),
			sport: uint16(1024 + g.r.Intn(60000)),
			dport: []uint16{443, 443, 443, 80, 8443}[g.r.Intn(5)],
			proto: 6,
		}
		if len(g.recent) < cap(g.recent) {
			g.recent = append(g.recent, k)
		} else {
			g.recent[g.next] = k
			g.next = (g.next + 1) % len(g.recent)
		}
		return packet{key: k, size: 60}
	}
	return packet{key: g.recent[g.r.Intn(len(g.recent))], size: 60 + g.r.Intn(1400)}
}

func main() {
	prof.Start()
	const queues = 4
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var total uint64
	tables := make([]*conntrack, queues)

	for q := 0; q < queues; q++ {
		ct := newConntrack(10000, 12)
		tables[q] = ct
		wg.Add(1)
		go func(q int, ct *conntrack) {
			defer wg.Done()
			gen := &trafficGen{r: rand.New(rand.NewSource(int64(q))), recent: make([]flowKey, 0, 7500), queue: uint32(q)}
			perBackend := make([]uint64, ct.backends)
			for n := 0; ; n++ {
				if n%256 == 0 {
					select {
					case <-stop:
						atomic.AddUint64(&total, ct.forwarded)
						return
					default:
					}
					// NIC interrupt coalescing: the queue drains in bursts.
					time.Sleep(100 * time.Microsecond)
				}
				p := gen.packet()
				perBackend[ct.forward(p.key, p.size, time.Now().UnixNano())]++
			}
		}(q, ct)
	}

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()
	for q, ct := range tables {
		log.Printf("queue %d: flows=%d opened=%d retired=%d", q, len(ct.flows), ct.opened, ct.retired)
	}
	log.Printf("forwarded=%d", atomic.LoadUint64(&total))
}
