// Command outboxrelay moves events from the service's outbox to the message
// broker. Publishes that fail are parked in a retry set and redelivered with
// backoff by a background drainer.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type event struct {
	id      string
	topic   string
	payload []byte
}

type pendingRetry struct {
	ev          *event
	attempts    int
	nextAttempt time.Time
	lastErr     string
}

var (
	retriesMu sync.Mutex
	retries   = make(map[string]*pendingRetry)

	brokerDown    int32
	published     int64
	redelivered   int64
	failedFlushes int64
)

var (
	errBrokerUnavailable = errors.New("broker: connection refused")
	errAckTimeout        = errors.New("broker: timeout waiting for ack")
)

func brokerHealthy() bool { return atomic.LoadInt32(&brokerDown) == 0 }

func backoff(attempts int) time.Duration {
	d := 400 * time.Millisecond
	for i := 1; i < attempts && d < 5*time.Second; i++ {
		d *= 2
	}
	return d + time.Duration(rand.Int63n(int64(300*time.Millisecond)))
}

// publish sends one event to the broker.
func publish(ev *event) error {
	if atomic.LoadInt32(&brokerDown) == 1 {
		return errBrokerUnavailable
	}
	// Transient failures happen now and then even on a healthy broker.
	if rand.Intn(5000) == 0 {
		return errAckTimeout
	}
	atomic.AddInt64(&published, 1)
	return nil
}

// scheduleRetry parks the events of one flush whose publish failed.
func scheduleRetry(failed []*event, err error, now time.Time) {
	retriesMu.Lock()
	defer retriesMu.Unlock()
	for _, ev := range failed {
		r, ok := retries[ev.id]
		if !ok {
			r = &pendingRetry{ev: ev}
			retries[ev.id] = r
		}
		r.attempts++
		r.lastErr = err.Error()
		r.nextAttempt = now.Add(backoff(r.attempts))
	}
}

// drainRetries redelivers every parked event that is due.
func drainRetries(now time.Time) {
	retriesMu.Lock()
	defer retriesMu.Unlock()
	for id, r := range retries {
		if now.Before(r.nextAttempt) {
			continue
		}
		if err := publish(r.ev); err != nil {
			r.attempts++
			r.lastErr = err.Error()
			r.nextAttempt = now.Add(backoff(r.attempts))
			continue
		}
		atomic.AddInt64(&redelivered, 1)
		delete(retries, id)
	}
}

func pendingRetries() int {
	retriesMu.Lock()
	defer retriesMu.Unlock()
	return len(retries)
}

// relay flushes the outbox in batches, like the transactional outbox poller.
func relay(shard int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(shard) + 42))
	topics := []string{"orders.created", "orders.paid", "inventory.adjusted", "shipments.label"}
	seq := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		batch := make([]*event, 0, 500)
		for i := 0; i < 500; i++ {
			seq++
			payload := []byte(`{"shard":` + strconv.Itoa(shard) + `,"seq":` + strconv.Itoa(seq) + `}`)
			batch = append(batch, &event{
				id:      "evt-" + strconv.Itoa(shard) + "-" + strconv.Itoa(seq),
				topic:   topics[rng.Intn(len(topics))],
				payload: payload,
			})
		}
		var failed []*event
		var lastErr error
		for _, ev := range batch {
			if err := publish(ev); err != nil {
				failed = append(failed, ev)
				lastErr = err
			}
		}
		if len(failed) > 0 {
			scheduleRetry(failed, lastErr, time.Now())
			atomic.AddInt64(&failedFlushes, 1)
		}
		if brokerHealthy() {
			// Healthy broker: the outbox only has a trickle of new rows.
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	stop := make(chan struct{})
	var wg sync.WaitGroup

	// The broker is unreachable while the relays start up (simulated outage).
	atomic.StoreInt32(&brokerDown, 1)
	for shard := 0; shard < 2; shard++ {
		wg.Add(1)
		go relay(shard, stop, &wg)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				// Circuit breaker: no redelivery while the broker is down.
				if brokerHealthy() {
					drainRetries(now)
				}
			}
		}
	}()

	for pendingRetries() < 300000 && time.Since(start) < 2*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	atomic.StoreInt32(&brokerDown, 0)
	peak := pendingRetries()
	fmt.Printf("outboxrelay: broker back after %v with %d parked events\n", time.Since(start).Round(time.Millisecond), peak)

	time.Sleep(1200 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1500 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	prof.Stop()

	fmt.Printf("outboxrelay: %d published, %d redelivered, %d failed flushes, %d still parked, in %v\n",
		atomic.LoadInt64(&published), atomic.LoadInt64(&redelivered), atomic.LoadInt64(&failedFlushes),
		pendingRetries(), elapsed.Round(time.Millisecond))
}
