// Command edgeproxy routes incoming API calls to upstream clusters and signs
// each forwarded request. The route table is pushed by the control plane
// a few times a second during deploys.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log"
	"math/rand"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var services = []string{"orders", "billing", "catalog", "search", "users", "inventory", "shipping", "reviews"}

type edge struct {
	table     *routeTable
	signKey   []byte
	forwarded int64
	notFound  int64
	bytesOut  int64
}

type inbound struct {
	method string
	rawURL string
	body   []byte
	header map[string]string
}

// forward resolves the upstream for req and produces the signed outbound request line.
func (e *edge) forward(req *inbound) error {
	u, err := url.Parse(req.rawURL)
	if err != nil {
		return err
	}
	r, ok := e.table.match(u.Path)
	if !ok {
		atomic.AddInt64(&e.notFound, 1)
		return fmt.Errorf("no route for %s", u.Path)
	}
	target := "https://" + r.upstream + u.Path
	if q := u.Query(); len(q) > 0 {
		target += "?" + q.Encode()
	}
	mac := hmac.New(sha256.New, e.signKey)
	mac.Write([]byte(req.method))
	mac.Write([]byte(target))
	for _, h := range []string{"content-type", "x-request-id", "x-tenant"} {
		mac.Write([]byte(h + ":" + req.header[h]))
	}
	bodyHash := sha256.Sum256(req.body)
	mac.Write(bodyHash[:])
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	line := req.method + " " + target + " X-Edge-Signature=" + sig + " X-Timeout=" + strconv.Itoa(r.timeoutS)
	atomic.AddUint64(&r.hits, 1)
	atomic.AddInt64(&e.forwarded, 1)
	atomic.AddInt64(&e.bytesOut, int64(len(line)+len(req.body)))
	return nil
}

// controlPlane builds the current route configuration: every service exposes
// many versioned resources; a deploy bumps some upstream pools.
func controlPlane(rng *rand.Rand, deploy int) []routeConfig {
	cfg := make([]routeConfig, 0, 8*800)
	for _, svc := range services {
		for res := 0; res < 800; res++ {
			ver := 1 + res%3
			pool := (res + deploy*int(rng.Int31n(3))) % 6
			cfg = append(cfg, routeConfig{
				Prefix:   "/v" + strconv.Itoa(ver) + "/" + svc + "/r" + strconv.Itoa(res),
				Upstream: svc + "-pool-" + strconv.Itoa(pool) + ".internal:8443",
				TimeoutS: 5 + res%25,
				Legacy:   ver == 1,
			})
		}
	}
	return cfg
}

func randomRequest(rng *rand.Rand) *inbound {
	svc := services[rng.Intn(len(services))]
	res := rng.Intn(800)
	prefix := "/v" + strconv.Itoa(1+res%3) + "/" + svc + "/r" + strconv.Itoa(res)
	if res%3 == 0 && rng.Intn(4) == 0 {
		prefix = "/api" + prefix
	}
	path := prefix + "/" + strconv.Itoa(rng.Intn(1000000))
	if rng.Intn(3) == 0 {
		path += "/history"
	}
	body := make([]byte, 512+rng.Intn(3000))
	rng.Read(body)
	return &inbound{
		method: []string{"GET", "POST", "PUT"}[rng.Intn(3)],
		rawURL: "https://edge.example.com" + path + "?page=" + strconv.Itoa(rng.Intn(20)) + "&fields=id,name,updated_at",
		body:   body,
		header: map[string]string{
			"content-type": "application/json",
			"x-request-id": strconv.FormatUint(rng.Uint64(), 36),
			"x-tenant":     "t" + strconv.Itoa(rng.Intn(300)),
		},
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	cpRand := rand.New(rand.NewSource(11))
	e := &edge{table: &routeTable{}, signKey: []byte("edge-signing-key-2024-rotation-07")}
	e.table.apply(controlPlane(cpRand, 0), map[string]bool{})

	stop := make(chan struct{})
	var wg sync.WaitGroup

	// Control plane pushes.
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(300 * time.Millisecond)
		defer t.Stop()
		for deploy := 1; ; deploy++ {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			e.table.apply(controlPlane(cpRand, deploy), make(map[string]bool))
		}
	}()

	// Request workers.
	reqs := make(chan *inbound, 256)
	for w := 0; w < 12; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range reqs {
				if err := e.forward(r); err != nil && !strings.HasPrefix(err.Error(), "no route") {
					log.Print(err)
				}
			}
		}()
	}
	var feeders sync.WaitGroup
	for f := 0; f < 2; f++ {
		feeders.Add(1)
		go func(seed int64) {
			defer feeders.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				case reqs <- randomRequest(rng):
				}
			}
		}(int64(f) + 100)
	}

	report := func() {
		n, v := e.table.size()
		log.Printf("routes %d (config v%d); forwarded %d, not found %d, %d MB out",
			n, v, atomic.LoadInt64(&e.forwarded), atomic.LoadInt64(&e.notFound), atomic.LoadInt64(&e.bytesOut)>>20)
	}
	time.Sleep(2 * time.Second)
	report()
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	feeders.Wait()
	close(reqs)
	wg.Wait()
	prof.Stop()
	report()
}
