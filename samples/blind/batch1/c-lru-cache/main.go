// Command fragcache is the fragment cache in front of a product-page
// renderer: rendered HTML fragments are kept in a size-bounded LRU keyed by
// (template, product, locale), and evicted oldest-first.
package main

import (
	"container/list"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// LRU is a fixed-capacity least-recently-used cache safe for concurrent use.
type LRU[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ll       *list.List
	items    map[K]*list.Element
	onEvict  func(K, V)

	hits, misses, evictions uint64
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
}

func NewLRU[K comparable, V any](capacity int, onEvict func(K, V)) *LRU[K, V] {
	return &LRU[K, V]{
		capacity: capacity,
		ll:       list.New(),
		items:    make(map[K]*list.Element, capacity),
		onEvict:  onEvict,
	}
}

// Get returns the cached value and marks it recently used.
func (c *LRU[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		c.hits++
		return el.Value.(*lruEntry[K, V]).value, true
	}
	c.misses++
	var zero V
	return zero, false
}

// Add inserts or replaces a value, evicting the least recently used entries
// when the cache is over capacity.
func (c *LRU[K, V]) Add(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		el.Value.(*lruEntry[K, V]).value = value
		return
	}
	c.items[key] = c.ll.PushFront(&lruEntry[K, V]{key: key, value: value})
	for c.ll.Len() > c.capacity {
		c.removeOldest()
	}
}

func (c *LRU[K, V]) removeOldest() {
	el := c.ll.Back()
	if el == nil {
		return
	}
	ent := c.ll.Remove(el).(*lruEntry[K, V])
	delete(c.items, ent.key)
	c.evictions++
	if c.onEvict != nil {
		c.onEvict(ent.key, ent.value)
	}
	var zero V
	ent.value = zero
}

// Len reports the number of cached entries.
func (c *LRU[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

type fragKey struct {
	Template string
	Product  uint32
	Locale   string
}

type Fragment struct {
	HTML     []byte
	ETag     string
	Rendered time.Time
}

var templates = []string{"pdp/hero", "pdp/specs", "pdp/reviews", "pdp/related", "plp/tile"}
var locales = []string{"en-US", "en-GB", "de-DE", "fr-FR", "nl-NL", "es-ES", "it-IT", "pl-PL"}

// render produces a fragment the expensive way (here: markup building).
func render(k fragKey) *Fragment {
	rows := 8 + int(k.Product%24)
	b := make([]byte, 0, 64+rows*56)
	b = append(b, "<section class=\""...)
	b = append(b, k.Template...)
	b = append(b, "\" data-product=\""...)
	b = strconv.AppendUint(b, uint64(k.Product), 10)
	b = append(b, "\" lang=\""...)
	b = append(b, k.Locale...)
	b = append(b, "\">"...)
	for i := 0; i < rows; i++ {
		b = append(b, "<div class=\"row\"><span>attr-"...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, "</span><span>"...)
		b = strconv.AppendUint(b, uint64(k.Product%997)+uint64(i), 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(i*7%100), 10)
		b = append(b, "</span></div>"...)
	}
	b = append(b, "</section>"...)
	return &Fragment{HTML: b, ETag: "W/\"" + strconv.FormatUint(uint64(k.Product), 16) + "-" + strconv.Itoa(rows) + "\"", Rendered: time.Now()}
}

// evictedBytes is updated by the eviction hook, with the cache lock held.
var evictedBytes uint64

// fragments is the process-wide fragment cache.
var fragments = NewLRU[fragKey, *Fragment](20000, func(_ fragKey, f *Fragment) {
	evictedBytes += uint64(len(f.HTML))
})

func main() {
	prof.Start()
	start := time.Now()
	cache := fragments

	// warm the cache with the best sellers before taking traffic
	for p := uint32(0); p < 4000; p++ {
		for _, t := range templates {
			k := fragKey{Template: t, Product: p, Locale: locales[int(p)%len(locales)]}
			cache.Add(k, render(k))
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var served [6]int
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w) * 7919))
			zipf := rand.NewZipf(rng, 1.07, 4, 300000)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 64; i++ {
					k := fragKey{
						Template: templates[rng.Intn(len(templates))],
						Product:  uint32(zipf.Uint64()),
						Locale:   locales[rng.Intn(len(locales))],
					}
					f, ok := cache.Get(k)
					if !ok {
						f = render(k)
						cache.Add(k, f)
					}
					served[w] += len(f.HTML)
				}
			}
		}(w)
	}

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2400 * time.Millisecond)
	close(stop)
	wg.Wait()

	total := 0
	for _, s := range served {
		total += s
	}
	cache.mu.Lock()
	log.Printf("served %d MB, %d entries, hits=%d misses=%d evictions=%d (%d MB evicted) in %.1fs",
		total>>20, cache.ll.Len(), cache.hits, cache.misses, cache.evictions, evictedBytes>>20, time.Since(start).Seconds())
	cache.mu.Unlock()
	prof.Stop()
}
