// Command storefront renders product pages. Each request gathers the page's
// values into a map, HTML-escapes them once, and fills a pre-compiled page
// template with them.
package main

import (
	"fmt"
	"html"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// segment is either literal text or a {{placeholder}}.
type segment struct {
	text string
	key  string
}

// pageTemplate is a template compiled once at start-up.
type pageTemplate []segment

func compile(src string) pageTemplate {
	var t pageTemplate
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			t = append(t, segment{text: src})
			return t
		}
		j := strings.Index(src[i:], "}}")
		t = append(t, segment{text: src[:i]}, segment{key: strings.TrimSpace(src[i+2 : i+j])})
		src = src[i+j+2:]
	}
}

func (t pageTemplate) execute(w io.Writer, vals map[string]string) {
	for _, s := range t {
		if s.key == "" {
			io.WriteString(w, s.text)
			continue
		}
		io.WriteString(w, vals[s.key])
	}
}

const pageSource = `<!doctype html><html><head><title>{{title}} | {{shop}}</title></head><body>
<header>{{shop}} <a href="/cart">Cart ({{cartCount}})</a> {{greeting}}</header>
<main><h1>{{title}}</h1><p class="price">{{price}} {{currency}}</p><p>{{stock}}</p>
<div class="desc">{{description}}</div><ul class="recs"><li>{{rec0}}</li><li>{{rec1}}</li>
<li>{{rec2}}</li><li>{{rec3}}</li></ul><p>Rated {{rating}} by {{reviews}} buyers</p></main>
<footer>{{footer}} &middot; rendered {{renderedAt}}</footer></body></html>`

type product struct {
	SKU         string
	Title       string
	Description string
	PriceCents  int
	Stock       int
	Rating      float64
	Reviews     int
}

type storefront struct {
	tmpl     pageTemplate
	catalog  []product
	rendered uint64
}

func toString(v interface{}) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// ServeHTTP renders /p/<index>?user=<name>&cart=<n>.
func (s *storefront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	idx, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
	if err != nil || idx < 0 || idx >= len(s.catalog) {
		http.NotFound(w, r)
		return
	}
	p := s.catalog[idx]
	q := r.URL.Query()

	vals := map[string]interface{}{
		"shop":        "Corner & Co.",
		"title":       p.Title,
		"description": p.Description,
		"price":       fmt.Sprintf("%d.%02d", p.PriceCents/100, p.PriceCents%100),
		"currency":    "EUR",
		"rating":      p.Rating,
		"reviews":     p.Reviews,
		"footer":      "© 2024 Corner & Co. <support@corner.example>",
		"renderedAt":  time.Now().UTC().Format(time.RFC3339),
	}
	if p.Stock > 0 {
		vals["stock"] = strconv.Itoa(p.Stock) + " in stock"
	} else {
		vals["stock"] = "Sold out"
	}
	if user := q.Get("user"); user != "" {
		vals["greeting"] = "Hello, " + user + "!"
		vals["cartCount"] = q.Get("cart")
	} else {
		vals["greeting"] = `<a href="/login">Sign in</a>`
		vals["cartCount"] = 0
	}
	for i := 0; i < 4; i++ {
		rec := s.catalog[(idx+7*(i+1))%len(s.catalog)]
		vals["rec"+strconv.Itoa(i)] = rec.Title
	}

	// escape every value once; the template then only looks them up
	escaped := make(map[string]string, len(vals))
	for k, v := range vals {
		escaped[k] = html.EscapeString(toString(v))
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	s.tmpl.execute(w, escaped)
	atomic.AddUint64(&s.rendered, 1)
}

func buildCatalog(n int, rng *rand.Rand) []product {
	adjectives := []string{"Organic", "Handmade", "Vintage", "Compact", "Deluxe", "Everyday"}
	nouns := []string{"Teapot", "Backpack", "Desk Lamp", "Notebook", "Scarf", "Chef's Knife"}
	out := make([]product, n)
	for i := range out {
		title := adjectives[rng.Intn(len(adjectives))] + " " + nouns[rng.Intn(len(nouns))]
		out[i] = product{
			SKU:         "SKU-" + strconv.Itoa(100000+i),
			Title:       title,
			Description: "The " + title + " you'll <em>love</em> & keep for years. Ships in 2-3 days.",
			PriceCents:  500 + rng.Intn(20000),
			Stock:       rng.Intn(40) - 5,
			Rating:      1 + rng.Float64()*4,
			Reviews:     rng.Intn(3000),
		}
	}
	return out
}

func main() {
	prof.Start()

	sf := &storefront{tmpl: compile(pageSource), catalog: buildCatalog(5000, rand.New(rand.NewSource(11)))}
	var mux http.ServeMux
	mux.Handle("/p/", sf)

	var stop int32
	var wg sync.WaitGroup
	users := []string{"ana", "bo", "chen", "dmitri", "eve", "farah", "gus"}
	for c := 0; c < 3; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for atomic.LoadInt32(&stop) == 0 {
				url := "/p/" + strconv.Itoa(rng.Intn(5200))
				if rng.Intn(3) != 0 {
					url += "?user=" + users[rng.Intn(len(users))] + "&cart=" + strconv.Itoa(rng.Intn(9))
				}
				req := httptest.NewRequest("GET", url, nil)
				rw := httptest.NewRecorder()
				mux.ServeHTTP(rw, req)
			}
		}(int64(c))
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()

	prof.Stop()
	fmt.Println("pages rendered:", atomic.LoadUint64(&sf.rendered))
}
