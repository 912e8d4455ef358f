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
//
// With -moderate, Expire stays broken but each request also renders its
// response page (renderPage, plain Go code: it costs about the same with
// every Go version), unrelated healthy work that brings Expire down to a
// minor share of the CPU. That run profiles 60 ticks of the steady state,
// after 130 unprofiled ticks of warm-up.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"html"
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

// pageRenderer renders response pages, reusing its buffer.
type pageRenderer struct {
	page []byte
}

// renderPage renders the account page of session s as HTML and computes its
// ETag, as the response to the request (the -moderate workload's healthy
// work; plain Go code, so that it costs about the same with every Go
// version).
//
//go:noinline
func (r *pageRenderer) renderPage(s *Session, now int64) (int, uint64) {
	p := append(r.page[:0], "<!doctype html><html><head><title>Account</title></head><body><h1>"...)
	p = append(p, html.EscapeString(s.User)...)
	p = append(p, "</h1><table>"...)
	for i := 0; i < 900; i++ { // the account's activity log
		at := time.Unix(1700000000+now*60-int64(i*97), 0).UTC()
		p = append(p, "<tr><td>activity "...)
		p = strconv.AppendInt(p, int64(i), 10)
		p = append(p, "</td><td>"...)
		p = at.AppendFormat(p, time.RFC1123)
		p = append(p, "</td><td>"...)
		p = strconv.AppendFloat(p, float64(s.Hits)*1.375/float64(i+1), 'f', 3, 64)
		p = append(p, "</td><td>"...)
		p = append(p, html.EscapeString(s.Token[i%32:i%32+16])...)
		p = append(p, "</td></tr>"...)
	}
	p = append(p, "</table><p>hits: "...)
	p = strconv.AppendInt(p, int64(s.Hits), 10)
	p = append(p, "</p></body></html>"...)
	r.page = p
	h := fnv.New64a()
	h.Write(p)
	return len(p), h.Sum64()
}

// handleRequests serves one simulated second of traffic. With a renderer
// (-moderate) each request also gets its response page rendered.
//
//go:noinline
func handleRequests(c *SessionCache, rng *rand.Rand, secret []byte, now int64, nextID *int, pages *pageRenderer) {
	requests := harness.Size(300) // new sessions grow with them: the map's size
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
		s := c.Touch(id, user, signToken(secret, id, now), now)
		if pages != nil {
			pages.renderPage(s, now)
		}
	}
}

func main() {
	opts := harness.ParseFlags("ap1-range-mutate: session cache whose Expire rebuilds the map while ranging over it (AP1)",
		harness.Fixed|harness.Moderate)
	runFor, minTicks := harness.RunFor(3*time.Second), int(200*harness.RunScale())
	const moderateWarmup, moderateTicks = 130, 60

	cache := NewSessionCache(opts.Fixed)
	rng := rand.New(rand.NewSource(1))
	secret := []byte("proflens-sample-secret")
	nextID := 0
	var now, expired int64
	var pages *pageRenderer
	if opts.Moderate {
		pages = &pageRenderer{}
		// Profile the steady state only, for a fixed number of ticks: a
		// session expires about 110 ticks after it was created (it leaves
		// the window of revisited sessions, then idles for its TTL), and a
		// run with page rendering sees too few ticks in 3 s to get there.
		for now < moderateWarmup {
			now++
			handleRequests(cache, rng, secret, now, &nextID, nil)
			expired += int64(cache.Expire(now))
		}
	}

	harness.StartCPU(opts.Out)
	start := time.Now()
	// done and halfway say when the profiled part of the run ends, and when
	// heap-early.pb.gz is written. The normal and -fixed runs go on for
	// runFor, and for at least minTicks ticks, so that a slow or loaded
	// machine still reaches the steady state in which sessions expire.
	done := func(ticks int) bool {
		if opts.Moderate {
			return ticks >= moderateTicks
		}
		return ticks >= minTicks && time.Since(start) >= runFor
	}
	halfway := func(ticks int) bool {
		if opts.Moderate {
			return ticks >= moderateTicks/2
		}
		return ticks >= minTicks/2 && time.Since(start) >= runFor/2
	}
	early := false
	for ticks := 0; !done(ticks); {
		ticks++
		now++
		handleRequests(cache, rng, secret, now, &nextID, pages)
		expired += int64(cache.Expire(now))
		if !early && halfway(ticks) {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "ap1-range-mutate fixed=%v moderate=%v: %d ticks in %v, %d live sessions, %d expired\n",
		opts.Fixed, opts.Moderate, now, elapsed.Round(time.Millisecond), len(cache.sessions), expired)
}
