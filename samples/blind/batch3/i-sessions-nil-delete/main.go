// Command authd issues and validates login sessions for the web frontend.
// Sessions live in memory, sharded by session id.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Session struct {
	UserID    int64
	Email     string
	Roles     []string
	CSRFToken string
	IssuedAt  time.Time
	LastSeen  time.Time
}

const shardCount = 16

type sessionShard struct {
	sync.RWMutex
	byID map[string]*Session
}

var (
	shards   [shardCount]*sessionShard
	logins   int64
	logouts  int64
	rejected int64
)

func init() {
	for i := range shards {
		shards[i] = &sessionShard{byID: make(map[string]*Session)}
	}
}

func shardFor(id string) *sessionShard {
	h := fnv.New32a()
	h.Write([]byte(id))
	return shards[h.Sum32()%shardCount]
}

func newSessionID(r *rand.Rand) string {
	return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
}

// login creates a session for the user and returns its id.
func login(r *rand.Rand, userID int64, email string, roles []string) string {
	id := newSessionID(r)
	now := time.Now()
	s := &Session{UserID: userID, Email: email, Roles: roles, CSRFToken: newSessionID(r), IssuedAt: now, LastSeen: now}
	sh := shardFor(id)
	sh.Lock()
	sh.byID[id] = s
	sh.Unlock()
	atomic.AddInt64(&logins, 1)
	return id
}

// authenticate is called on every request carrying a session cookie.
func authenticate(id string) (*Session, bool) {
	sh := shardFor(id)
	sh.RLock()
	s := sh.byID[id]
	sh.RUnlock()
	if s == nil {
		atomic.AddInt64(&rejected, 1)
		return nil, false
	}
	return s, true
}

// logout invalidates the session.
func logout(id string) {
	sh := shardFor(id)
	sh.Lock()
	sh.byID[id] = nil
	sh.Unlock()
	atomic.AddInt64(&logouts, 1)
}

func activeSessions() (live, slots int) {
	for _, sh := range shards {
		sh.RLock()
		for _, s := range sh.byID {
			if s != nil {
				live++
			}
		}
		slots += len(sh.byID)
		sh.RUnlock()
	}
	return live, slots
}

var roleSets = [][]string{{"customer"}, {"customer", "beta"}, {"support"}, {"customer", "seller"}}

// browse simulates one user visit: log in, make a few requests, log out.
func browse(r *rand.Rand, user int64) {
	id := login(r, user, fmt.Sprintf("user%d@mail.example", user), roleSets[user%int64(len(roleSets))])
	for i := 0; i < 2+r.Intn(6); i++ {
		if s, ok := authenticate(id); ok {
			_ = s.Roles[0]
		}
	}
	logout(id)
	authenticate(id) // the browser retries once with the stale cookie
}

func main() {
	prof.Start()

	const runFor = 6 * time.Second
	deadline := time.Now().Add(runFor)
	visits := make(chan int64, 256)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for user := range visits {
				browse(r, user)
			}
		}(int64(w) + 42)
	}
	go func() {
		r := rand.New(rand.NewSource(1))
		for time.Now().Before(deadline) {
			for i := 0; i < 100; i++ {
				visits <- r.Int63n(2000000)
			}
			time.Sleep(500 * time.Microsecond)
		}
		close(visits)
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	wg.Wait()

	prof.Stop()
	live, slots := activeSessions()
	fmt.Printf("logins %d logouts %d rejected %d; live sessions %d, map entries %d\n",
		atomic.LoadInt64(&logins), atomic.LoadInt64(&logouts), atomic.LoadInt64(&rejected), live, slots)
}
