// Command indexfeeder turns a stream of product change events into bulk
// update requests for the search index. Several events for the same product
// within one batch collapse into a single update carrying the latest fields.
package main

import (
	"bytes"
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type changeEvent struct {
	productID string
	field     string
	value     string
	seq       uint64
}

type pendingUpdate struct {
	fields map[string]string
	seq    uint64
}

// bulkSink stands in for the search cluster's _bulk endpoint.
type bulkSink struct {
	requests, docs, bytes int64
	checksum              uint32
	mu                    sync.Mutex
}

func (s *bulkSink) send(body []byte, docs int) {
	sum := crc32.ChecksumIEEE(body)
	s.mu.Lock()
	s.checksum ^= sum
	s.mu.Unlock()
	atomic.AddInt64(&s.requests, 1)
	atomic.AddInt64(&s.docs, int64(docs))
	atomic.AddInt64(&s.bytes, int64(len(body)))
}

const maxBatchDocs = 30

// batcher collects events for one partition of the product space.
type batcher struct {
	partition int
	in        chan changeEvent
	sink      *bulkSink
	pending   map[string]*pendingUpdate
	order     []string
	free      []*pendingUpdate
	buf       bytes.Buffer
	batches   int
	merged    int
}

func newBatcher(partition int, sink *bulkSink) *batcher {
	return &batcher{
		partition: partition,
		in:        make(chan changeEvent, 512),
		sink:      sink,
		pending:   make(map[string]*pendingUpdate, maxBatchDocs),
	}
}

func (b *batcher) add(ev changeEvent) {
	u, ok := b.pending[ev.productID]
	if !ok {
		if n := len(b.free); n > 0 {
			u, b.free = b.free[n-1], b.free[:n-1]
		} else {
			u = &pendingUpdate{fields: make(map[string]string, 4)}
		}
		b.pending[ev.productID] = u
		b.order = append(b.order, ev.productID)
	} else {
		b.merged++
	}
	u.fields[ev.field] = ev.value
	u.seq = ev.seq
}

func (b *batcher) flush() {
	if len(b.order) == 0 {
		return
	}
	b.buf.Reset()
	for _, id := range b.order {
		u := b.pending[id]
		b.buf.WriteString(`{"update":{"_index":"products","_id":"`)
		b.buf.WriteString(id)
		b.buf.WriteString(`","version":`)
		b.buf.WriteString(strconv.FormatUint(u.seq, 10))
		b.buf.WriteString("}}\n{\"doc\":{")
		first := true
		for f, v := range u.fields {
			if !first {
				b.buf.WriteByte(',')
			}
			first = false
			b.buf.WriteString(strconv.Quote(f))
			b.buf.WriteByte(':')
			b.buf.WriteString(strconv.Quote(v))
		}
		b.buf.WriteString("}}\n")
	}
	b.sink.send(b.buf.Bytes(), len(b.order))
	b.batches++

	for _, u := range b.pending {
		for f := range u.fields {
			delete(u.fields, f)
		}
		b.free = append(b.free, u)
	}
	for id := range b.pending {
		delete(b.pending, id)
	}
	b.order = b.order[:0]
}

func (b *batcher) run(wg *sync.WaitGroup) {
	defer wg.Done()
	linger := time.NewTicker(2 * time.Millisecond)
	defer linger.Stop()
	for {
		select {
		case ev, ok := <-b.in:
			if !ok {
				b.flush()
				return
			}
			b.add(ev)
			if len(b.pending) >= maxBatchDocs {
				b.flush()
			}
		case <-linger.C:
			b.flush()
		}
	}
}

var fields = []string{"price", "stock", "title", "rating", "badge"}

func producer(id int, batchers []*batcher, seq *uint64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	hot := rand.NewZipf(rng, 1.2, 2, 20000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 64; i++ {
			pid := hot.Uint64()
			f := fields[rng.Intn(len(fields))]
			var v string
			switch f {
			case "price":
				v = strconv.FormatFloat(float64(rng.Intn(100000))/100, 'f', 2, 64)
			case "stock":
				v = strconv.Itoa(rng.Intn(500))
			default:
				v = f + "-" + strconv.Itoa(rng.Intn(1000))
			}
			ev := changeEvent{productID: "p" + strconv.FormatUint(pid, 10), field: f, value: v, seq: atomic.AddUint64(seq, 1)}
			batchers[pid%uint64(len(batchers))].in <- ev
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	sink := &bulkSink{}
	batchers := make([]*batcher, 4)
	var bwg sync.WaitGroup
	for i := range batchers {
		batchers[i] = newBatcher(i, sink)
		bwg.Add(1)
		go batchers[i].run(&bwg)
	}
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	var seq uint64
	for p := 0; p < 3; p++ {
		pwg.Add(1)
		go producer(p, batchers, &seq, stop, &pwg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	pwg.Wait()
	for _, b := range batchers {
		close(b.in)
	}
	bwg.Wait()
	prof.Stop()

	for _, b := range batchers {
		log.Printf("partition %d: %d batches, %d events merged", b.partition, b.batches, b.merged)
	}
	log.Printf("sink: %d requests, %d docs, %d KB, checksum %08x",
		sink.requests, sink.docs, sink.bytes>>10, sink.checksum)
}
