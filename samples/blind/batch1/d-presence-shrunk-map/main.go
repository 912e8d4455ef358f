// presenced tracks which users are online for the messaging backend.
// Clients heartbeat over their websocket; a user with no heartbeat for
// presenceTTL is considered gone. Message fan-out asks IsOnline before
// choosing push vs. websocket delivery.
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const presenceTTL = 800 * time.Millisecond

type presence struct {
	lastSeen int64 // unix nanos
	gateway  uint16
	device   uint8
	status   uint8 // 0 online, 1 away, 2 dnd
}

type Tracker struct {
	sync.RWMutex
	users   map[uint64]presence
	expired uint64
	sweeps  uint64
}

func NewTracker() *Tracker {
	return &Tracker{users: make(map[uint64]presence)}
}

func (t *Tracker) Heartbeat(user uint64, gw uint16, dev uint8, now int64) {
	t.Lock()
	p := t.users[user]
	p.lastSeen = now
	p.gateway = gw
	p.device = dev
	t.users[user] = p
	t.Unlock()
}

type snapshotEntry struct {
	user     uint64
	lastSeen int64
	gateway  uint16
}

// Restore loads the presence snapshot the previous instance left behind,
// so users do not flap offline across a deploy.
func (t *Tracker) Restore(snap []snapshotEntry) {
	t.Lock()
	for _, e := range snap {
		t.users[e.user] = presence{lastSeen: e.lastSeen, gateway: e.gateway}
	}
	t.Unlock()
}

func (t *Tracker) IsOnline(user uint64, now int64) (gw uint16, ok bool) {
	t.RLock()
	p, found := t.users[user]
	t.RUnlock()
	if !found || now-p.lastSeen > int64(presenceTTL) {
		return 0, false
	}
	return p.gateway, true
}

// Sweep drops users whose last heartbeat is older than the TTL and
// publishes the online gauge.
func (t *Tracker) Sweep(now int64) (online int) {
	t.Lock()
	defer t.Unlock()
	for id, p := range t.users {
		if now-p.lastSeen > int64(presenceTTL) {
			delete(t.users, id)
			t.expired++
		}
	}
	t.sweeps++
	return len(t.users)
}

// loadSnapshot stands in for reading the previous instance's snapshot: the
// evening peak left about a million sessions behind, most of which went
// quiet during the deploy.
func loadSnapshot(now time.Time) []snapshotEntry {
	r := rand.New(rand.NewSource(42))
	snap := make([]snapshotEntry, 0, 1000000)
	for u := uint64(0); u < 1000000; u++ {
		seen := now.Add(-time.Duration(r.Int63n(int64(presenceTTL)))).UnixNano()
		snap = append(snap, snapshotEntry{user: 1e8 + u*7, lastSeen: seen, gateway: uint16(r.Intn(64))})
	}
	return snap
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	tr := NewTracker()
	tr.Restore(loadSnapshot(start))
	restored := time.Since(start)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var gauge int64

	// expiry sweeper: the gauge feeds autoscaling, so it runs often.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				atomic.StoreInt64(&gauge, int64(tr.Sweep(now.UnixNano())))
			}
		}
	}()

	// Active users keep heartbeating every 200ms.
	const active = 1000
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				now := time.Now().UnixNano()
				for u := g; u < active; u += 4 {
					tr.Heartbeat(5e9+uint64(u), uint16(u%64), 1, now)
				}
				select {
				case <-stop:
					return
				case <-tick.C:
				}
			}
		}(g)
	}

	// Message fan-out: decide delivery path per recipient.
	var pushed, socket int64
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(100 + g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 200; i++ {
					var u uint64
					if r.Intn(2) == 0 {
						u = 5e9 + uint64(r.Intn(active))
					} else {
						u = 1e8 + uint64(r.Intn(1000000))*7
					}
					if _, ok := tr.IsOnline(u, time.Now().UnixNano()); ok {
						atomic.AddInt64(&socket, 1)
					} else {
						atomic.AddInt64(&pushed, 1)
					}
				}
				time.Sleep(2 * time.Millisecond)
			}
		}(g)
	}

	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()
	prof.Stop()

	tr.RLock()
	fmt.Printf("snapshot restored in %v; online now %d (gauge %d), expired %d, sweeps %d, deliveries socket=%d push=%d\n",
		restored.Round(time.Millisecond), len(tr.users), atomic.LoadInt64(&gauge), tr.expired, tr.sweeps, atomic.LoadInt64(&socket), atomic.LoadInt64(&pushed))
	tr.RUnlock()
}
