package main

import (
	"sort"
	"sync"
)

// Counter is a monotonically increasing metric.
type Counter struct {
	Name  string
	Help  string
	value int64
}

// Registry holds every counter the process exports.
type Registry struct {
	mu       sync.Mutex
	counters map[string]*Counter
	help     map[string]string
}

// NewRegistry returns an empty registry; help texts are keyed by prefix.
func NewRegistry(help map[string]string) *Registry {
	return &Registry{counters: make(map[string]*Counter), help: help}
}

// Add increments the named counter, creating it on first use.
func (r *Registry) Add(name string, delta int64) {
	r.mu.Lock()
	c, ok := r.counters[name]
	if !ok {
		c = &Counter{Name: name, Help: r.helpFor(name)}
		r.counters[name] = c
	}
	c.value += delta
	r.mu.Unlock()
}

func (r *Registry) helpFor(name string) string {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '.' {
			if h, ok := r.help[name[:i]]; ok {
				return h
			}
		}
	}
	return "undocumented"
}

// Sample is one exported value.
type Sample struct {
	Name  string
	Value int64
}

// Snapshot copies every counter, sorted by name, for the /metrics endpoint.
func (r *Registry) Snapshot() []Sample {
	r.mu.Lock()
	out := make([]Sample, 0, len(r.counters))
	for name, c := range r.counters {
		out = append(out, Sample{Name: name, Value: c.value})
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
