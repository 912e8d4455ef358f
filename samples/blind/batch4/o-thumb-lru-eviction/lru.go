package main

import (
	"container/list"
	"sync"
)

// thumbKey identifies one rendition of a source image.
type thumbKey struct {
	imageID uint64
	width   uint16
	format  string
}

type thumb struct {
	key    thumbKey
	pixels []byte
	etag   uint32
}

// LRU is a fixed-capacity least-recently-used cache of rendered thumbnails.
type LRU struct {
	mu       sync.Mutex
	capacity int
	ll       *list.List
	items    map[thumbKey]*list.Element
	onEvict  func(*thumb)
}

type lruOption func(*LRU)

func withEvictHook(fn func(*thumb)) lruOption { return func(c *LRU) { c.onEvict = fn } }

func NewLRU(capacity int, opts ...lruOption) *LRU {
	c := &LRU{
		capacity: capacity,
		ll:       list.New(),
		items:    make(map[thumbKey]*list.Element, capacity),
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *LRU) Get(k thumbKey) (*thumb, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*thumb), true
	}
	return nil, false
}

func (c *LRU) Add(t *thumb) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[t.key]; ok {
		el.Value = t
		c.ll.MoveToFront(el)
		return
	}
	c.items[t.key] = c.ll.PushFront(t)
	if c.ll.Len() > c.capacity {
		c.removeElement(c.ll.Back())
	}
}

// Purge drops one image's thumbnails (all widths) after the source changed.
func (c *LRU) Purge(imageID uint64, widths []uint16, format string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, w := range widths {
		if el, ok := c.items[thumbKey{imageID, w, format}]; ok {
			c.removeElement(el)
			n++
		}
	}
	return n
}

func (c *LRU) removeElement(el *list.Element) {
	t := c.ll.Remove(el).(*thumb)
	delete(c.items, t.key)
	if c.onEvict != nil {
		c.onEvict(t)
	}
}

func (c *LRU) Len() (entries, listed int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.ll.Len()
}
