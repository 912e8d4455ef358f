// Command notifier fans webhook notifications out to a downstream gateway.
// Deliveries that fail are parked in a retry queue that a ticker flushes
// while the gateway's circuit is closed.
package main

import (
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Notification is one webhook call.
type Notification struct {
	ID       uint64
	Endpoint string
	Payload  []byte
	Attempts int
	FirstTry time.Time
}

// Gateway is the downstream service; it goes down for a while at start-up.
type Gateway struct {
	down      int32
	failures  uint64
	delivered uint64
	checksum  uint32
	rnd       *rand.Rand
	mu        sync.Mutex
}

func (g *Gateway) Send(n *Notification) bool {
	if atomic.LoadInt32(&g.down) == 1 {
		atomic.AddUint64(&g.failures, 1)
		return false
	}
	g.mu.Lock()
	flaky := g.rnd.Intn(100) < 4 // transient 5xx
	g.checksum ^= crc32.ChecksumIEEE(n.Payload)
	g.mu.Unlock()
	if flaky {
		atomic.AddUint64(&g.failures, 1)
		return false
	}
	atomic.AddUint64(&g.delivered, 1)
	return true
}

// RetryQueue holds failed notifications until the next flush.
type RetryQueue struct {
	mu      sync.Mutex
	pending map[uint64]*Notification
	order   []*Notification
	peak    int
}

func NewRetryQueue() *RetryQueue {
	return &RetryQueue{pending: make(map[uint64]*Notification)}
}

func (q *RetryQueue) Park(n *Notification) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.pending[n.ID]; dup {
		return
	}
	n.Attempts++
	q.pending[n.ID] = n
	q.order = append(q.order, n)
	if len(q.pending) > q.peak {
		q.peak = len(q.pending)
	}
}

func (q *RetryQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// flush takes everything parked so far and empties the queue. The map is
// kept rather than reallocated so the next burst does not have to grow it.
func (q *RetryQueue) flush() []*Notification {
	q.mu.Lock()
	defer q.mu.Unlock()
	batch := q.order
	q.order = make([]*Notification, 0, 64)
	for k := range q.pending {
		delete(q.pending, k)
	}
	return batch
}

func main() {
	prof.Start()
	started := time.Now()

	gw := &Gateway{down: 1, rnd: rand.New(rand.NewSource(3))}
	queue := NewRetryQueue()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var nextID uint64

	// Producers: application events that turn into webhook calls.
	endpoints := []string{"https://hooks.example.net/a", "https://crm.example.org/in", "https://billing.example.com/events"}
	for p := 0; p < 2; p++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(seed))
			bodies := make([][]byte, 64)
			for i := range bodies {
				bodies[i] = []byte(`{"event":"order.updated","order":` + strconv.Itoa(rnd.Intn(1e6)) + `}`)
			}
			for i := 0; ; i++ {
				if i%64 == 0 {
					select {
					case <-stop:
						return
					default:
					}
					if atomic.LoadInt32(&gw.down) == 0 {
						time.Sleep(time.Millisecond) // normal traffic is paced
					}
				}
				n := &Notification{
					ID:       atomic.AddUint64(&nextID, 1),
					Endpoint: endpoints[rnd.Intn(len(endpoints))],
					Payload:  bodies[rnd.Intn(len(bodies))],
					FirstTry: time.Now(),
				}
				if !gw.Send(n) {
					queue.Park(n)
				}
			}
		}(int64(p + 11))
	}

	// Outage: the gateway comes back once a few hundred thousand calls failed.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for queue.Len() < 300000 {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		atomic.StoreInt32(&gw.down, 0)
		log.Printf("gateway recovered after %v, %d parked", time.Since(started).Round(time.Millisecond), queue.Len())
	}()

	// Flusher: retries parked calls every few milliseconds while the circuit is closed.
	var retried, dropped uint64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			if atomic.LoadInt32(&gw.down) == 1 {
				continue // circuit open
			}
			for _, n := range queue.flush() {
				retried++
				if !gw.Send(n) {
					if n.Attempts >= 5 {
						dropped++
						continue
					}
					queue.Park(n)
				}
			}
		}
	}()

	const runFor = 5500 * time.Millisecond
	time.Sleep(time.Until(started.Add(runFor / 3)))
	prof.HeapEarly()
	time.Sleep(time.Until(started.Add(runFor / 2)))
	prof.Goroutines()
	time.Sleep(time.Until(started.Add(runFor)))
	close(stop)
	wg.Wait()
	prof.Stop()
	log.Printf("delivered=%d failures=%d retried=%d dropped=%d peak=%d parked=%d",
		atomic.LoadUint64(&gw.delivered), atomic.LoadUint64(&gw.failures), retried, dropped, queue.peak, queue.Len())
}
