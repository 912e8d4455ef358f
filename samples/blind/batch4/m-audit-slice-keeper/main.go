// Command exportd runs tenant report exports.
//
// Clients submit export requests (a query plus a rendered spec of a few KB);
// a pool of workers runs them. The set of running jobs is tracked so that the
// admin endpoint can list and cancel them, and every submission is recorded in
// an audit trail for compliance reporting.
package main

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type jobState int

const (
	stateQueued jobState = iota
	stateRunning
	stateDone
	stateFailed
)

// ExportJob is one report export.
type ExportJob struct {
	ID        string
	Tenant    string
	Format    string
	Spec      []byte // rendered export spec: columns, filters, layout
	State     jobState
	Rows      int
	Checksum  uint32
	Submitted time.Time
	Finished  time.Time
}

var (
	jobsMu  sync.Mutex
	running = make(map[string]*ExportJob) // jobs not finished yet, by ID

	// auditTrail records every submission for the compliance report.
	auditTrail []*ExportJob

	jobSeq    uint64
	completed uint64
)

var formats = []string{"csv", "xlsx", "parquet", "json"}

// renderSpec expands a tenant's saved report definition into the spec the
// export engine consumes.
func renderSpec(tenant string, columns int, rng *rand.Rand) []byte {
	var b bytes.Buffer
	b.Grow(columns * 96)
	b.WriteString("tenant=")
	b.WriteString(tenant)
	b.WriteByte('\n')
	for c := 0; c < columns; c++ {
		b.WriteString("col ")
		b.WriteString(strconv.Itoa(c))
		b.WriteString(" name=metric_")
		b.WriteString(strconv.FormatInt(rng.Int63n(1<<40), 36))
		b.WriteString(" agg=sum window=5m filter=region!=\"test\" fmt=%.3f\n")
	}
	return b.Bytes()
}

// exportRequest is what a client posts to /v1/exports.
type exportRequest struct {
	Tenant  string
	Columns int
	Format  string
}

// submit renders the request into a job, registers it and returns it, ready
// to be queued.
func submit(req exportRequest, rng *rand.Rand) *ExportJob {
	j := &ExportJob{
		ID:        "exp-" + strconv.FormatUint(atomic.AddUint64(&jobSeq, 1), 10),
		Tenant:    req.Tenant,
		Format:    req.Format,
		Spec:      renderSpec(req.Tenant, req.Columns, rng),
		Submitted: time.Now(),
	}
	jobsMu.Lock()
	running[j.ID] = j
	auditTrail = append(auditTrail, j)
	jobsMu.Unlock()
	return j
}

// finish marks j finished and forgets it.
func finish(j *ExportJob, ok bool) {
	jobsMu.Lock()
	if ok {
		j.State = stateDone
	} else {
		j.State = stateFailed
	}
	j.Finished = time.Now()
	delete(running, j.ID)
	jobsMu.Unlock()
	atomic.AddUint64(&completed, 1)
}

// runExport plays the export engine: it walks the spec and "produces" rows.
func runExport(j *ExportJob) bool {
	jobsMu.Lock()
	j.State = stateRunning
	jobsMu.Unlock()
	j.Checksum = crc32.ChecksumIEEE(j.Spec)
	j.Rows = bytes.Count(j.Spec, []byte{'\n'}) * 250
	return j.Checksum%97 != 0
}

// auditSummary is what the compliance endpoint serves: failures per tenant
// over the last minute.
func auditSummary(since time.Time) map[string]int {
	jobsMu.Lock()
	defer jobsMu.Unlock()
	out := make(map[string]int)
	for i := len(auditTrail) - 1; i >= 0; i-- {
		j := auditTrail[i]
		if j.Submitted.Before(since) {
			break
		}
		if j.State == stateFailed {
			out[j.Tenant]++
		}
	}
	return out
}

func runningCount() int {
	jobsMu.Lock()
	defer jobsMu.Unlock()
	return len(running)
}

func main() {
	prof.Start()

	queue := make(chan *ExportJob, 512)
	var workers sync.WaitGroup
	for w := 0; w < 4; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range queue {
				finish(j, runExport(j))
			}
		}()
	}

	stop := make(chan struct{})
	var clients sync.WaitGroup
	for c := 0; c < 3; c++ {
		clients.Add(1)
		go func(id int) {
			defer clients.Done()
			rng := rand.New(rand.NewSource(int64(id)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 50; i++ {
					req := exportRequest{
						Tenant:  "tenant-" + strconv.Itoa(rng.Intn(300)),
						Columns: 20 + rng.Intn(30),
						Format:  formats[rng.Intn(len(formats))],
					}
					queue <- submit(req, rng)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}(c)
	}

	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = auditSummary(time.Now().Add(-time.Minute))
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	clients.Wait()
	close(queue)
	workers.Wait()

	jobsMu.Lock()
	audited := len(auditTrail)
	jobsMu.Unlock()
	fmt.Printf("exports completed=%d running=%d audited=%d\n",
		atomic.LoadUint64(&completed), runningCount(), audited)
	prof.Stop()
}
