// Command depsvc resolves dependency manifests against a package index and
// answers with a flattened lock list, the way a build-cache frontend does.
package main

import (
	"errors"
	"fmt"
	"log"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// Version is a simplified semver triple.
type Version struct{ Major, Minor, Patch int }

func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor < o.Minor
	}
	return v.Patch < o.Patch
}

func (v Version) String() string {
	b := make([]byte, 0, 16)
	b = append(b, 'v')
	b = strconv.AppendInt(b, int64(v.Major), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(v.Minor), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(v.Patch), 10)
	return string(b)
}

// Requirement is one edge of the dependency graph.
type Requirement struct {
	Name  string
	Min   Version
	Via   string
	Depth int
}

// Package is an entry of the package index.
type Package struct {
	Name     string
	Latest   Version
	Requires []Requirement
}

// Index is the read-only package catalogue shared by every request.
type Index struct {
	pkgs map[string]*Package
}

var errUnknown = errors.New("unknown package")

func (ix *Index) Get(name string) (*Package, error) {
	p, ok := ix.pkgs[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s", errUnknown, name)
	}
	return p, nil
}

func buildIndex(n int, rnd *rand.Rand) *Index {
	ix := &Index{pkgs: make(map[string]*Package, n)}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("corp/lib-%05d", i)
	}
	for i, name := range names {
		p := &Package{Name: name, Latest: Version{1 + rnd.Intn(3), rnd.Intn(20), rnd.Intn(10)}}
		if i < n-50 {
			for k := 1 + rnd.Intn(4); k > 0; k-- {
				j := i + 1 + rnd.Intn(n-i-1)
				if rnd.Intn(3) == 0 {
					j = n - 50 + rnd.Intn(50) // a few leaf utilities everybody uses
				}
				p.Requires = append(p.Requires, Requirement{Name: names[j], Min: Version{1, rnd.Intn(5), 0}})
			}
		}
		ix.pkgs[name] = p
	}
	return ix
}

// Resolver flattens one manifest.
type Resolver struct {
	index *Index
	deps  map[string]*Requirement
}

func NewResolver(ix *Index, direct []Requirement) *Resolver {
	r := &Resolver{index: ix, deps: make(map[string]*Requirement, len(direct))}
	for i := range direct {
		d := direct[i]
		r.deps[d.Name] = &d
	}
	return r
}

// Resolve expands the manifest with the requirements of every dependency and
// returns the lock list sorted by name.
func (r *Resolver) Resolve() ([]string, error) {
	for name, req := range r.deps {
		if err := r.addTransitive(name, req); err != nil {
			return nil, err
		}
	}
	lock := make([]string, 0, len(r.deps))
	for name, req := range r.deps {
		lock = append(lock, name+"@"+req.Min.String())
	}
	sort.Strings(lock)
	return lock, nil
}

// addTransitive records the requirements of one package, keeping the
// highest minimum version seen for each.
func (r *Resolver) addTransitive(name string, req *Requirement) error {
	pkg, err := r.index.Get(name)
	if err != nil {
		return err
	}
	for _, sub := range pkg.Requires {
		if have, ok := r.deps[sub.Name]; ok {
			if have.Min.Less(sub.Min) {
				have.Min = sub.Min
			}
			continue
		}
		r.deps[sub.Name] = &Requirement{Name: sub.Name, Min: sub.Min, Via: name, Depth: req.Depth + 1}
	}
	return nil
}

type request struct {
	id     int
	direct []Requirement
}

type result struct {
	id   int
	size int
	err  error
}

func serve(ix *Index, in <-chan request, out chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for req := range in {
		lock, err := NewResolver(ix, req.direct).Resolve()
		out <- result{id: req.id, size: len(lock), err: err}
	}
}

func main() {
	prof.Start()

	rnd := rand.New(rand.NewSource(7))
	const npkgs = 30000
	ix := buildIndex(npkgs, rnd)

	requests := make(chan request, 64)
	results := make(chan result, 64)
	var workers sync.WaitGroup
	for w := 0; w < 3; w++ {
		workers.Add(1)
		go serve(ix, requests, results, &workers)
	}

	var resolved, locked, failed int
	done := make(chan struct{})
	go func() {
		for res := range results {
			resolved++
			locked += res.size
			if res.err != nil {
				failed++
			}
		}
		close(done)
	}()

	const runFor = 6 * time.Second
	start := time.Now()
	heapTaken, goroutinesTaken := false, false
	for id := 0; time.Since(start) < runFor; id++ {
		n := 5 + rnd.Intn(25)
		direct := make([]Requirement, 0, n)
		for i := 0; i < n; i++ {
			// manifests mostly name application-level libraries
			name := fmt.Sprintf("corp/lib-%05d", rnd.Intn(npkgs/3))
			direct = append(direct, Requirement{Name: name, Min: Version{1, 0, 0}})
		}
		requests <- request{id: id, direct: direct}
		if el := time.Since(start); !heapTaken && el > runFor/3 {
			prof.HeapEarly()
			heapTaken = true
		} else if !goroutinesTaken && el > runFor/2 {
			prof.Goroutines()
			goroutinesTaken = true
		}
	}
	close(requests)
	workers.Wait()
	close(results)
	<-done
	log.Printf("resolved=%d avg_lock=%d failed=%d", resolved, locked/resolved, failed)
	prof.Stop()
}
