// Command accountd serves the signed-in part of a web shop: users log in, get
// a session cookie, browse a few pages (each response is rendered into the
// session's own output buffer) and log out.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	outboxSize  = 4 << 10
	scratchSize = 2 << 10
	historyLen  = 16
)

var errNoSession = errors.New("session expired or logged out")

// Session is the server-side state behind a session cookie.
type Session struct {
	ID          string
	UserID      uint64
	CreatedAt   time.Time
	LastSeen    time.Time
	Active      bool
	LoggedOutAt time.Time
	CSRF        string

	outbox  []byte   // rendered response, reused across requests
	scratch []byte   // form decoding scratch space
	history []string // recently viewed paths, for "continue shopping"
}

// SessionStore keeps every session by cookie value.
type SessionStore struct {
	mu       sync.Mutex
	sessions map[string]*Session
	logins   int64
	logouts  int64
}

func NewSessionStore() *SessionStore {
	return &SessionStore{sessions: make(map[string]*Session)}
}

func newToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Login creates a session for user and returns its cookie value.
func (st *SessionStore) Login(user uint64) *Session {
	now := time.Now()
	s := &Session{
		ID:        newToken(16),
		UserID:    user,
		CreatedAt: now,
		LastSeen:  now,
		Active:    true,
		CSRF:      newToken(8),
		outbox:    make([]byte, 0, outboxSize),
		scratch:   make([]byte, scratchSize),
		history:   make([]string, 0, historyLen),
	}
	st.mu.Lock()
	st.sessions[s.ID] = s
	st.logins++
	st.mu.Unlock()
	return s
}

// Lookup finds the live session behind a cookie.
func (st *SessionStore) Lookup(id string) (*Session, error) {
	st.mu.Lock()
	s, ok := st.sessions[id]
	st.mu.Unlock()
	if !ok || !s.Active {
		return nil, errNoSession
	}
	return s, nil
}

// Logout ends a session. The record is kept (inactive) so that a replayed
// cookie gets a clear "logged out" answer and audit can see when it ended.
func (st *SessionStore) Logout(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return
	}
	s.Active = false
	s.LoggedOutAt = time.Now()
	st.logouts++
}

type product struct {
	sku   string
	name  string
	price int
}

var catalog = func() []product {
	ps := make([]product, 200)
	for i := range ps {
		ps[i] = product{sku: fmt.Sprintf("SKU-%05d", 10000+i*7), name: fmt.Sprintf("Trail shoe model %d", i), price: 4999 + i*25}
	}
	return ps
}()

// render writes one page for the session into its outbox.
func render(s *Session, path string, items []product) []byte {
	out := s.outbox[:0]
	out = append(out, `<html><body><nav>user `...)
	out = strconv.AppendUint(out, s.UserID, 10)
	out = append(out, `</nav><form><input type="hidden" name="csrf" value="`...)
	out = append(out, s.CSRF...)
	out = append(out, `"></form><ul>`...)
	for _, p := range items {
		out = append(out, `<li data-sku="`...)
		out = append(out, p.sku...)
		out = append(out, `">`...)
		out = append(out, p.name...)
		out = append(out, ` - `...)
		out = strconv.AppendInt(out, int64(p.price/100), 10)
		out = append(out, '.', byte('0'+p.price/10%10), byte('0'+p.price%10))
		out = append(out, `</li>`...)
	}
	out = append(out, `</ul></body></html>`...)
	s.outbox = out
	if len(s.history) == historyLen {
		copy(s.history, s.history[1:])
		s.history = s.history[:historyLen-1]
	}
	s.history = append(s.history, path)
	return out
}

// handle serves one page request carrying a session cookie.
func handle(st *SessionStore, cookie, path string, r *mrand.Rand) (int, error) {
	s, err := st.Lookup(cookie)
	if err != nil {
		return 0, err
	}
	s.LastSeen = time.Now()
	off := r.Intn(len(catalog) - 12)
	page := render(s, path, catalog[off:off+12])
	return len(page), nil
}

// shopper simulates the visitors coming through one frontend.
func shopper(st *SessionStore, seed int64, rate time.Duration, stop <-chan struct{}, served *int64) {
	r := mrand.New(mrand.NewSource(seed))
	paths := []string{"/", "/shoes", "/shoes/trail", "/cart", "/account", "/orders"}
	next := time.Now()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		s := st.Login(uint64(r.Intn(2_000_000)))
		pages := 4 + r.Intn(8)
		for i := 0; i < pages; i++ {
			if b, err := handle(st, s.ID, paths[r.Intn(len(paths))], r); err == nil {
				atomic.AddInt64(served, int64(b))
			}
		}
		st.Logout(s.ID)
		if _, err := handle(st, s.ID, "/account", r); err == nil {
			panic("logged-out session still served")
		}
		if n%20 == 19 {
			next = next.Add(20 * rate)
			if d := time.Until(next); d > 0 {
				time.Sleep(d)
			}
		}
	}
}

// store is the process-wide session store used by every frontend handler.
var store = NewSessionStore()

func main() {
	prof.Start()
	start := time.Now()

	st := store
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var served int64
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			shopper(st, int64(i+1), 250*time.Microsecond, stop, &served)
		}(i)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()

	st.mu.Lock()
	fmt.Printf("logins=%d logouts=%d stored=%d served=%dMB elapsed=%s\n", st.logins, st.logouts, len(st.sessions), atomic.LoadInt64(&served)>>20, time.Since(start).Round(time.Millisecond))
	st.mu.Unlock()
	prof.Stop()
}
