// Command ledgerd is a small JSON-over-HTTP style ledger service. Every
// request is registered in an in-flight table keyed by its request ID so that
// the admin endpoint can show (and cancel) what is currently running.
package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Request is a parsed API call.
type Request struct {
	ID      string
	Account uint32
	Amount  int64
	Memo    []byte
}

// inflight is what the admin endpoint shows about a running request.
type inflight struct {
	started  time.Time
	account  uint32
	canceled int32
}

// InflightTracker knows every request the node is working on.
type InflightTracker struct {
	reqs sync.Map // request ID -> *inflight
}

var (
	errDuplicateID = errors.New("duplicate request id")
	errCanceled    = errors.New("request canceled")
)

// Begin registers a request; it fails if the ID is already in flight.
func (t *InflightTracker) Begin(r *Request) (*inflight, error) {
	st := &inflight{started: time.Now(), account: r.Account}
	if _, loaded := t.reqs.LoadOrStore(r.ID, st); loaded {
		return nil, errDuplicateID
	}
	return st, nil
}

// End removes a finished request.
func (t *InflightTracker) End(id string) { t.reqs.Delete(id) }

// Cancel is called by the admin endpoint.
func (t *InflightTracker) Cancel(id string) bool {
	v, ok := t.reqs.Load(id)
	if ok {
		atomic.StoreInt32(&v.(*inflight).canceled, 1)
	}
	return ok
}

// Ledger is the node's state: balances are a dense array indexed by
// account number, updated atomically.
type Ledger struct {
	tracker  *InflightTracker
	balances []int64
	applied  int64
	audited  int64
	crcTab   *crc32.Table
}

func NewLedger(accounts int) *Ledger {
	return &Ledger{
		tracker:  &InflightTracker{},
		balances: make([]int64, accounts),
		crcTab:   crc32.MakeTable(crc32.Castagnoli),
	}
}

// Apply handles one posting request end to end.
func (l *Ledger) Apply(r *Request) error {
	st, err := l.tracker.Begin(r)
	if err != nil {
		return err
	}
	defer l.tracker.End(r.ID)

	if atomic.LoadInt32(&st.canceled) != 0 {
		return errCanceled
	}
	if crc32.Checksum(r.Memo, l.crcTab)&0xff == 0 {
		atomic.AddInt64(&l.audited, 1) // one posting in 256 goes to the audit trail
	}
	atomic.AddInt64(&l.balances[r.Account], r.Amount)
	atomic.AddInt64(&l.applied, 1)
	return nil
}

// client plays one upstream connection sending postings as fast as it can.
func client(l *Ledger, node int, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(node)))
	prefix := "req-" + strconv.Itoa(node) + "-"
	memos := make([][]byte, 16)
	for i := range memos {
		memos[i] = []byte("transfer " + strconv.Itoa(rng.Intn(1e6)) + " ref INV-" + strconv.Itoa(node*1000+i))
	}
	r := &Request{}
	for seq := uint64(1); atomic.LoadInt32(stop) == 0; seq++ {
		r.ID = prefix + strconv.FormatUint(seq, 36)
		r.Account = uint32(rng.Intn(len(l.balances)))
		r.Amount = int64(rng.Intn(20000) - 10000)
		r.Memo = memos[seq%uint64(len(memos))]
		if err := l.Apply(r); err == errDuplicateID {
			panic(err)
		}
	}
}

// admin occasionally cancels a request by ID, like an operator would.
func admin(l *Ledger, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(99))
	for atomic.LoadInt32(stop) == 0 {
		time.Sleep(250 * time.Millisecond)
		id := "req-" + strconv.Itoa(rng.Intn(32)) + "-" + strconv.FormatUint(uint64(rng.Intn(1<<20)), 36)
		l.tracker.Cancel(id)
	}
}

func main() {
	prof.Start()
	l := NewLedger(100000)
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go client(l, i, &stop, &wg)
	}
	wg.Add(1)
	go admin(l, &stop, &wg)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	prof.Stop()
	fmt.Printf("applied=%d audited=%d\n", atomic.LoadInt64(&l.applied), atomic.LoadInt64(&l.audited))
}
