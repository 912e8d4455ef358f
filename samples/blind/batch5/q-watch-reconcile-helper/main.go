// Command xds-watcher is the config-watch part of a sidecar agent: every proxy
// connected to the agent subscribes to a set of listeners, and the agent keeps
// one watch per config resource the proxy transitively needs (listener ->
// route -> clusters -> endpoints/secrets) so that it can push updates.
package main

import (
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Resource kinds, in the order the control plane names them.
const (
	kindListener = "lds"
	kindRoute    = "rds"
	kindCluster  = "cds"
	kindEndpoint = "eds"
	kindSecret   = "sds"
)

// target is a config resource as the control plane describes it.
type target struct {
	Key      string
	Kind     string
	Version  uint64
	Deps     []string
	SizeHint int
}

// watch is the agent's subscription to one resource on behalf of a proxy.
type watch struct {
	key       string
	target    *target
	since     uint64
	lastSent  uint64
	lastSync  time.Time
	direct    bool
	pushCount int
}

// Catalog is the (read-only after load) resource catalog.
type Catalog struct {
	byKey     map[string]*target
	listeners []string
}

// Watcher holds the watch set of one connected proxy.
type Watcher struct {
	node       string
	catalog    *Catalog
	watches    map[string]*watch
	generation uint64
	missing    int
}

func newWatcher(node string, c *Catalog) *Watcher {
	return &Watcher{node: node, catalog: c, watches: make(map[string]*watch)}
}

// subscribe replaces the proxy's direct subscriptions with the listeners it
// asked for in its latest discovery request.
func (w *Watcher) subscribe(listeners []string) {
	w.generation++
	w.watches = make(map[string]*watch, len(listeners))
	for _, l := range listeners {
		w.watches[l] = &watch{key: l, target: w.catalog.byKey[l], since: w.generation, direct: true}
	}
}

// register adds a watch for key unless the proxy already watches it.
func (w *Watcher) register(key string) bool {
	if _, ok := w.watches[key]; ok {
		return false
	}
	t, ok := w.catalog.byKey[key]
	if !ok {
		w.missing++
	}
	w.watches[key] = &watch{key: key, target: t, since: w.generation}
	return true
}

// reconcile makes sure every dependency of a watched resource is watched too.
// It reports how many watches it added; callers loop until it returns 0.
func (w *Watcher) reconcile() int {
	added := 0
	for _, wt := range w.watches {
		if wt.target == nil || len(wt.target.Deps) == 0 {
			continue
		}
		for _, dep := range wt.target.Deps {
			if w.register(dep) {
				added++
			}
		}
	}
	return added
}

// pending lists the resources whose version the proxy has not seen yet.
func (w *Watcher) pending(out []string) []string {
	out = out[:0]
	for key, wt := range w.watches {
		if wt.target != nil && wt.lastSent < wt.target.Version {
			out = append(out, key)
			wt.lastSent = wt.target.Version
			wt.pushCount++
		}
	}
	sort.Strings(out)
	return out
}

func buildCatalog(r *rand.Rand) *Catalog {
	c := &Catalog{byKey: make(map[string]*target)}
	add := func(kind, name string, deps []string) string {
		key := kind + "/" + name
		c.byKey[key] = &target{Key: key, Kind: kind, Version: uint64(r.Intn(50) + 1), Deps: deps, SizeHint: 200 + r.Intn(4000)}
		return key
	}
	secrets := make([]string, 60)
	for i := range secrets {
		secrets[i] = add(kindSecret, fmt.Sprintf("tls-%03d", i), nil)
	}
	clusters := make([]string, 1800)
	for i := range clusters {
		svc := fmt.Sprintf("outbound|%d||svc-%04d.ns-%02d.svc.cluster.local", 8000+i%7, i, i%40)
		eds := add(kindEndpoint, svc, nil)
		clusters[i] = add(kindCluster, svc, []string{eds, secrets[r.Intn(len(secrets))]})
	}
	for i := 0; i < 500; i++ {
		n := 4 + r.Intn(9)
		deps := make([]string, 0, n)
		for j := 0; j < n; j++ {
			deps = append(deps, clusters[r.Intn(len(clusters))])
		}
		route := add(kindRoute, fmt.Sprintf("http.%d", 9000+i), deps)
		l := add(kindListener, fmt.Sprintf("0.0.0.0_%d", 9000+i), []string{route, secrets[r.Intn(len(secrets))]})
		c.listeners = append(c.listeners, l)
	}
	return c
}

type stats struct {
	pushes  int64
	watches int64
	sent    int64
}

// serveProxy handles the discovery stream of one proxy: each request names the
// listeners it wants; the agent rebuilds the watch set and pushes what is new.
func serveProxy(node string, c *Catalog, seed int64, stop <-chan struct{}, st *stats) {
	r := rand.New(rand.NewSource(seed))
	w := newWatcher(node, c)
	var out []string
	req := make([]string, 0, 96)
	for {
		select {
		case <-stop:
			return
		default:
		}
		req = req[:0]
		n := 30 + r.Intn(60)
		for i := 0; i < n; i++ {
			req = append(req, c.listeners[r.Intn(len(c.listeners))])
		}
		w.subscribe(req)
		for w.reconcile() > 0 {
		}
		out = w.pending(out)
		atomic.AddInt64(&st.pushes, 1)
		atomic.AddInt64(&st.watches, int64(len(w.watches)))
		atomic.AddInt64(&st.sent, int64(len(out)))
	}
}

func main() {
	prof.Start()
	start := time.Now()

	catalog := buildCatalog(rand.New(rand.NewSource(7)))
	var st stats
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			serveProxy(fmt.Sprintf("sidecar~10.4.%d.%d~app-%d", i, 17+i, i), catalog, int64(100+i), stop, &st)
		}(i)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	pushes := atomic.LoadInt64(&st.pushes)
	fmt.Printf("pushes=%d avg_watches=%.0f sent=%d elapsed=%s\n",
		pushes, float64(atomic.LoadInt64(&st.watches))/float64(pushes), atomic.LoadInt64(&st.sent), time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
