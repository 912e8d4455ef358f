// Command cfgd serves per-tenant configuration. Tenants push their settings
// as flat key/value documents (keys arrive in whatever case the tenant's
// tooling produced); cfgd loads each push into a Config, normalizes the keys
// and publishes the result for readers.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

// Entry is one key/value pair of a pushed document.
type Entry struct {
	Key   string
	Value string
}

// Config is one tenant's loaded configuration.
type Config struct {
	Tenant   string
	Revision int
	settings map[string]string
}

// Load builds a Config from a pushed document.
func Load(tenant string, rev int, doc []Entry) *Config {
	c := &Config{Tenant: tenant, Revision: rev, settings: map[string]string{}}
	for _, e := range doc {
		c.settings[e.Key] = e.Value
	}
	return c
}

// normalize folds every key to lower case so lookups are case-insensitive.
func (c *Config) normalize() {
	m := c.settings
	for k, v := range c.settings {
		lk := strings.ToLower(k)
		if lk == k {
			continue
		}
		m[lk] = v
		delete(m, k)
	}
}

// Get returns a setting, or def when it is unset.
func (c *Config) Get(key, def string) string {
	if v, ok := c.settings[strings.ToLower(key)]; ok {
		return v
	}
	return def
}

// published holds the latest Config of every tenant.
var published = struct {
	sync.RWMutex
	byTenant map[string]*Config
}{byTenant: map[string]*Config{}}

func publish(c *Config) {
	published.Lock()
	published.byTenant[c.Tenant] = c
	published.Unlock()
}

func current(tenant string) *Config {
	published.RLock()
	defer published.RUnlock()
	return published.byTenant[tenant]
}

var sections = []string{"Server", "Database", "Cache", "Auth", "Logging", "Metrics", "Features", "RateLimit"}
var fields = []string{"MaxConns", "TimeoutMs", "Host", "Port", "Enabled", "PoolSize", "RetryCount", "Level", "Endpoint", "TTLSeconds", "BurstSize", "Region"}

// makeDocument renders a tenant's document the way its tooling emits it.
func makeDocument(r *rand.Rand, tenant string, n int) []Entry {
	doc := make([]Entry, 0, n)
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("%s.%s.%s%d", tenant, sections[r.Intn(len(sections))], fields[r.Intn(len(fields))], i)
		if r.Intn(5) == 0 {
			key = strings.ToLower(key)
		}
		doc = append(doc, Entry{Key: key, Value: fmt.Sprint(r.Intn(100000))})
	}
	return doc
}

type push struct {
	tenant string
	rev    int
	doc    []Entry
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	begin := time.Now()

	r := rand.New(rand.NewSource(7))
	tenants := make([]string, 40)
	docs := make(map[string][]Entry, len(tenants))
	for i := range tenants {
		tenants[i] = fmt.Sprintf("Tenant%02d", i)
		docs[tenants[i]] = makeDocument(r, tenants[i], 900+r.Intn(2400))
	}

	pushes := make(chan push)
	var wg sync.WaitGroup
	loaded := make([]int, 2)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for p := range pushes {
				c := Load(p.tenant, p.rev, p.doc)
				c.normalize()
				publish(c)
				loaded[w]++
			}
		}(w)
	}

	stop := make(chan struct{})
	var readers sync.WaitGroup
	hits := 0
	readers.Add(1)
	go func() {
		defer readers.Done()
		rr := rand.New(rand.NewSource(11))
		for {
			select {
			case <-stop:
				return
			default:
			}
			t := tenants[rr.Intn(len(tenants))]
			if c := current(t); c != nil {
				if c.Get(t+".Server.MaxConns1", "") != "" {
					hits++
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()

	heapDone, grDone := false, false
	rev := 0
	for time.Since(begin) < runFor {
		rev++
		t := tenants[rev%len(tenants)]
		pushes <- push{tenant: t, rev: rev, doc: docs[t]}
		el := time.Since(begin)
		if !heapDone && el > runFor/3 {
			prof.HeapEarly()
			heapDone = true
		}
		if !grDone && el > runFor/2 {
			prof.Goroutines()
			grDone = true
		}
	}
	close(pushes)
	wg.Wait()
	close(stop)
	readers.Wait()
	log.Printf("cfgd: %d revisions loaded, %d reader hits", loaded[0]+loaded[1], hits)
	prof.Stop()
}
