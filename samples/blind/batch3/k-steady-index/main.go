// Command pushgw simulates a push-notification gateway: clients connect,
// receive a few frames and disconnect, at a steady churn rate; the gateway
// keeps an index of the live connections for routing.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var nextConnID uint64

// listener accepts connections for one network interface and keeps about
// `target` of them open: for every new connection an old one goes away.
func listener(ix *connIndex, seed int64, target int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	live := make([]uint64, 0, target)
	frame := make([]byte, 256)
	for round := 0; ; round++ {
		select {
		case <-stop:
			return // connections are closed by the shutdown path
		default:
		}
		now := time.Now()
		c := &Conn{
			ID:        atomic.AddUint64(&nextConnID, 1),
			UserID:    uint32(r.Intn(1 << 20)),
			Remote:    fmt.Sprintf("10.%d.%d.%d:%d", r.Intn(256), r.Intn(256), r.Intn(256), 1024+r.Intn(60000)),
			Opened:    now,
			LastFrame: now,
			sendBuf:   make([]byte, 512),
		}
		ix.add(c)
		if len(live) < target {
			live = append(live, c.ID)
		} else {
			// Replace a random old connection: it hangs up.
			k := r.Intn(len(live))
			ix.remove(live[k])
			live[k] = c.ID
		}
		for i := 0; i < 6; i++ {
			ix.push(live[r.Intn(len(live))], frame)
		}
		if round%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	ix := newConnIndex()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for l := 0; l < 3; l++ {
		wg.Add(1)
		go listener(ix, int64(l)+7, 4000, stop, &wg)
	}

	metrics := time.NewTicker(100 * time.Millisecond)
	defer metrics.Stop()
	early, gr := false, false
	var sweeps int
	var liveSum int
	for time.Since(t0) < runFor {
		now := <-metrics.C
		live, _ := ix.idleSweep(now, 50*time.Millisecond)
		liveSum += live
		sweeps++
		el := time.Since(t0)
		if !early && el >= runFor/3 {
			prof.HeapEarly()
			early = true
		}
		if !gr && el >= runFor/2 {
			prof.Goroutines()
			gr = true
		}
	}
	close(stop)
	wg.Wait()
	prof.Stop()
	log.Printf("pushgw: %d connections served, avg live %d, peak %d, %d left", atomic.LoadUint64(&nextConnID), liveSum/sweeps, ix.peak, len(ix.conns))
}
