// Command edge is the request-admission layer of the public API: for every
// request it looks up the tenant's plan settings (rate limits, feature flags,
// allowed regions) from the live configuration and decides whether to admit,
// throttle or reject it. Configuration is pushed by the control plane a few
// times a second at most.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// LiveConfig is the current configuration snapshot, keyed "tenant/setting".
type LiveConfig struct {
	mu      sync.RWMutex
	values  map[string]string
	version int64
}

func (c *LiveConfig) Get(key string) (string, bool) {
	c.mu.RLock()
	v, ok := c.values[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *LiveConfig) GetInt(key string, def int) int {
	if v, ok := c.Get(key); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// Apply installs a batch of changes from the control plane.
func (c *LiveConfig) Apply(changes map[string]string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range changes {
		c.values[k] = v
	}
	c.version++
	return c.version
}

func (c *LiveConfig) Version() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

type Request struct {
	Tenant string
	Region string
	Path   string
	Body   []byte
}

type Decision int

const (
	Admit Decision = iota
	Throttle
	Reject
)

// Admission decides for one request; it keeps a per-worker token view.
type Admission struct {
	cfg    *LiveConfig
	tokens map[string]int
}

func (a *Admission) Decide(req *Request) (Decision, string) {
	if flag, _ := a.cfg.Get(req.Tenant + "/suspended"); flag == "true" {
		return Reject, ""
	}
	regions, _ := a.cfg.Get(req.Tenant + "/regions")
	if !strings.Contains(regions, req.Region) {
		return Reject, ""
	}
	limit := a.cfg.GetInt(req.Tenant+"/burst", 50)
	if a.tokens[req.Tenant] >= limit {
		a.tokens[req.Tenant] = 0
		return Throttle, ""
	}
	a.tokens[req.Tenant]++
	// Signed request id, as the backend expects it.
	salt, _ := a.cfg.Get(req.Tenant + "/signing-salt")
	sum := sha256.Sum256(append([]byte(salt+req.Path), req.Body...))
	return Admit, hex.EncodeToString(sum[:12])
}

func tenantConfig(n int) map[string]string {
	m := make(map[string]string)
	for i := 0; i < n; i++ {
		t := fmt.Sprintf("tenant-%03d", i)
		m[t+"/suspended"] = strconv.FormatBool(i%97 == 13)
		m[t+"/regions"] = []string{"eu,us", "eu", "us,ap", "eu,us,ap"}[i%4]
		m[t+"/burst"] = strconv.Itoa(20 + i%80)
		m[t+"/signing-salt"] = fmt.Sprintf("%08x", i*2654435761)
	}
	return m
}

func main() {
	prof.Start()
	const tenants = 400
	cfg := &LiveConfig{values: tenantConfig(tenants)}
	reqs := make(chan *Request, 256)
	var admitted, throttled, rejected int64
	stop := make(chan struct{})
	var workers, drivers sync.WaitGroup

	for w := 0; w < 8; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			a := &Admission{cfg: cfg, tokens: map[string]int{}}
			for req := range reqs {
				switch d, _ := a.Decide(req); d {
				case Admit:
					atomic.AddInt64(&admitted, 1)
				case Throttle:
					atomic.AddInt64(&throttled, 1)
				default:
					atomic.AddInt64(&rejected, 1)
				}
			}
		}()
	}

	// Control plane: occasional pushes of a few changed settings.
	drivers.Add(1)
	go func() {
		defer drivers.Done()
		r := rand.New(rand.NewSource(7))
		t := time.NewTicker(400 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				change := map[string]string{}
				for i := 0; i < 5; i++ {
					tn := fmt.Sprintf("tenant-%03d", r.Intn(tenants))
					change[tn+"/burst"] = strconv.Itoa(20 + r.Intn(80))
				}
				cfg.Apply(change)
			}
		}
	}()

	// Load balancer: a steady flow of API calls.
	for l := 0; l < 2; l++ {
		drivers.Add(1)
		go func(seed int64) {
			defer drivers.Done()
			r := rand.New(rand.NewSource(seed))
			regions := []string{"eu", "us", "ap"}
			paths := []string{"/v2/orders", "/v2/orders/search", "/v2/invoices", "/v2/customers/me"}
			body := make([]byte, 512)
			r.Read(body)
			for {
				select {
				case <-stop:
					return
				default:
				}
				reqs <- &Request{
					Tenant: fmt.Sprintf("tenant-%03d", r.Intn(tenants)),
					Region: regions[r.Intn(len(regions))],
					Path:   paths[r.Intn(len(paths))],
					Body:   body[:64+r.Intn(448)],
				}
			}
		}(int64(l + 1))
	}

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	drivers.Wait()
	close(reqs)
	workers.Wait()
	prof.Stop()
	log.Printf("config v%d admitted=%d throttled=%d rejected=%d", cfg.Version(),
		atomic.LoadInt64(&admitted), atomic.LoadInt64(&throttled), atomic.LoadInt64(&rejected))
}
