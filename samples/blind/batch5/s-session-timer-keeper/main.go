// Command wsgate terminates client websocket-like sessions for the
// notification service. Each session owns read and write buffers; sessions
// are closed by the client, or expired by an idle timer if the client
// vanishes.
package main

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const (
	readBufSize  = 32 << 10
	writeBufSize = 32 << 10
	idleTimeout  = 4 * time.Hour
)

type Session struct {
	ID       string
	User     string
	Opened   time.Time
	readBuf  []byte
	writeBuf []byte
	frames   int
	sent     int
	idle     *time.Timer
}

type Gateway struct {
	mu       sync.Mutex
	sessions map[string]*Session
	seq      uint64

	opened, closed, expired uint64
}

func NewGateway() *Gateway {
	return &Gateway{sessions: make(map[string]*Session)}
}

func (g *Gateway) newID(user string) string {
	n := atomic.AddUint64(&g.seq, 1)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	sum := sha1.Sum(append([]byte(user), b[:]...))
	return hex.EncodeToString(sum[:10])
}

// Open registers a new session for user and arms its idle timer.
func (g *Gateway) Open(user string) *Session {
	s := &Session{
		ID:       g.newID(user),
		User:     user,
		Opened:   time.Now(),
		readBuf:  make([]byte, readBufSize),
		writeBuf: make([]byte, writeBufSize),
	}
	s.idle = time.AfterFunc(idleTimeout, func() { g.expire(s) })
	g.mu.Lock()
	g.sessions[s.ID] = s
	g.opened++
	g.mu.Unlock()
	return s
}

// expire drops a session whose client stopped talking.
func (g *Gateway) expire(s *Session) {
	g.mu.Lock()
	if cur, ok := g.sessions[s.ID]; ok && cur == s {
		delete(g.sessions, s.ID)
		g.expired++
	}
	g.mu.Unlock()
}

// Close ends a session at the client's request.
func (g *Gateway) Close(id string) bool {
	g.mu.Lock()
	_, ok := g.sessions[id]
	if ok {
		delete(g.sessions, id)
		g.closed++
	}
	g.mu.Unlock()
	return ok
}

func (g *Gateway) Lookup(id string) *Session {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sessions[id]
}

func (g *Gateway) Live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sessions)
}

// Handle processes one inbound frame: the payload is read into the
// session's read buffer and an acknowledgement is framed in its write buffer.
func (s *Session) Handle(payload []byte) int {
	n := copy(s.readBuf, payload)
	sum := sha1.Sum(s.readBuf[:n])
	w := s.writeBuf[:0]
	w = append(w, 0x82)
	w = binary.AppendUvarint(w, uint64(n))
	w = append(w, sum[:]...)
	w = append(w, s.readBuf[:n/4]...)
	s.frames++
	s.sent += len(w)
	return len(w)
}

func client(g *Gateway, user string, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	payload := make([]byte, 4096)
	for {
		select {
		case <-stop:
			return
		default:
		}
		s := g.Open(user)
		frames := 5 + r.Intn(20)
		for i := 0; i < frames; i++ {
			r.Read(payload[:512+r.Intn(3000)])
			if live := g.Lookup(s.ID); live != nil {
				live.Handle(payload[:512+r.Intn(3000)])
			}
		}
		g.Close(s.ID)
		time.Sleep(time.Duration(8+r.Intn(8)) * time.Millisecond)
	}
}

func main() {
	prof.Start()
	began := time.Now()

	g := NewGateway()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go client(g, fmt.Sprintf("user-%03d", c), int64(c), stop, &wg)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	g.mu.Lock()
	fmt.Printf("opened=%d closed=%d expired=%d live=%d in %v\n", g.opened, g.closed, g.expired, len(g.sessions), time.Since(began).Round(time.Millisecond))
	g.mu.Unlock()
}
