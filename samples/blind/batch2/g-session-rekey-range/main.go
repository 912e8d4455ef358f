// Command sessiond is the session store of the auth gateway.
//
// Sessions minted by the legacy login frontend arrive keyed as
// "sid_<hex>". The gateway serves them under the regional key format
// "<region>/<user>/<hex>", so every import from a legacy node is followed by
// an in-place key migration of the table.
package main

import (
	"encoding/hex"
	"fmt"
	"log"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const legacyPrefix = "sid_"

var regions = []string{"eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-northeast"}

// Session is one authenticated browser session.
type Session struct {
	Token    string
	UserID   uint64
	Region   string
	Scopes   []string
	Issued   int64 // generation in which the session was imported
	LastSeen time.Time
}

// Key returns the regional key the gateway serves the session under.
func (s *Session) Key() string {
	var b strings.Builder
	b.Grow(len(s.Region) + len(s.Token) + 24)
	b.WriteString(s.Region)
	b.WriteByte('/')
	b.WriteString(strconv.FormatUint(s.UserID, 10))
	b.WriteByte('/')
	b.WriteString(s.Token)
	return b.String()
}

func isLegacyKey(k string) bool { return strings.HasPrefix(k, legacyPrefix) }

// SessionTable holds every live session, keyed by session key.
type SessionTable struct {
	mu         sync.Mutex
	sessions   map[string]*Session
	generation int64
	ttlGens    int64

	migrated uint64
	expired  uint64
}

func NewSessionTable(ttlGens int64) *SessionTable {
	return &SessionTable{sessions: make(map[string]*Session), ttlGens: ttlGens}
}

// ImportLegacy adds a batch handed over by a draining legacy node.
func (t *SessionTable) ImportLegacy(batch []*Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.generation++
	for _, s := range batch {
		s.Issued = t.generation
		t.sessions[legacyPrefix+s.Token] = s
	}
}

// MigrateKeys moves every session still under a legacy key to its regional
// key.
func (t *SessionTable) MigrateKeys() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for key, s := range t.sessions {
		if !isLegacyKey(key) {
			continue
		}
		t.sessions[s.Key()] = s
		delete(t.sessions, key)
		n++
	}
	t.migrated += uint64(n)
	return n
}

// Expire drops sessions older than the table's TTL.
func (t *SessionTable) Expire() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	cutoff := t.generation - t.ttlGens
	n := 0
	for key, s := range t.sessions {
		if s.Issued <= cutoff {
			delete(t.sessions, key)
			n++
		}
	}
	t.expired += uint64(n)
	return n
}

// Lookup validates a session key presented by a client.
func (t *SessionTable) Lookup(key string) (*Session, bool) {
	t.mu.Lock()
	s, ok := t.sessions[key]
	if ok {
		s.LastSeen = time.Now()
	}
	t.mu.Unlock()
	return s, ok
}

func (t *SessionTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sessions)
}

// legacyNode simulates a legacy frontend handing over its sessions.
type legacyNode struct {
	rng *rand.Rand
	buf [16]byte
}

func (n *legacyNode) drain(count int) []*Session {
	out := make([]*Session, count)
	for i := range out {
		n.rng.Read(n.buf[:])
		out[i] = &Session{
			Token:  hex.EncodeToString(n.buf[:]),
			UserID: uint64(n.rng.Int63n(5_000_000)),
			Region: regions[n.rng.Intn(len(regions))],
			Scopes: []string{"openid", "profile"},
		}
	}
	return out
}

// recentKeys is a small ring of keys clients will present again.
type recentKeys struct {
	mu   sync.Mutex
	keys []string
	next int
}

func (r *recentKeys) add(k string) {
	r.mu.Lock()
	if len(r.keys) < cap(r.keys) {
		r.keys = append(r.keys, k)
	} else {
		r.keys[r.next] = k
		r.next = (r.next + 1) % len(r.keys)
	}
	r.mu.Unlock()
}

func (r *recentKeys) pick(rng *rand.Rand) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.keys) == 0 {
		return "", false
	}
	return r.keys[rng.Intn(len(r.keys))], true
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	table := NewSessionTable(6)
	recent := &recentKeys{keys: make([]string, 0, 4096)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var lookups, hits uint64

	// Import loop: a legacy node drains a batch every few milliseconds.
	wg.Add(1)
	go func() {
		defer wg.Done()
		node := &legacyNode{rng: rand.New(rand.NewSource(7))}
		for {
			select {
			case <-stop:
				return
			default:
			}
			batch := node.drain(15000)
			table.ImportLegacy(batch)
			table.MigrateKeys()
			table.Expire()
			for i := 0; i < len(batch); i += 64 {
				recent.add(batch[i].Key())
			}
			time.Sleep(4 * time.Millisecond)
		}
	}()

	// Clients presenting their session keys.
	for c := 0; c < 2; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				for i := 0; i < 200; i++ {
					k, ok := recent.pick(rng)
					if !ok {
						break
					}
					atomic.AddUint64(&lookups, 1)
					if _, ok := table.Lookup(k); ok {
						atomic.AddUint64(&hits, 1)
					}
				}
				time.Sleep(time.Millisecond)
			}
		}(int64(100 + c))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	close(stop)
	wg.Wait()

	table.mu.Lock()
	log.Printf("sessions=%d migrated=%d expired=%d", len(table.sessions), table.migrated, table.expired)
	table.mu.Unlock()
	fmt.Printf("lookups=%d hits=%d\n", atomic.LoadUint64(&lookups), atomic.LoadUint64(&hits))
	prof.Stop()
}
