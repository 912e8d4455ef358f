package main

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// CartItem is one line of a shopper's cart.
type CartItem struct {
	SKU   string
	Qty   int
	Price int64
}

// Session is the server-side state of one logged-in user.
type Session struct {
	ID        string
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
	Attrs     map[string]string
	Cart      []CartItem
	CSRF      [32]byte
	ViewState []byte // serialized UI state, a few KB
}

// ActivityEvent is kept for the admin "recent activity" page.
type ActivityEvent struct {
	At      time.Time
	Kind    string
	Session *Session
}

// SessionManager owns the live sessions of this node.
type SessionManager struct {
	mu       sync.Mutex
	sessions map[string]*Session
	activity []ActivityEvent
	logins   int
	logouts  int
}

func NewSessionManager() *SessionManager {
	return &SessionManager{sessions: make(map[string]*Session)}
}

func newSessionID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// Login creates a session for the user and records the login event.
func (m *SessionManager) Login(userID int64, agent, locale string) *Session {
	now := time.Now()
	s := &Session{
		ID:        newSessionID(),
		UserID:    userID,
		CreatedAt: now,
		LastSeen:  now,
		Attrs: map[string]string{
			"agent":  agent,
			"locale": locale,
			"theme":  "light",
			"tz":     "Europe/Berlin",
		},
		Cart:      make([]CartItem, 0, 8),
		ViewState: make([]byte, 3072),
	}
	copy(s.CSRF[:], s.ID)
	m.mu.Lock()
	m.sessions[s.ID] = s
	m.activity = append(m.activity, ActivityEvent{At: now, Kind: "login", Session: s})
	m.logins++
	m.mu.Unlock()
	return s
}

// Touch looks a session up for a request and updates it.
func (m *SessionManager) Touch(id string, sku string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return false
	}
	s.LastSeen = time.Now()
	if sku != "" && len(s.Cart) < cap(s.Cart) {
		s.Cart = append(s.Cart, CartItem{SKU: sku, Qty: 1, Price: 1999})
	}
	s.ViewState[len(s.Cart)]++
	return true
}

// Logout ends a session.
func (m *SessionManager) Logout(id string) {
	m.mu.Lock()
	delete(m.sessions, id)
	m.logouts++
	m.mu.Unlock()
}

// Stats reports counters for the status page.
func (m *SessionManager) Stats() (live, logins, logouts, events int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sessions), m.logins, m.logouts, len(m.activity)
}
