package main

import "sync"

// Record is one audit event, kept in the index until the archiver has shipped it.
type Record struct {
	ID     string
	Actor  uint32
	Action Action
	Object uint64
	At     int64
}

// Index finds unshipped audit records by ID.
type Index interface {
	Put(r *Record)
	Get(id string) (*Record, bool)
	Remove(id string)
	Live() int
}

const indexShards = 32

type indexShard struct {
	mu   sync.RWMutex
	recs map[string]*Record
	live int
}

// memIndex is the in-memory index, sharded by ID hash to keep the ingest
// nodes and the archivers off each other's locks.
type memIndex struct {
	shards [indexShards]indexShard
}

func newMemIndex() *memIndex {
	m := &memIndex{}
	for i := range m.shards {
		m.shards[i].recs = make(map[string]*Record, 64)
	}
	return m
}

func (m *memIndex) shard(id string) *indexShard {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * 16777619
	}
	return &m.shards[h%indexShards]
}

func (m *memIndex) Put(r *Record) {
	s := m.shard(r.ID)
	s.mu.Lock()
	if s.recs[r.ID] == nil {
		s.live++
	}
	s.recs[r.ID] = r
	s.mu.Unlock()
}

func (m *memIndex) Get(id string) (*Record, bool) {
	s := m.shard(id)
	s.mu.RLock()
	r := s.recs[id]
	s.mu.RUnlock()
	return r, r != nil
}

// Remove drops a shipped record from the index.
func (m *memIndex) Remove(id string) {
	s := m.shard(id)
	s.mu.Lock()
	if s.recs[id] != nil {
		s.live--
	}
	s.recs[id] = nil
	s.mu.Unlock()
}

func (m *memIndex) Live() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.RLock()
		n += s.live
		s.mu.RUnlock()
	}
	return n
}

// Keys reports how many IDs the index maps hold (for the debug page).
func (m *memIndex) Keys() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.RLock()
		n += len(s.recs)
		s.mu.RUnlock()
	}
	return n
}
