package main

import (
	"container/list"
	"sync"
	"time"
)

// fragment is one rendered page fragment as served to clients.
type fragment struct {
	key        string
	etag       string
	body       []byte
	renderedAt time.Time
}

// fragmentCache keeps rendered fragments by key, most recently used first,
// and evicts from the cold end when the byte budget is exceeded.
type fragmentCache struct {
	mu      sync.Mutex
	byKey   map[string]*list.Element
	recency *list.List
	bytes   int64
	budget  int64

	hits, misses, invalidations, evictions uint64
}

func newFragmentCache(budget int64) *fragmentCache {
	return &fragmentCache{
		byKey:   make(map[string]*list.Element),
		recency: list.New(),
		budget:  budget,
	}
}

func (c *fragmentCache) get(key string) (*fragment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.recency.MoveToFront(el)
	return el.Value.(*fragment), true
}

// put stores a private copy of rendered (the renderer reuses its buffers).
func (c *fragmentCache) put(key, etag string, rendered []byte) *fragment {
	body := append([]byte(nil), rendered...)
	now := time.Now()

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		old := el.Value.(*fragment)
		c.bytes += int64(len(body) - len(old.body))
		old.etag, old.body, old.renderedAt = etag, body, now
		c.recency.MoveToFront(el)
		return old
	}
	f := &fragment{key: key, etag: etag, body: body, renderedAt: now}
	c.byKey[key] = c.recency.PushFront(f)
	c.bytes += int64(len(body))
	for c.bytes > c.budget && c.recency.Len() > 0 {
		c.evictOldest()
	}
	return f
}

func (c *fragmentCache) evictOldest() {
	el := c.recency.Back()
	f := c.recency.Remove(el).(*fragment)
	if c.byKey[f.key] == el {
		delete(c.byKey, f.key)
		c.bytes -= int64(len(f.body))
	}
	c.evictions++
}

// invalidate drops a fragment after its source document changed.
func (c *fragmentCache) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return
	}
	c.bytes -= int64(len(el.Value.(*fragment).body))
	delete(c.byKey, key)
	c.invalidations++
}

type cacheStats struct {
	entries, listLen                       int
	bytes                                  int64
	hits, misses, invalidations, evictions uint64
}

func (c *fragmentCache) stats() cacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cacheStats{len(c.byKey), c.recency.Len(), c.bytes, c.hits, c.misses, c.invalidations, c.evictions}
}
