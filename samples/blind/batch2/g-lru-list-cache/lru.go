package main

import (
	"container/list"
	"sync"
)

// LRU is a fixed-capacity least-recently-used cache. Safe for concurrent
// use.
type LRU[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ll       *list.List // front = most recently used
	index    map[K]*list.Element
	onEvict  func(K, V)

	hits, misses, evictions uint64
}

type lruItem[K comparable, V any] struct {
	key   K
	value V
}

func NewLRU[K comparable, V any](capacity int, onEvict func(K, V)) *LRU[K, V] {
	return &LRU[K, V]{
		capacity: capacity,
		ll:       list.New(),
		index:    make(map[K]*list.Element, capacity),
		onEvict:  onEvict,
	}
}

func (c *LRU[K, V]) Get(key K) (v V, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[key]
	if !ok {
		c.misses++
		return v, false
	}
	c.hits++
	c.ll.MoveToFront(el)
	return el.Value.(*lruItem[K, V]).value, true
}

// Add inserts or refreshes key, evicting the least recently used entry when
// the cache is full.
func (c *LRU[K, V]) Add(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[key]; ok {
		el.Value.(*lruItem[K, V]).value = value
		c.ll.MoveToFront(el)
		return
	}
	c.index[key] = c.ll.PushFront(&lruItem[K, V]{key: key, value: value})
	for c.ll.Len() > c.capacity {
		c.removeOldest()
	}
}

func (c *LRU[K, V]) removeOldest() {
	el := c.ll.Back()
	if el == nil {
		return
	}
	it := c.ll.Remove(el).(*lruItem[K, V])
	delete(c.index, it.key)
	c.evictions++
	if c.onEvict != nil {
		c.onEvict(it.key, it.value)
	}
}

func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
