// Command meshclient is the client side of service discovery: every outgoing
// call resolves its target service to an endpoint from a local cache that is
// seeded from the registry at start-up and patched by a watch stream.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Endpoint struct {
	Addr   net.IP
	Port   int
	Zone   string
	Weight int
}

// EndpointSet is immutable once published; a watch update replaces it.
type EndpointSet struct {
	Service   string
	Endpoints []Endpoint
	Index     uint64
	next      uint32
}

func (s *EndpointSet) pick() Endpoint {
	n := atomic.AddUint32(&s.next, 1)
	return s.Endpoints[int(n)%len(s.Endpoints)]
}

var errUnknownService = errors.New("discovery: unknown service")

// Cache maps service name -> *EndpointSet.
type Cache struct {
	sets sync.Map
}

func (c *Cache) Seed(sets []*EndpointSet) {
	for _, s := range sets {
		c.sets.Store(s.Service, s)
	}
}

// Resolve is on every request's path.
func (c *Cache) Resolve(service string) (Endpoint, error) {
	v, ok := c.sets.Load(service)
	if !ok {
		return Endpoint{}, errUnknownService
	}
	return v.(*EndpointSet).pick(), nil
}

// onWatchEvent applies a registry change (a deploy or a health flip).
func (c *Cache) onWatchEvent(s *EndpointSet) {
	if old, ok := c.sets.Load(s.Service); ok && old.(*EndpointSet).Index >= s.Index {
		return
	}
	c.sets.Store(s.Service, s)
}

var zones = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}

func makeSet(rng *rand.Rand, service string, index uint64) *EndpointSet {
	s := &EndpointSet{Service: service, Index: index}
	for i := 0; i < 3+rng.Intn(10); i++ {
		s.Endpoints = append(s.Endpoints, Endpoint{
			Addr:   net.IPv4(10, byte(rng.Intn(256)), byte(rng.Intn(256)), byte(1+rng.Intn(254))),
			Port:   8080,
			Zone:   zones[rng.Intn(len(zones))],
			Weight: 100,
		})
	}
	return s
}

func main() {
	prof.Start()

	rng := rand.New(rand.NewSource(42))
	services := make([]string, 1500)
	seed := make([]*EndpointSet, len(services))
	for i := range services {
		services[i] = "svc-" + strconv.Itoa(i) + ".prod.svc.cluster.local"
		seed[i] = makeSet(rng, services[i], 1)
	}
	cache := &Cache{}
	cache.Seed(seed)

	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var calls, failures int64

	// Outgoing calls from request handlers: each handler fans out to a few
	// downstream services.
	for h := 0; h < 8; h++ {
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(id))
			var local int64
			var sink uint64
			for {
				select {
				case <-stop:
					atomic.AddInt64(&calls, local)
					_ = sink
					return
				default:
				}
				for i := 0; i < 400; i++ {
					ep, err := cache.Resolve(services[r.Intn(len(services))])
					if err != nil {
						atomic.AddInt64(&failures, 1)
						continue
					}
					sink += uint64(ep.Port) + uint64(len(ep.Zone))
					local++
				}
				time.Sleep(500 * time.Microsecond)
			}
		}(int64(h))
	}

	// Registry watch stream: a change every couple hundred milliseconds.
	wg.Add(1)
	go func() {
		defer wg.Done()
		wr := rand.New(rand.NewSource(7))
		index := uint64(1)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				index++
				cache.onWatchEvent(makeSet(wr, services[wr.Intn(len(services))], index))
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Printf("calls=%d failures=%d\n", atomic.LoadInt64(&calls), atomic.LoadInt64(&failures))
}
