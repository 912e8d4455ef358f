// Command gateway is the push gateway of the live-scores app: clients hold a
// session open, subscribe to matches, and are dropped when they go idle.
// Kick-off of a big match brings a connection storm; most of those clients
// leave within seconds.
package main

import (
	"log"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

type session struct {
	id         uint64
	user       string
	device     string
	lastActive int64
	topics     []string
	pushed     int
}

type gateway struct {
	mu        sync.Mutex
	sessions  map[uint64]*session
	peak      int
	idleAfter time.Duration

	compactions int
	evicted     int
	pushes      int
}

func newGateway(idleAfter time.Duration) *gateway {
	return &gateway{sessions: make(map[uint64]*session), idleAfter: idleAfter}
}

func (g *gateway) connect(s *session) {
	g.mu.Lock()
	g.sessions[s.id] = s
	if n := len(g.sessions); n > g.peak {
		g.peak = n
	}
	g.mu.Unlock()
}

func (g *gateway) ping(id uint64, now int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.sessions[id]
	if ok {
		s.lastActive = now
	}
	return ok
}

// broadcast pushes a score update to every session subscribed to topic.
func (g *gateway) broadcast(topic string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, s := range g.sessions {
		for _, t := range s.topics {
			if t == topic {
				s.pushed++
				n++
				break
			}
		}
	}
	g.pushes += n
	return n
}

// reap drops idle sessions. A Go map keeps its peak-sized table after
// deletes, so once the table is mostly empty the survivors are moved to a
// right-sized map and the old one is released.
func (g *gateway) reap(now time.Time) {
	cutoff := now.Add(-g.idleAfter).UnixNano()
	g.mu.Lock()
	defer g.mu.Unlock()
	for id, s := range g.sessions {
		if s.lastActive < cutoff {
			delete(g.sessions, id)
			g.evicted++
		}
	}
	if len(g.sessions) < g.peak/4 {
		g.compactLocked()
	}
}

func (g *gateway) compactLocked() {
	live := make(map[uint64]*session, len(g.sessions))
	for id, s := range g.sessions {
		live[id] = s
	}
	g.sessions = live
	g.peak = len(live)
	g.compactions++
}

func (g *gateway) stats() (live, peak, compactions, evicted, pushes int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sessions), g.peak, g.compactions, g.evicted, g.pushes
}

var (
	devices = []string{"ios", "android", "web"}
	matches = []string{"ars-che", "liv-mci", "tot-new", "bri-avl", "ful-bre", "eve-wol"}
)

func newSession(r *rand.Rand, id uint64, now int64) *session {
	topics := []string{matches[r.Intn(len(matches))]}
	if r.Intn(3) == 0 {
		topics = append(topics, matches[r.Intn(len(matches))])
	}
	return &session{
		id:         id,
		user:       "fan-" + strconv.FormatUint(id*2654435761%1000003, 10),
		device:     devices[r.Intn(len(devices))],
		lastActive: now,
		topics:     topics,
	}
}

func main() {
	prof.Start()
	g := newGateway(300 * time.Millisecond)
	stop := make(chan struct{})
	stormOver := make(chan struct{})
	var wg sync.WaitGroup

	// Reaper and score feed.
	wg.Add(2)
	go func() {
		defer wg.Done()
		t := time.NewTicker(4 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				g.reap(now)
			}
		}
	}()
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewSource(99))
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				g.broadcast(matches[r.Intn(len(matches))])
			}
		}
	}()

	// Kick-off storm: a few hundred thousand short-lived connections.
	go func() {
		r := rand.New(rand.NewSource(1))
		for id := uint64(1); id <= 200000; id++ {
			g.connect(newSession(r, id, time.Now().UnixNano()))
		}
		close(stormOver)
	}()

	// Regulars: a couple of thousand clients that stay and ping.
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(100 + c)))
			var mine []uint64
			for i := 0; i < 600; i++ {
				id := uint64(1_000_000*(c+1) + i)
				g.connect(newSession(r, id, time.Now().UnixNano()))
				mine = append(mine, id)
			}
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case now := <-t.C:
					for k := 0; k < 60; k++ {
						i := r.Intn(len(mine))
						if !g.ping(mine[i], now.UnixNano()) {
							// Dropped while idle: reconnect with a new session.
							mine[i] = mine[i] + 10_000
							g.connect(newSession(r, mine[i], now.UnixNano()))
						}
					}
				}
			}
		}(c)
	}

	<-stormOver
	time.Sleep(700 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(time.Second)
	prof.Goroutines()
	time.Sleep(2300 * time.Millisecond)
	close(stop)
	wg.Wait()
	prof.Stop()
	live, peak, compactions, evicted, pushes := g.stats()
	log.Printf("live=%d peak=%d compactions=%d evicted=%d pushes=%d", live, peak, compactions, evicted, pushes)
}
