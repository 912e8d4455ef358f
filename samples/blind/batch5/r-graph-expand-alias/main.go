// Command planner answers "what has to be rebuilt" queries for a monorepo
// build farm: given the declared dependencies of a set of packages it
// computes the transitive dependency closure and orders the work.
package main

import (
	"fmt"
	"math/rand"
	"sort"
	"sync"
	"time"

	"blind/prof"
)

// PkgID is the dense index of a package in the repository manifest.
type PkgID int32

// edge says that From depends (directly or transitively) on To.
type edge struct {
	From, To PkgID
}

// hop explains an edge: the package it goes through and how many
// declared dependencies the path has ("why does A depend on C?").
type hop struct {
	Via   PkgID
	Depth int32
}

// DepGraph is the dependency graph of one build request.
type DepGraph struct {
	deps  [][]PkgID    // declared, direct dependencies
	edges map[edge]hop // known dependency relation, grown to the closure
}

// NewDepGraph loads the declared dependencies of the packages in a request.
func NewDepGraph(deps [][]PkgID) *DepGraph {
	declared := 0
	for _, d := range deps {
		declared += len(d)
	}
	g := &DepGraph{deps: deps, edges: make(map[edge]hop, declared)}
	for from, d := range deps {
		for _, to := range d {
			g.edges[edge{PkgID(from), to}] = hop{Via: to, Depth: 1}
		}
	}
	return g
}

// expand adds, for every known edge a->b, the edges a->c for each direct
// dependency c of b. It reports how many edges were new.
func (g *DepGraph) expand() int {
	adj := g.edges
	added := 0
	for e, h := range g.edges {
		for _, next := range g.deps[e.To] {
			k := edge{e.From, next}
			if _, ok := adj[k]; ok || k.From == k.To {
				continue
			}
			adj[k] = hop{Via: e.To, Depth: h.Depth + 1}
			added++
		}
	}
	return added
}

// Closure expands the graph until it is transitively closed.
func (g *DepGraph) Closure() (rounds int) {
	for g.expand() > 0 {
		rounds++
	}
	return rounds
}

// BuildOrder returns the packages sorted so that a package comes after
// everything it (transitively) depends on.
func (g *DepGraph) BuildOrder() []PkgID {
	depth := make([]int, len(g.deps))
	for e := range g.edges {
		depth[e.From]++
	}
	order := make([]PkgID, len(g.deps))
	for i := range order {
		order[i] = PkgID(i)
	}
	sort.Slice(order, func(i, j int) bool {
		if depth[order[i]] != depth[order[j]] {
			return depth[order[i]] < depth[order[j]]
		}
		return order[i] < order[j]
	})
	return order
}

// manifest is a synthetic layered monorepo: packages in a layer only depend
// on packages of lower layers, like libraries under services under binaries.
type manifest struct {
	layers [][]PkgID
	size   int
}

func newManifest(layers, perLayer int) *manifest {
	m := &manifest{}
	for l := 0; l < layers; l++ {
		var layer []PkgID
		for i := 0; i < perLayer; i++ {
			layer = append(layer, PkgID(m.size))
			m.size++
		}
		m.layers = append(m.layers, layer)
	}
	return m
}

// request builds the declared dependencies of a random slice of the repo.
func (m *manifest) request(rng *rand.Rand) [][]PkgID {
	deps := make([][]PkgID, m.size)
	for l := 1; l < len(m.layers); l++ {
		for _, p := range m.layers[l] {
			n := 2 + rng.Intn(4)
			for j := 0; j < n; j++ {
				lower := m.layers[l-1-rng.Intn(minInt(l, 2))]
				deps[p] = append(deps[p], lower[rng.Intn(len(lower))])
			}
		}
	}
	return deps
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

type planStats struct {
	mu       sync.Mutex
	plans    int
	rounds   int
	maxEdges int
}

func (s *planStats) record(rounds, edges int) {
	s.mu.Lock()
	s.plans++
	s.rounds += rounds
	if edges > s.maxEdges {
		s.maxEdges = edges
	}
	s.mu.Unlock()
}

func serve(m *manifest, seed int64, stats *planStats, done <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for {
		select {
		case <-done:
			return
		default:
		}
		g := NewDepGraph(m.request(rng))
		rounds := g.Closure()
		_ = g.BuildOrder()
		stats.record(rounds, len(g.edges))
	}
}

func main() {
	prof.Start()
	m := newManifest(7, 56)
	stats := &planStats{}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go serve(m, int64(100+i), stats, done, &wg)
	}
	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(done)
	wg.Wait()
	prof.Stop()
	stats.mu.Lock()
	fmt.Printf("plans=%d avg_rounds=%.1f max_edges=%d\n", stats.plans, float64(stats.rounds)/float64(stats.plans), stats.maxEdges)
	stats.mu.Unlock()
}
