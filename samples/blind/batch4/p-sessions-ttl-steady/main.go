// Command authsess is the session tier of the login service: a login mints
// a token valid for a fixed TTL, API calls look the token up, and a janitor
// drops expired sessions.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const sessionTTL = 1500 * time.Millisecond

type Session struct {
	UserID   uint64
	Roles    []string
	CSRF     string
	Claims   []byte
	Created  time.Time
	Expires  time.Time
	LastSeen int64 // unix nanos, updated atomically
}

type SessionStore struct {
	mu       sync.RWMutex
	sessions map[string]*Session
	expired  uint64
}

func newSessionStore() *SessionStore {
	return &SessionStore{sessions: make(map[string]*Session)}
}

func (st *SessionStore) Put(token string, s *Session) {
	st.mu.Lock()
	st.sessions[token] = s
	st.mu.Unlock()
}

// Get returns the session for token if it has not expired.
func (st *SessionStore) Get(token string, now time.Time) (*Session, bool) {
	st.mu.RLock()
	s, ok := st.sessions[token]
	st.mu.RUnlock()
	if !ok || now.After(s.Expires) {
		return nil, false
	}
	atomic.StoreInt64(&s.LastSeen, now.UnixNano())
	return s, true
}

// Sweep deletes every session that has expired by now.
func (st *SessionStore) Sweep(now time.Time) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for tok, s := range st.sessions {
		if now.After(s.Expires) {
			delete(st.sessions, tok)
			n++
		}
	}
	st.expired += uint64(n)
	return n
}

func (st *SessionStore) Len() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return len(st.sessions)
}

var roleSets = [][]string{{"viewer"}, {"viewer", "editor"}, {"admin"}, {"viewer", "billing"}}

// login authenticates a user and mints a session token.
func login(st *SessionStore, rng *rand.Rand, userID uint64, now time.Time) string {
	var nonce [16]byte
	rng.Read(nonce[:])
	sum := sha256.Sum256(append(nonce[:], byte(userID), byte(userID>>8), byte(userID>>16)))
	token := hex.EncodeToString(sum[:16])
	claims := make([]byte, 192+rng.Intn(128))
	rng.Read(claims)
	st.Put(token, &Session{
		UserID:   userID,
		Roles:    roleSets[rng.Intn(len(roleSets))],
		CSRF:     hex.EncodeToString(sum[16:24]),
		Claims:   claims,
		Created:  now,
		Expires:  now.Add(sessionTTL),
		LastSeen: now.UnixNano(),
	})
	return token
}

// frontend plays one web frontend: it logs users in at a steady pace and
// serves their API calls with the tokens it holds.
func frontend(st *SessionStore, id int, stop <-chan struct{}, calls, rejected *uint64) {
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	var recent [64]string
	next := 0
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			recent[next%len(recent)] = login(st, rng, uint64(id)<<32|uint64(next), now)
			next++
			for i := 0; i < 6; i++ {
				tok := recent[rng.Intn(len(recent))]
				if tok == "" {
					continue
				}
				if _, ok := st.Get(tok, now); ok {
					atomic.AddUint64(calls, 1)
				} else {
					atomic.AddUint64(rejected, 1)
				}
			}
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	store := newSessionStore()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var calls, rejected uint64

	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			frontend(store, id, stop, &calls, &rejected)
		}(i + 1)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				store.Sweep(now)
			}
		}
	}()

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	wg.Wait()
	prof.Stop()

	log.Printf("authsess: live=%d expired=%d calls=%d rejected=%d",
		store.Len(), store.expired, atomic.LoadUint64(&calls), atomic.LoadUint64(&rejected))
}
