// Command campaignd is the audience stage of a bulk-mail sender: every send
// batch is deduplicated and filtered against the suppression list before the
// messages are handed to the MTA queue.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Recipient is one row of a send batch as it comes out of the list export.
type Recipient struct {
	Email  string
	ListID int
	Source string
}

// origin remembers where a key of the dedupe index came from.
type origin struct {
	addr   string
	list   int
	hashed bool
}

// suppressed holds unsubscribes, bounces and complaints. Partners upload them
// either as plain addresses or as "h:" fingerprints of the address.
var suppressed map[string]struct{}

func normalize(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// fingerprint is the FNV-1a form partners use for hashed suppression entries.
func fingerprint(addr string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(addr); i++ {
		h ^= uint64(addr[i])
		h *= 1099511628211
	}
	return "h:" + strconv.FormatUint(h, 16)
}

// audienceFor dedupes a send batch and drops everyone on the suppression
// list. Every address is indexed both as typed and as its fingerprint so
// that either form of suppression entry matches.
func audienceFor(batch []Recipient) []Recipient {
	seen := make(map[string]origin, len(batch))
	add := func(key string, o origin) {
		seen[key] = o
	}
	for _, r := range batch {
		addr := normalize(r.Email)
		add(addr, origin{addr: addr, list: r.ListID})
	}
	for key, o := range seen {
		if o.hashed {
			continue
		}
		add(fingerprint(key), origin{addr: o.addr, list: o.list, hashed: true})
	}

	blocked := make(map[string]bool)
	for key, o := range seen {
		if _, ok := suppressed[key]; ok {
			blocked[o.addr] = true
		}
	}
	out := make([]Recipient, 0, len(batch))
	for key, o := range seen {
		if o.hashed || blocked[key] {
			continue
		}
		out = append(out, Recipient{Email: o.addr, ListID: o.list, Source: "audience"})
	}
	return out
}

var domains = []string{"gmail.com", "yahoo.com", "outlook.com", "example.org", "mail.ru", "proton.me", "icloud.com", "acme-corp.io"}

func buildPool(n int, rng *rand.Rand) []string {
	pool := make([]string, n)
	for i := range pool {
		pool[i] = "user" + strconv.Itoa(rng.Intn(10*n)) + "." + strconv.Itoa(i) + "@" + domains[rng.Intn(len(domains))]
	}
	return pool
}

func buildSuppression(pool []string, rng *rand.Rand) map[string]struct{} {
	s := make(map[string]struct{}, len(pool)/20)
	for i := 0; i < len(pool)/20; i++ {
		addr := pool[rng.Intn(len(pool))]
		if rng.Intn(2) == 0 {
			s[addr] = struct{}{}
		} else {
			s[fingerprint(addr)] = struct{}{}
		}
	}
	return s
}

type stats struct {
	batches   int64
	delivered int64
}

func sender(id int, pool []string, st *stats, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	batch := make([]Recipient, 0, 4096)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n := 1500 + rng.Intn(2500)
		start := rng.Intn(len(pool) - n)
		batch = batch[:0]
		for i := 0; i < n; i++ {
			// list exports overlap, so roughly one row in ten is a repeat
			j := start + i
			if rng.Intn(10) == 0 {
				j = start + rng.Intn(n)
			}
			batch = append(batch, Recipient{Email: pool[j], ListID: 1 + j%17, Source: "export"})
		}
		aud := audienceFor(batch)
		atomic.AddInt64(&st.batches, 1)
		atomic.AddInt64(&st.delivered, int64(len(aud)))
	}
}

func main() {
	prof.Start()
	rng := rand.New(rand.NewSource(42))
	pool := buildPool(200000, rng)
	suppressed = buildSuppression(pool, rng)

	var st stats
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go sender(i, pool, &st, stop, &wg)
	}
	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()
	fmt.Printf("batches=%d delivered=%d\n", atomic.LoadInt64(&st.batches), atomic.LoadInt64(&st.delivered))
}
