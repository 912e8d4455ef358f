// Command uploadd is the chunked-upload front end of the media service.
// Clients open an upload, send its chunks, then commit it; committed uploads
// are handed to the storage writer and dropped from the in-flight table.
package main

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const chunkSize = 32 << 10

var errUnknownUpload = errors.New("unknown upload")

type upload struct {
	id       string
	owner    string
	started  time.Time
	finished time.Time
	chunks   [][]byte
	size     int
	digest   string
}

type uploadSummary struct {
	ID     string
	Owner  string
	Size   int
	Digest string
}

// Gateway tracks uploads in progress.
type Gateway struct {
	mu       sync.Mutex
	inflight map[string]*upload
	recent   *list.List // most recently committed uploads, for the status page

	committed int64
	bytes     int64
}

func newGateway() *Gateway {
	return &Gateway{inflight: make(map[string]*upload), recent: list.New()}
}

func (g *Gateway) Open(id, owner string) {
	g.mu.Lock()
	g.inflight[id] = &upload{id: id, owner: owner, started: time.Now()}
	g.mu.Unlock()
}

func (g *Gateway) PutChunk(id string, data []byte) error {
	buf := make([]byte, len(data))
	copy(buf, data)
	g.mu.Lock()
	defer g.mu.Unlock()
	u, ok := g.inflight[id]
	if !ok {
		return errUnknownUpload
	}
	u.chunks = append(u.chunks, buf)
	u.size += len(buf)
	return nil
}

// Commit seals the upload, removes it from the in-flight table and records
// it in the recent-uploads list.
func (g *Gateway) Commit(id string) (uploadSummary, error) {
	g.mu.Lock()
	u, ok := g.inflight[id]
	if !ok {
		g.mu.Unlock()
		return uploadSummary{}, errUnknownUpload
	}
	delete(g.inflight, id)
	g.mu.Unlock()

	h := sha256.New()
	for _, c := range u.chunks {
		h.Write(c)
	}
	u.digest = hex.EncodeToString(h.Sum(nil))
	u.finished = time.Now()

	g.mu.Lock()
	g.recent.PushFront(u)
	g.mu.Unlock()
	atomic.AddInt64(&g.committed, 1)
	atomic.AddInt64(&g.bytes, int64(u.size))
	return uploadSummary{ID: u.id, Owner: u.owner, Size: u.size, Digest: u.digest}, nil
}

// Recent lists the last n committed uploads.
func (g *Gateway) Recent(n int) []uploadSummary {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]uploadSummary, 0, n)
	for e := g.recent.Front(); e != nil && len(out) < n; e = e.Next() {
		u := e.Value.(*upload)
		out = append(out, uploadSummary{ID: u.id, Owner: u.owner, Size: u.size, Digest: u.digest})
	}
	return out
}

func client(g *Gateway, n int, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	payload := make([]byte, chunkSize)
	rng.Read(payload)
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("up-%d-%d", n, seq)
		g.Open(id, fmt.Sprintf("user%03d", rng.Intn(500)))
		chunks := 1 + rng.Intn(3)
		for i := 0; i < chunks; i++ {
			payload[i] = byte(seq)
			if err := g.PutChunk(id, payload[:chunkSize-rng.Intn(4096)]); err != nil {
				panic(err)
			}
		}
		if _, err := g.Commit(id); err != nil {
			panic(err)
		}
		time.Sleep(time.Duration(5+rng.Intn(4)) * time.Millisecond)
	}
}

func main() {
	prof.Start()
	g := newGateway()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go client(g, i, int64(i+1), stop, &wg)
	}
	statusDone := make(chan struct{})
	go func() { // status page poller
		defer close(statusDone)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = g.Recent(20)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	<-statusDone
	prof.Stop()
	fmt.Printf("committed=%d bytes=%d inflight=%d recent=%d\n", atomic.LoadInt64(&g.committed), atomic.LoadInt64(&g.bytes), len(g.inflight), g.recent.Len())
}
