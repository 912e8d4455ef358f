// Command authzd answers "may principal P do A on resource R" for the
// config service. Grants are stored per principal as resource paths; on each
// check the principal's grants are loaded and expanded so that every parent
// of a granted path can be listed (traversed) by the principal.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type mode uint8

const (
	modeTraverse mode = 1 << iota
	modeRead
	modeWrite
	modeAdmin
)

func (m mode) allows(want mode) bool { return m&want == want }

type grantRow struct {
	Path string
	Mode mode
}

// policyStore stands in for the grants table of the policy database.
type policyStore struct {
	rows map[string][]grantRow
}

var errNoPrincipal = errors.New("unknown principal")

func (s *policyStore) grantsFor(principal string) ([]grantRow, error) {
	rows, ok := s.rows[principal]
	if !ok {
		return nil, errNoPrincipal
	}
	return rows, nil
}

func newPolicyStore(principals int, seed int64) *policyStore {
	r := rand.New(rand.NewSource(seed))
	envs := []string{"dev", "staging", "prod", "canary"}
	kinds := []string{"secrets", "configs", "flags", "certs", "queues"}
	s := &policyStore{rows: make(map[string][]grantRow, principals)}
	for p := 0; p < principals; p++ {
		n := 200 + r.Intn(200)
		rows := make([]grantRow, 0, n)
		for i := 0; i < n; i++ {
			path := fmt.Sprintf("/tenants/t%03d/projects/p%02d/envs/%s/%s/%s-%d",
				r.Intn(40), r.Intn(30), envs[r.Intn(len(envs))], kinds[r.Intn(len(kinds))],
				kinds[r.Intn(len(kinds))], r.Intn(1000))
			rows = append(rows, grantRow{Path: path, Mode: modeRead << uint(r.Intn(3))})
		}
		s.rows[fmt.Sprintf("svc-%04d", p)] = rows
	}
	return s
}

// addParents gives traverse rights on every ancestor of path.
func addParents(grants map[string]mode, path string) {
	for {
		i := strings.LastIndexByte(path, '/')
		if i <= 0 {
			return
		}
		path = path[:i]
		grants[path] |= modeTraverse
	}
}

// loadGrants builds the effective grant set of a principal.
func loadGrants(store *policyStore, principal string) (map[string]mode, error) {
	rows, err := store.grantsFor(principal)
	if err != nil {
		return nil, err
	}
	grants := make(map[string]mode, len(rows))
	for _, row := range rows {
		grants[row.Path] |= row.Mode
	}
	for path := range grants {
		addParents(grants, path)
	}
	return grants, nil
}

type checkRequest struct {
	Principal string
	Resource  string
	Want      mode
}

type checkResult struct {
	allowed bool
	err     error
}

func check(store *policyStore, req checkRequest) checkResult {
	grants, err := loadGrants(store, req.Principal)
	if err != nil {
		return checkResult{err: err}
	}
	return checkResult{allowed: grants[req.Resource].allows(req.Want)}
}

func worker(store *policyStore, reqs <-chan checkRequest, tally *[3]int, mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done()
	var local [3]int
	for req := range reqs {
		res := check(store, req)
		switch {
		case res.err != nil:
			local[2]++
		case res.allowed:
			local[0]++
		default:
			local[1]++
		}
	}
	mu.Lock()
	for i := range local {
		tally[i] += local[i]
	}
	mu.Unlock()
}

func main() {
	prof.Start()
	began := time.Now()

	const principals = 64
	store := newPolicyStore(principals, 7)

	reqs := make(chan checkRequest, 64)
	var tally [3]int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go worker(store, reqs, &tally, &mu, &wg)
	}

	stopAt := began.Add(6 * time.Second)
	r := rand.New(rand.NewSource(1))
	sent := 0
	heapDone, grDone := false, false
	for time.Now().Before(stopAt) {
		p := fmt.Sprintf("svc-%04d", r.Intn(principals+2))
		res := fmt.Sprintf("/tenants/t%03d/projects/p%02d", r.Intn(40), r.Intn(30))
		if r.Intn(2) == 0 {
			res += "/envs/prod"
		}
		reqs <- checkRequest{Principal: p, Resource: res, Want: modeTraverse}
		sent++
		if !heapDone && time.Since(began) > 2*time.Second {
			prof.HeapEarly()
			heapDone = true
		}
		if !grDone && time.Since(began) > 3*time.Second {
			prof.Goroutines()
			grDone = true
		}
	}
	close(reqs)
	wg.Wait()
	prof.Stop()
	fmt.Printf("sent=%d allowed=%d denied=%d errors=%d in %v\n", sent, tally[0], tally[1], tally[2], time.Since(began).Round(time.Millisecond))
}
