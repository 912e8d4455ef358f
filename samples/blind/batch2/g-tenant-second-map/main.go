// Command tenantd is the tenant registry of a multi-tenant API platform.
// Billing streams signup and churn events; the API gateway authenticates
// every call by API key against the registry.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type RateRule struct {
	Route      string
	PerSecond  int
	Burst      int
	Exemptions [4]uint64
}

type Route struct {
	Prefix   string
	Upstream string
	Weights  [8]uint16
}

// TenantConfig is everything the gateway needs to serve one tenant.
type TenantConfig struct {
	TenantID  string
	Plan      string
	RateRules []RateRule
	Routes    []Route
	Blocklist []byte // compiled IP blocklist
}

type Tenant struct {
	ID       string
	APIKey   string
	Since    time.Time
	Config   *TenantConfig
	Requests uint64
}

type Registry struct {
	mu       sync.RWMutex
	active   map[string]*Tenant       // by tenant ID
	byAPIKey map[string]*TenantConfig // auth fast path
}

func NewRegistry() *Registry {
	return &Registry{
		active:   make(map[string]*Tenant),
		byAPIKey: make(map[string]*TenantConfig),
	}
}

func (r *Registry) register(t *Tenant) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active[t.ID] = t
	r.byAPIKey[t.APIKey] = t.Config
}

func (r *Registry) churn(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.active[id]; !ok {
		return false
	}
	delete(r.active, id)
	return true
}

// Authenticate resolves an API key to the config of a live tenant.
func (r *Registry) Authenticate(apiKey string) (*TenantConfig, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	cfg, ok := r.byAPIKey[apiKey]
	if !ok {
		return nil, false
	}
	if _, live := r.active[cfg.TenantID]; !live {
		return nil, false
	}
	return cfg, true
}

func (r *Registry) Sizes() (active, keys int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.active), len(r.byAPIKey)
}

type eventKind int

const (
	signup eventKind = iota
	churned
)

type billingEvent struct {
	kind   eventKind
	tenant *Tenant
	id     string
}

var plans = []string{"free", "team", "business", "enterprise"}

func compileConfig(id string, rng *mrand.Rand) *TenantConfig {
	cfg := &TenantConfig{
		TenantID:  id,
		Plan:      plans[rng.Intn(len(plans))],
		RateRules: make([]RateRule, 64),
		Routes:    make([]Route, 48),
		Blocklist: make([]byte, 8<<10),
	}
	for i := range cfg.RateRules {
		cfg.RateRules[i] = RateRule{Route: "/v1/", PerSecond: 10 + rng.Intn(1000), Burst: 20}
	}
	for i := range cfg.Routes {
		cfg.Routes[i] = Route{Prefix: "/v1/", Upstream: "pool-a"}
	}
	rng.Read(cfg.Blocklist)
	return cfg
}

func newAPIKey() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "pk_live_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// billingFeed emits signups and, for older tenants, churn events.
func billingFeed(out chan<- billingEvent, keys *keyRing, stop <-chan struct{}) {
	defer close(out)
	rng := mrand.New(mrand.NewSource(42))
	var live []string
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("t-%07d", n)
		t := &Tenant{ID: id, APIKey: newAPIKey(), Since: time.Now(), Config: compileConfig(id, rng)}
		out <- billingEvent{kind: signup, tenant: t}
		keys.add(t.APIKey)
		live = append(live, id)
		if len(live) > 1500 {
			i := rng.Intn(len(live))
			out <- billingEvent{kind: churned, id: live[i]}
			live[i] = live[len(live)-1]
			live = live[:len(live)-1]
		}
		if n%8 == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

type keyRing struct {
	mu   sync.Mutex
	keys []string
	pos  int
}

func (k *keyRing) add(key string) {
	k.mu.Lock()
	if len(k.keys) < 2048 {
		k.keys = append(k.keys, key)
	} else {
		k.keys[k.pos] = key
		k.pos = (k.pos + 1) % len(k.keys)
	}
	k.mu.Unlock()
}

func (k *keyRing) random(rng *mrand.Rand) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 {
		return ""
	}
	return k.keys[rng.Intn(len(k.keys))]
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	reg := NewRegistry()
	keys := &keyRing{}
	events := make(chan billingEvent, 256)
	stop := make(chan struct{})
	var wg sync.WaitGroup

	wg.Add(1)
	go func() {
		defer wg.Done()
		billingFeed(events, keys, stop)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev := range events {
			switch ev.kind {
			case signup:
				reg.register(ev.tenant)
			case churned:
				reg.churn(ev.id)
			}
		}
	}()

	var allowed, denied uint64
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := mrand.New(mrand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 100; i++ {
					if _, ok := reg.Authenticate(keys.random(rng)); ok {
						atomic.AddUint64(&allowed, 1)
					} else {
						atomic.AddUint64(&denied, 1)
					}
				}
				time.Sleep(500 * time.Microsecond)
			}
		}(int64(g + 10))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	wg.Wait()

	prof.Stop()
	a, k := reg.Sizes()
	fmt.Printf("active=%d apikeys=%d allowed=%d denied=%d\n", a, k, allowed, denied)
}
