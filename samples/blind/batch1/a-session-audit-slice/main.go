// Command wsgate keeps the server-side state of short-lived websocket
// sessions for a chat front end: each session owns its frame buffers and a
// small request history, lives until it has been idle for sessionTTL, and is
// then reaped. The store also remembers recently opened sessions for the
// /admin/sessions page.
package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	sessionTTL   = 150 * time.Millisecond
	readBufSize  = 8 << 10
	writeBufSize = 4 << 10
	historyLen   = 48
)

type frameLog struct {
	at      time.Time
	op      string
	channel string
	size    int
}

// Session is the per-connection state.
type Session struct {
	ID        string
	User      string
	Remote    string
	Opened    time.Time
	lastSeen  atomic.Int64
	readBuf   []byte
	writeBuf  []byte
	mu        sync.Mutex
	history   []*frameLog
	subscribe []string
}

// SessionStore indexes live sessions by id.
type SessionStore struct {
	mu       sync.RWMutex
	sessions map[string]*Session
	recent   []*Session // newest last; shown on /admin/sessions
	opened   int64
	reaped   int64
}

func NewSessionStore() *SessionStore {
	return &SessionStore{sessions: make(map[string]*Session, 1024)}
}

// store is the process-wide session store used by the upgrade handler and
// the admin endpoints.
var store = NewSessionStore()

func newSession(id, user, remote string, now time.Time) *Session {
	s := &Session{
		ID:       id,
		User:     user,
		Remote:   remote,
		Opened:   now,
		readBuf:  make([]byte, readBufSize),
		writeBuf: make([]byte, 0, writeBufSize),
		history:  make([]*frameLog, 0, historyLen),
	}
	s.lastSeen.Store(now.UnixNano())
	return s
}

// Open registers a new session for user.
func (st *SessionStore) Open(user, remote string, now time.Time) *Session {
	sum := sha1.Sum([]byte(user + remote + strconv.FormatInt(now.UnixNano(), 10)))
	s := newSession(hex.EncodeToString(sum[:12]), user, remote, now)
	st.mu.Lock()
	st.sessions[s.ID] = s
	st.recent = append(st.recent, s)
	st.opened++
	st.mu.Unlock()
	return s
}

// Get returns the live session with this id.
func (st *SessionStore) Get(id string) (*Session, bool) {
	st.mu.RLock()
	s, ok := st.sessions[id]
	st.mu.RUnlock()
	return s, ok
}

// Reap removes sessions idle for longer than ttl.
func (st *SessionStore) Reap(now time.Time, ttl time.Duration) int {
	cutoff := now.Add(-ttl).UnixNano()
	st.mu.Lock()
	n := 0
	for id, s := range st.sessions {
		if s.lastSeen.Load() < cutoff {
			delete(st.sessions, id)
			n++
		}
	}
	st.reaped += int64(n)
	st.mu.Unlock()
	return n
}

// Recent returns up to n of the most recently opened sessions.
func (st *SessionStore) Recent(n int) []*Session {
	st.mu.RLock()
	defer st.mu.RUnlock()
	if n > len(st.recent) {
		n = len(st.recent)
	}
	out := make([]*Session, n)
	copy(out, st.recent[len(st.recent)-n:])
	return out
}

func (st *SessionStore) Live() int {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return len(st.sessions)
}

// handleFrame processes one inbound frame on a session.
func handleFrame(s *Session, op, channel string, payload []byte, now time.Time) {
	s.mu.Lock()
	n := copy(s.readBuf, payload)
	s.writeBuf = append(s.writeBuf[:0], `{"ack":"`...)
	s.writeBuf = append(s.writeBuf, op...)
	s.writeBuf = append(s.writeBuf, `","ch":"`...)
	s.writeBuf = append(s.writeBuf, channel...)
	s.writeBuf = append(s.writeBuf, `"}`...)
	if len(s.history) == historyLen {
		copy(s.history, s.history[1:])
		s.history = s.history[:historyLen-1]
	}
	s.history = append(s.history, &frameLog{at: now, op: op, channel: channel, size: n})
	if op == "subscribe" {
		s.subscribe = append(s.subscribe, channel)
	}
	s.mu.Unlock()
	s.lastSeen.Store(now.UnixNano())
}

var ops = []string{"subscribe", "publish", "publish", "publish", "typing", "presence", "ack"}

// connection simulates one client connection after the upgrade.
func connection(st *SessionStore, rng *rand.Rand, payload []byte) {
	user := "user-" + strconv.Itoa(rng.Intn(50000))
	remote := fmt.Sprintf("10.%d.%d.%d:%d", rng.Intn(256), rng.Intn(256), rng.Intn(256), 1024+rng.Intn(60000))
	s := st.Open(user, remote, time.Now())
	frames := 4 + rng.Intn(12)
	for i := 0; i < frames; i++ {
		if cur, ok := st.Get(s.ID); ok {
			ch := "room-" + strconv.Itoa(rng.Intn(300))
			handleFrame(cur, ops[rng.Intn(len(ops))], ch, payload[:64+rng.Intn(len(payload)-64)], time.Now())
		}
	}
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	st := store
	payload := make([]byte, 2048)
	rand.New(rand.NewSource(1)).Read(payload)

	var stop atomic.Bool
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for !stop.Load() {
				connection(st, rng, payload)
				time.Sleep(time.Millisecond)
			}
		}(int64(c + 100))
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for !stop.Load() {
			now := <-tick.C
			st.Reap(now, sessionTTL)
			_ = st.Recent(50) // admin page poll
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	stop.Store(true)
	wg.Wait()

	fmt.Fprintf(os.Stderr, "opened=%d reaped=%d live=%d recent=%d\n", st.opened, st.reaped, st.Live(), len(st.recent))
	prof.Stop()
}
