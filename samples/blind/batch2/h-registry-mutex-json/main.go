// Command discovery is a small service-discovery node. Instances register and
// heartbeat; sidecars poll the full catalog as JSON to refresh their routing
// tables.
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Endpoint struct {
	Host     string            `json:"host"`
	Port     int               `json:"port"`
	Protocol string            `json:"protocol"`
	Weight   int               `json:"weight"`
	Tags     []string          `json:"tags,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
}

type Instance struct {
	ID            string    `json:"id"`
	Service       string    `json:"service"`
	Zone          string    `json:"zone"`
	Version       string    `json:"version"`
	Healthy       bool      `json:"healthy"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
	Endpoint      Endpoint  `json:"endpoint"`
}

var (
	regMu     sync.Mutex
	instances = map[string]*Instance{}
	revision  uint64

	served   int64
	bytesOut int64
)

// register adds or replaces an instance in the catalog.
func register(inst *Instance) {
	regMu.Lock()
	instances[inst.ID] = inst
	revision++
	regMu.Unlock()
}

// heartbeat marks an instance alive.
func heartbeat(id string, healthy bool) bool {
	regMu.Lock()
	defer regMu.Unlock()
	inst, ok := instances[id]
	if !ok {
		return false
	}
	inst.LastHeartbeat = time.Now()
	inst.Healthy = healthy
	return true
}

// catalogJSON renders the whole catalog for GET /v1/catalog.
func catalogJSON() ([]byte, uint64, error) {
	regMu.Lock()
	defer regMu.Unlock()
	body, err := json.Marshal(instances)
	return body, revision, err
}

// etag is what the sidecar compares to skip unchanged catalogs.
func etag(body []byte, rev uint64) string {
	h := fnv.New64a()
	h.Write(body)
	return fmt.Sprintf(`"%d-%x"`, rev, h.Sum64())
}

func sidecar(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	last := ""
	for {
		select {
		case <-stop:
			return
		default:
		}
		body, rev, err := catalogJSON()
		if err != nil {
			log.Printf("sidecar %d: %v", id, err)
			continue
		}
		if tag := etag(body, rev); tag != last {
			last = tag
		}
		atomic.AddInt64(&served, 1)
		atomic.AddInt64(&bytesOut, int64(len(body)))
	}
}

func agent(ids []string, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			for i := 0; i < 8; i++ {
				heartbeat(ids[r.Intn(len(ids))], r.Intn(50) != 0)
			}
		}
	}
}

func seedCatalog() []string {
	services := []string{"checkout", "cart", "payments", "search", "catalog", "auth", "email", "ledger"}
	zones := []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
	var ids []string
	for s, svc := range services {
		for i := 0; i < 40; i++ {
			id := fmt.Sprintf("%s-%04d", svc, i)
			register(&Instance{
				ID:            id,
				Service:       svc,
				Zone:          zones[i%len(zones)],
				Version:       fmt.Sprintf("v1.%d.%d", s, i%4),
				Healthy:       true,
				LastHeartbeat: time.Now(),
				Endpoint: Endpoint{
					Host:     fmt.Sprintf("10.%d.%d.%d", s, i/250, i%250+1),
					Port:     8080 + s,
					Protocol: "grpc",
					Weight:   100,
					Tags:     []string{"prod", svc, zones[i%len(zones)]},
					Meta:     map[string]string{"team": svc + "-team", "build": fmt.Sprint(1000 + i)},
				},
			})
			ids = append(ids, id)
		}
	}
	return ids
}

func main() {
	prof.Start()
	ids := seedCatalog()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go sidecar(i, stop, &wg)
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go agent(ids, int64(i+1), stop, &wg)
	}

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()
	log.Printf("catalog requests=%d bytes=%d", atomic.LoadInt64(&served), atomic.LoadInt64(&bytesOut))
}
