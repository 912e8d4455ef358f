// flagsvc serves feature-flag decisions for a multi-tenant SaaS. At start it
// pulls the complete flag snapshot from the config store (about a million
// tenant/flag entries, paged), then answers evaluation requests from memory;
// the snapshot is immutable for the life of the process (a new deploy or a
// restart picks up changes).
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type FlagRule struct {
	Enabled    bool
	RolloutPct uint8
	Variant    string
	UpdatedAt  int64
}

// record is the wire form returned by the config store's list API.
type record struct {
	Tenant  int
	Flag    string
	State   string
	Rollout int
	Variant string
	Updated int64
}

var flagNames = []string{
	"checkout.new_flow", "search.semantic", "billing.usage_v2", "ui.dark_mode",
	"reports.async_export", "auth.passkeys", "inbox.threading", "api.rate_limit_v3",
	"mobile.offline_sync", "ai.summaries",
}

var variants = []string{"control", "treatment-a", "treatment-b"}

// configStore stands in for the remote store: it serves the snapshot in
// pages of up to 2000 records.
type configStore struct {
	tenants int
}

func (cs *configStore) ListPage(cursor int) ([]record, int) {
	total := cs.tenants * len(flagNames)
	end := cursor + 2000
	if end > total {
		end = total
	}
	page := make([]record, 0, end-cursor)
	for i := cursor; i < end; i++ {
		x := mix64(uint64(i))
		state := "off"
		if x%3 > 0 {
			state = "on"
		}
		page = append(page, record{
			Tenant:  i / len(flagNames),
			Flag:    flagNames[i%len(flagNames)],
			State:   state,
			Rollout: int(x >> 8 % 101),
			Variant: variants[x>>16%uint64(len(variants))],
			Updated: 1700000000 + int64(x>>24%1e7),
		})
	}
	if end == total {
		return page, -1
	}
	return page, end
}

// mix64 (splitmix64 finaliser) gives the fake store deterministic content.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// active is the snapshot the process serves from; it is set once at start.
var active *FlagSnapshot

// FlagSnapshot is the immutable in-memory copy of every tenant's flags.
type FlagSnapshot struct {
	rules    map[string]FlagRule
	loadedAt time.Time
}

func flagKey(tenant int, flag string) string {
	return "t" + strconv.Itoa(tenant) + "/" + flag
}

// LoadSnapshot pages through the config store once and builds the table.
func LoadSnapshot(cs *configStore) *FlagSnapshot {
	snap := &FlagSnapshot{rules: make(map[string]FlagRule)}
	for cursor := 0; cursor >= 0; {
		var page []record
		page, cursor = cs.ListPage(cursor)
		for _, rec := range page {
			snap.rules[flagKey(rec.Tenant, rec.Flag)] = FlagRule{
				Enabled:    rec.State == "on",
				RolloutPct: uint8(rec.Rollout),
				Variant:    rec.Variant,
				UpdatedAt:  rec.Updated,
			}
		}
	}
	snap.loadedAt = time.Now()
	return snap
}

// Evaluate decides which variant a user of a tenant sees for a flag.
func (s *FlagSnapshot) Evaluate(tenant int, flag, userID string) (string, bool) {
	rule, ok := s.rules[flagKey(tenant, flag)]
	if !ok || !rule.Enabled {
		return "control", false
	}
	h := fnv.New32a()
	h.Write([]byte(flag))
	h.Write([]byte{':'})
	h.Write([]byte(userID))
	if uint8(h.Sum32()%100) >= rule.RolloutPct {
		return "control", true
	}
	return rule.Variant, true
}

// bootstrapRequest is the SDK's start-up call: all flags for one user.
type bootstrapRequest struct {
	tenant int
	user   string
}

type evalStats struct {
	requests  int64
	enabled   int64
	treatment int64
}

// handleBootstrap evaluates every flag for the user of each request.
func handleBootstrap(snap *FlagSnapshot, reqs <-chan bootstrapRequest, st *evalStats) {
	var n, enabled, treat int64
	for req := range reqs {
		for _, f := range flagNames {
			v, on := snap.Evaluate(req.tenant, f, req.user)
			if on {
				enabled++
			}
			if v != "control" {
				treat++
			}
		}
		n++
	}
	atomic.AddInt64(&st.requests, n)
	atomic.AddInt64(&st.enabled, enabled)
	atomic.AddInt64(&st.treatment, treat)
}

// sdkTraffic replays client start-ups at a steady rate until stop closes.
func sdkTraffic(tenants int, perMilli int, reqs chan<- bootstrapRequest, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(2024))
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			close(reqs)
			return
		case <-tick.C:
			for i := 0; i < perMilli; i++ {
				reqs <- bootstrapRequest{
					tenant: rng.Intn(tenants),
					user:   "u-" + strconv.Itoa(rng.Intn(5000000)),
				}
			}
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	cs := &configStore{tenants: 100000}
	active = LoadSnapshot(cs)
	loadTook := time.Since(start)

	stop := make(chan struct{})
	reqs := make(chan bootstrapRequest, 1024)
	var wg sync.WaitGroup
	var st evalStats
	const handlers = 16
	for i := 0; i < handlers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handleBootstrap(active, reqs, &st)
		}()
	}
	go sdkTraffic(cs.tenants, 40, reqs, stop)

	time.Sleep(300 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(800 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2000 * time.Millisecond)
	close(stop)
	wg.Wait()

	fmt.Printf("loaded %d flag rules in %v; served %d bootstrap requests (%d flags enabled, %d in treatment)\n",
		len(active.rules), loadTook.Round(time.Millisecond), st.requests, st.enabled, st.treatment)
	prof.Stop()
}
