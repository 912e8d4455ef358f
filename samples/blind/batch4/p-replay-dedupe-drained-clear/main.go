// Command ledgerproj consumes the ledger event stream and maintains the
// per-account balance projection. Delivery is at-least-once, so events are
// deduplicated against the ids seen since the last committed checkpoint.
package main

import (
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type event struct {
	ID      uint64
	Offset  int64
	Account uint32
	Amount  int64
}

// window remembers the ids delivered since the last checkpoint.
var window = struct {
	sync.Mutex
	ids map[uint64]int64 // event id -> offset
}{ids: make(map[uint64]int64)}

// projection is the read model the API serves.
var projection = struct {
	sync.RWMutex
	balances map[uint32]int64
	applied  int64
	offset   int64
}{balances: make(map[uint32]int64)}

var (
	duplicates   uint64
	checkpoints  uint64
	replayActive int32 = 1
)

// firstDelivery records id and reports whether it had not been seen since
// the last checkpoint.
func firstDelivery(ev *event) bool {
	window.Lock()
	defer window.Unlock()
	if _, dup := window.ids[ev.ID]; dup {
		return false
	}
	window.ids[ev.ID] = ev.Offset
	return true
}

func apply(ev *event) {
	projection.Lock()
	projection.balances[ev.Account] += ev.Amount
	projection.applied++
	if ev.Offset > projection.offset {
		projection.offset = ev.Offset
	}
	projection.Unlock()
}

// checkpoint commits the projection offset; the broker never redelivers
// below a committed offset, so the dedupe window starts over.
func checkpoint() int {
	projection.RLock()
	_ = projection.offset // persisted by the real service
	projection.RUnlock()

	window.Lock()
	n := len(window.ids)
	for id := range window.ids {
		delete(window.ids, id)
	}
	window.Unlock()
	atomic.AddUint64(&checkpoints, 1)
	return n
}

func consume(in <-chan *event, wg *sync.WaitGroup) {
	defer wg.Done()
	for ev := range in {
		if !firstDelivery(ev) {
			atomic.AddUint64(&duplicates, 1)
			continue
		}
		apply(ev)
	}
}

// broker replays the backlog as fast as the consumer takes it, then
// delivers live traffic, redelivering a few events now and then.
func broker(out chan<- *event, backlog int, stop <-chan struct{}) {
	defer close(out)
	rng := rand.New(rand.NewSource(42))
	var off int64
	var id uint64 = 1 << 40
	next := func() *event {
		off++
		id += 1 + uint64(rng.Intn(3))
		return &event{ID: id, Offset: off, Account: uint32(rng.Intn(2000)), Amount: int64(rng.Intn(20000) - 10000)}
	}
	var last *event
	for i := 0; i < backlog; i++ {
		ev := next()
		out <- ev
		if last != nil && rng.Intn(20) == 0 {
			out <- last // redelivery from a partition rebalance
		}
		last = ev
	}
	atomic.StoreInt32(&replayActive, 0)

	t := time.NewTicker(500 * time.Microsecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ev := next()
			out <- ev
			if rng.Intn(10) == 0 {
				out <- ev
			}
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	events := make(chan *event, 1024)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go consume(events, &wg)
	go broker(events, 300000, stop)

	// The checkpointer commits every few milliseconds once the replay
	// has been committed as a whole.
	cpDone := make(chan struct{})
	go func() {
		defer close(cpDone)
		t := time.NewTicker(3 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if atomic.LoadInt32(&replayActive) == 1 {
					continue
				}
				checkpoint()
			}
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	<-cpDone
	wg.Wait()
	prof.Stop()

	window.Lock()
	pending := len(window.ids)
	window.Unlock()
	log.Printf("ledgerproj: applied=%d duplicates=%d checkpoints=%d window=%d replay-done=%v",
		projection.applied, atomic.LoadUint64(&duplicates), atomic.LoadUint64(&checkpoints), pending,
		atomic.LoadInt32(&replayActive) == 0)
}
