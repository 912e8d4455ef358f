package main

import (
	"strings"
	"sync"
)

type route struct {
	prefix   string
	upstream string
	timeoutS int
	aliasOf  string // non-empty for generated aliases
	hits     uint64
}

type routeConfig struct {
	Prefix   string
	Upstream string
	TimeoutS int
	Legacy   bool // also served under the pre-2021 /api/ tree
}

// routeTable maps path prefixes to upstream clusters.
type routeTable struct {
	mu      sync.RWMutex
	routes  map[string]*route
	version int
}

// apply installs a new configuration pushed by the control plane.
func (rt *routeTable) apply(cfg []routeConfig, legacy map[string]bool) {
	fresh := make(map[string]*route, len(cfg))
	for _, c := range cfg {
		fresh[c.Prefix] = &route{prefix: c.Prefix, upstream: c.Upstream, timeoutS: c.TimeoutS}
		if c.Legacy {
			legacy[c.Prefix] = true
		}
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.routes = fresh
	rt.addAliases(legacy)
	rt.version++
}

// addAliases makes every route reachable under its alternative spellings:
// with a trailing slash, and under /api/ for legacy routes.
func (rt *routeTable) addAliases(legacy map[string]bool) {
	for prefix, r := range rt.routes {
		if r.aliasOf != "" {
			continue
		}
		alts := [2]string{prefix + "/", ""}
		if legacy[prefix] {
			alts[1] = "/api" + prefix
		}
		for _, alt := range alts {
			if alt == "" {
				continue
			}
			if _, taken := rt.routes[alt]; !taken {
				rt.routes[alt] = &route{prefix: alt, upstream: r.upstream, timeoutS: r.timeoutS, aliasOf: prefix}
			}
		}
	}
}

// match finds the longest configured prefix of path.
func (rt *routeTable) match(path string) (*route, bool) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	for p := path; p != ""; {
		if r, ok := rt.routes[p]; ok {
			return r, true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	return nil, false
}

func (rt *routeTable) size() (int, int) {
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	return len(rt.routes), rt.version
}
