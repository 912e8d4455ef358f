// Command flagd is a small feature-flag service: it receives configuration
// pushes from a control plane and answers "is flag X on for tenant T?" for
// request handlers.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Flag is one evaluated feature flag for one scope ("tenant/flag" or the
// wildcard scope "*/flag").
type Flag struct {
	Name      string
	Tenant    string
	Enabled   bool
	Rollout   uint32 // percentage 0..100
	Variant   string
	UpdatedAt time.Time
}

// forTenant returns the wildcard flag specialised for one tenant.
func (f Flag) forTenant(tenant string) Flag {
	f.Tenant = tenant
	return f
}

// ConfigPush is what the control plane sends on every change.
type ConfigPush struct {
	Version int
	Flags   []Flag
}

// FlagStore keeps every flag keyed by "tenant/flag".
type FlagStore struct {
	mu      sync.RWMutex
	flags   map[string]Flag
	tenants []string
	version int
}

func NewFlagStore(tenants []string) *FlagStore {
	return &FlagStore{flags: make(map[string]Flag), tenants: tenants}
}

func flagKey(tenant, name string) string { return tenant + "/" + name }

// Apply replaces the store content with a push and resolves wildcards so
// request handlers only ever need one lookup.
func (s *FlagStore) Apply(p ConfigPush) {
	flags := make(map[string]Flag, len(p.Flags))
	for _, f := range p.Flags {
		flags[flagKey(f.Tenant, f.Name)] = f
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.flags = flags
	s.version = p.Version
	s.expandWildcards()
}

// expandWildcards materialises every "*/flag" entry into one concrete entry
// per known tenant, unless the tenant has an explicit override.
func (s *FlagStore) expandWildcards() {
	for key, f := range s.flags {
		if !strings.HasPrefix(key, "*/") {
			continue
		}
		for _, tenant := range s.tenants {
			ck := flagKey(tenant, f.Name)
			if _, explicit := s.flags[ck]; explicit {
				continue
			}
			s.flags[ck] = f.forTenant(tenant)
		}
	}
}

// Enabled answers a request-time flag check.
func (s *FlagStore) Enabled(tenant, name, subject string) bool {
	s.mu.RLock()
	f, ok := s.flags[flagKey(tenant, name)]
	s.mu.RUnlock()
	if !ok || !f.Enabled {
		return false
	}
	if f.Rollout >= 100 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(subject))
	h.Write([]byte(name))
	return h.Sum32()%100 < f.Rollout
}

// controlPlane fakes the pushes: a few hundred global flags plus a sprinkling
// of tenant-specific overrides.
type controlPlane struct {
	rng     *rand.Rand
	tenants []string
	names   []string
	version int
}

func (c *controlPlane) next() ConfigPush {
	c.version++
	p := ConfigPush{Version: c.version}
	now := time.Now()
	for _, n := range c.names {
		p.Flags = append(p.Flags, Flag{
			Name: n, Tenant: "*", Enabled: c.rng.Intn(4) != 0,
			Rollout: uint32(c.rng.Intn(101)), Variant: "control", UpdatedAt: now,
		})
	}
	for i := 0; i < 300; i++ {
		p.Flags = append(p.Flags, Flag{
			Name:    c.names[c.rng.Intn(len(c.names))],
			Tenant:  c.tenants[c.rng.Intn(len(c.tenants))],
			Enabled: true, Rollout: 100, Variant: "override", UpdatedAt: now,
		})
	}
	return p
}

func main() {
	prof.Start()

	tenants := make([]string, 400)
	for i := range tenants {
		tenants[i] = fmt.Sprintf("tenant-%04d", i)
	}
	names := make([]string, 120)
	for i := range names {
		names[i] = fmt.Sprintf("feature.%s.%d", []string{"checkout", "search", "billing", "ui"}[i%4], i)
	}

	store := NewFlagStore(tenants)
	cp := &controlPlane{rng: rand.New(rand.NewSource(7)), tenants: tenants, names: names}
	store.Apply(cp.next())

	const runFor = 6 * time.Second
	deadline := time.Now().Add(runFor)
	var checks, hits int64
	var wg sync.WaitGroup

	// Request handlers.
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for time.Now().Before(deadline) {
				for i := 0; i < 200; i++ {
					t := tenants[rng.Intn(len(tenants))]
					n := names[rng.Intn(len(names))]
					if store.Enabled(t, n, fmt.Sprintf("user-%d", rng.Intn(100000))) {
						atomic.AddInt64(&hits, 1)
					}
					atomic.AddInt64(&checks, 1)
				}
				time.Sleep(time.Millisecond)
			}
		}(int64(w))
	}

	// Control-plane watcher: pushes arrive back to back during a rollout.
	pushes := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			store.Apply(cp.next())
			pushes++
			time.Sleep(5 * time.Millisecond)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	wg.Wait()

	store.mu.RLock()
	size := len(store.flags)
	store.mu.RUnlock()
	fmt.Printf("pushes=%d flags=%d checks=%d enabled=%d\n", pushes, size, atomic.LoadInt64(&checks), atomic.LoadInt64(&hits))
	prof.Stop()
}
