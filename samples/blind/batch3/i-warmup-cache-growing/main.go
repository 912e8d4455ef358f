// Command pagecache fronts a slow page renderer with a bounded LRU cache of
// rendered HTML. After a deploy the cache starts cold and fills as traffic
// touches more of the catalogue.
package main

import (
	"container/list"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type pageKey struct {
	locale string
	slug   string
}

type cachedPage struct {
	key      pageKey
	html     []byte
	etag     string
	rendered time.Time
}

// PageCache is a read-through LRU cache bounded by entry count.
type PageCache struct {
	mu      sync.Mutex
	limit   int
	entries map[pageKey]*list.Element
	lru     *list.List // front = most recently used

	hits, misses, evictions int64
	render                  func(pageKey) *cachedPage
}

func NewPageCache(limit int, render func(pageKey) *cachedPage) *PageCache {
	return &PageCache{
		limit:   limit,
		entries: make(map[pageKey]*list.Element),
		lru:     list.New(),
		render:  render,
	}
}

// Get returns the rendered page, rendering and caching it on a miss.
func (c *PageCache) Get(k pageKey) *cachedPage {
	c.mu.Lock()
	if el, ok := c.entries[k]; ok {
		c.lru.MoveToFront(el)
		c.hits++
		p := el.Value.(*cachedPage)
		c.mu.Unlock()
		return p
	}
	c.misses++
	c.mu.Unlock()

	p := c.render(k) // slow path, outside the lock

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok { // another request rendered it first
		c.lru.MoveToFront(el)
		return el.Value.(*cachedPage)
	}
	c.entries[k] = c.lru.PushFront(p)
	for c.lru.Len() > c.limit {
		oldest := c.lru.Back()
		victim := c.lru.Remove(oldest).(*cachedPage)
		delete(c.entries, victim.key)
		c.evictions++
	}
	return p
}

func (c *PageCache) Stats() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("entries=%d hits=%d misses=%d evictions=%d", len(c.entries), c.hits, c.misses, c.evictions)
}

// renderProductPage stands in for the template engine + catalogue lookups.
func renderProductPage(k pageKey) *cachedPage {
	var b strings.Builder
	b.Grow(4096)
	fmt.Fprintf(&b, "<!doctype html><html lang=%q><head><title>%s</title></head><body>\n", k.locale, k.slug)
	n := 20 + len(k.slug)%25
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<li class=\"variant\" data-sku=\"%s-%03d\">%s variant %d, in stock</li>\n", k.slug, i, k.slug, i)
	}
	b.WriteString("</body></html>\n")
	html := []byte(b.String())
	return &cachedPage{key: k, html: html, etag: fmt.Sprintf("W/\"%x\"", len(html)*31+n), rendered: time.Now()}
}

func main() {
	prof.Start()

	cache := NewPageCache(5000, renderProductPage)
	locales := []string{"en-US", "de-DE", "fr-FR"}
	slugs := make([]string, 4000)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("product-%05d-%s", i, strings.Repeat("x", i%17))
	}
	hot := slugs[:200]

	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			var served int
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				for i := 0; i < 6; i++ {
					k := pageKey{locale: locales[r.Intn(len(locales))]}
					if r.Intn(10) < 3 {
						k.slug = hot[r.Intn(len(hot))]
					} else {
						k.slug = slugs[r.Intn(len(slugs))]
					}
					served += len(cache.Get(k).html)
				}
			}
		}(int64(w + 1))
	}

	time.Sleep(runFor / 3)
	fmt.Println("early:", cache.Stats())
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	prof.Stop()
	fmt.Println("final:", cache.Stats())
}
