// Command edgeproxy routes tenant traffic to upstream clusters. The route table
// is rebuilt from the config store on every change; routes whose path contains
// a {tenant} placeholder are expanded to one concrete route per tenant so the
// hot path is a single map lookup.
package main

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const tenantPlaceholder = "{tenant}"

// RouteSpec is one entry of the routing config as stored in the config store.
type RouteSpec struct {
	Method   string
	Path     string
	Upstream string
	Timeout  time.Duration
	Weight   int
}

// RouteConfig is one published version of the routing config.
type RouteConfig struct {
	Version int
	Routes  []RouteSpec
	Tenants []string
}

type Handler func(path string) (upstream string, status int)

type Route struct {
	Spec     RouteSpec
	Tenant   string
	Wildcard bool
	Handle   Handler
}

// Router serves lookups from the current table and swaps in a new one on reload.
type Router struct {
	mu      sync.RWMutex
	routes  map[string]*Route
	version int
	reloads int64
}

func routeKey(method, path string) string { return method + " " + path }

func makeHandler(spec RouteSpec, tenant string) Handler {
	upstream := spec.Upstream
	if tenant != "" {
		upstream = strings.Replace(upstream, tenantPlaceholder, tenant, 1)
	}
	return func(path string) (string, int) {
		if len(path) == 0 {
			return "", 400
		}
		return upstream, 200
	}
}

// Reload rebuilds the route table for cfg and publishes it.
func (rt *Router) Reload(cfg *RouteConfig) {
	routes := make(map[string]*Route, len(cfg.Routes))
	for _, spec := range cfg.Routes {
		routes[routeKey(spec.Method, spec.Path)] = &Route{
			Spec:     spec,
			Wildcard: strings.Contains(spec.Path, tenantPlaceholder),
			Handle:   makeHandler(spec, ""),
		}
	}
	for _, r := range routes {
		if !r.Wildcard {
			continue
		}
		for _, tenant := range cfg.Tenants {
			concrete := strings.Replace(r.Spec.Path, tenantPlaceholder, tenant, 1)
			routes[routeKey(r.Spec.Method, concrete)] = &Route{Spec: r.Spec, Tenant: tenant, Handle: makeHandler(r.Spec, tenant)}
		}
	}

	rt.mu.Lock()
	rt.routes = routes
	rt.version = cfg.Version
	rt.mu.Unlock()
	atomic.AddInt64(&rt.reloads, 1)
}

// Match returns the route for a request, or nil.
func (rt *Router) Match(method, path string) *Route {
	rt.mu.RLock()
	r := rt.routes[routeKey(method, path)]
	rt.mu.RUnlock()
	return r
}

var services = []string{"billing", "search", "profile", "media", "notifications", "reports", "audit", "chat"}

func baseConfig(tenants []string) *RouteConfig {
	cfg := &RouteConfig{Tenants: tenants}
	for i, svc := range services {
		for v := 1; v <= 3; v++ {
			for _, res := range []string{"items", "settings", "export", "events", "search", "health"} {
				spec := RouteSpec{
					Method:   []string{"GET", "POST", "PUT"}[(i+v)%3],
					Path:     fmt.Sprintf("/api/v%d/%s/%s", v, svc, res),
					Upstream: fmt.Sprintf("http://%s-v%d.internal:8080", svc, v),
					Timeout:  time.Duration(500+100*i) * time.Millisecond,
					Weight:   100,
				}
				if res != "health" && v == 3 {
					spec.Path = fmt.Sprintf("/t/%s/api/v%d/%s/%s", tenantPlaceholder, v, svc, res)
					spec.Upstream = fmt.Sprintf("http://%s-%s.cell.internal:8080", svc, tenantPlaceholder)
				}
				cfg.Routes = append(cfg.Routes, spec)
			}
		}
	}
	return cfg
}

// configWatcher emulates the config store's watch stream: canary weight
// shifts publish a new version every few milliseconds.
func configWatcher(rt *Router, base *RouteConfig, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	rng := rand.New(rand.NewSource(7))
	for version := 1; ; version++ {
		select {
		case <-stop:
			return
		case <-time.After(2 * time.Millisecond):
		}
		cfg := &RouteConfig{Version: version, Tenants: base.Tenants, Routes: make([]RouteSpec, len(base.Routes))}
		copy(cfg.Routes, base.Routes)
		cfg.Routes[rng.Intn(len(cfg.Routes))].Weight = rng.Intn(101)
		rt.Reload(cfg)
	}
}

func trafficWorker(rt *Router, tenants []string, seed int64, served *int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for n := 0; ; n++ {
		if n%256 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(time.Millisecond)
		}
		svc := services[rng.Intn(len(services))]
		path := fmt.Sprintf("/t/%s/api/v3/%s/items", tenants[rng.Intn(len(tenants))], svc)
		if r := rt.Match("GET", path); r != nil {
			if _, status := r.Handle(path); status == 200 {
				atomic.AddInt64(served, 1)
			}
		} else if r := rt.Match("PUT", path); r != nil {
			r.Handle(path)
			atomic.AddInt64(served, 1)
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	tenants := make([]string, 0, 120)
	for i := 0; i < 120; i++ {
		tenants = append(tenants, fmt.Sprintf("acme%03d", i))
	}
	base := baseConfig(tenants)
	rt := &Router{}
	rt.Reload(&RouteConfig{Routes: base.Routes, Tenants: tenants})

	stop := make(chan struct{})
	watcherDone := make(chan struct{})
	go configWatcher(rt, base, stop, watcherDone)

	var served int64
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go trafficWorker(rt, tenants, int64(i+1), &served, stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	<-watcherDone
	elapsed := time.Since(start)
	prof.Stop()

	rt.mu.RLock()
	n, v := len(rt.routes), rt.version
	rt.mu.RUnlock()
	fmt.Printf("edgeproxy: %d reloads (last v%d, %d routes), %d requests routed, in %v\n",
		atomic.LoadInt64(&rt.reloads), v, n, atomic.LoadInt64(&served), elapsed.Round(time.Millisecond))
}
