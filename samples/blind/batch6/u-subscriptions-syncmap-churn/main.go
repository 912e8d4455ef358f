// wshub is the subscription registry of a websocket push gateway. Browser
// tabs connect, subscribe to market tickers and chat rooms as the user moves
// around the app, and drop off again; the gateway occasionally pushes a
// direct message to one connection's topic.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var topics = func() []string {
	var t []string
	for _, sym := range []string{"BTC", "ETH", "SOL", "ADA", "DOT", "XRP", "LTC", "AVAX"} {
		for _, quote := range []string{"USD", "EUR", "USDT"} {
			t = append(t, "ticker."+sym+"-"+quote, "book."+sym+"-"+quote)
		}
	}
	for i := 0; i < 40; i++ {
		t = append(t, "chat.room-"+strconv.Itoa(i))
	}
	return t
}()

var nextConnID uint64

// browserTab simulates the subscription traffic of one connection after
// another from the same user: open, subscribe to a handful of topics, move
// around (unsubscribe one, subscribe another), close, reconnect.
func browserTab(h *Hub, seed int64, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(seed))
	for {
		conn := atomic.AddUint64(&nextConnID, 1)
		active := make([]string, 0, 16)
		for n := 4 + rng.Intn(8); n > 0; n-- {
			t := topics[rng.Intn(len(topics))]
			h.Subscribe(conn, t, "")
			active = append(active, t)
		}
		for moves := 20 + rng.Intn(40); moves > 0; moves-- {
			select {
			case <-stop:
				return
			default:
			}
			i := rng.Intn(len(active))
			h.Unsubscribe(conn, active[i])
			active[i] = topics[rng.Intn(len(topics))]
			h.Subscribe(conn, active[i], "depth=10")
		}
		for _, t := range active {
			h.Unsubscribe(conn, t)
		}
	}
}

// pusher sends the occasional direct message (order fills, mentions).
func pusher(h *Hub, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(99))
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			newest := atomic.LoadUint64(&nextConnID)
			if newest == 0 {
				continue
			}
			conn := newest - uint64(rng.Intn(64))
			h.Deliver(conn, topics[rng.Intn(len(topics))], []byte(`{"type":"fill"}`))
		}
	}
}

func main() {
	prof.Start()

	h := &Hub{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	const tabs = 40
	for i := 0; i < tabs; i++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			browserTab(h, seed, stop)
		}(int64(i) + 1)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		pusher(h, stop)
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	live := 0
	h.subs.Range(func(_, _ interface{}) bool { live++; return true })
	fmt.Printf("subscribes=%d unsubscribes=%d delivered=%d dropped=%d live=%d conns=%d\n",
		h.subscribes, h.unsubscribes, h.delivered, h.dropped, live, nextConnID)
	prof.Stop()
}
