// Command indexfeed batches document-update jobs and ships them to the
// search indexer. Producers enqueue jobs; a flusher ships whatever is pending
// every few milliseconds. Jobs that arrive twice before a flush are coalesced.
package main

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Job is one document update waiting for the indexer.
type Job struct {
	ID       string
	Tenant   string
	Revision int
	Body     []byte
	Enqueued time.Time
}

// Sink is the downstream indexer client.
type Sink interface {
	Ship(batch []*Job) error
}

var errIndexerUnavailable = errors.New("indexer: 503 service unavailable")

// indexerClient pretends to be an HTTP client for the indexer. While the
// indexer is down every Ship fails and the queue has to hold on to its jobs.
type indexerClient struct {
	down    int32
	shipped int64
	digest  uint64
}

func (c *indexerClient) Ship(batch []*Job) error {
	if atomic.LoadInt32(&c.down) == 1 {
		return errIndexerUnavailable
	}
	h := fnv.New64a()
	for _, j := range batch {
		h.Write([]byte(j.ID))
		h.Write(j.Body)
	}
	c.digest ^= h.Sum64()
	atomic.AddInt64(&c.shipped, int64(len(batch)))
	return nil
}

// BatchQueue holds pending jobs in arrival order plus an index by job ID
// used to coalesce repeated updates of the same document.
type BatchQueue struct {
	mu      sync.Mutex
	byID    map[string]int // job ID -> index in pending
	pending []*Job
	sink    Sink

	coalesced int
	failures  int
	batches   int
}

func NewBatchQueue(sink Sink) *BatchQueue {
	return &BatchQueue{byID: make(map[string]int), sink: sink}
}

// Enqueue adds a job, replacing an older pending revision of the same ID.
func (q *BatchQueue) Enqueue(j *Job) {
	q.mu.Lock()
	if i, ok := q.byID[j.ID]; ok {
		if q.pending[i].Revision < j.Revision {
			q.pending[i] = j
		}
		q.coalesced++
		q.mu.Unlock()
		return
	}
	q.byID[j.ID] = len(q.pending)
	q.pending = append(q.pending, j)
	q.mu.Unlock()
}

// Flush ships everything pending. On failure the jobs stay queued and the
// next tick retries.
func (q *BatchQueue) Flush() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) > 0 {
		if err := q.sink.Ship(q.pending); err != nil {
			q.failures++
			return
		}
		q.batches++
	}
	for i := range q.pending {
		q.pending[i] = nil
	}
	q.pending = q.pending[:0]
	for id := range q.byID {
		delete(q.byID, id)
	}
}

func (q *BatchQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// runFlusher flushes the queue on every tick until stop is closed.
func runFlusher(q *BatchQueue, every time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			q.Flush()
			return
		case <-t.C:
			q.Flush()
		}
	}
}

var tenants = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark"}

func makeJob(rng *rand.Rand, docSpace int, rev int) *Job {
	tenant := tenants[rng.Intn(len(tenants))]
	doc := rng.Intn(docSpace)
	body := make([]byte, 48+rng.Intn(48))
	rng.Read(body)
	return &Job{
		ID:       tenant + "/doc-" + strconv.Itoa(doc),
		Tenant:   tenant,
		Revision: rev,
		Body:     body,
		Enqueued: time.Now(),
	}
}

// producer submits jobs at a steady trickle, or as fast as it can while
// burst is set (a bulk re-import by a customer).
func producer(id int, q *BatchQueue, burst *int32, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	rev := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		rev++
		if atomic.LoadInt32(burst) == 1 {
			for i := 0; i < 256; i++ {
				q.Enqueue(makeJob(rng, 5000000, rev))
			}
			continue
		}
		q.Enqueue(makeJob(rng, 20000, rev))
		time.Sleep(time.Duration(1+rng.Intn(3)) * time.Millisecond)
	}
}

func main() {
	prof.Start()

	client := &indexerClient{}
	q := NewBatchQueue(client)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var burst int32

	wg.Add(1)
	go runFlusher(q, 3*time.Millisecond, stop, &wg)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go producer(i, q, &burst, stop, &wg)
	}

	// Normal traffic, then a bulk re-import while the indexer is down.
	time.Sleep(300 * time.Millisecond)
	atomic.StoreInt32(&client.down, 1)
	atomic.StoreInt32(&burst, 1)
	for q.Len() < 300000 {
		time.Sleep(20 * time.Millisecond)
	}
	atomic.StoreInt32(&burst, 0)
	time.Sleep(100 * time.Millisecond)
	atomic.StoreInt32(&client.down, 0)
	fmt.Fprintf(os.Stderr, "indexer back, %d jobs pending\n", q.Len())

	time.Sleep(500 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1200 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(1800 * time.Millisecond)

	close(stop)
	wg.Wait()
	prof.Stop()

	q.mu.Lock()
	fmt.Fprintf(os.Stderr, "shipped=%d batches=%d coalesced=%d failures=%d\n",
		atomic.LoadInt64(&client.shipped), q.batches, q.coalesced, q.failures)
	q.mu.Unlock()
}
