// Command scheduler runs batch workflows for the ingestion service. Each
// workflow is a tree of jobs: extracting a source fans out into transforms,
// transforms fan out into index writes, and index writes emit notifications.
package main

import (
	"fmt"
	"hash/crc32"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// JobKind is the stage of a job in a workflow.
type JobKind uint8

const (
	KindExtract JobKind = iota
	KindTransform
	KindIndex
	KindNotify
)

var kindNames = [...]string{"extract", "transform", "index", "notify"}

func (k JobKind) String() string { return kindNames[k] }

// fanOut is how many follow-up jobs one job of a kind creates.
var fanOut = map[JobKind]int{
	KindExtract:   6,
	KindTransform: 4,
	KindIndex:     2,
}

// Job is one unit of work in a workflow.
type Job struct {
	ID       uint64
	Workflow string
	Kind     JobKind
	Shard    int
	Attempt  int
	Payload  []byte
	Created  time.Time
}

// Workflow is a request to run one source through the pipeline.
type Workflow struct {
	Name    string
	Tenant  string
	Sources int
}

// Report summarises a finished workflow.
type Report struct {
	Workflow   string
	Dispatched int
	ByKind     [4]int
	Checksum   uint32
	Elapsed    time.Duration
}

// Scheduler owns the pending jobs of one workflow run.
type Scheduler struct {
	wf      Workflow
	nextID  uint64
	pending map[uint64]*Job
	report  Report
	blob    []byte
}

func newScheduler(wf Workflow, blob []byte) *Scheduler {
	return &Scheduler{
		wf:      wf,
		pending: make(map[uint64]*Job),
		report:  Report{Workflow: wf.Name},
		blob:    blob,
	}
}

func (s *Scheduler) newJob(kind JobKind, shard int) *Job {
	s.nextID++
	off := int(s.nextID*37) % (len(s.blob) - 256)
	return &Job{
		ID:       s.nextID,
		Workflow: s.wf.Name,
		Kind:     kind,
		Shard:    shard,
		Payload:  s.blob[off : off+256],
		Created:  time.Now(),
	}
}

// Seed queues the extract jobs for every source of the workflow.
func (s *Scheduler) Seed() {
	for i := 0; i < s.wf.Sources; i++ {
		j := s.newJob(KindExtract, i)
		s.pending[j.ID] = j
	}
}

// Dispatch runs pending jobs until none are left. Jobs created by a job are
// queued straight away so that they run in the same pass.
func (s *Scheduler) Dispatch() {
	start := time.Now()
	for len(s.pending) > 0 {
		for id, job := range s.pending {
			delete(s.pending, id)
			for _, next := range s.execute(job) {
				s.pending[next.ID] = next
			}
			s.report.Dispatched++
			s.report.ByKind[job.Kind]++
		}
	}
	s.report.Elapsed = time.Since(start)
}

// execute performs a job and returns the follow-up jobs it produced.
func (s *Scheduler) execute(job *Job) []*Job {
	sum := crc32.ChecksumIEEE(job.Payload)
	s.report.Checksum ^= sum + uint32(job.Shard)
	n := fanOut[job.Kind]
	if n == 0 {
		return nil
	}
	out := make([]*Job, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, s.newJob(job.Kind+1, job.Shard*n+i))
	}
	return out
}

type fleet struct {
	workers  int
	requests chan Workflow
	done     int64
	jobs     int64
	wg       sync.WaitGroup
	mu       sync.Mutex
	perTen   map[string]int
}

func (f *fleet) start(blob []byte) {
	for w := 0; w < f.workers; w++ {
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for wf := range f.requests {
				s := newScheduler(wf, blob)
				s.Seed()
				s.Dispatch()
				atomic.AddInt64(&f.done, 1)
				atomic.AddInt64(&f.jobs, int64(s.report.Dispatched))
				f.mu.Lock()
				f.perTen[wf.Tenant]++
				f.mu.Unlock()
			}
		}()
	}
}

func main() {
	prof.Start()

	blob := make([]byte, 64<<10)
	for i := range blob {
		blob[i] = byte(i*131 + i>>7)
	}
	tenants := []string{"acme", "globex", "initech", "umbrella", "hooli"}
	f := &fleet{workers: 4, requests: make(chan Workflow, 64), perTen: map[string]int{}}
	f.start(blob)

	runFor := 6 * time.Second
	begin := time.Now()
	go func() {
		seq := 0
		for time.Since(begin) < runFor {
			seq++
			f.requests <- Workflow{
				Name:    fmt.Sprintf("wf-%06d", seq),
				Tenant:  tenants[seq%len(tenants)],
				Sources: 12 + seq%9,
			}
		}
		close(f.requests)
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	f.wg.Wait()
	prof.Stop()
	log.Printf("workflows=%d jobs=%d tenants=%v", atomic.LoadInt64(&f.done), atomic.LoadInt64(&f.jobs), f.perTen)
}
