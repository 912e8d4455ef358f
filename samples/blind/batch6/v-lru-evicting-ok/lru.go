package main

import (
	"container/list"
	"sync"
)

// Sizer is implemented by values that know their memory footprint.
type Sizer interface{ Size() int }

type lruEntry[K comparable, V Sizer] struct {
	key K
	val V
}

// LRU is a byte-budgeted least-recently-used cache.
type LRU[K comparable, V Sizer] struct {
	mu       sync.Mutex
	budget   int
	used     int
	order    *list.List // front = most recently used
	items    map[K]*list.Element
	hits     uint64
	misses   uint64
	evicted  uint64
	inserted uint64
}

func NewLRU[K comparable, V Sizer](budget int) *LRU[K, V] {
	return &LRU[K, V]{budget: budget, order: list.New(), items: make(map[K]*list.Element)}
}

func (c *LRU[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		c.hits++
		return el.Value.(*lruEntry[K, V]).val, true
	}
	c.misses++
	var zero V
	return zero, false
}

// Add stores val under key and evicts least recently used entries until the
// cache fits its budget again.
func (c *LRU[K, V]) Add(key K, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		ent := el.Value.(*lruEntry[K, V])
		c.used += val.Size() - ent.val.Size()
		ent.val = val
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&lruEntry[K, V]{key: key, val: val})
		c.used += val.Size()
		c.inserted++
	}
	for c.used > c.budget && c.order.Len() > 1 {
		c.evictOldest()
	}
}

func (c *LRU[K, V]) evictOldest() {
	el := c.order.Back()
	ent := c.order.Remove(el).(*lruEntry[K, V])
	delete(c.items, ent.key)
	c.used -= ent.val.Size()
	c.evicted++
}

// Stats returns entries, bytes used, hits, misses and evictions.
func (c *LRU[K, V]) Stats() (int, int, uint64, uint64, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.used, c.hits, c.misses, c.evicted
}
