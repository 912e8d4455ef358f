// Command storefront renders product pages. Feature switches come from the
// config service: they are loaded once at boot and an admin flips one now and
// then; every request reads several of them.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Switch is an immutable snapshot of one feature switch; updates replace the
// pointer stored in the registry.
type Switch struct {
	Name     string
	On       bool
	Percent  uint32
	Variant  string
	Revision int
}

// switches is written at boot and by the rare admin update; read by every request.
var switches sync.Map // string -> *Switch

func loadSwitches(defs map[string]Switch) {
	for name, s := range defs {
		s := s
		s.Name = name
		switches.Store(name, &s)
	}
}

func switchOn(name string, bucket uint32) bool {
	v, ok := switches.Load(name)
	if !ok {
		return false
	}
	s := v.(*Switch)
	return s.On && bucket%100 < s.Percent
}

func switchVariant(name string) string {
	if v, ok := switches.Load(name); ok {
		return v.(*Switch).Variant
	}
	return "control"
}

// adminFlip simulates the config service pushing a change.
func adminFlip(rng *rand.Rand, names []string, rev int) {
	name := names[rng.Intn(len(names))]
	v, _ := switches.Load(name)
	next := *v.(*Switch)
	next.On = !next.On
	next.Percent = uint32(rng.Intn(101))
	next.Revision = rev
	switches.Store(name, &next)
}

type request struct {
	SessionID string
	ProductID int
	Locale    string
}

type product struct {
	ID       int
	Title    string
	Price    string
	Badges   []string
	Related  []int
	Variant  string
	ShowRevs bool
}

// writePage renders the product detail page.
func writePage(w *strings.Builder, p product) {
	w.WriteString("<html><head><title>")
	w.WriteString(html.EscapeString(p.Title))
	w.WriteString("</title></head>\n<body class=\"variant-")
	w.WriteString(html.EscapeString(p.Variant))
	w.WriteString("\"><h1>")
	w.WriteString(html.EscapeString(p.Title))
	w.WriteString("</h1><p class=\"price\">")
	w.WriteString(html.EscapeString(p.Price))
	w.WriteString("</p>\n")
	for _, b := range p.Badges {
		w.WriteString(`<span class="badge">`)
		w.WriteString(html.EscapeString(b))
		w.WriteString("</span>")
	}
	if p.ShowRevs {
		fmt.Fprintf(w, "\n<section id=\"reviews\">reviews for %d</section>", p.ID)
	}
	w.WriteString("\n<ul>")
	for _, id := range p.Related {
		fmt.Fprintf(w, `<li><a href="/p/%d">item %d</a></li>`, id, id)
	}
	w.WriteString("</ul></body></html>")
}

func bucketOf(session string) uint32 {
	sum := sha1.Sum([]byte(session))
	return uint32(sum[0])<<8 | uint32(sum[1])
}

func render(w *strings.Builder, req request) {
	b := bucketOf(req.SessionID)
	p := product{
		ID:      req.ProductID,
		Title:   "Product " + strconv.Itoa(req.ProductID),
		Price:   strconv.Itoa(10+req.ProductID%90) + ",99 €",
		Variant: switchVariant("pdp.layout"),
	}
	if switchOn("pdp.free-shipping-badge", b) {
		p.Badges = append(p.Badges, "Free shipping")
	}
	if switchOn("pdp.eco-badge", b) {
		p.Badges = append(p.Badges, "Eco")
	}
	p.ShowRevs = switchOn("pdp.reviews", b)
	if switchOn("pdp.related-items", b) {
		n := 4
		if switchOn("pdp.related-items-8", b) {
			n = 8
		}
		for i := 1; i <= n; i++ {
			p.Related = append(p.Related, req.ProductID+i*7)
		}
	}
	if switchOn("pdp.locale-banner", b) && req.Locale != "en" {
		p.Badges = append(p.Badges, strings.ToUpper(req.Locale))
	}
	writePage(w, p)
}

func main() {
	prof.Start()

	defs := map[string]Switch{
		"pdp.layout":              {On: true, Percent: 100, Variant: "grid"},
		"pdp.free-shipping-badge": {On: true, Percent: 50},
		"pdp.eco-badge":           {On: true, Percent: 20},
		"pdp.reviews":             {On: true, Percent: 100},
		"pdp.related-items":       {On: true, Percent: 80},
		"pdp.related-items-8":     {On: false, Percent: 10},
		"pdp.locale-banner":       {On: true, Percent: 100},
		"checkout.express":        {On: true, Percent: 30},
		"checkout.gift-wrap":      {On: false},
		"search.autocomplete-v2":  {On: true, Percent: 5},
		"account.passkeys":        {On: false},
		"ads.sponsored-slots":     {On: true, Percent: 100, Variant: "three"},
	}
	loadSwitches(defs)
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}

	reqs := make(chan request, 256)
	stop := make(chan struct{})
	var served, bytesOut uint64
	var wg sync.WaitGroup

	// Request handlers.
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sb strings.Builder
			for r := range reqs {
				sb.Reset()
				render(&sb, r)
				atomic.AddUint64(&served, 1)
				atomic.AddUint64(&bytesOut, uint64(sb.Len()))
			}
		}()
	}

	// Admin: an occasional switch flip.
	var admin sync.WaitGroup
	admin.Add(1)
	go func() {
		defer admin.Done()
		rng := rand.New(rand.NewSource(5))
		t := time.NewTicker(700 * time.Millisecond)
		defer t.Stop()
		for rev := 1; ; rev++ {
			select {
			case <-stop:
				return
			case <-t.C:
				adminFlip(rng, names, rev)
			}
		}
	}()

	// Load balancer: incoming traffic.
	var lb sync.WaitGroup
	lb.Add(1)
	go func() {
		defer lb.Done()
		rng := rand.New(rand.NewSource(77))
		locales := []string{"en", "de", "fr", "es"}
		var sid [8]byte
		for {
			select {
			case <-stop:
				return
			default:
			}
			rng.Read(sid[:])
			reqs <- request{SessionID: hex.EncodeToString(sid[:]), ProductID: rng.Intn(50000), Locale: locales[rng.Intn(len(locales))]}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	lb.Wait()
	admin.Wait()
	close(reqs)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "served=%d bytes=%d\n", atomic.LoadUint64(&served), atomic.LoadUint64(&bytesOut))
}
