// Command sitehost is the tenant registry of a multi-tenant storefront host.
// Each tenant brings a theme; its templates are compiled into a bundle when
// the tenant is onboarded, and requests are routed by custom domain.
package main

import (
	"fmt"
	"hash/crc32"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

// TemplateBundle is the compiled form of a tenant's theme.
type TemplateBundle struct {
	Theme      string
	Pages      map[string][]byte
	Checksum   uint32
	CompiledAt time.Time
}

// Tenant is one customer store.
type Tenant struct {
	ID       int64
	Domain   string
	Plan     string
	Bundle   *TemplateBundle
	Requests int64
}

// TenantRegistry keeps the active tenants and a domain index for routing.
type TenantRegistry struct {
	mu       sync.RWMutex
	active   map[int64]*Tenant
	byDomain map[string]*TemplateBundle
	order    []int64
}

func NewTenantRegistry() *TenantRegistry {
	return &TenantRegistry{
		active:   make(map[int64]*Tenant),
		byDomain: make(map[string]*TemplateBundle),
	}
}

var pageKinds = []string{"home", "product", "category", "cart", "checkout", "account", "search", "404"}

// compileTheme renders the theme sources into a bundle of page templates.
func compileTheme(r *rand.Rand, theme string) *TemplateBundle {
	b := &TemplateBundle{Theme: theme, Pages: make(map[string][]byte, len(pageKinds)), CompiledAt: time.Now()}
	crc := crc32.NewIEEE()
	for _, kind := range pageKinds {
		size := 512 + r.Intn(4096)
		page := make([]byte, size)
		for i := range page {
			page[i] = "<div class=\"{{.}}\"></div>\n"[i%24]
		}
		crc.Write(page)
		b.Pages[kind] = page
	}
	b.Checksum = crc.Sum32()
	return b
}

// Onboard registers a new tenant and compiles its theme.
func (reg *TenantRegistry) Onboard(r *rand.Rand, id int64, domain, plan string) *Tenant {
	bundle := compileTheme(r, fmt.Sprintf("theme-%d", r.Intn(40)))
	t := &Tenant{ID: id, Domain: domain, Plan: plan, Bundle: bundle}
	reg.mu.Lock()
	reg.active[id] = t
	reg.byDomain[domain] = bundle
	reg.order = append(reg.order, id)
	reg.mu.Unlock()
	return t
}

// Offboard removes a churned tenant.
func (reg *TenantRegistry) Offboard(id int64) bool {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, ok := reg.active[id]; !ok {
		return false
	}
	delete(reg.active, id)
	return true
}

// ChurnOldest offboards tenants beyond the given number of live stores,
// oldest first (trial accounts expire in signup order).
func (reg *TenantRegistry) ChurnOldest(keep int) int {
	reg.mu.Lock()
	excess := len(reg.order) - keep
	var victims []int64
	if excess > 0 {
		victims = append(victims, reg.order[:excess]...)
		reg.order = append(reg.order[:0:0], reg.order[excess:]...)
	}
	reg.mu.Unlock()
	for _, id := range victims {
		reg.Offboard(id)
	}
	return len(victims)
}

// Render serves one page for the store behind a custom domain.
func (reg *TenantRegistry) Render(domain, page string) int {
	reg.mu.RLock()
	b := reg.byDomain[domain]
	reg.mu.RUnlock()
	if b == nil {
		return 0
	}
	tpl := b.Pages[page]
	n := 0
	for i := 0; i < len(tpl); i += 64 {
		n += int(tpl[i])
	}
	return n
}

func (reg *TenantRegistry) liveDomains(dst []string) []string {
	dst = dst[:0]
	reg.mu.RLock()
	for _, t := range reg.active {
		dst = append(dst, t.Domain)
		if len(dst) == 64 {
			break
		}
	}
	reg.mu.RUnlock()
	return dst
}

// registry is the process-wide tenant registry.
var registry = NewTenantRegistry()

func main() {
	prof.Start()

	reg := registry
	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// signups: a steady stream of trial stores
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := rand.New(rand.NewSource(1))
		plans := []string{"trial", "trial", "trial", "basic", "pro"}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		var next int64 = 1000
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				for i := 0; i < 8; i++ {
					next++
					reg.Onboard(r, next, fmt.Sprintf("store%d.shops.example", next), plans[r.Intn(len(plans))])
				}
			}
		}
	}()

	// trial expiry: keeps about 400 stores live
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				reg.ChurnOldest(400)
			}
		}
	}()

	// storefront traffic
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			var domains []string
			for {
				select {
				case <-stop:
					return
				default:
				}
				domains = reg.liveDomains(domains)
				for i := 0; i < 200 && len(domains) > 0; i++ {
					reg.Render(domains[r.Intn(len(domains))], pageKinds[r.Intn(len(pageKinds))])
				}
				time.Sleep(time.Millisecond)
			}
		}(int64(10 + w))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	reg.mu.RLock()
	fmt.Printf("live tenants %d, domain index %d\n", len(reg.active), len(reg.byDomain))
	reg.mu.RUnlock()
	prof.Stop()
}
