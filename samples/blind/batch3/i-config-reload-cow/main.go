// Command flagd serves runtime configuration (feature flags, limits, routing
// weights) to the request path. A watcher pushes change sets; each reload
// produces a new immutable snapshot that readers pick up lock-free.
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

type snapshot struct {
	version  int64
	loadedAt time.Time
	values   map[string]string
}

type change struct {
	key    string
	value  string
	remove bool
}

type store struct {
	cur     atomic.Pointer[snapshot]
	reloads int64
}

var config store

// apply builds the next snapshot from the current one plus a change set and
// publishes it. Readers holding the old snapshot keep a consistent view.
func (s *store) apply(changes []change) *snapshot {
	old := s.cur.Load()
	edits := make(map[string]change, len(changes))
	for _, c := range changes {
		edits[c.key] = c
	}
	next := &snapshot{version: old.version + 1, loadedAt: time.Now(), values: make(map[string]string, len(old.values)+len(changes))}
	for k, v := range old.values {
		if c, ok := edits[k]; ok {
			if c.remove {
				continue
			}
			v = c.value
			delete(edits, k)
		}
		next.values[k] = v
	}
	for k, c := range edits {
		if !c.remove {
			next.values[k] = c.value
		}
	}
	s.cur.Store(next)
	atomic.AddInt64(&s.reloads, 1)
	return next
}

func (s *store) lookup(key string) (string, bool) {
	v, ok := s.cur.Load().values[key]
	return v, ok
}

func (s *store) boolFlag(key string) bool {
	v, _ := s.lookup(key)
	return v == "true" || v == "on"
}

func (s *store) intLimit(key string, def int) int {
	v, ok := s.lookup(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

var services = []string{"checkout", "catalog", "search", "cart", "profile", "reviews", "pricing", "shipping"}

func keyFor(r *rand.Rand) string {
	svc := services[r.Intn(len(services))]
	switch r.Intn(3) {
	case 0:
		return fmt.Sprintf("flags.%s.exp%03d", svc, r.Intn(150))
	case 1:
		return fmt.Sprintf("limits.%s.tenant%03d", svc, r.Intn(150))
	default:
		return fmt.Sprintf("routing.%s.weight%02d", svc, r.Intn(60))
	}
}

func initialConfig(r *rand.Rand) *snapshot {
	vals := make(map[string]string)
	for i := 0; i < 3000; i++ {
		k := keyFor(r)
		switch {
		case strings.HasPrefix(k, "flags."):
			vals[k] = []string{"true", "false", "on", "off"}[r.Intn(4)]
		default:
			vals[k] = strconv.Itoa(r.Intn(1000))
		}
	}
	return &snapshot{version: 1, loadedAt: time.Now(), values: vals}
}

func main() {
	prof.Start()

	r := rand.New(rand.NewSource(5))
	config.cur.Store(initialConfig(r))

	const runFor = 6 * time.Second
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// config watcher: a change set every 50ms
	wg.Add(1)
	go func() {
		defer wg.Done()
		wr := rand.New(rand.NewSource(11))
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			n := 1 + wr.Intn(20)
			changes := make([]change, n)
			for i := range changes {
				changes[i] = change{key: keyFor(wr), value: strconv.Itoa(wr.Intn(1000)), remove: wr.Intn(8) == 0}
			}
			config.apply(changes)
		}
	}()

	// request handlers consulting flags and limits
	var handled int64
	for h := 0; h < 3; h++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			hr := rand.New(rand.NewSource(seed))
			keys := make([]string, 512)
			for i := range keys {
				keys[i] = keyFor(hr)
			}
			for {
				select {
				case <-stop:
					return
				default:
				}
				budget := 0
				for i := 0; i < 64; i++ {
					k := keys[hr.Intn(len(keys))]
					if strings.HasPrefix(k, "flags.") {
						if config.boolFlag(k) {
							budget++
						}
					} else {
						budget += config.intLimit(k, 100)
					}
				}
				atomic.AddInt64(&handled, 1)
				time.Sleep(100 * time.Microsecond)
			}
		}(int64(h) + 100)
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()

	prof.Stop()
	cur := config.cur.Load()
	fmt.Printf("handled %d requests, %d reloads, config v%d with %d keys\n",
		atomic.LoadInt64(&handled), atomic.LoadInt64(&config.reloads), cur.version, len(cur.values))
}
