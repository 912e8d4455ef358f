// Command rendercache caches rendered API responses, gzip-compressed, so
// that repeated requests can be answered with the compressed body directly.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type cachedResponse struct {
	gz       []byte
	rawLen   int
	storedAt time.Time
}

// ResponseCache maps a request key to its compressed response body.
type ResponseCache struct {
	mu      sync.Mutex
	entries map[string]cachedResponse
	zbuf    bytes.Buffer
	zw      *gzip.Writer // reused between entries, guarded by mu
	limit   int

	hits, misses int64
}

func NewResponseCache(limit int) *ResponseCache {
	c := &ResponseCache{entries: make(map[string]cachedResponse, limit), limit: limit}
	c.zw, _ = gzip.NewWriterLevel(&c.zbuf, gzip.DefaultCompression)
	return c
}

// Get returns the compressed body for key.
func (c *ResponseCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		atomic.AddInt64(&c.hits, 1)
	} else {
		atomic.AddInt64(&c.misses, 1)
	}
	return e.gz, ok
}

// Put compresses body and stores it under key.
func (c *ResponseCache) Put(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.zbuf.Reset()
	c.zw.Reset(&c.zbuf)
	c.zw.Write(body)
	c.zw.Close()
	gz := make([]byte, c.zbuf.Len())
	copy(gz, c.zbuf.Bytes())
	if len(c.entries) >= c.limit {
		for k := range c.entries { // evict an arbitrary entry
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = cachedResponse{gz: gz, rawLen: len(body), storedAt: time.Now()}
}

type orderLine struct {
	SKU       string  `json:"sku"`
	Qty       int     `json:"qty"`
	Price     float64 `json:"price"`
	Warehouse string  `json:"warehouse"`
}

type orderView struct {
	OrderID  string      `json:"order_id"`
	Customer string      `json:"customer"`
	Status   string      `json:"status"`
	Lines    []orderLine `json:"lines"`
	Notes    string      `json:"notes"`
}

// renderOrder produces the JSON body of GET /orders/{id}.
func renderOrder(id int, rng *rand.Rand) []byte {
	v := orderView{
		OrderID:  fmt.Sprintf("ord-%07d", id),
		Customer: fmt.Sprintf("cust-%05d", id%9973),
		Status:   []string{"open", "packed", "shipped", "delivered"}[id%4],
		Notes:    "leave at the front desk; call on arrival; fragile items inside",
	}
	for i := 0; i < 20+id%30; i++ {
		v.Lines = append(v.Lines, orderLine{SKU: fmt.Sprintf("SKU-%06d", rng.Intn(200000)), Qty: 1 + rng.Intn(5), Price: float64(rng.Intn(100000)) / 100, Warehouse: "FRA-2"})
	}
	b, _ := json.Marshal(v)
	return b
}

func main() {
	prof.Start()
	cache := NewResponseCache(4000)

	stop := make(chan struct{})
	var served int64
	var wg sync.WaitGroup
	handler := func(worker int) {
		defer wg.Done()
		rng := rand.New(rand.NewSource(int64(worker)))
		for {
			select {
			case <-stop:
				return
			default:
			}
			id := rng.Intn(60000)
			key := fmt.Sprintf("GET /orders/%d", id)
			if _, ok := cache.Get(key); !ok {
				cache.Put(key, renderOrder(id, rng))
			}
			atomic.AddInt64(&served, 1)
		}
	}
	for w := 0; w < 10; w++ {
		wg.Add(1)
		go handler(w)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()
	fmt.Printf("served=%d hits=%d misses=%d entries=%d\n", served, cache.hits, cache.misses, len(cache.entries))
}
