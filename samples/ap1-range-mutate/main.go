// Command ap1-range-mutate simulates a login-session cache whose expiry pass
// mutates the map it is ranging over (anti-pattern AP1).
//
// Every simulated second the server handles a batch of requests (each one
// derives a signed token with SHA-256 and touches its session), then calls
// (*SessionCache).Expire. The broken Expire ranges over the sessions and, for
// each expired one it meets, builds a fresh map without that session and swaps
// it in ("copy-on-write so readers never see a half-updated map"), while the
// range loop is still running over the old map. Each expired session costs a
// full copy of the cache, made through runtime.makemap_small and every growth
// step (hashGrow, makeBucketArray, growWork_faststr, evacuate_faststr).
//
// With -fixed, Expire collects the expired IDs into a slice while ranging and
// deletes them after the loop, which is the fix from antipatterns.md.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"time"

	"proflens/samples/internal/harness"
)

// Session is one logged-in user.
type Session struct {
	ID       string
	User     string
	Token    string
	LastSeen int64 // simulated seconds
	TTL      int64
	Hits     int
}

// SessionCache maps session IDs to sessions.
type SessionCache struct {
	sessions map[string]*Session
	fixed    bool
}

// NewSessionCache returns an empty cache.
func NewSessionCache(fixed bool) *SessionCache {
	return &SessionCache{sessions: make(map[string]*Session), fixed: fixed}
}

// Touch records a request for session id, creating the session if needed.
func (c *SessionCache) Touch(id, user, token string, now int64) *Session {
	s, ok := c.sessions[id]
	if !ok {
		s = &Session{ID: id, User: user, TTL: 30}
		c.sessions[id] = s
	}
	s.Token = token
	s.LastSeen = now
	s.Hits++
	return s
}

// Expire drops every session idle for longer than its TTL and returns how
// many it dropped.
//
//go:noinline
func (c *SessionCache) Expire(now int64) int {
	if c.fixed {
		// Fix: collect while ranging, mutate after the loop.
		var expired []string
		for id, s := range c.sessions {
			if now-s.LastSeen > s.TTL {
				expired = append(expired, id)
			}
		}
		for _, id := range expired {
			delete(c.sessions, id)
		}
		return len(expired)
	}

	// Anti-pattern: rebuild and reassign the map from inside the range loop
	// over it, once for every expired session met.
	removed := 0
	for id, s := range c.sessions {
		if now-s.LastSeen > s.TTL {
			next := make(map[string]*Session)
			for k, v := range c.sessions {
				if k != id {
					next[k] = v
				}
			}
			c.sessions = next
			removed++
		}
	}
	return removed
}

// signToken derives the token handed back to the client.
//
//go:noinline
func signToken(secret []byte, id string, now int64) string {
	h := sha256.New()
	h.Write(secret)
	h.Write([]byte(id))
	h.Write([]byte(strconv.FormatInt(now, 10)))
	sum := h.Sum(nil)
	for i := 0; i < 24; i++ { // key stretching
		s := sha256.Sum256(sum)
		sum = s[:]
	}
	return hex.EncodeToString(sum)
}

// handleRequests serves one simulated second of traffic.
//
//go:noinline
func handleRequests(c *SessionCache, rng *rand.Rand, secret []byte, now int64, nextID *int) {
	const requests = 300
	for i := 0; i < requests; i++ {
		var id string
		if rng.Intn(100) < 12 || *nextID < 100 {
			*nextID++
			id = fmt.Sprintf("sess-%08d", *nextID)
		} else {
			// Revisit a recent session; older ones are left to expire.
			back := 1 + rng.Intn(3000)
			if back > *nextID {
				back = *nextID
			}
			id = fmt.Sprintf("sess-%08d", *nextID-back+1)
		}
		user := "user-" + strconv.Itoa(rng.Intn(5000))
		c.Touch(id, user, signToken(secret, id, now), now)
	}
}

func main() {
	opts := harness.ParseFlags("ap1-range-mutate: session cache whose Expire rebuilds the map while ranging over it (AP1)")
	const runFor = 3 * time.Second

	cache := NewSessionCache(opts.Fixed)
	rng := rand.New(rand.NewSource(1))
	secret := []byte("proflens-sample-secret")
	nextID := 0
	var now, expired int64

	harness.StartCPU(opts.Out)
	start := time.Now()
	for time.Since(start) < runFor {
		now++
		handleRequests(cache, rng, secret, now, &nextID)
		expired += int64(cache.Expire(now))
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "ap1-range-mutate fixed=%v: %d ticks in %v, %d live sessions, %d expired\n",
		opts.Fixed, now, elapsed.Round(time.Millisecond), len(cache.sessions), expired)
}
