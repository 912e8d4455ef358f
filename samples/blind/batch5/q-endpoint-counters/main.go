// Command catalog-api serves product listings as JSON. Each handler records
// per-endpoint request counts, error counts, latency and bytes written in a
// small table that the /metrics endpoint exposes.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

// endpointStats is one row of the request table.
type endpointStats struct {
	Requests  uint64
	Errors    uint64
	Bytes     uint64
	LatencyNS uint64
}

// requestTable holds the stats of the API's fixed set of routes.
type requestTable struct {
	mu   sync.Mutex
	rows map[string]*endpointStats
}

func newRequestTable(routes []string) *requestTable {
	t := &requestTable{rows: make(map[string]*endpointStats, len(routes))}
	for _, r := range routes {
		t.rows[r] = &endpointStats{}
	}
	return t
}

func (t *requestTable) observe(route string, n int, failed bool, took time.Duration) {
	t.mu.Lock()
	s := t.rows[route]
	s.Requests++
	s.Bytes += uint64(n)
	s.LatencyNS += uint64(took)
	if failed {
		s.Errors++
	}
	t.mu.Unlock()
}

// render writes the table in Prometheus text format.
func (t *requestTable) render(w io.Writer) {
	t.mu.Lock()
	snap := make(map[string]endpointStats, len(t.rows))
	for k, v := range t.rows {
		snap[k] = *v
	}
	t.mu.Unlock()
	names := make([]string, 0, len(snap))
	for k := range snap {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		s := snap[n]
		fmt.Fprintf(w, "http_requests_total{route=%q} %d\n", n, s.Requests)
		fmt.Fprintf(w, "http_request_errors_total{route=%q} %d\n", n, s.Errors)
		fmt.Fprintf(w, "http_response_bytes_total{route=%q} %d\n", n, s.Bytes)
	}
}

type Price struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount_minor"`
}

type Item struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Brand       string            `json:"brand"`
	Tags        []string          `json:"tags"`
	Price       Price             `json:"price"`
	Stock       int               `json:"stock"`
	Rating      float64           `json:"rating"`
	Attributes  map[string]string `json:"attributes"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Description string            `json:"description"`
}

type Page struct {
	Route   string `json:"route"`
	Items   []Item `json:"items"`
	Next    string `json:"next,omitempty"`
	Total   int    `json:"total"`
	TookUS  int64  `json:"took_us"`
	Partial bool   `json:"partial"`
}

var routes = []string{
	"GET /v1/products", "GET /v1/products/{id}", "GET /v1/products/{id}/reviews",
	"GET /v1/categories", "GET /v1/categories/{slug}", "GET /v1/search",
	"GET /v1/brands", "GET /v1/brands/{slug}", "GET /v1/deals",
	"GET /v1/recommendations", "POST /v1/cart/items", "GET /v1/stores/{id}/stock",
}

func makeInventory(r *rand.Rand, n int) []Item {
	brands := []string{"Northpeak", "Fjallraven", "Salewa", "Vaude", "Ortovox", "Deuter"}
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{
			ID:          fmt.Sprintf("p-%06d", 100000+i),
			Title:       fmt.Sprintf("%s trekking item %d", brands[i%len(brands)], i),
			Brand:       brands[i%len(brands)],
			Tags:        []string{"outdoor", "hiking", fmt.Sprintf("size-%d", 36+i%12)},
			Price:       Price{Currency: "EUR", Amount: int64(1999 + r.Intn(30000))},
			Stock:       r.Intn(400),
			Rating:      float64(30+r.Intn(20)) / 10,
			Attributes:  map[string]string{"color": "slate", "material": "nylon", "weight_g": fmt.Sprint(200 + r.Intn(900))},
			UpdatedAt:   time.Date(2024, 3, 1+i%28, 10, 0, 0, 0, time.UTC),
			Description: strings.Repeat("Durable and light, made for long days on the trail. ", 1+i%3),
		}
	}
	return items
}

func main() {
	prof.Start()
	start := time.Now()

	table := newRequestTable(routes)
	inventory := makeInventory(rand.New(rand.NewSource(3)), 500)

	serve := func(worker int, stop <-chan struct{}, wg *sync.WaitGroup) {
		defer wg.Done()
		r := rand.New(rand.NewSource(int64(worker)))
		for {
			select {
			case <-stop:
				return
			default:
			}
			began := time.Now()
			route := routes[r.Intn(len(routes))]
			off := r.Intn(len(inventory) - 24)
			page := Page{Route: route, Items: inventory[off : off+8+r.Intn(16)], Total: len(inventory), Next: fmt.Sprintf("cursor-%d", off+24)}
			page.TookUS = time.Since(began).Microseconds()
			body, err := json.Marshal(&page)
			failed := err != nil || r.Intn(200) == 0
			table.observe(route, len(body), failed, time.Since(began))
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go serve(w, stop, &wg)
	}
	var scrapes int
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(500 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				var sb strings.Builder
				table.render(&sb)
				scrapes++
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	var sb strings.Builder
	table.render(&sb)
	var total uint64
	for _, s := range table.rows {
		total += s.Requests
	}
	fmt.Printf("requests=%d scrapes=%d elapsed=%s\n", total, scrapes, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
