package main

import "sync"

const usageShards = 64

// usageShard is one slice of the per-key usage table. The padding keeps
// neighbouring shard locks off the same cache line.
type usageShard struct {
	mu    sync.Mutex
	units map[string]int64
	_     [40]byte
}

// UsageMeter accumulates billable units per API key between flushes.
type UsageMeter struct {
	shards [usageShards]usageShard
}

func NewUsageMeter() *UsageMeter {
	u := &UsageMeter{}
	for i := range u.shards {
		u.shards[i].units = make(map[string]int64, 128)
	}
	return u
}

// fnv32a hashes the key without allocating.
func fnv32a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func (u *UsageMeter) shardFor(key string) *usageShard {
	return &u.shards[fnv32a(key)%usageShards]
}

// Charge adds n units to key.
func (u *UsageMeter) Charge(key string, n int64) {
	s := u.shardFor(key)
	s.mu.Lock()
	s.units[key] += n
	s.mu.Unlock()
}

// Peek returns the units accumulated for key since the last flush.
func (u *UsageMeter) Peek(key string) int64 {
	s := u.shardFor(key)
	s.mu.Lock()
	n := s.units[key]
	s.mu.Unlock()
	return n
}

// Flush hands every shard's totals to emit and starts the shard afresh.
func (u *UsageMeter) Flush(emit func(key string, units int64)) {
	for i := range u.shards {
		s := &u.shards[i]
		s.mu.Lock()
		full := s.units
		s.units = make(map[string]int64, len(full))
		s.mu.Unlock()
		for k, v := range full {
			emit(k, v)
		}
	}
}
