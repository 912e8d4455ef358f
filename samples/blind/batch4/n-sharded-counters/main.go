// Command meterd is the usage-metering sidecar of a public API: every
// request is authenticated by its HMAC signature, priced, and charged to the
// caller's API key; totals are flushed to billing twice a second.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type apiRequest struct {
	key       string
	method    string
	path      string
	payload   []byte
	signature string
}

var secret = []byte("billing-demo-shared-secret")

func sign(r *apiRequest) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(r.key))
	mac.Write([]byte(r.method))
	mac.Write([]byte(r.path))
	mac.Write(r.payload)
	return hex.EncodeToString(mac.Sum(nil))
}

// price returns the billable units of a request.
func price(r *apiRequest) int64 {
	units := int64(1)
	if r.method != "GET" {
		units += 2
	}
	units += int64(len(r.payload) / 512)
	return units
}

type server struct {
	meter    *UsageMeter
	rejected int64
	served   int64
}

func (s *server) handle(r *apiRequest) {
	if !hmac.Equal([]byte(sign(r)), []byte(r.signature)) {
		atomic.AddInt64(&s.rejected, 1)
		return
	}
	s.meter.Charge(r.key, price(r))
	atomic.AddInt64(&s.served, 1)
}

var paths = []string{"/v2/charges", "/v2/customers", "/v2/invoices", "/v2/refunds", "/v2/events"}
var verbs = []string{"GET", "GET", "GET", "POST", "POST", "DELETE"}

func makeTraffic(keys []string, n int, seed int64) []*apiRequest {
	rng := rand.New(rand.NewSource(seed))
	reqs := make([]*apiRequest, n)
	for i := range reqs {
		r := &apiRequest{
			key:     keys[rng.Intn(len(keys))],
			method:  verbs[rng.Intn(len(verbs))],
			path:    paths[rng.Intn(len(paths))],
			payload: make([]byte, 64+rng.Intn(1500)),
		}
		rng.Read(r.payload)
		r.signature = sign(r)
		if rng.Intn(200) == 0 {
			r.signature = "forged"
		}
		reqs[i] = r
	}
	return reqs
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	keys := make([]string, 5000)
	for i := range keys {
		keys[i] = fmt.Sprintf("pk_live_%06d%04x", i, rand.Intn(1<<16))
	}
	srv := &server{meter: NewUsageMeter()}

	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		traffic := makeTraffic(keys, 2000, int64(w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each connection delivers a few requests every couple of
			// milliseconds, well below what the handlers can absorb.
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for i := 0; time.Now().Before(until); <-tick.C {
				for n := 0; n < 3; n++ {
					srv.handle(traffic[i%len(traffic)])
					i++
				}
			}
		}()
	}

	billed := make(map[string]int64, len(keys))
	stop := make(chan struct{})
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				srv.meter.Flush(func(k string, n int64) { billed[k] += n })
				return
			case <-t.C:
				srv.meter.Flush(func(k string, n int64) { billed[k] += n })
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	wg.Wait()
	close(stop)
	<-flushed
	elapsed := time.Since(start)
	prof.Stop()
	var units int64
	for _, n := range billed {
		units += n
	}
	fmt.Fprintf(os.Stderr, "served=%d rejected=%d keys billed=%d units=%d pending=%d in %v\n",
		atomic.LoadInt64(&srv.served), atomic.LoadInt64(&srv.rejected), len(billed), units,
		srv.meter.Peek(keys[0]), elapsed.Round(time.Millisecond))
}
