package main

import (
	"sync"
	"time"
)

// Conn is one client websocket of the push gateway.
type Conn struct {
	ID        uint64
	UserID    uint32
	Remote    string
	Opened    time.Time
	LastFrame time.Time
	sendBuf   []byte
	sent      int
}

// connIndex maps connection ids to live connections.
type connIndex struct {
	mu    sync.RWMutex
	conns map[uint64]*Conn
	peak  int
}

func newConnIndex() *connIndex {
	return &connIndex{conns: make(map[uint64]*Conn)}
}

func (ix *connIndex) add(c *Conn) {
	ix.mu.Lock()
	ix.conns[c.ID] = c
	if len(ix.conns) > ix.peak {
		ix.peak = len(ix.conns)
	}
	ix.mu.Unlock()
}

func (ix *connIndex) remove(id uint64) {
	ix.mu.Lock()
	delete(ix.conns, id)
	ix.mu.Unlock()
}

// push routes one frame to a connection, if it is still connected.
func (ix *connIndex) push(id uint64, frame []byte) bool {
	ix.mu.RLock()
	c := ix.conns[id]
	ix.mu.RUnlock()
	if c == nil {
		return false
	}
	n := copy(c.sendBuf, frame)
	c.sent += n
	return true
}

// idleSweep counts connections that have not sent a frame recently; it runs
// from the metrics ticker.
func (ix *connIndex) idleSweep(now time.Time, idle time.Duration) (live, stale int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, c := range ix.conns {
		if now.Sub(c.LastFrame) > idle {
			stale++
		}
	}
	return len(ix.conns), stale
}
