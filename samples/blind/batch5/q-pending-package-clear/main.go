// Command reindexer follows the change feed of the document store and ships
// coalesced re-index requests to the search cluster. On start-up it replays the
// backlog of documents changed while it was down; the search sink is usually
// still connecting at that point, so the backlog piles up in pending.
package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// change is one row of the document store's change feed.
type change struct {
	doc     string
	tenant  uint16
	version uint64
	deleted bool
}

// Coalescing state. Owned by the dispatch loop goroutine only.
var (
	pending = make(map[string]uint64) // doc -> newest version not yet shipped
	order   []change                  // first-seen order of the pending docs
	merged  int                       // changes folded into an already pending doc
)

// enqueue records a change; a doc that is already pending only has its
// version bumped.
func enqueue(c change) {
	if v, ok := pending[c.doc]; ok {
		if c.version > v {
			pending[c.doc] = c.version
		}
		merged++
		return
	}
	pending[c.doc] = c.version
	order = append(order, c)
}

// flushPending hands the coalesced batch to the caller and starts a new one.
func flushPending(batch []change) []change {
	batch = batch[:0]
	for _, c := range order {
		c.version = pending[c.doc]
		batch = append(batch, c)
	}
	order = order[:0]
	for k := range pending {
		delete(pending, k)
	}
	return batch
}

// sink is the connection to the search cluster's bulk endpoint.
type sink struct {
	readyAt time.Time
	buf     bytes.Buffer
	shipped int
	batches int
	biggest int
}

func (s *sink) ready(now time.Time) bool { return now.After(s.readyAt) }

// ship encodes a bulk request (NDJSON action lines) and "sends" it.
func (s *sink) ship(batch []change) {
	if len(batch) == 0 {
		return
	}
	s.buf.Reset()
	for _, c := range batch {
		if c.deleted {
			s.buf.WriteString(`{"delete":{"_index":"docs-`)
		} else {
			s.buf.WriteString(`{"index":{"_index":"docs-`)
		}
		s.buf.WriteString(strconv.Itoa(int(c.tenant)))
		s.buf.WriteString(`","_id":"`)
		s.buf.WriteString(c.doc)
		s.buf.WriteString(`","version":`)
		s.buf.WriteString(strconv.FormatUint(c.version, 10))
		s.buf.WriteString("}}\n")
	}
	s.shipped += len(batch)
	s.batches++
	if len(batch) > s.biggest {
		s.biggest = len(batch)
	}
}

// dispatch is the single goroutine that owns the coalescing state.
func dispatch(feed <-chan change, done <-chan struct{}, out *sink) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var batch []change
	for {
		select {
		case c := <-feed:
			enqueue(c)
		case now := <-tick.C:
			if !out.ready(now) {
				continue
			}
			batch = flushPending(batch)
			out.ship(batch)
		case <-done:
			return
		}
	}
}

func docID(tenant uint16, n int) string {
	return "t" + strconv.Itoa(int(tenant)) + "/doc/" + strconv.Itoa(n)
}

// replayBacklog streams the documents changed while the reindexer was down.
func replayBacklog(feed chan<- change, n int) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		t := uint16(r.Intn(40))
		feed <- change{doc: docID(t, i), tenant: t, version: uint64(1000 + i)}
	}
}

// tailFeed follows the live change feed: a few changes every millisecond.
func tailFeed(feed chan<- change, seed int64, stop <-chan struct{}) {
	r := rand.New(rand.NewSource(seed))
	version := uint64(10_000_000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for k := 0; k < 1+r.Intn(4); k++ {
			t := uint16(r.Intn(40))
			version++
			feed <- change{doc: docID(t, r.Intn(5_000_000)), tenant: t, version: version, deleted: r.Intn(20) == 0}
		}
		time.Sleep(time.Millisecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	feed := make(chan change, 4096)
	done := make(chan struct{})
	out := &sink{readyAt: time.Now().Add(900 * time.Millisecond)}
	var loop sync.WaitGroup
	loop.Add(1)
	go func() {
		defer loop.Done()
		dispatch(feed, done, out)
	}()

	stop := make(chan struct{})
	var feeders sync.WaitGroup
	feeders.Add(1)
	go func() {
		defer feeders.Done()
		replayBacklog(feed, 350_000)
	}()
	for i := 0; i < 2; i++ {
		feeders.Add(1)
		go func(i int) {
			defer feeders.Done()
			tailFeed(feed, int64(10+i), stop)
		}(i)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	feeders.Wait()
	close(done)
	loop.Wait()

	fmt.Printf("shipped=%d batches=%d biggest=%d merged=%d elapsed=%s\n", out.shipped, out.batches, out.biggest, merged, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
