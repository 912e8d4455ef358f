// Command tilesvc renders product tiles (small HTML fragments) for the shop
// front page. Rendering is expensive, so rendered tiles are kept in a
// bounded LRU cache; the least recently used tile is evicted whenever the
// cache is over capacity.
package main

import (
	"container/list"
	"fmt"
	"html"
	"math/rand"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type tileKey struct {
	product uint32
	locale  uint8
}

type lruEntry struct {
	key  tileKey
	body []byte
}

// tileCache is a size-bounded LRU cache of rendered tiles.
type tileCache struct {
	mu       sync.Mutex
	capacity int
	order    *list.List // front = most recently used
	items    map[tileKey]*list.Element

	hits, misses, evictions uint64
}

func newTileCache(capacity int) *tileCache {
	return &tileCache{
		capacity: capacity,
		order:    list.New(),
		items:    make(map[tileKey]*list.Element, capacity),
	}
}

func (c *tileCache) get(k tileKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).body, true
}

func (c *tileCache) put(k tileKey, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		el.Value.(*lruEntry).body = body
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry{key: k, body: body})
	for c.order.Len() > c.capacity {
		oldest := c.order.Back()
		ent := c.order.Remove(oldest).(*lruEntry)
		delete(c.items, ent.key)
		c.evictions++
	}
}

func (c *tileCache) stats() (n int, hits, misses, evictions uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.hits, c.misses, c.evictions
}

var locales = []string{"en-US", "de-DE", "fr-FR", "ja-JP"}

var adjectives = []string{"Classic", "Organic", "Wireless", "Compact", "Deluxe", "Vintage", "Ultra", "Eco"}
var nouns = []string{"Kettle", "Backpack", "Headphones", "Lamp", "Sneakers", "Notebook", "Blender", "Jacket"}

// renderTile builds the HTML fragment of one product tile.
func renderTile(k tileKey) []byte {
	name := fmt.Sprintf("%s %s %d", adjectives[k.product%8], nouns[(k.product/8)%8], k.product)
	price := float64(k.product%9000)/100 + 4.99
	var b strings.Builder
	b.Grow(1536)
	b.WriteString(`<article class="tile" data-product="`)
	fmt.Fprintf(&b, "%d", k.product)
	b.WriteString(`" lang="`)
	b.WriteString(locales[k.locale])
	b.WriteString(`"><img loading="lazy" src="/img/p/`)
	fmt.Fprintf(&b, "%d/%s-400.webp", k.product, strings.ToLower(strings.ReplaceAll(name, " ", "-")))
	b.WriteString(`" alt="`)
	b.WriteString(html.EscapeString(name))
	b.WriteString(`"><h3>`)
	b.WriteString(html.EscapeString(name))
	fmt.Fprintf(&b, `</h3><p class="price">%.2f</p><ul class="badges">`, price)
	for i := uint32(0); i < 3+k.product%5; i++ {
		fmt.Fprintf(&b, `<li class="badge badge-%d">%s</li>`, i, adjectives[(k.product+i)%8])
	}
	b.WriteString(`</ul><p class="blurb">`)
	for i := 0; i < 6; i++ {
		b.WriteString(html.EscapeString(fmt.Sprintf("%s & %s, made for everyday use. ", nouns[(int(k.product)+i)%8], adjectives[i%8])))
	}
	b.WriteString(`</p></article>`)
	return []byte(b.String())
}

type request struct {
	product uint32
	locale  uint8
}

func serve(cache *tileCache, reqs <-chan []request, bytesOut *uint64, wg *sync.WaitGroup) {
	defer wg.Done()
	var sent uint64
	for batch := range reqs {
		for _, r := range batch {
			k := tileKey{product: r.product, locale: r.locale}
			body, ok := cache.get(k)
			if !ok {
				body = renderTile(k)
				cache.put(k, body)
			}
			sent += uint64(len(body))
		}
	}
	*bytesOut = sent
}

// warm replays n logged requests through the cache and returns how many
// tiles had to be rendered.
func warm(cache *tileCache, n int, next func() request) int {
	rendered := 0
	for i := 0; i < n; i++ {
		r := next()
		k := tileKey{product: r.product, locale: r.locale}
		if _, ok := cache.get(k); !ok {
			cache.put(k, renderTile(k))
			rendered++
		}
	}
	return rendered
}

func main() {
	prof.Start()
	began := time.Now()

	cache := newTileCache(10000)
	reqs := make(chan []request, 16)
	stop := make(chan struct{})

	// Before taking traffic, warm the cache by replaying the recent request
	// log (same popularity distribution as live traffic).
	r := rand.New(rand.NewSource(11))
	zipf := rand.NewZipf(r, 1.1, 8, 400000)
	nextRequest := func() request {
		return request{product: uint32(zipf.Uint64()), locale: uint8(r.Intn(len(locales)))}
	}
	warmed := warm(cache, 150000, nextRequest)
	fmt.Printf("t=%v warmed with %d renders\n", time.Since(began).Round(time.Millisecond), warmed)

	// Live traffic: a popular head of products plus a long tail of
	// catalogue browsing, arriving in small bursts.
	go func() {
		defer close(reqs)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			batch := make([]request, 30)
			for i := range batch {
				batch[i] = nextRequest()
			}
			reqs <- batch
		}
	}()

	out := make([]uint64, 4)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go serve(cache, reqs, &out[i], &wg)
	}

	time.Sleep(time.Until(began.Add(2 * time.Second)))
	prof.HeapEarly()
	n, _, misses, _ := cache.stats()
	fmt.Printf("t=%v cached=%d misses=%d\n", time.Since(began).Round(time.Millisecond), n, misses)
	time.Sleep(time.Until(began.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(began.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	n, hits, misses, ev := cache.stats()
	fmt.Printf("t=%v cached=%d hits=%d misses=%d evictions=%d bytes=%d\n",
		time.Since(began).Round(time.Millisecond), n, hits, misses, ev, out[0]+out[1]+out[2]+out[3])
}
