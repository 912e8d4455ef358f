// Command mqttbroker is the connection registry of an MQTT-style broker
// front end. Connections are registered when the TCP handshake completes;
// a janitor closes connections that never finished the CONNECT exchange or
// that have gone quiet. This run replays the reconnect storm that follows a
// broker restart, followed by normal steady traffic.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type connState uint8

const (
	stateHandshake connState = iota
	stateOnline
	stateClosing
)

type ConnID uint64

// Conn is one client connection as seen by the broker.
type Conn struct {
	id         ConnID
	clientID   string
	remoteAddr [6]byte
	state      atomic.Uint32
	opened     int64
	lastActive atomic.Int64
	keepAlive  time.Duration
	inflight   atomic.Int32
}

// ConnTable maps connection ids to live connections.
type ConnTable struct {
	sync.RWMutex
	conns  map[ConnID]*Conn
	nextID atomic.Uint64

	handshakeTimeout time.Duration
	closed           atomic.Int64
	sweeps           atomic.Int64
}

func NewConnTable() *ConnTable {
	return &ConnTable{conns: make(map[ConnID]*Conn), handshakeTimeout: 400 * time.Millisecond}
}

// registry is the broker's connection table.
var registry = NewConnTable()

func (t *ConnTable) Register(clientID string, addr [6]byte, keepAlive time.Duration, now int64) *Conn {
	c := &Conn{id: ConnID(t.nextID.Add(1)), clientID: clientID, remoteAddr: addr, opened: now, keepAlive: keepAlive}
	c.lastActive.Store(now)
	t.Lock()
	t.conns[c.id] = c
	t.Unlock()
	return c
}

// RegisterBatch registers connections accepted together from the listen
// backlog under one lock.
func (t *ConnTable) RegisterBatch(conns []*Conn) {
	t.Lock()
	for _, c := range conns {
		c.id = ConnID(t.nextID.Add(1))
		t.conns[c.id] = c
	}
	t.Unlock()
}

func (t *ConnTable) Get(id ConnID) *Conn {
	t.RLock()
	c := t.conns[id]
	t.RUnlock()
	return c
}

func (t *ConnTable) Remove(id ConnID) {
	t.Lock()
	delete(t.conns, id)
	t.Unlock()
}

func (t *ConnTable) Len() int {
	t.RLock()
	defer t.RUnlock()
	return len(t.conns)
}

// sweepIdle closes connections whose CONNECT never arrived in time and
// connections silent for 1.5x their keep-alive.
func (t *ConnTable) sweepIdle(now int64, victims []ConnID) []ConnID {
	victims = victims[:0]
	hsDeadline := now - int64(t.handshakeTimeout)
	t.RLock()
	for id, c := range t.conns {
		switch connState(c.state.Load()) {
		case stateHandshake:
			if c.opened < hsDeadline {
				victims = append(victims, id)
			}
		case stateOnline:
			if now-c.lastActive.Load() > int64(c.keepAlive)*3/2 {
				victims = append(victims, id)
			}
		}
	}
	t.RUnlock()
	if len(victims) > 0 {
		t.Lock()
		for _, id := range victims {
			if c := t.conns[id]; c != nil {
				c.state.Store(uint32(stateClosing))
				delete(t.conns, id)
			}
		}
		t.Unlock()
		t.closed.Add(int64(len(victims)))
	}
	t.sweeps.Add(1)
	return victims
}

func (t *ConnTable) janitor(every time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	tick := time.NewTicker(every)
	defer tick.Stop()
	var victims []ConnID
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			victims = t.sweepIdle(now.UnixNano(), victims)
		}
	}
}

func randAddr(rng *rand.Rand) (a [6]byte) {
	rng.Read(a[:])
	return a
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	table := registry
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// Reconnect storm: the broker was restarted behind the load balancer and
	// every device reconnects at once; the listeners drain the backlog that
	// piled up during the restart before the maintenance loop is started.
	// Most of the sockets are retries that never send CONNECT.
	const stormConns = 450000
	var stormWG sync.WaitGroup
	for a := 0; a < 4; a++ {
		stormWG.Add(1)
		go func(seed int64) {
			defer stormWG.Done()
			rng := rand.New(rand.NewSource(seed))
			backlog := make([]*Conn, 0, 512)
			for i := 0; i < stormConns/4; i++ {
				now := time.Now().UnixNano()
				// the client id is only known once CONNECT arrives
				c := &Conn{remoteAddr: randAddr(rng), opened: now, keepAlive: 60 * time.Second}
				c.lastActive.Store(now)
				backlog = append(backlog, c)
				if len(backlog) == cap(backlog) {
					table.RegisterBatch(backlog)
					backlog = backlog[:0]
				}
			}
			table.RegisterBatch(backlog)
		}(int64(a))
	}
	stormWG.Wait()
	fmt.Fprintf(os.Stderr, "storm registered in %v, table=%d\n", time.Since(start).Round(time.Millisecond), table.Len())

	wg.Add(1)
	go table.janitor(3*time.Millisecond, stop, &wg)

	// Steady state: a few hundred devices that completed CONNECT and publish.
	const liveDevices = 400
	live := make([]ConnID, liveDevices)
	rng := rand.New(rand.NewSource(99))
	for i := range live {
		c := table.Register(fmt.Sprintf("sensor-%04d", i), randAddr(rng), 5*time.Second, time.Now().UnixNano())
		c.state.Store(uint32(stateOnline))
		live[i] = c.id
	}
	var published atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w + 10)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				slot := w + 4*rng.Intn(len(live)/4) // each worker owns every 4th device
				c := table.Get(live[slot])
				if c == nil {
					continue
				}
				c.inflight.Add(1)
				c.lastActive.Store(time.Now().UnixNano())
				published.Add(1)
				c.inflight.Add(-1)
				if rng.Intn(2000) == 0 {
					// device reconnects: old session dropped, new one registered
					table.Remove(c.id)
					nc := table.Register(c.clientID, c.remoteAddr, c.keepAlive, time.Now().UnixNano())
					nc.state.Store(uint32(stateOnline))
					live[slot] = nc.id
				}
				time.Sleep(50 * time.Microsecond)
			}
		}(w)
	}

	// Steady traffic for the rest of the run, at least 3.5 s after the storm.
	stormEnd := time.Since(start)
	end := runFor
	if stormEnd+3500*time.Millisecond > end {
		end = stormEnd + 3500*time.Millisecond
	}
	time.Sleep(stormEnd + (end-stormEnd)/4 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(stormEnd + (end-stormEnd)/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(end - time.Since(start))
	close(stop)
	wg.Wait()

	fmt.Fprintf(os.Stderr, "table=%d closed=%d sweeps=%d published=%d\n",
		table.Len(), table.closed.Load(), table.sweeps.Load(), published.Load())
	prof.Stop()
}
