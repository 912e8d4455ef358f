package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
)

// Product is one sellable item as the storefront shows it.
type Product struct {
	SKU         string
	Title       string
	Brand       string
	PriceCents  int64
	Currency    string
	Description string            // long HTML description, a few KB
	Attributes  map[string]string // spec sheet
	Images      []string
	Related     []string
}

// Catalog is the read-only product catalog, loaded once at start-up.
type Catalog struct {
	bySKU   map[string]*Product
	byBrand map[string][]string
}

var words = strings.Fields(`lightweight durable stainless waterproof ergonomic compact
premium recycled wireless adjustable portable rechargeable insulated breathable
modular reinforced certified organic handcrafted heavy-duty foldable`)

var specKeys = func() []string {
	k := make([]string, 12)
	for i := range k {
		k[i] = fmt.Sprintf("spec_%02d", i)
	}
	return k
}()

func skuOf(i int) string { return fmt.Sprintf("SKU-%06d", i) }

// paragraphs stands in for the copywriters' text blocks the feed's
// descriptions are assembled from.
var paragraphs = func() []string {
	rng := rand.New(rand.NewSource(1))
	out := make([]string, 48)
	for i := range out {
		var b strings.Builder
		b.WriteString("<p>")
		for w := 0; w < 60; w++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
		out[i] = b.String()
	}
	return out
}()

// feedRow fakes one row of the nightly product feed.
func feedRow(rng *rand.Rand, i int) *Product {
	parts := make([]string, 7+rng.Intn(5))
	for k := range parts {
		parts[k] = paragraphs[rng.Intn(len(paragraphs))]
	}
	attrs := make(map[string]string, 12)
	for a := 0; a < 12; a++ {
		attrs[specKeys[a]] = words[rng.Intn(len(words))] + " " + strconv.Itoa(rng.Intn(1000)) + " mm"
	}
	imgs := make([]string, 4)
	for k := range imgs {
		imgs[k] = fmt.Sprintf("https://cdn.example.com/p/%06d/%d.jpg", i, k)
	}
	rel := make([]string, 6)
	for k := range rel {
		rel[k] = skuOf(rng.Intn(catalogSize))
	}
	return &Product{
		SKU:         skuOf(i),
		Title:       strings.Title(words[rng.Intn(len(words))] + " " + words[rng.Intn(len(words))] + " widget"),
		Brand:       fmt.Sprintf("brand-%02d", rng.Intn(40)),
		PriceCents:  int64(199 + rng.Intn(50000)),
		Currency:    "EUR",
		Description: strings.Join(parts, ""),
		Attributes:  attrs,
		Images:      imgs,
		Related:     rel,
	}
}

// LoadCatalog bulk-loads the whole feed.
func LoadCatalog(n int, seed int64) *Catalog {
	rng := rand.New(rand.NewSource(seed))
	c := &Catalog{bySKU: make(map[string]*Product, n), byBrand: make(map[string][]string)}
	for i := 0; i < n; i++ {
		p := feedRow(rng, i)
		c.bySKU[p.SKU] = p
		c.byBrand[p.Brand] = append(c.byBrand[p.Brand], p.SKU)
	}
	return c
}

func (c *Catalog) Get(sku string) (*Product, bool) {
	p, ok := c.bySKU[sku]
	return p, ok
}
