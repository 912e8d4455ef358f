// Command reindexer backfills a search index: every document of the catalogue
// is queued as pending, indexing workers acknowledge documents as they are
// written to the index, and a status reporter publishes backlog metrics.
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type pendingDoc struct {
	enqueued time.Time
	shard    uint8
	attempts uint8
	size     uint32
}

type backlogReport struct {
	Pending      int
	PerShard     [16]int
	OldestAge    time.Duration
	Retrying     int
	PendingBytes uint64
}

// PendingIndex tracks documents queued for indexing but not yet acknowledged.
type PendingIndex struct {
	mu      sync.RWMutex
	pending map[uint64]pendingDoc
}

func (p *PendingIndex) Enqueue(ids []uint64, now time.Time, r *rand.Rand) {
	p.mu.Lock()
	for _, id := range ids {
		p.pending[id] = pendingDoc{enqueued: now, shard: uint8(id % 16), size: uint32(200 + r.Intn(4000))}
	}
	p.mu.Unlock()
}

// Ack removes indexed documents; failed ones stay pending for a retry.
func (p *PendingIndex) Ack(ids []uint64, failed func(uint64) bool) int {
	acked := 0
	p.mu.Lock()
	for _, id := range ids {
		doc, ok := p.pending[id]
		if !ok {
			continue
		}
		if failed(id) {
			doc.attempts++
			p.pending[id] = doc
			continue
		}
		delete(p.pending, id)
		acked++
	}
	p.mu.Unlock()
	return acked
}

// Report summarises the backlog for the status page and the metrics scrape.
func (p *PendingIndex) Report(now time.Time) backlogReport {
	var rep backlogReport
	p.mu.RLock()
	for _, doc := range p.pending {
		rep.Pending++
		rep.PerShard[doc.shard]++
		rep.PendingBytes += uint64(doc.size)
		if doc.attempts > 0 {
			rep.Retrying++
		}
		if age := now.Sub(doc.enqueued); age > rep.OldestAge {
			rep.OldestAge = age
		}
	}
	p.mu.RUnlock()
	return rep
}

const catalogueSize = 250000

// poison documents fail to index (mapping conflicts) and keep being retried.
func poison(id uint64) bool { return id%1500 == 7 }

func main() {
	prof.Start()

	idx := &PendingIndex{pending: make(map[uint64]pendingDoc, catalogueSize)}
	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var latest atomic.Value
	latest.Store(backlogReport{})

	work := make(chan []uint64, 64)

	// backfill: walk the catalogue, queue every document, hand batches to the indexers
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		r := rand.New(rand.NewSource(3))
		const batch = 20000
		for start := uint64(0); start < catalogueSize; start += batch {
			ids := make([]uint64, 0, batch)
			for id := start; id < start+batch && id < catalogueSize; id++ {
				ids = append(ids, id)
			}
			idx.Enqueue(ids, time.Now(), r)
			time.Sleep(5 * time.Millisecond)
		}
		// hand the queued documents to the indexers once the walk is done
		for start := uint64(0); start < catalogueSize; start += batch {
			ids := make([]uint64, 0, batch)
			for id := start; id < start+batch && id < catalogueSize; id++ {
				ids = append(ids, id)
			}
			work <- ids
		}
	}()
	began := time.Now()

	var indexers sync.WaitGroup
	for w := 0; w < 2; w++ {
		indexers.Add(1)
		go func() {
			defer indexers.Done()
			for ids := range work {
				time.Sleep(20 * time.Millisecond) // bulk request to the search cluster
				idx.Ack(ids, poison)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		indexers.Wait()
		fmt.Printf("backfill done after %v\n", time.Since(began).Round(time.Millisecond))
	}()

	// status reporter: the dashboard and the metrics scrape both poll it
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			latest.Store(idx.Report(time.Now()))
			time.Sleep(2 * time.Millisecond)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	prof.Stop()
	rep := idx.Report(time.Now())
	fmt.Printf("pending %d (retrying %d), oldest %v\n", rep.Pending, rep.Retrying, rep.OldestAge.Round(time.Millisecond))
}
