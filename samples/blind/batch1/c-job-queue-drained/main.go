// Command jobsched is the in-memory dispatcher of a background-job service:
// producers enqueue jobs, a dispatcher hands the most urgent pending jobs to a
// fixed pool of workers, and a nightly import occasionally floods the queue.
package main

import (
	"crypto/sha1"
	"encoding/binary"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Job struct {
	ID         uint64
	Kind       string
	Tenant     string
	Priority   int
	EnqueuedAt time.Time
	Attempts   int
	Args       []byte
}

// before reports whether a should run before b.
func before(a, b *Job) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	return a.EnqueuedAt.Before(b.EnqueuedAt)
}

type Scheduler struct {
	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]*Job
	running map[uint64]*Job

	work      chan *Job
	slots     int
	picked    []*Job
	dispatchN int64
	completed int64
}

func NewScheduler(slots int) *Scheduler {
	return &Scheduler{
		pending: make(map[uint64]*Job),
		running: make(map[uint64]*Job),
		work:    make(chan *Job, slots),
		slots:   slots,
	}
}

// Enqueue adds a job and returns its ID.
func (s *Scheduler) Enqueue(kind, tenant string, prio int, args []byte) uint64 {
	s.mu.Lock()
	s.nextID++
	j := &Job{ID: s.nextID, Kind: kind, Tenant: tenant, Priority: prio, EnqueuedAt: time.Now(), Args: args}
	s.pending[j.ID] = j
	s.mu.Unlock()
	return j.ID
}

// dispatchOnce moves up to the number of free worker slots from pending to
// running, most urgent first. With a large backlog ordering matters little,
// so it takes whatever it finds first.
func (s *Scheduler) dispatchOnce() int {
	s.mu.Lock()
	free := s.slots - len(s.running)
	if free <= 0 || len(s.pending) == 0 {
		s.mu.Unlock()
		return 0
	}
	backlog := len(s.pending) > 4*s.slots
	picked := s.picked[:0]
	for _, j := range s.pending {
		if backlog {
			picked = append(picked, j)
			if len(picked) == free {
				break
			}
			continue
		}
		// keep picked sorted, at most `free` long
		i := len(picked)
		for i > 0 && before(j, picked[i-1]) {
			i--
		}
		if i >= free {
			continue
		}
		if len(picked) < free {
			picked = append(picked, nil)
		}
		copy(picked[i+1:], picked[i:len(picked)-1])
		picked[i] = j
	}
	for _, j := range picked {
		delete(s.pending, j.ID)
		s.running[j.ID] = j
	}
	s.picked = picked
	s.dispatchN++
	s.mu.Unlock()
	for i, j := range picked {
		s.work <- j
		picked[i] = nil
	}
	return len(picked)
}

func (s *Scheduler) finish(j *Job) {
	s.mu.Lock()
	delete(s.running, j.ID)
	s.completed++
	s.mu.Unlock()
}

// run executes one job; all job kinds here are short.
func run(j *Job) [20]byte {
	var buf [64]byte
	binary.LittleEndian.PutUint64(buf[:], j.ID)
	copy(buf[8:], j.Kind)
	copy(buf[24:], j.Args)
	return sha1.Sum(buf[:])
}

func (s *Scheduler) worker(wg *sync.WaitGroup, out *uint64) {
	defer wg.Done()
	for j := range s.work {
		sum := run(j)
		atomic.AddUint64(out, uint64(sum[0]))
		s.finish(j)
	}
}

// sched is the process-wide scheduler, shared with the admin handlers.
var sched = NewScheduler(1024)

func main() {
	prof.Start()
	start := time.Now()

	s := sched
	var workers sync.WaitGroup
	var checksum uint64
	for i := 0; i < 4; i++ {
		workers.Add(1)
		go s.worker(&workers, &checksum)
	}

	stop := make(chan struct{})
	var bg sync.WaitGroup

	// dispatcher: polls every millisecond
	bg.Add(1)
	go func() {
		defer bg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				for s.dispatchOnce() > 0 {
				}
			}
		}
	}()

	// regular producers: webhooks, emails, thumbnails
	kinds := []string{"webhook.deliver", "email.send", "thumb.render", "invoice.pdf", "search.reindex"}
	tenants := []string{"acme", "globex", "initech", "umbrella", "hooli", "vandelay"}
	for p := 0; p < 2; p++ {
		bg.Add(1)
		go func(seed int64) {
			defer bg.Done()
			rng := rand.New(rand.NewSource(seed))
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					for i := 0; i < 3; i++ {
						s.Enqueue(kinds[rng.Intn(len(kinds))], tenants[rng.Intn(len(tenants))], rng.Intn(10), []byte("{\"retry\":true}"))
					}
				}
			}
		}(int64(p + 1))
	}

	// nightly import: one large burst early in the run
	time.Sleep(300 * time.Millisecond)
	importArgs := []byte("{\"source\":\"s3://exports/2026-12-06\"}")
	for i := 0; i < 400000; i++ {
		s.Enqueue("import.row", tenants[i%len(tenants)], 1, importArgs)
	}
	log.Printf("import queued 400000 jobs at %.1fs", time.Since(start).Seconds())

	time.Sleep(1700 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2000 * time.Millisecond)
	close(stop)
	bg.Wait()
	close(s.work)
	workers.Wait()

	s.mu.Lock()
	log.Printf("completed %d jobs, %d still pending, %d dispatch rounds, %.1fs", s.completed, len(s.pending), s.dispatchN, time.Since(start).Seconds())
	s.mu.Unlock()
	prof.Stop()
}
