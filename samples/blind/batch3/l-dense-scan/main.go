// Command leasekeeper renews the leases that the storage nodes hold on
// their volumes. Every lease has its own renewal period; a single scheduler
// goroutine owns the timer table and hands due renewals to a worker pool.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc64"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type leaseID uint32

type timer struct {
	volume  string
	holder  uint16
	period  time.Duration
	due     time.Time
	renewed uint32
}

type renewal struct {
	id     leaseID
	volume string
	holder uint16
	seq    uint32
}

// scheduler owns timers; only its run loop touches the map.
type scheduler struct {
	timers   map[leaseID]*timer
	tick     time.Duration
	out      chan<- renewal
	register chan timer
	cancel   chan leaseID
	nextID   leaseID

	scans, fired, dropped int64
}

func newScheduler(tick time.Duration, out chan<- renewal) *scheduler {
	return &scheduler{
		timers:   make(map[leaseID]*timer),
		tick:     tick,
		out:      out,
		register: make(chan timer, 256),
		cancel:   make(chan leaseID, 256),
	}
}

func (s *scheduler) add(t timer) {
	s.nextID++
	tt := t
	s.timers[s.nextID] = &tt
}

// scan fires every timer that is due and re-arms it for its next period.
func (s *scheduler) scan(now time.Time) {
	for id, t := range s.timers {
		if now.Before(t.due) {
			continue
		}
		t.renewed++
		t.due = now.Add(t.period)
		select {
		case s.out <- renewal{id: id, volume: t.volume, holder: t.holder, seq: t.renewed}:
			s.fired++
		default:
			s.dropped++ // workers are behind; the timer retries next period
		}
	}
	s.scans++
}

func (s *scheduler) run(stop <-chan struct{}) {
	tk := time.NewTicker(s.tick)
	defer tk.Stop()
	for {
		select {
		case <-stop:
			close(s.out)
			return
		case t := <-s.register:
			s.add(t)
		case id := <-s.cancel:
			delete(s.timers, id)
		case now := <-tk.C:
			s.scan(now)
		}
	}
}

var table = crc64.MakeTable(crc64.ECMA)

// renewer sends the renewal to the lease authority (here: signs it).
func renewer(in <-chan renewal, signed *int64, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 0, 128)
	for r := range in {
		buf = buf[:0]
		buf = append(buf, r.volume...)
		buf = binary.BigEndian.AppendUint16(buf, r.holder)
		buf = binary.BigEndian.AppendUint32(buf, r.seq)
		sig := crc64.Checksum(buf, table)
		for i := 0; i < 24; i++ {
			sig = crc64.Update(sig, table, buf)
		}
		if sig != 0 {
			atomic.AddInt64(signed, 1)
		}
	}
}

func main() {
	prof.Start()

	renewals := make(chan renewal, 4096)
	s := newScheduler(30*time.Millisecond, renewals)
	rng := rand.New(rand.NewSource(42))
	start := time.Now()
	const leases = 100000
	for i := 0; i < leases; i++ {
		p := time.Duration(500+rng.Intn(2500)) * time.Millisecond
		s.add(timer{
			volume: fmt.Sprintf("vol-%05d.%s", i, []string{"ssd", "hdd", "nvme"}[i%3]),
			holder: uint16(rng.Intn(400)),
			period: p,
			due:    start.Add(time.Duration(rng.Int63n(int64(p)))),
		})
	}

	var signed int64
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go renewer(renewals, &signed, &wg)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		s.run(stop)
		close(done)
	}()

	// Volumes come and go: every few ms a lease is dropped and a new one taken.
	churnStop := make(chan struct{})
	churnDone := make(chan struct{})
	go func() {
		defer close(churnDone)
		id := leaseID(1)
		for n := leases; ; n++ {
			select {
			case <-churnStop:
				return
			case <-time.After(3 * time.Millisecond):
			}
			s.cancel <- id
			id += 7
			s.register <- timer{
				volume: fmt.Sprintf("vol-%05d.ssd", n),
				holder: uint16(n % 400),
				period: 2 * time.Second,
				due:    time.Now().Add(time.Second),
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1500 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2500 * time.Millisecond)
	close(churnStop)
	<-churnDone
	close(stop)
	<-done
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "leases=%d scans=%d fired=%d dropped=%d signed=%d\n",
		len(s.timers), s.scans, s.fired, s.dropped, atomic.LoadInt64(&signed))
}
