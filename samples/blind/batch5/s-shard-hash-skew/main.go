// Command meterd accumulates per-account API usage for billing. Every API
// frontend request records its cost here; a flusher periodically reads the
// totals. The usage table is split into shards so that writers for different
// accounts do not serialize on one lock.
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	shardBits  = 5
	shardCount = 1 << shardBits
)

type usage struct {
	Requests  uint64
	Units     uint64
	Egress    uint64
	LastEvent int64
}

type usageShard struct {
	mu       sync.Mutex
	accounts map[uint64]*usage
}

// UsageTable is a sharded map from account id to accumulated usage.
type UsageTable struct {
	shards [shardCount]usageShard
}

func NewUsageTable() *UsageTable {
	t := &UsageTable{}
	for i := range t.shards {
		t.shards[i].accounts = make(map[uint64]*usage, 1024)
	}
	return t
}

// shardOf picks the shard of an account. Account ids are minted as random
// 64-bit values, so their top bits are already uniformly distributed.
func (t *UsageTable) shardOf(account uint64) *usageShard {
	return &t.shards[account>>(64-shardBits)]
}

// Record adds one request's cost to the account's running totals.
func (t *UsageTable) Record(account uint64, units, egress uint64, at int64) {
	sh := t.shardOf(account)
	sh.mu.Lock()
	u := sh.accounts[account]
	if u == nil {
		u = &usage{}
		sh.accounts[account] = u
	}
	u.Requests++
	u.Units += units
	u.Egress += egress
	u.LastEvent = at
	sh.mu.Unlock()
}

// Snapshot copies the totals of one shard for the billing flusher.
func (t *UsageTable) Snapshot(i int) map[uint64]usage {
	sh := &t.shards[i]
	sh.mu.Lock()
	out := make(map[uint64]usage, len(sh.accounts))
	for id, u := range sh.accounts {
		out[id] = *u
	}
	sh.mu.Unlock()
	return out
}

// accountIDs returns the accounts seen by the frontends: mostly accounts
// migrated from the old billing system, which kept its sequential ids, plus
// a few new ones with random ids.
func accountIDs(r *rand.Rand, legacy, fresh int) []uint64 {
	ids := make([]uint64, 0, legacy+fresh)
	for i := 0; i < legacy; i++ {
		ids = append(ids, uint64(100000+i))
	}
	for i := 0; i < fresh; i++ {
		ids = append(ids, r.Uint64())
	}
	return ids
}

type endpoint struct {
	path   string
	units  uint64
	egress uint64
}

var endpoints = []endpoint{
	{"/v2/search", 5, 18000},
	{"/v2/items", 1, 2400},
	{"/v2/items/batch", 20, 64000},
	{"/v2/export", 50, 512000},
	{"/v2/ping", 0, 64},
}

func frontend(t *UsageTable, ids []uint64, seed int64, stop *int32, served *uint64, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	n := uint64(0)
	for atomic.LoadInt32(stop) == 0 {
		acct := ids[r.Intn(len(ids))]
		ep := endpoints[r.Intn(len(endpoints))]
		t.Record(acct, ep.units, ep.egress+uint64(r.Intn(512)), time.Now().UnixNano())
		n++
	}
	atomic.AddUint64(served, n)
}

func flusher(t *UsageTable, every time.Duration, stop *int32, flushed *int, wg *sync.WaitGroup) {
	defer wg.Done()
	for atomic.LoadInt32(stop) == 0 {
		time.Sleep(every)
		for i := 0; i < shardCount; i++ {
			*flushed += len(t.Snapshot(i))
		}
	}
}

func main() {
	prof.Start()
	began := time.Now()

	table := NewUsageTable()
	ids := accountIDs(rand.New(rand.NewSource(42)), 20000, 300)

	var stop int32
	var served uint64
	var flushed int
	var wg sync.WaitGroup
	for f := 0; f < 32; f++ {
		wg.Add(1)
		go frontend(table, ids, int64(f), &stop, &served, &wg)
	}
	wg.Add(1)
	go flusher(table, 500*time.Millisecond, &stop, &flushed, &wg)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	prof.Stop()

	sizes := make([]int, 0, 4)
	for i := 0; i < 4; i++ {
		sizes = append(sizes, len(table.Snapshot(i)))
	}
	fmt.Printf("served=%d flushed=%d first shard sizes=%v in %v\n",
		atomic.LoadUint64(&served), flushed, sizes, time.Since(began).Round(time.Millisecond))
}
