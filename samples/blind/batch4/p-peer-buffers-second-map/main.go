// Command gossipd is a trimmed-down gossip relay: peers connect, receive a
// stream of framed messages through a per-peer send buffer, and disconnect.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	minSendBuf = 16 << 10
	maxSendBuf = 48 << 10
	frameHdr   = 12
)

// Peer is one live connection.
type Peer struct {
	ID      uint64
	Addr    string
	Since   time.Time
	sendBuf []byte
	sent    uint64
	frames  uint64
}

// addrStats is what the admin endpoint shows per remote address.
type addrStats struct {
	Addr      string
	FirstSeen time.Time
	Frames    uint64
	Bytes     uint64
	// Outbox is the peer's send buffer, kept so /debug/peers can dump
	// the last frames we sent to that address.
	Outbox []byte
}

// Node tracks connected peers and per-address statistics.
type Node struct {
	mu     sync.Mutex
	peers  map[uint64]*Peer
	byAddr map[string]*addrStats
	nextID uint64
}

func NewNode() *Node {
	return &Node{peers: make(map[uint64]*Peer), byAddr: make(map[string]*addrStats)}
}

// Connect registers a new peer and its send buffer.
func (n *Node) Connect(addr string, bufSize int) *Peer {
	p := &Peer{Addr: addr, Since: time.Now(), sendBuf: make([]byte, 0, bufSize)}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.nextID++
	p.ID = n.nextID
	n.peers[p.ID] = p
	n.byAddr[addr] = &addrStats{Addr: addr, FirstSeen: p.Since, Outbox: p.sendBuf}
	return p
}

// Disconnect drops the peer from the connected set and folds its counters
// into the per-address stats.
func (n *Node) Disconnect(p *Peer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.peers, p.ID)
	if st, ok := n.byAddr[p.Addr]; ok {
		st.Frames += p.frames
		st.Bytes += p.sent
	}
}

// Connected returns the number of live peers.
func (n *Node) Connected() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.peers)
}

// enqueue appends one framed message to the peer's send buffer, flushing
// it first when the frame would not fit.
func (p *Peer) enqueue(topic uint32, payload []byte) {
	need := frameHdr + len(payload)
	if len(p.sendBuf)+need > cap(p.sendBuf) {
		p.flush()
	}
	var hdr [frameHdr]byte
	binary.BigEndian.PutUint32(hdr[0:4], uint32(len(payload)))
	binary.BigEndian.PutUint32(hdr[4:8], topic)
	binary.BigEndian.PutUint32(hdr[8:12], crc32.ChecksumIEEE(payload))
	p.sendBuf = append(p.sendBuf, hdr[:]...)
	p.sendBuf = append(p.sendBuf, payload...)
	p.frames++
}

// flush "writes" the buffer to the socket.
func (p *Peer) flush() {
	p.sent += uint64(len(p.sendBuf))
	p.sendBuf = p.sendBuf[:0]
}

// serve plays one peer session: connect, stream some gossip, go away.
func serve(n *Node, rng *rand.Rand, worker int, gossip [][]byte, sessions *uint64) {
	addr := fmt.Sprintf("10.%d.%d.%d:%d", worker, rng.Intn(256), rng.Intn(256), 32768+rng.Intn(28000))
	p := n.Connect(addr, minSendBuf+rng.Intn(maxSendBuf-minSendBuf))
	rounds := 4 + rng.Intn(6)
	for r := 0; r < rounds; r++ {
		for i := 0; i < 40; i++ {
			msg := gossip[rng.Intn(len(gossip))]
			p.enqueue(uint32(rng.Intn(64)), msg)
		}
		time.Sleep(time.Millisecond)
	}
	p.flush()
	n.Disconnect(p)
	atomic.AddUint64(sessions, 1)
}

func main() {
	prof.Start()
	start := time.Now()

	node := NewNode()
	seed := rand.New(rand.NewSource(3))
	gossip := make([][]byte, 256)
	for i := range gossip {
		gossip[i] = make([]byte, 200+seed.Intn(1200))
		seed.Read(gossip[i])
	}

	var sessions uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(100 + w)))
			for {
				select {
				case <-done:
					return
				default:
				}
				serve(node, rng, w, gossip, &sessions)
			}
		}(w)
	}

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(done)
	wg.Wait()

	prof.Stop()

	node.mu.Lock()
	known := len(node.byAddr)
	node.mu.Unlock()
	log.Printf("gossipd: sessions=%d connected=%d known-addrs=%d", atomic.LoadUint64(&sessions), node.Connected(), known)
}
