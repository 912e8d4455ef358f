// Command natd is the user-space source-NAT of a small edge router. RX
// queues translate outbound packets through the flow table; a janitor
// expires idle mappings so their external ports can be reused.
package main

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
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

// flowKey identifies an outbound flow by its inside 5-tuple.
type flowKey struct {
	proto   proto
	src     [4]byte
	dst     [4]byte
	srcPort uint16
	dstPort uint16
}

type mapping struct {
	extPort  uint16
	extAddr  uint8 // index into the external address pool
	lastSeen int64
	packets  uint32
	bytes    uint64
}

type packet struct {
	key  flowKey
	size uint16
}

type NAT struct {
	mu       sync.Mutex
	flows    map[flowKey]mapping
	idle     time.Duration
	nextPort uint32

	created, expired, translated uint64
}

func NewNAT(idle time.Duration) *NAT {
	return &NAT{flows: make(map[flowKey]mapping), idle: idle}
}

// allocate picks the next external (address, port) pair.
func (n *NAT) allocate() (uint8, uint16) {
	p := n.nextPort
	n.nextPort++
	return uint8(p / 64512), uint16(1024 + p%64512)
}

// Translate rewrites a burst of packets read from one RX queue.
func (n *NAT) Translate(burst []packet, now int64, out []byte) []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range burst {
		m, ok := n.flows[p.key]
		if !ok {
			m.extAddr, m.extPort = n.allocate()
			n.created++
		}
		m.lastSeen = now
		m.packets++
		m.bytes += uint64(p.size)
		n.flows[p.key] = m
		out = append(out, 203, 0, 113, 10+m.extAddr)
		out = binary.BigEndian.AppendUint16(out, m.extPort)
		n.translated++
	}
	return out
}

// expireIdle drops mappings that saw no packet for n.idle.
func (n *NAT) expireIdle(now int64) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	cutoff := now - int64(n.idle)
	dropped := 0
	for k, m := range n.flows {
		if m.lastSeen < cutoff {
			delete(n.flows, k)
			dropped++
		}
	}
	n.expired += uint64(dropped)
	return dropped
}

func (n *NAT) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.flows)
}

func (n *NAT) Created() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.created
}

func janitor(n *NAT, every time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			n.expireIdle(now.UnixNano())
		}
	}
}

// rxQueue reads packets from the LAN side. Normally a few hundred hosts
// talk to a few services; during a flood every packet opens a new flow.
func rxQueue(q int, n *NAT, flood *int32, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(q)))
	burst := make([]packet, 0, 4096)
	var wire []byte
	seq := uint32(q) << 24
	for {
		select {
		case <-stop:
			return
		default:
		}
		burst = burst[:0]
		flooding := atomic.LoadInt32(flood) == 1
		size := 16
		if flooding {
			size = 4096
		}
		for i := 0; i < size; i++ {
			var k flowKey
			if flooding {
				seq++
				k = flowKey{proto: protoUDP, src: [4]byte{10, 1, byte(seq >> 8), byte(seq)},
					dst: [4]byte{198, 51, 100, byte(seq >> 16)}, srcPort: uint16(seq), dstPort: 53}
			} else {
				h := rng.Intn(300)
				k = flowKey{proto: protoTCP, src: [4]byte{10, 0, byte(h >> 8), byte(h)},
					dst: [4]byte{93, 184, 216, byte(h % 7)}, srcPort: uint16(40000 + h), dstPort: 443}
			}
			burst = append(burst, packet{key: k, size: uint16(64 + rng.Intn(1400))})
		}
		wire = n.Translate(burst, time.Now().UnixNano(), wire[:0])
		if !flooding {
			time.Sleep(500 * time.Microsecond)
		}
	}
}

func main() {
	prof.Start()

	nat := NewNAT(1500 * time.Millisecond)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var flood int32

	wg.Add(1)
	go janitor(nat, time.Millisecond, stop, &wg)
	for q := 0; q < 2; q++ {
		wg.Add(1)
		go rxQueue(q, nat, &flood, stop, &wg)
	}

	time.Sleep(200 * time.Millisecond)
	atomic.StoreInt32(&flood, 1)
	for nat.Created() < 300000 {
		time.Sleep(10 * time.Millisecond)
	}
	atomic.StoreInt32(&flood, 0)
	fmt.Fprintln(os.Stderr, "flood over, flows:", nat.Len())

	time.Sleep(1800 * time.Millisecond)
	fmt.Fprintln(os.Stderr, "after expiry, flows:", nat.Len())
	prof.HeapEarly()
	time.Sleep(1000 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(1800 * time.Millisecond)
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "flows=%d created=%d expired=%d translated=%d\n",
		nat.Len(), nat.created, nat.expired, nat.translated)
}
