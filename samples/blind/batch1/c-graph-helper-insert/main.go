// Command buildplanner is the dependency-resolution stage of a build service:
// for every incoming build request it computes, for each root module, the set
// of modules it transitively requires, and turns that into an install plan.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Module is one entry of the module index.
type Module struct {
	Path     string
	Version  string
	Requires []*Module
}

// Index is the read-only module index shared by all planners.
type Index struct {
	mods map[string]*Module
}

// NewIndex builds a layered module index: modules in layer k only require
// modules of deeper layers, so the graph is a DAG like a real ecosystem.
func NewIndex(rng *rand.Rand, layers, perLayer int) *Index {
	idx := &Index{mods: make(map[string]*Module, layers*perLayer)}
	name := func(layer, i int) string {
		return fmt.Sprintf("git.corp.example/%s/lib%03d", layerNames[layer%len(layerNames)], i)
	}
	for l := layers - 1; l >= 0; l-- {
		for i := 0; i < perLayer; i++ {
			m := &Module{Path: name(l, i), Version: fmt.Sprintf("v1.%d.%d", rng.Intn(20), rng.Intn(9))}
			if l < layers-1 {
				n := 2 + rng.Intn(3)
				for j := 0; j < n; j++ {
					dl := l + 1 + rng.Intn(2)
					if dl >= layers {
						dl = layers - 1
					}
					m.Requires = append(m.Requires, idx.mods[name(dl, rng.Intn(perLayer))])
				}
			}
			idx.mods[m.Path] = m
		}
	}
	return idx
}

var layerNames = []string{"api", "svc", "platform", "storage", "rpc", "auth", "obs", "codec", "base", "sys"}

// reachKey says that module `mod` is needed (directly or not) by `root`.
type reachKey struct {
	root, mod *Module
}

// planGraph is the per-request working state of the resolver.
type planGraph struct {
	idx   *Index
	roots []*Module
	reach map[reachKey]struct{}
}

func newPlanGraph(idx *Index, roots []*Module) *planGraph {
	g := &planGraph{idx: idx, roots: roots, reach: make(map[reachKey]struct{})}
	for _, r := range roots {
		for _, req := range r.Requires {
			g.require(r, req)
		}
	}
	return g
}

// require records that root needs mod; it reports whether the pair is new.
func (g *planGraph) require(root, mod *Module) bool {
	n := len(g.reach)
	g.reach[reachKey{root: root, mod: mod}] = struct{}{}
	return len(g.reach) > n
}

// expand walks the reach relation until it is transitively closed and
// returns the number of passes it took.
func (g *planGraph) expand() int {
	passes := 0
	for {
		passes++
		added := 0
		for k := range g.reach {
			for _, next := range k.mod.Requires {
				if g.require(k.root, next) {
					added++
				}
			}
		}
		if added == 0 {
			return passes
		}
	}
}

// InstallPlan lists, per root, the modules to fetch.
type InstallPlan struct {
	ID      int
	PerRoot map[*Module][]*Module
	Passes  int
	Edges   int
}

func (g *planGraph) plan(id, passes int) *InstallPlan {
	p := &InstallPlan{ID: id, PerRoot: make(map[*Module][]*Module, len(g.roots)), Passes: passes, Edges: len(g.reach)}
	for k := range g.reach {
		p.PerRoot[k.root] = append(p.PerRoot[k.root], k.mod)
	}
	return p
}

// BuildRequest is what the API layer hands to the planner.
type BuildRequest struct {
	ID    int
	Roots []*Module
}

// Planner is a pool of resolver workers.
type Planner struct {
	idx      *Index
	requests chan BuildRequest
	done     sync.WaitGroup
	planned  int64
	edges    int64
	passes   int64
}

func (p *Planner) worker() {
	defer p.done.Done()
	for req := range p.requests {
		g := newPlanGraph(p.idx, req.Roots)
		passes := g.expand()
		plan := g.plan(req.ID, passes)
		atomic.AddInt64(&p.planned, 1)
		atomic.AddInt64(&p.edges, int64(plan.Edges))
		atomic.AddInt64(&p.passes, int64(plan.Passes))
	}
}

func main() {
	prof.Start()
	start := time.Now()

	rng := rand.New(rand.NewSource(42))
	idx := NewIndex(rng, 10, 400)
	var paths []string
	for path := range idx.mods {
		if svc := path[len("git.corp.example/"):][:3]; svc == "api" || svc == "svc" {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	top := make([]*Module, len(paths))
	for i, p := range paths {
		top[i] = idx.mods[p]
	}

	pl := &Planner{idx: idx, requests: make(chan BuildRequest)}
	for i := 0; i < 4; i++ {
		pl.done.Add(1)
		go pl.worker()
	}

	deadline := start.Add(6 * time.Second)
	heapAt := start.Add(2 * time.Second)
	gorAt := start.Add(3 * time.Second)
	heapDone, gorDone := false, false
	for id := 0; time.Now().Before(deadline); id++ {
		roots := make([]*Module, 4+rng.Intn(8))
		for i := range roots {
			roots[i] = top[rng.Intn(len(top))]
		}
		pl.requests <- BuildRequest{ID: id, Roots: roots}
		now := time.Now()
		if !heapDone && now.After(heapAt) {
			prof.HeapEarly()
			heapDone = true
		}
		if !gorDone && now.After(gorAt) {
			prof.Goroutines()
			gorDone = true
		}
	}
	close(pl.requests)
	pl.done.Wait()
	log.Printf("planned %d builds, %d reach edges, %d passes, %.1fs", atomic.LoadInt64(&pl.planned), atomic.LoadInt64(&pl.edges), atomic.LoadInt64(&pl.passes), time.Since(start).Seconds())
	prof.Stop()
}
