// Command pagecache is the render cache of a storefront: product pages are
// rendered once, kept in an LRU, and purged by surrogate key ("tag") when the
// catalogue changes a product or a category.
package main

import (
	"bytes"
	"container/list"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Page is one rendered response.
type Page struct {
	URL      string
	Tags     []string
	Body     []byte
	Rendered time.Time
}

type cacheEntry struct {
	page *Page
	elem *list.Element
}

// PageCache is an LRU of rendered pages with purge-by-tag.
type PageCache struct {
	mu       sync.Mutex
	capacity int
	lru      *list.List               // front = most recently used; values are URLs
	items    map[string]*cacheEntry   // URL -> entry
	byTag    map[string][]*cacheEntry // surrogate key -> entries carrying it

	hits, misses, evictions, purged int64
}

func NewPageCache(capacity int) *PageCache {
	return &PageCache{
		capacity: capacity,
		lru:      list.New(),
		items:    make(map[string]*cacheEntry, capacity),
		byTag:    make(map[string][]*cacheEntry),
	}
}

// Get returns the cached page for url, if any.
func (c *PageCache) Get(url string) (*Page, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[url]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.lru.MoveToFront(e.elem)
	return e.page, true
}

// Put stores a freshly rendered page and indexes it under its tags.
func (c *PageCache) Put(p *Page) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[p.URL]; ok {
		old.page = p
		c.lru.MoveToFront(old.elem)
		return
	}
	e := &cacheEntry{page: p}
	e.elem = c.lru.PushFront(p.URL)
	c.items[p.URL] = e
	for _, t := range p.Tags {
		c.byTag[t] = append(c.byTag[t], e)
	}
	for c.lru.Len() > c.capacity {
		c.evictOldest()
	}
}

// evictOldest drops the least recently used page.
func (c *PageCache) evictOldest() {
	back := c.lru.Back()
	url := c.lru.Remove(back).(string)
	delete(c.items, url)
	c.evictions++
}

// PurgeTag drops every page carrying the tag (catalogue update hook).
func (c *PageCache) PurgeTag(tag string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.byTag[tag] {
		if cur, ok := c.items[e.page.URL]; ok && cur == e {
			c.lru.Remove(e.elem)
			delete(c.items, e.page.URL)
			n++
		}
	}
	delete(c.byTag, tag)
	c.purged += int64(n)
	return n
}

var pageTemplate = bytes.Repeat([]byte(`<div class="tile"><img src="/img/placeholder.webp" loading="lazy"><span class="price">$0.00</span></div>`), 64)

// renderPage builds the HTML of a product page; it is the expensive part the
// cache exists for.
func renderPage(productID, category, variant int) *Page {
	size := 12<<10 + (productID*7919+variant*104729)%(32<<10)
	body := make([]byte, 0, size)
	body = append(body, "<html><head><title>Product "...)
	body = strconv.AppendInt(body, int64(productID), 10)
	body = append(body, "</title></head><body>"...)
	for len(body)+len(pageTemplate) < size {
		body = append(body, pageTemplate...)
	}
	body = append(body, "</body></html>"...)
	return &Page{
		URL:      "/p/" + strconv.Itoa(productID) + "?v=" + strconv.Itoa(variant),
		Tags:     []string{"product:" + strconv.Itoa(productID), "category:" + strconv.Itoa(category)},
		Body:     body,
		Rendered: time.Now(),
	}
}

// serveProduct is the handler: cache first, render on a miss.
func serveProduct(c *PageCache, productID, variant int) int {
	url := "/p/" + strconv.Itoa(productID) + "?v=" + strconv.Itoa(variant)
	if p, ok := c.Get(url); ok {
		return len(p.Body)
	}
	p := renderPage(productID, productID%97, variant)
	c.Put(p)
	return len(p.Body)
}

func shopper(c *PageCache, seed int64, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	popular := rand.NewZipf(rng, 1.1, 4, 250000)
	var bytesOut int64
	for atomic.LoadInt32(stop) == 0 {
		bytesOut += int64(serveProduct(c, int(popular.Uint64()), rng.Intn(3)))
		time.Sleep(3 * time.Millisecond)
	}
	_ = bytesOut
}

// catalogue purges a few products now and then, like price updates do.
func catalogue(c *PageCache, stop *int32, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(5))
	for atomic.LoadInt32(stop) == 0 {
		time.Sleep(100 * time.Millisecond)
		c.PurgeTag("product:" + strconv.Itoa(rng.Intn(50)))
	}
}

func main() {
	prof.Start()
	cache := NewPageCache(400)
	var stop int32
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go shopper(cache, int64(i+11), &stop, &wg)
	}
	wg.Add(1)
	go catalogue(cache, &stop, &wg)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	prof.Stop()
	cache.mu.Lock()
	fmt.Printf("hits=%d misses=%d evictions=%d purged=%d cached=%d tags=%d\n",
		cache.hits, cache.misses, cache.evictions, cache.purged, len(cache.items), len(cache.byTag))
	cache.mu.Unlock()
}
