// uploadsvc accepts resumable uploads: a client opens a session, PUTs the
// file chunk by chunk, and finalises it; the service verifies the checksum
// and hands the assembled object to storage. Sessions are owned by a single
// manager goroutine that serialises all state changes.
package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

const chunkSize = 48 << 10

type UploadSession struct {
	ID        string
	Owner     string
	Bucket    string
	Started   time.Time
	Completed time.Time
	Chunks    [][]byte
	Received  int64
	Checksum  uint32
}

// recentUploads keeps the last finished sessions around so they can be
// dumped from the debug endpoint when a customer reports a corrupt upload.
var recentUploads []*UploadSession

type opKind int

const (
	opBegin opKind = iota
	opChunk
	opFinish
)

type op struct {
	kind   opKind
	id     string
	owner  string
	bucket string
	index  int
	data   []byte
	crc    uint32
	reply  chan error
}

type UploadManager struct {
	sessions map[string]*UploadSession
	ops      chan op
	stored   int64
	bytes    int64
}

func NewUploadManager() *UploadManager {
	return &UploadManager{sessions: make(map[string]*UploadSession), ops: make(chan op, 64)}
}

var (
	errNoSession = errors.New("upload session not found")
	errChecksum  = errors.New("checksum mismatch")
)

func (m *UploadManager) Run(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case o := <-m.ops:
			var err error
			switch o.kind {
			case opBegin:
				m.sessions[o.id] = &UploadSession{ID: o.id, Owner: o.owner, Bucket: o.bucket, Started: time.Now()}
			case opChunk:
				err = m.putChunk(o.id, o.index, o.data)
			case opFinish:
				err = m.finish(o.id, o.crc)
			}
			o.reply <- err
		}
	}
}

func (m *UploadManager) putChunk(id string, index int, data []byte) error {
	s, ok := m.sessions[id]
	if !ok {
		return errNoSession
	}
	for len(s.Chunks) <= index {
		s.Chunks = append(s.Chunks, nil)
	}
	buf := make([]byte, len(data))
	copy(buf, data)
	s.Chunks[index] = buf
	s.Received += int64(len(buf))
	return nil
}

// finish verifies the upload, writes it to storage and closes the session.
func (m *UploadManager) finish(id string, want uint32) error {
	s, ok := m.sessions[id]
	if !ok {
		return errNoSession
	}
	h := crc32.NewIEEE()
	for _, c := range s.Chunks {
		h.Write(c)
	}
	s.Checksum = h.Sum32()
	if s.Checksum != want {
		return errChecksum
	}
	m.stored++
	m.bytes += s.Received
	s.Completed = time.Now()

	delete(m.sessions, id)
	recentUploads = append(recentUploads, s)
	return nil
}

// --- clients -------------------------------------------------------------------

func (m *UploadManager) call(o op) error {
	o.reply = make(chan error, 1)
	m.ops <- o
	return <-o.reply
}

func uploader(m *UploadManager, client int, stop <-chan struct{}, failures *int64, mu *sync.Mutex) {
	rng := rand.New(rand.NewSource(int64(client) * 31337))
	chunk := make([]byte, chunkSize)
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("up-%02d-%06d", client, n)
		if err := m.call(op{kind: opBegin, id: id, owner: fmt.Sprintf("acct-%d", rng.Intn(500)), bucket: "media-eu"}); err != nil {
			continue
		}
		h := crc32.NewIEEE()
		parts := 3 + rng.Intn(5)
		for i := 0; i < parts; i++ {
			rng.Read(chunk[:256])
			for off := 256; off < len(chunk); off *= 2 {
				copy(chunk[off:], chunk[:off])
			}
			h.Write(chunk)
			if err := m.call(op{kind: opChunk, id: id, index: i, data: chunk}); err != nil {
				break
			}
		}
		if err := m.call(op{kind: opFinish, id: id, crc: h.Sum32()}); err != nil {
			mu.Lock()
			*failures++
			mu.Unlock()
		}
		time.Sleep(time.Duration(30+rng.Intn(20)) * time.Millisecond)
	}
}

func main() {
	prof.Start()

	m := NewUploadManager()
	done := make(chan struct{})
	managerDone := make(chan struct{})
	go func() {
		m.Run(done)
		close(managerDone)
	}()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var failures int64
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			uploader(m, c, stop, &failures, &failMu)
		}(c)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	close(done)
	<-managerDone

	fmt.Printf("stored %d uploads (%d MB), %d open sessions, %d failures, %d kept for debugging\n",
		m.stored, m.bytes>>20, len(m.sessions), failures, len(recentUploads))
	prof.Stop()
}
