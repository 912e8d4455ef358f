// Command jobsched is the in-process scheduler of the reporting service: it
// keeps every pending occurrence of every registered job on one timeline and
// fires the ones that are due on each tick.
package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

// Job is a unit of work registered by a tenant. Recurring jobs have a
// non-zero Every.
type Job struct {
	Name   string
	Tenant string
	Every  time.Duration
	Spec   []byte
}

// slot names one occurrence of a job on the timeline.
type slot struct {
	job string
	seq uint32
}

type occurrence struct {
	job      *Job
	due      time.Time
	seq      uint32
	attempts uint8
}

var errTransient = errors.New("transient executor failure")

// Scheduler fires due occurrences. All state is guarded by mu.
type Scheduler struct {
	mu      sync.Mutex
	pending map[slot]*occurrence
	exec    func(*Job) error

	fired  uint64
	missed uint64
	failed uint64
}

func NewScheduler(exec func(*Job) error) *Scheduler {
	return &Scheduler{pending: make(map[slot]*occurrence), exec: exec}
}

// Register books the first occurrence of j.
func (s *Scheduler) Register(j *Job, first time.Time) {
	s.mu.Lock()
	s.pending[slot{job: j.Name}] = &occurrence{job: j, due: first}
	s.mu.Unlock()
}

// Pending reports how many occurrences are booked.
func (s *Scheduler) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

func retryDelay(attempt uint8) time.Duration {
	return time.Duration(attempt) * 3 * time.Millisecond
}

// tick runs every occurrence that is due at now and books the next run of
// each recurring job.
func (s *Scheduler) tick(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	fired := 0
	bookNext := func(o *occurrence) {
		next := o.due.Add(o.job.Every)
		if next.Before(now) {
			// We fell behind; skip the runs we missed instead of bursting.
			s.missed++
			next = now.Add(o.job.Every)
		}
		s.pending[slot{job: o.job.Name, seq: o.seq + 1}] = &occurrence{job: o.job, due: next, seq: o.seq + 1}
	}

	for key, o := range s.pending {
		if o.due.After(now) {
			continue
		}
		if err := s.exec(o.job); err != nil {
			s.failed++
			if o.attempts < 3 {
				o.attempts++
				o.due = now.Add(retryDelay(o.attempts))
				continue
			}
		}
		fired++
		if o.job.Every > 0 {
			bookNext(o)
		}
		delete(s.pending, key)
	}
	s.fired += uint64(fired)
	return fired
}

// runReport is the executor: it "renders" a tiny report from the job spec.
func runReport(j *Job) error {
	sum := crc32.ChecksumIEEE(j.Spec)
	if sum%997 == 0 {
		return errTransient
	}
	return nil
}

var tenants = []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"}
var kinds = []string{"daily-revenue", "churn", "inventory-sync", "cache-warm", "sla-digest", "invoice-batch"}

func newJob(rng *rand.Rand, n int) *Job {
	t := tenants[rng.Intn(len(tenants))]
	k := kinds[rng.Intn(len(kinds))]
	spec := make([]byte, 48)
	rng.Read(spec)
	return &Job{
		Name:   fmt.Sprintf("%s/%s/%06d", t, k, n),
		Tenant: t,
		Every:  time.Duration(150+rng.Intn(600)) * time.Millisecond,
		Spec:   spec,
	}
}

func main() {
	prof.Start()
	start := time.Now()

	s := NewScheduler(runReport)
	rng := rand.New(rand.NewSource(7))
	const initialJobs = 100000
	for i := 0; i < initialJobs; i++ {
		j := newJob(rng, i)
		s.Register(j, start.Add(time.Duration(rng.Int63n(int64(j.Every)))))
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup

	// Tenants keep onboarding a few jobs a second through the API.
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewSource(11))
		n := initialJobs
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				j := newJob(r, n)
				n++
				s.Register(j, now.Add(j.Every))
			}
		}
	}()

	// The scheduler loop.
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				s.tick(now)
			}
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	wg.Wait()

	s.mu.Lock()
	log.Printf("jobsched: pending=%d fired=%d missed=%d failed=%d in %v",
		len(s.pending), s.fired, s.missed, s.failed, time.Since(start).Round(time.Millisecond))
	s.mu.Unlock()
	prof.Stop()
}
