// Command entitystore is the id-migration part of the entity service: records
// imported from the legacy system arrive under their legacy numeric ids and
// are moved into the new sharded id space before they are served.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// Record is one customer entity.
type Record struct {
	ID        uint64
	Tenant    uint16
	Name      string
	Email     string
	CreatedAt int64
	Schema    int
}

const (
	legacySchema  = 1
	currentSchema = 2
	shardBits     = 40
)

// Store keeps the records of one import batch, keyed by id.
type Store struct {
	mu       sync.RWMutex
	records  map[uint64]*Record
	nextSeq  map[uint16]uint64
	migrated int
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{records: make(map[uint64]*Record), nextSeq: make(map[uint16]uint64)}
}

// Import loads legacy rows under their legacy ids.
func (s *Store) Import(rows []Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range rows {
		r := rows[i]
		r.Schema = legacySchema
		s.records[r.ID] = &r
	}
}

// newID allocates the id of a record in the sharded id space: the tenant in
// the high bits, a per-tenant sequence below.
func (s *Store) newID(tenant uint16) uint64 {
	seq := s.nextSeq[tenant] + 1
	s.nextSeq[tenant] = seq
	return uint64(tenant)<<shardBits | seq
}

// MigrateIDs moves every legacy record to its new id.
func (s *Store) MigrateIDs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for oldID, rec := range s.records {
		if rec.Schema == currentSchema {
			continue // already moved (may be seen again by this loop)
		}
		rec.ID = s.newID(rec.Tenant)
		rec.Schema = currentSchema
		s.records[rec.ID] = rec
		delete(s.records, oldID)
		n++
	}
	s.migrated += n
	return n
}

// Lookup returns the record with the given id.
func (s *Store) Lookup(id uint64) (*Record, bool) {
	s.mu.RLock()
	r, ok := s.records[id]
	s.mu.RUnlock()
	return r, ok
}

// legacyBatch simulates one page of rows read from the legacy database.
func legacyBatch(rng *rand.Rand, size int, base uint64) []Record {
	rows := make([]Record, size)
	for i := range rows {
		id := base + uint64(i)*7 + uint64(rng.Intn(7))
		rows[i] = Record{
			ID:        id,
			Tenant:    uint16(rng.Intn(64)),
			Name:      "customer-" + strconv.FormatUint(id, 10),
			Email:     "c" + strconv.FormatUint(id, 36) + "@example.com",
			CreatedAt: time.Now().Unix() - int64(rng.Intn(86400*365)),
		}
	}
	return rows
}

func main() {
	prof.Start()
	rng := rand.New(rand.NewSource(7))

	const runFor = 6 * time.Second
	start := time.Now()
	heapDone, gorDone := false, false

	var wg sync.WaitGroup
	stop := make(chan struct{})
	lookups := make(chan *Store, 1)
	// readers verify migrated batches are served under their new ids
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(time.Now().UnixNano()))
			var cur *Store
			for {
				select {
				case <-stop:
					return
				case s := <-lookups:
					cur = s
				default:
				}
				if cur == nil {
					time.Sleep(time.Millisecond)
					continue
				}
				tenant := uint16(r.Intn(64))
				cur.Lookup(uint64(tenant)<<shardBits | uint64(1+r.Intn(500)))
				time.Sleep(50 * time.Microsecond)
			}
		}()
	}

	batches, moved := 0, 0
	var base uint64 = 1_000_000
	for time.Since(start) < runFor {
		store := NewStore()
		rows := legacyBatch(rng, 60000, base)
		base += 60000 * 7
		store.Import(rows)
		moved += store.MigrateIDs()
		batches++
		select {
		case lookups <- store:
		default:
		}
		el := time.Since(start)
		if !heapDone && el > runFor/3 {
			prof.HeapEarly()
			heapDone = true
		}
		if !gorDone && el > runFor/2 {
			prof.Goroutines()
			gorDone = true
		}
	}
	close(stop)
	wg.Wait()
	fmt.Printf("batches=%d migrated=%d\n", batches, moved)
	prof.Stop()
}
