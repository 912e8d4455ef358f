// Command catalogd serves product pages from an in-memory catalog cache that
// sits in front of a slow product store. Rendered product records are cached
// by SKU with LRU eviction, and a per-category index backs the listing pages.
package main

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// ImageMeta describes one rendition of a product image.
type ImageMeta struct {
	URL      string
	Width    int
	Height   int
	AltText  string
	Format   string
	Checksum [32]byte
}

// Product is a fully rendered catalog record, ready to be served.
type Product struct {
	SKU         string
	Category    string
	Title       string
	PriceCents  int64
	Description []byte
	Images      []ImageMeta
	RenderedAt  time.Time
}

// CatalogCache keeps the most recently used products in memory.
type CatalogCache struct {
	mu         sync.Mutex
	capacity   int
	items      map[string]*list.Element
	lru        *list.List
	byCategory map[string][]*Product

	hits, misses, evictions int64
}

func NewCatalogCache(capacity int) *CatalogCache {
	return &CatalogCache{
		capacity:   capacity,
		items:      make(map[string]*list.Element, capacity),
		lru:        list.New(),
		byCategory: make(map[string][]*Product),
	}
}

// Get returns the cached product for sku and marks it recently used.
func (c *CatalogCache) Get(sku string) (*Product, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[sku]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.lru.MoveToFront(el)
	return el.Value.(*Product), true
}

// Put caches p, indexes it under its category and evicts the least recently
// used products beyond the capacity.
func (c *CatalogCache) Put(p *Product) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[p.SKU]; ok {
		el.Value = p
		c.lru.MoveToFront(el)
	} else {
		c.items[p.SKU] = c.lru.PushFront(p)
	}
	c.indexCategory(p)
	for c.lru.Len() > c.capacity {
		c.evictOldest()
	}
}

// indexCategory records p in the category listing index.
func (c *CatalogCache) indexCategory(p *Product) {
	c.byCategory[p.Category] = append(c.byCategory[p.Category], p)
}

func (c *CatalogCache) evictOldest() {
	el := c.lru.Back()
	if el == nil {
		return
	}
	p := c.lru.Remove(el).(*Product)
	delete(c.items, p.SKU)
	c.evictions++
}

// Listing returns up to limit products of a category, newest first.
func (c *CatalogCache) Listing(category string, limit int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	idx := c.byCategory[category]
	out := make([]string, 0, limit)
	for i := len(idx) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, idx[i].Title)
	}
	return out
}

func (c *CatalogCache) Stats() (hits, misses, evictions int64, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.evictions, c.lru.Len()
}

var categories = []string{
	"garden", "kitchen", "outdoor", "toys", "books", "audio", "lighting",
	"office", "bath", "pets", "tools", "sports", "baby", "automotive",
}

var adjectives = []string{"durable", "lightweight", "compact", "premium", "eco-friendly", "handcrafted", "weatherproof"}

// productStore simulates the backing store plus the template renderer.
type productStore struct {
	loads int64
}

func (s *productStore) Load(sku string, rng *rand.Rand) *Product {
	atomic.AddInt64(&s.loads, 1)
	cat := categories[rng.Intn(len(categories))]
	p := &Product{
		SKU:        sku,
		Category:   cat,
		Title:      fmt.Sprintf("%s %s item %s", adjectives[rng.Intn(len(adjectives))], cat, sku),
		PriceCents: int64(199 + rng.Intn(50000)),
		RenderedAt: time.Now(),
	}
	p.Description = renderDescription(p, rng)
	p.Images = renderImages(p, 8+rng.Intn(8))
	return p
}

func renderDescription(p *Product, rng *rand.Rand) []byte {
	var b bytes.Buffer
	b.Grow(24 << 10)
	fmt.Fprintf(&b, "<section class=\"pdp\"><h1>%s</h1>", p.Title)
	paragraphs := 60 + rng.Intn(40)
	for i := 0; i < paragraphs; i++ {
		fmt.Fprintf(&b, "<p>Our %s %s product (SKU %s) is designed for everyday use. "+
			"Feature %d: %s construction with a %d-day return window and free shipping over $%d.</p>",
			adjectives[(i+rng.Intn(3))%len(adjectives)], p.Category, p.SKU, i,
			adjectives[i%len(adjectives)], 30+i%60, 35+i%20)
	}
	b.WriteString("</section>")
	return b.Bytes()
}

func renderImages(p *Product, n int) []ImageMeta {
	imgs := make([]ImageMeta, n)
	for i := range imgs {
		url := fmt.Sprintf("https://cdn.example.com/catalog/%s/%s/%02d_%dx%d.webp", p.Category, p.SKU, i, 400*(1+i%4), 300*(1+i%4))
		imgs[i] = ImageMeta{
			URL:      url,
			Width:    400 * (1 + i%4),
			Height:   300 * (1 + i%4),
			AltText:  fmt.Sprintf("%s, view %d of %d, shown in studio lighting", p.Title, i+1, n),
			Format:   "webp",
			Checksum: sha256.Sum256([]byte(url)),
		}
	}
	return imgs
}

// handleProductPage is the request handler body for GET /p/{sku}.
func handleProductPage(cache *CatalogCache, store *productStore, sku string, rng *rand.Rand) int {
	p, ok := cache.Get(sku)
	if !ok {
		p = store.Load(sku, rng)
		cache.Put(p)
	}
	return len(p.Description) + len(p.Images)
}

func runFrontend(id int, cache *CatalogCache, store *productStore, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	served := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		// Long-tail traffic: a small hot set and a huge cold catalog.
		var sku string
		if rng.Intn(100) < 25 {
			sku = fmt.Sprintf("HOT-%04d", rng.Intn(400))
		} else {
			sku = fmt.Sprintf("SKU-%07d", rng.Intn(2000000))
		}
		served += handleProductPage(cache, store, sku, rng)
		if rng.Intn(20) == 0 {
			_ = cache.Listing(categories[rng.Intn(len(categories))], 24)
		}
		time.Sleep(time.Millisecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	cache := NewCatalogCache(1500)
	store := &productStore{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go runFrontend(i, cache, store, stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	elapsed := time.Since(start)
	prof.Stop()

	hits, misses, evictions, size := cache.Stats()
	fmt.Printf("catalogd: %d hits, %d misses, %d evictions, %d cached, %d loads in %v\n",
		hits, misses, evictions, size, atomic.LoadInt64(&store.loads), elapsed.Round(time.Millisecond))
}
