package main

import (
	"container/list"
	"sync"
)

// Thumbnail is a rendered 64x64 RGBA preview (16 KB of raw pixels).
type Thumbnail struct {
	ImageID string
	Width   int
	Height  int
	Pixels  []byte
}

type lruEntry struct {
	key   string
	thumb *Thumbnail
}

// ThumbCache is a fixed-capacity LRU of rendered thumbnails.
type ThumbCache struct {
	mu        sync.Mutex
	capacity  int
	ll        *list.List
	items     map[string]*list.Element
	hits      uint64
	misses    uint64
	evictions uint64
}

func NewThumbCache(capacity int) *ThumbCache {
	return &ThumbCache{
		capacity: capacity,
		ll:       list.New(),
		items:    make(map[string]*list.Element, capacity),
	}
}

func (c *ThumbCache) Get(key string) (*Thumbnail, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		c.hits++
		return el.Value.(*lruEntry).thumb, true
	}
	c.misses++
	return nil, false
}

func (c *ThumbCache) Put(key string, t *Thumbnail) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruEntry).thumb = t
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&lruEntry{key: key, thumb: t})
	for c.ll.Len() > c.capacity {
		c.evictOldest()
	}
}

// evictOldest drops the least recently used thumbnail from the list and the
// index; nothing else holds on to it.
func (c *ThumbCache) evictOldest() {
	el := c.ll.Back()
	if el == nil {
		return
	}
	ent := c.ll.Remove(el).(*lruEntry)
	delete(c.items, ent.key)
	c.evictions++
}

func (c *ThumbCache) Stats() (hits, misses, evictions uint64, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.evictions, len(c.items)
}
