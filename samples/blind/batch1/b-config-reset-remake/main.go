// Command flagsync is the in-process feature-flag registry of the checkout
// service. A control-plane stream pushes flag upserts and deletions; a
// reconcile loop folds them into the registry every few milliseconds and
// recomputes the registry digest that is reported back to the control plane.
// Request handlers evaluate flags per tenant.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Rule narrows a flag to a subset of requests.
type Rule struct {
	Attribute string
	Values    []string
	Variant   string
}

// FlagState is the registry's view of one flag.
type FlagState struct {
	Key       string
	Enabled   bool
	Rollout   int // percent of traffic
	Variant   string
	Rules     []Rule
	Version   uint64
	Tombstone bool // deleted upstream, reaped by the next reconcile
	UpdatedAt time.Time
}

// Update is one message of the control-plane stream.
type Update struct {
	Key     string
	Delete  bool
	Enabled bool
	Rollout int
	Variant string
	Rules   []Rule
}

// maxBatch bounds how many stream messages one reconcile pass folds in.
const maxBatch = 64

// Registry holds every flag of every tenant.
type Registry struct {
	mu      sync.RWMutex
	flags   map[string]*FlagState
	version uint64
	digest  uint64

	inbox chan Update

	reaped    uint64
	passes    uint64
	evaluated uint64
}

func NewRegistry() *Registry {
	return &Registry{
		flags: make(map[string]*FlagState),
		inbox: make(chan Update, 4096),
	}
}

func flagKey(tenant int, name string) string {
	return "tenant-" + strconv.Itoa(tenant) + "/" + name
}

// apply folds one upstream message into the registry. Deletions only mark the
// flag; reconcile reaps it.
func (r *Registry) apply(u Update, now time.Time) {
	r.version++
	st, ok := r.flags[u.Key]
	if !ok {
		if u.Delete {
			return
		}
		st = &FlagState{Key: u.Key}
		r.flags[u.Key] = st
	}
	st.Version = r.version
	st.UpdatedAt = now
	if u.Delete {
		st.Tombstone = true
		return
	}
	st.Enabled = u.Enabled
	st.Rollout = u.Rollout
	st.Variant = u.Variant
	st.Rules = u.Rules
}

// reconcile drains the inbox, reaps tombstoned flags and recomputes the digest.
func (r *Registry) reconcile() {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
drain:
	for n := 0; n < maxBatch; n++ {
		select {
		case u := <-r.inbox:
			r.apply(u, now)
		default:
			break drain
		}
	}

	var digest uint64
	for key, st := range r.flags {
		if st.Tombstone {
			// Reap: start a fresh table and carry the live flags over, so the
			// registry never keeps a dead flag around.
			old := r.flags
			r.flags = make(map[string]*FlagState, len(old))
			for k, v := range old {
				if k != key {
					r.flags[k] = v
				}
			}
			r.reaped++
			continue
		}
		digest ^= stateHash(st)
	}
	r.digest = digest
	r.passes++
}

func stateHash(st *FlagState) uint64 {
	h := st.Version*0x9E3779B97F4A7C15 ^ uint64(st.Rollout)
	if st.Enabled {
		h ^= 1
	}
	h ^= uint64(len(st.Key))<<32 | uint64(len(st.Rules))
	return h
}

// Evaluate answers whether flag name is on for a request of tenant, and which
// variant it gets.
func (r *Registry) Evaluate(tenant int, name, requestID, country string) (bool, string) {
	key := flagKey(tenant, name)
	r.mu.RLock()
	st, ok := r.flags[key]
	var (
		enabled bool
		rollout int
		variant string
		rules   []Rule
	)
	if ok && !st.Tombstone {
		enabled, rollout, variant, rules = st.Enabled, st.Rollout, st.Variant, st.Rules
	}
	r.mu.RUnlock()
	atomic.AddUint64(&r.evaluated, 1)
	if !enabled {
		return false, ""
	}
	for _, rule := range rules {
		if rule.Attribute == "country" {
			for _, v := range rule.Values {
				if v == country {
					return true, rule.Variant
				}
			}
		}
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	h.Write([]byte(requestID))
	return int(h.Sum32()%100) < rollout, variant
}

var flagNames = []string{
	"checkout.new-flow", "checkout.one-click", "cart.persist", "cart.recommendations",
	"payments.3ds2", "payments.apple-pay", "payments.retry-soft-decline", "search.v2-ranker",
	"search.typo-tolerance", "shipping.eta-model", "shipping.split-parcels", "promo.stacking",
	"promo.auto-apply", "account.passkeys", "account.sso", "ui.dark-mode",
}

var countries = []string{"DE", "FR", "US", "GB", "NL", "PL", "ES", "IT", "SE", "JP"}

func randomUpdate(rng *rand.Rand, tenants int) Update {
	u := Update{
		Key:     flagKey(rng.Intn(tenants), flagNames[rng.Intn(len(flagNames))]),
		Enabled: rng.Intn(4) != 0,
		Rollout: rng.Intn(101),
		Variant: "v" + strconv.Itoa(rng.Intn(3)),
	}
	if rng.Intn(3) == 0 {
		u.Rules = []Rule{{Attribute: "country", Values: []string{countries[rng.Intn(len(countries))]}, Variant: "geo"}}
	}
	return u
}

// controlPlane simulates the upstream stream: a steady trickle of upserts and
// a few deletions per batch.
func controlPlane(r *Registry, tenants int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(7))
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		batch := make([]Update, 0, 30)
		for i := 0; i < 24; i++ {
			batch = append(batch, randomUpdate(rng, tenants))
		}
		for i := 0; i < 6; i++ {
			batch = append(batch, Update{Key: flagKey(rng.Intn(tenants), flagNames[rng.Intn(len(flagNames))]), Delete: true})
		}
		for _, u := range batch {
			select {
			case r.inbox <- u:
			case <-stop:
				return
			}
		}
	}
}

func reconciler(r *Registry, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.reconcile()
		}
	}
}

func handler(id int, r *Registry, tenants int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(100 + id)))
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		tenant := rng.Intn(tenants)
		reqID := strconv.FormatUint(rng.Uint64(), 36)
		country := countries[rng.Intn(len(countries))]
		on := 0
		for _, name := range flagNames[:6] {
			if ok, _ := r.Evaluate(tenant, name, reqID, country); ok {
				on++
			}
		}
		_ = on
		if n%64 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	prof.Start()

	const tenants = 450
	reg := NewRegistry()
	rng := rand.New(rand.NewSource(1))
	for t := 0; t < tenants; t++ {
		for _, name := range flagNames {
			if rng.Intn(10) < 8 {
				u := randomUpdate(rng, tenants)
				u.Key = flagKey(t, name)
				reg.apply(u, time.Now())
			}
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go controlPlane(reg, tenants, stop, &wg)
	go reconciler(reg, stop, &wg)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go handler(i, reg, tenants, stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	reg.mu.RLock()
	fmt.Fprintf(os.Stderr, "flags=%d passes=%d reaped=%d evaluated=%d digest=%x\n",
		len(reg.flags), reg.passes, reg.reaped, atomic.LoadUint64(&reg.evaluated), reg.digest)
	reg.mu.RUnlock()
}
