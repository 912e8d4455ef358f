package main

import (
	"sync"
	"time"
)

// Exactly-once delivery on top of an at-least-once bus: a message ID seen
// within the dedupe window is dropped as a redelivery.

const dedupeWindow = 3 * time.Second

type seenEntry struct {
	id string
	at int64
}

var (
	dedupeMu  sync.Mutex
	seenIDs   = make(map[string]int64) // message ID -> first delivery (unix nanos)
	seenOrder []seenEntry              // first deliveries in arrival order
	orderHead int                      // first entry of seenOrder not yet expired

	dedupeStats struct {
		delivered, dropped, expired uint64
	}
)

// firstDelivery records id and reports whether it is new within the window.
func firstDelivery(id string, now time.Time) bool {
	at := now.UnixNano()
	dedupeMu.Lock()
	defer dedupeMu.Unlock()
	if _, dup := seenIDs[id]; dup {
		dedupeStats.dropped++
		return false
	}
	seenIDs[id] = at
	seenOrder = append(seenOrder, seenEntry{id: id, at: at})
	dedupeStats.delivered++
	return true
}

// expireSeen forgets the IDs that left the window.
func expireSeen(now time.Time) {
	cutoff := now.Add(-dedupeWindow).UnixNano()
	dedupeMu.Lock()
	defer dedupeMu.Unlock()
	for orderHead < len(seenOrder) && seenOrder[orderHead].at < cutoff {
		delete(seenIDs, seenOrder[orderHead].id)
		seenOrder[orderHead] = seenEntry{}
		orderHead++
		dedupeStats.expired++
	}
	// Compact the order log once most of it is expired.
	if orderHead > 4096 && orderHead*2 > len(seenOrder) {
		rest := make([]seenEntry, len(seenOrder)-orderHead)
		copy(rest, seenOrder[orderHead:])
		seenOrder, orderHead = rest, 0
	}
}

// windowSize reports how many IDs the dedupe window currently holds.
func windowSize() int {
	dedupeMu.Lock()
	defer dedupeMu.Unlock()
	return len(seenIDs)
}

func runExpiry(every time.Duration, quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case now := <-t.C:
			expireSeen(now)
		}
	}
}
