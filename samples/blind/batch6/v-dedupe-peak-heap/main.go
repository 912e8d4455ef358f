// Command ledgersink consumes ledger events from the bus, drops redeliveries
// and applies each event once to the account balances.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type ledgerEvent struct {
	ID      string
	Account uint32
	Cents   int64
	Payload []byte
}

var (
	applied  int64 // events applied
	balance  [256]int64
	balMu    sync.Mutex
	checksum uint32
)

// apply decodes the payload and books the event.
func apply(ev *ledgerEvent) {
	buf := make([]byte, 0, len(ev.Payload)+16)
	buf = append(buf, ev.Payload...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(ev.Cents))
	sum := crc32.ChecksumIEEE(buf)
	balMu.Lock()
	balance[ev.Account%uint32(len(balance))] += ev.Cents
	checksum ^= sum
	balMu.Unlock()
	atomic.AddInt64(&applied, 1)
}

func deliver(ev *ledgerEvent) {
	if firstDelivery(ev.ID, time.Now()) {
		apply(ev)
	}
}

// journalID renders the ID the producer gave event n of the backlog.
func journalID(buf []byte, n int) string {
	buf = append(buf[:0], "ledger-p"...)
	if n%12 < 10 {
		buf = append(buf, '0')
	}
	buf = strconv.AppendInt(buf, int64(n%12), 10)
	buf = append(buf, '-')
	buf = strconv.AppendInt(buf, int64(n), 10)
	return string(buf)
}

// replayBacklog re-reads the journal segments that piled up while the sink was
// down. About one event in twenty is a redelivery of an earlier one.
func replayBacklog(events int, done chan<- struct{}) {
	defer close(done)
	rng := rand.New(rand.NewSource(42))
	payload := make([]byte, 64)
	idBuf := make([]byte, 0, 32)
	for seq := 0; seq < events; seq++ {
		n := seq
		if seq > 0 && rng.Intn(20) == 0 {
			n = rng.Intn(seq)
		}
		ev := ledgerEvent{
			ID:      journalID(idBuf, n),
			Account: uint32(n * 2654435761 >> 8),
			Cents:   int64(n%5000) - 2500,
			Payload: payload,
		}
		deliver(&ev)
	}
}

// consumePartition handles live traffic from one partition.
func consumePartition(part int, quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(part)))
	var last string
	for seq := 0; ; seq++ {
		select {
		case <-quit:
			return
		default:
		}
		id := fmt.Sprintf("ledger-live-p%02d-%09d", part, seq)
		if last != "" && rng.Intn(10) == 0 {
			id = last // the broker redelivered the previous event
		}
		last = id
		ev := &ledgerEvent{ID: id, Account: rng.Uint32(), Cents: rng.Int63n(100000) - 50000,
			Payload: make([]byte, 512+rng.Intn(1536))}
		rng.Read(ev.Payload)
		deliver(ev)
		time.Sleep(time.Duration(8+rng.Intn(5)) * time.Millisecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go runExpiry(20*time.Millisecond, quit, &wg)
	for p := 0; p < 4; p++ {
		wg.Add(1)
		go consumePartition(p, quit, &wg)
	}

	replayed := make(chan struct{})
	go replayBacklog(840000, replayed)
	<-replayed
	log.Printf("backlog replayed in %s, window holds %d IDs", time.Since(start).Round(time.Millisecond), windowSize())
	prof.HeapEarly()

	time.Sleep(3500*time.Millisecond - time.Since(start))
	prof.Goroutines()

	// Wait for the replayed IDs to age out of the window, then keep serving.
	for windowSize() > 2000 {
		time.Sleep(50 * time.Millisecond)
	}
	log.Printf("window drained to %d IDs at %s", windowSize(), time.Since(start).Round(time.Millisecond))
	time.Sleep(1500 * time.Millisecond)
	prof.Stop() // taken from the running sink

	close(quit)
	wg.Wait()
	log.Printf("applied=%d delivered=%d dropped=%d expired=%d window=%d checksum=%08x elapsed=%s",
		atomic.LoadInt64(&applied), dedupeStats.delivered, dedupeStats.dropped, dedupeStats.expired,
		windowSize(), checksum, time.Since(start).Round(time.Millisecond))
}
