// Command presenced tracks who is online for a chat product. Gateway
// processes hold the users' websocket connections; every heartbeat a client
// sends is forwarded here and recorded as the user's "last seen" time. The
// friends-list and admin dashboards occasionally ask who is online.
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

type status uint8

const (
	statusOnline status = iota + 1
	statusAway
	statusBusy
)

// Presence is what the service knows about a connected user.
type Presence struct {
	LastSeen int64 // unix nanos
	Gateway  uint16
	Status   status
	Client   uint8
}

// Registry maps user id (uint64) to Presence. It is shared by every gateway
// stream goroutine.
type Registry struct {
	users sync.Map
	beats uint64
}

// Touch records a heartbeat from user.
func (r *Registry) Touch(user uint64, p Presence) {
	r.users.Store(user, p)
	atomic.AddUint64(&r.beats, 1)
}

// Drop forgets a user whose connection closed.
func (r *Registry) Drop(user uint64) { r.users.Delete(user) }

// IsOnline answers a single friend lookup.
func (r *Registry) IsOnline(user uint64, now int64) bool {
	v, ok := r.users.Load(user)
	return ok && now-v.(Presence).LastSeen < int64(30*time.Second)
}

// Snapshot counts online users per status for the dashboard.
func (r *Registry) Snapshot(now int64) map[status]int {
	out := make(map[status]int, 3)
	r.users.Range(func(_, v interface{}) bool {
		p := v.(Presence)
		if now-p.LastSeen < int64(30*time.Second) {
			out[p.Status]++
		}
		return true
	})
	return out
}

// heartbeat frame as the gateway forwards it: user id, status byte, client byte.
const frameLen = 10

// gatewayStream consumes the heartbeat stream of one gateway.
type gatewayStream struct {
	id        uint16
	reg       *Registry
	rng       *rand.Rand
	connected []uint64
	pool      []uint64 // users of this gateway's region not currently connected
	frame     [frameLen]byte
}

func (g *gatewayStream) decode(user uint64) (uint64, Presence) {
	binary.LittleEndian.PutUint64(g.frame[:8], user)
	g.frame[8] = byte(statusOnline) + byte(user%3)
	g.frame[9] = byte(user % 4)
	id := binary.LittleEndian.Uint64(g.frame[:8])
	return id, Presence{Gateway: g.id, Status: status(g.frame[8]), Client: g.frame[9]}
}

// pump processes one round of heartbeats: every connected user beats once,
// a few disconnect and a few new users connect.
func (g *gatewayStream) pump() {
	now := time.Now().UnixNano()
	for i, u := range g.connected {
		id, p := g.decode(u)
		p.LastSeen = now + int64(i)
		g.reg.Touch(id, p)
	}
	for k := 0; k < len(g.connected)/100; k++ {
		i := g.rng.Intn(len(g.connected))
		j := g.rng.Intn(len(g.pool))
		gone := g.connected[i]
		g.reg.Drop(gone)
		g.connected[i], g.pool[j] = g.pool[j], gone
	}
}

func main() {
	prof.Start()
	start := time.Now()

	reg := &Registry{}
	const gateways = 8
	const perGateway = 6000
	var streams []*gatewayStream
	next := uint64(1_000_000)
	for g := 0; g < gateways; g++ {
		s := &gatewayStream{id: uint16(g + 1), reg: reg, rng: rand.New(rand.NewSource(int64(g)))}
		for i := 0; i < perGateway; i++ {
			s.connected = append(s.connected, next)
			next++
		}
		for i := 0; i < 3*perGateway; i++ {
			s.pool = append(s.pool, next)
			next++
		}
		streams = append(streams, s)
	}

	var stop int32
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Add(1)
		go func(s *gatewayStream) {
			defer wg.Done()
			for atomic.LoadInt32(&stop) == 0 {
				s.pump()
			}
		}(s)
	}

	// The dashboards: a rare full snapshot and a trickle of friend lookups.
	var lookups, online int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewSource(99))
		snap := time.NewTicker(250 * time.Millisecond)
		defer snap.Stop()
		friends := time.NewTicker(20 * time.Millisecond)
		defer friends.Stop()
		for atomic.LoadInt32(&stop) == 0 {
			select {
			case <-snap.C:
				counts := reg.Snapshot(time.Now().UnixNano())
				online = int64(counts[statusOnline] + counts[statusAway] + counts[statusBusy])
			case <-friends.C:
				now := time.Now().UnixNano()
				for i := 0; i < 20; i++ {
					reg.IsOnline(1_000_000+uint64(r.Intn(int(next-1_000_000))), now)
					lookups++
				}
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	fmt.Printf("beats=%d lookups=%d online=%d elapsed=%s\n", atomic.LoadUint64(&reg.beats), lookups, online, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
