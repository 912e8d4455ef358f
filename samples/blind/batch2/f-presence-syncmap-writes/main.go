// Command presence keeps track of which users are online for a chat
// gateway: every connection heartbeats, disconnects drop the user, and a
// reaper expires users whose connection died silently.
package main

import (
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// lastSeen maps a user id to the time of its last heartbeat.
var lastSeen sync.Map

var (
	heartbeats  uint64
	connects    uint64
	disconnects uint64
	expired     uint64
	lookups     uint64
)

const offlineAfter = 300 * time.Millisecond

// heartbeat records that a user is alive.
func heartbeat(user string, now time.Time) {
	lastSeen.Store(user, now)
	atomic.AddUint64(&heartbeats, 1)
}

// goOffline removes a user that closed its connection.
func goOffline(user string) {
	lastSeen.Delete(user)
	atomic.AddUint64(&disconnects, 1)
}

// isOnline answers the "is this contact online" query of the client UI.
func isOnline(user string, now time.Time) bool {
	atomic.AddUint64(&lookups, 1)
	v, ok := lastSeen.Load(user)
	return ok && now.Sub(v.(time.Time)) < offlineAfter
}

// reap expires users that stopped heartbeating without disconnecting.
func reap(now time.Time) int {
	n := 0
	lastSeen.Range(func(k, v interface{}) bool {
		if now.Sub(v.(time.Time)) > offlineAfter {
			lastSeen.Delete(k)
			n++
		}
		return true
	})
	atomic.AddUint64(&expired, uint64(n))
	return n
}

// gateway simulates one edge node with its connected users.
func gateway(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rnd := rand.New(rand.NewSource(int64(id)))
	conns := make([]string, 0, 4096)
	for op := 0; ; op++ {
		if op%256 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(200 * time.Microsecond)
		}
		now := time.Now()
		switch r := rnd.Intn(100); {
		case r < 12 || len(conns) < 64:
			// a new session: user ids are per-login tokens
			u := "sess:" + strconv.Itoa(id) + ":" + strconv.FormatUint(rnd.Uint64()>>20, 36)
			conns = append(conns, u)
			heartbeat(u, now)
			atomic.AddUint64(&connects, 1)
		case r < 24 && len(conns) > 0:
			i := rnd.Intn(len(conns))
			u := conns[i]
			conns[i] = conns[len(conns)-1]
			conns = conns[:len(conns)-1]
			if rnd.Intn(5) == 0 {
				continue // connection died silently; the reaper will find it
			}
			goOffline(u)
		case r < 26:
			isOnline(conns[rnd.Intn(len(conns))], now)
		default:
			heartbeat(conns[rnd.Intn(len(conns))], now)
		}
	}
}

func main() {
	prof.Start()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go gateway(g, stop, &wg)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				reap(now)
			}
		}
	}()

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	log.Printf("heartbeats=%d connects=%d disconnects=%d expired=%d lookups=%d",
		atomic.LoadUint64(&heartbeats), atomic.LoadUint64(&connects),
		atomic.LoadUint64(&disconnects), atomic.LoadUint64(&expired), atomic.LoadUint64(&lookups))
	prof.Stop()
}
