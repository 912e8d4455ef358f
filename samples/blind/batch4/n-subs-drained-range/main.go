// Command wsfanout is one node of a websocket fan-out tier. During a
// breaking-news broadcast storm hundreds of thousands of clients subscribe
// to live topics; when the event ends they leave again, and the node goes
// back to its usual few hundred subscribers. A heartbeat pings every
// subscriber every couple of milliseconds.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// pump flushes the regular subscribers' connections to their sockets.
func pump(conns []*conn, stop <-chan struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		for _, c := range conns {
			for n := len(c.out); n > 0; n-- {
				<-c.out
			}
		}
	}
}

// storm brings n short-lived viewers in through the edge relay, in bursts of
// frames, holds them for the broadcast, then lets them leave.
func storm(h *Hub, n, burst int, hold time.Duration, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	viewers := make([]SubID, 0, n)
	topics := make([]string, burst)
	for len(viewers) < n {
		for i := range topics {
			topics[i] = "live/" + strconv.Itoa(rng.Intn(40))
		}
		viewers = append(viewers, h.SubscribeAll(topics, relay)...)
	}
	time.Sleep(hold)
	rng.Shuffle(len(viewers), func(i, j int) { viewers[i], viewers[j] = viewers[j], viewers[i] })
	for len(viewers) > 0 {
		k := burst
		if k > len(viewers) {
			k = len(viewers)
		}
		h.UnsubscribeAll(viewers[:k])
		viewers = viewers[k:]
	}
}

var relay = &conn{}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	stop := make(chan struct{})

	hub := NewHub()

	// The regulars: a few hundred long-lived subscribers on their own sockets.
	regulars := make([]*conn, 300)
	for i := range regulars {
		regulars[i] = &conn{out: make(chan []byte, 64)}
		hub.Subscribe("news/"+strconv.Itoa(i%12), regulars[i])
	}
	pumpDone := make(chan struct{})
	go func() {
		defer close(pumpDone)
		pump(regulars, stop)
	}()

	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				hub.heartbeat(now, 5*time.Second)
			}
		}
	}()

	// The broadcast storm: 300k viewers arrive in four waves, stay for a
	// moment and leave.
	var waves sync.WaitGroup
	for w := 0; w < 4; w++ {
		waves.Add(1)
		go func(w int) {
			defer waves.Done()
			storm(hub, 75000, 75000, 200*time.Millisecond, int64(w))
		}(w)
	}
	waves.Wait()
	peakGone := time.Since(start)

	// Business as usual: a trickle of regulars coming and going.
	churnDone := make(chan struct{})
	go func() {
		defer close(churnDone)
		rng := rand.New(rand.NewSource(99))
		var recent []SubID
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			recent = append(recent, hub.Subscribe("news/"+strconv.Itoa(rng.Intn(12)), relay))
			if len(recent) > 20 {
				hub.Unsubscribe(recent[0])
				recent = recent[1:]
			}
		}
	}()

	time.Sleep(runFor/3 - time.Since(start))
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))

	close(stop)
	<-beatDone
	<-churnDone
	<-pumpDone
	elapsed := time.Since(start)
	prof.Stop()
	fmt.Fprintf(os.Stderr, "subs=%d pings=%d timeouts=%d storm over after %v, run %v\n",
		hub.Len(), hub.pings, hub.timeouts, peakGone.Round(time.Millisecond), elapsed.Round(time.Millisecond))
}
