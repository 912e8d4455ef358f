// Command meterd is the metering front of the storage API: every request is
// charged against its tenant's quota for the current window before it is
// served, and every charge is written to the audit trail.
package main

import (
	"errors"
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

var errUnknownTenant = errors.New("unknown tenant")

type request struct {
	id     uint64
	tenant string
	op     string
	bytes  int64
}

type response struct {
	status int
	body   uint32
}

type handlerFunc func(*request) response

type tenantQuota struct {
	plan    string
	limit   int64 // bytes per window
	used    int64
	charges int64
	denied  int64
}

// QuotaBook holds the quota state of every tenant.
type QuotaBook struct {
	mu       sync.Mutex
	tenants  map[string]*tenantQuota
	trail    []string // last audit lines, shipped by the audit exporter
	trailPos int
}

func NewQuotaBook(trail int) *QuotaBook {
	return &QuotaBook{tenants: make(map[string]*tenantQuota), trail: make([]string, trail)}
}

func (b *QuotaBook) Enroll(tenant, plan string, limit int64) {
	b.mu.Lock()
	b.tenants[tenant] = &tenantQuota{plan: plan, limit: limit}
	b.mu.Unlock()
}

// Charge books cost against the tenant's window and records the decision.
func (b *QuotaBook) Charge(tenant string, reqID uint64, op string, cost int64) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, ok := b.tenants[tenant]
	if !ok {
		return false, errUnknownTenant
	}
	allowed := q.used+cost <= q.limit
	if allowed {
		q.used += cost
		q.charges++
	} else {
		q.denied++
	}
	b.trail[b.trailPos] = fmt.Sprintf("%s req=%d tenant=%s plan=%s op=%s cost=%d used=%d/%d allowed=%t",
		time.Now().UTC().Format(time.RFC3339Nano), reqID, tenant, q.plan, op, cost, q.used, q.limit, allowed)
	b.trailPos = (b.trailPos + 1) % len(b.trail)
	return allowed, nil
}

// ResetWindow starts a new quota window for every tenant.
func (b *QuotaBook) ResetWindow() {
	b.mu.Lock()
	for _, q := range b.tenants {
		q.used = 0
	}
	b.mu.Unlock()
}

// withQuota is the metering middleware.
func withQuota(book *QuotaBook, next handlerFunc) handlerFunc {
	return func(r *request) response {
		ok, err := book.Charge(r.tenant, r.id, r.op, r.bytes)
		switch {
		case err != nil:
			return response{status: 403}
		case !ok:
			return response{status: 429}
		}
		return next(r)
	}
}

// serveObject stands for the storage backend.
func serveObject(r *request) response {
	var key [64]byte
	k := strconv.AppendUint(append(key[:0], r.tenant...), r.id, 16)
	return response{status: 200, body: crc32.ChecksumIEEE(k)}
}

var ops = []string{"GET", "GET", "GET", "PUT", "HEAD", "LIST"}

func main() {
	prof.Start()
	start := time.Now()

	book := NewQuotaBook(4096)
	plans := []struct {
		name  string
		limit int64
	}{{"free", 5 << 20}, {"team", 200 << 20}, {"business", 2 << 30}}
	tenants := make([]string, 300)
	for i := range tenants {
		tenants[i] = fmt.Sprintf("t-%04d", i)
		p := plans[i%len(plans)]
		book.Enroll(tenants[i], p.name, p.limit)
	}
	handler := withQuota(book, serveObject)

	var (
		served, throttled uint64
		nextID            uint64
		wg                sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := 0; w < 40; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := &request{
					id:     atomic.AddUint64(&nextID, 1),
					tenant: tenants[rng.Intn(len(tenants))],
					op:     ops[rng.Intn(len(ops))],
					bytes:  int64(512 + rng.Intn(64<<10)),
				}
				if resp := handler(r); resp.status == 200 {
					atomic.AddUint64(&served, 1)
				} else {
					atomic.AddUint64(&throttled, 1)
				}
			}
		}(w)
	}
	wg.Add(1)
	go func() { // quota windows roll over every 250 ms
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				book.ResetWindow()
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(3*time.Second - time.Since(start))
	prof.Goroutines()
	time.Sleep(6*time.Second - time.Since(start))
	close(stop)
	wg.Wait()
	prof.Stop()

	log.Printf("requests=%d served=%d throttled=%d elapsed=%s", atomic.LoadUint64(&nextID),
		atomic.LoadUint64(&served), atomic.LoadUint64(&throttled), time.Since(start).Round(time.Millisecond))
}
