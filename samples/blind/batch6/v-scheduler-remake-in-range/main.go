// Command jobsched runs the periodic maintenance jobs of a tenant fleet
// (snapshot pruning, certificate checks, usage roll-ups). Jobs are registered
// through the admin API, fire on their interval, and back off when they fail.
package main

import (
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// JobKind says what a job does when it fires.
type JobKind int

const (
	KindPruneSnapshots JobKind = iota
	KindCheckCerts
	KindRollupUsage
	KindVacuumIndex
)

func (k JobKind) String() string {
	switch k {
	case KindPruneSnapshots:
		return "prune-snapshots"
	case KindCheckCerts:
		return "check-certs"
	case KindRollupUsage:
		return "rollup-usage"
	default:
		return "vacuum-index"
	}
}

// Job is one scheduled unit of work.
type Job struct {
	ID       string
	Tenant   string
	Kind     JobKind
	Interval time.Duration
	NextRun  time.Time
	Runs     int
	Failures int
	Retired  bool
}

const maxFailures = 6

func (j *Job) due(now time.Time) bool { return !j.Retired && !now.Before(j.NextRun) }

// backoff pushes the next run out after a failure.
func (j *Job) backoff(now time.Time) {
	d := j.Interval << uint(j.Failures)
	if d > 400*time.Millisecond {
		d = 400 * time.Millisecond
	}
	j.NextRun = now.Add(d)
}

// Executor runs jobs. It fails a small share of runs, like a flaky backend.
type Executor struct {
	rng      *rand.Rand
	failRate float64
	checksum uint64
}

func (e *Executor) Run(j *Job) error {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%d", j.Tenant, j.Kind, j.Runs)
	e.checksum ^= h.Sum64()
	if e.rng.Float64() < e.failRate {
		return fmt.Errorf("job %s: backend timeout", j.ID)
	}
	return nil
}

// Scheduler owns the job table. Only the goroutine running Run touches it;
// the admin API hands new jobs over through the incoming channel.
type Scheduler struct {
	jobs     map[string]*Job
	exec     *Executor
	incoming chan *Job

	fired   uint64
	failed  uint64
	retired uint64
}

func NewScheduler(exec *Executor) *Scheduler {
	return &Scheduler{jobs: make(map[string]*Job), exec: exec, incoming: make(chan *Job, 256)}
}

// Preload adds jobs restored from the state file, before Run starts.
func (s *Scheduler) Preload(j *Job) { s.jobs[j.ID] = j }

// Register queues a job for the scheduler loop (admin API path). It gives up
// when the scheduler is shutting down.
func (s *Scheduler) Register(j *Job, stop <-chan struct{}) bool {
	select {
	case s.incoming <- j:
		return true
	case <-stop:
		return false
	}
}

// tick fires every due job. A failed job is backed off; when that happens the
// table is rebuilt so that jobs which exhausted their retries drop out of it.
func (s *Scheduler) tick(now time.Time) {
	for _, j := range s.jobs {
		if !j.due(now) {
			continue
		}
		j.Runs++
		atomic.AddUint64(&s.fired, 1)
		if err := s.exec.Run(j); err == nil {
			j.Failures = 0
			j.NextRun = now.Add(j.Interval)
			continue
		}
		atomic.AddUint64(&s.failed, 1)
		j.Failures++
		if j.Failures >= maxFailures {
			j.Retired = true
			atomic.AddUint64(&s.retired, 1)
		} else {
			j.backoff(now)
		}
		// Reschedule: rebuild the table without the retired jobs.
		live := s.jobs
		s.jobs = make(map[string]*Job)
		for id, other := range live {
			if other.Retired {
				continue
			}
			s.jobs[id] = other
		}
	}
}

// Run drives the scheduler until stop is closed.
func (s *Scheduler) Run(period time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case j := <-s.incoming:
			s.jobs[j.ID] = j
		case now := <-t.C:
			s.tick(now)
		}
	}
}

var tenants = []string{"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne"}

func newJob(seq int, rng *rand.Rand, now time.Time) *Job {
	tenant := tenants[rng.Intn(len(tenants))]
	kind := JobKind(rng.Intn(4))
	interval := time.Duration(10+rng.Intn(60)) * time.Millisecond
	return &Job{
		ID:       fmt.Sprintf("%s-%s-%06d", tenant, kind, seq),
		Tenant:   tenant,
		Kind:     kind,
		Interval: interval,
		NextRun:  now.Add(time.Duration(rng.Int63n(int64(interval)))),
	}
}

func main() {
	prof.Start()
	start := time.Now()

	rng := rand.New(rand.NewSource(7))
	sched := NewScheduler(&Executor{rng: rand.New(rand.NewSource(11)), failRate: 0.02})
	seq := 0
	for ; seq < 3000; seq++ {
		sched.Preload(newJob(seq, rng, start))
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go sched.Run(2*time.Millisecond, stop, &wg)

	// Admin API: tenants keep registering new jobs, replacing the retired ones.
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				if !sched.Register(newJob(seq, rng, now), stop) {
					return
				}
				seq++
			}
		}
	}()

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	log.Printf("jobs=%d fired=%d failed=%d retired=%d checksum=%x elapsed=%s",
		len(sched.jobs), atomic.LoadUint64(&sched.fired), atomic.LoadUint64(&sched.failed),
		atomic.LoadUint64(&sched.retired), sched.exec.checksum, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
