// Command thumbsvc renders thumbnails for uploaded images. A pool of
// workers takes render requests from a queue; failed renders are counted by
// reason so the /debug/vars page can show what goes wrong.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"sync"
	"time"

	"blind/prof"
)

type renderRequest struct {
	ObjectKey string
	Width     int
	Height    int
	Format    string
	Source    []byte
}

type renderResult struct {
	Key    string
	Digest [32]byte
	Bytes  int
}

var (
	errUnsupportedFormat = errors.New("unsupported format")
	errTooLarge          = errors.New("source too large")
	errCorrupt           = errors.New("corrupt header")
)

// server holds the render pipeline and its counters.
type server struct {
	maxPixels int

	// failures counts failed renders by reason. Written by every worker.
	failures map[string]int

	mu        sync.Mutex
	rendered  int
	bytesOut  int
	lastError time.Time
}

func newServer() *server {
	s := &server{maxPixels: 4096 * 4096, failures: make(map[string]int)}
	for _, e := range []error{errUnsupportedFormat, errTooLarge, errCorrupt} {
		s.failures[e.Error()] = 0
	}
	return s
}

// recordFailure bumps the counter for a failed render.
func (s *server) recordFailure(err error) {
	s.failures[err.Error()]++
}

func (s *server) render(req renderRequest) (renderResult, error) {
	switch req.Format {
	case "jpeg", "png", "webp":
	default:
		return renderResult{}, errUnsupportedFormat
	}
	if req.Width*req.Height > s.maxPixels {
		return renderResult{}, errTooLarge
	}
	if len(req.Source) < 16 || binary.BigEndian.Uint32(req.Source) == 0 {
		return renderResult{}, errCorrupt
	}
	// "Scale" the image: a few passes of hashing stand in for the resampler.
	sum := sha256.Sum256(req.Source)
	passes := 1 + (req.Width*req.Height)/(256*256)
	for i := 0; i < passes; i++ {
		h := sha256.New()
		h.Write(sum[:])
		h.Write(req.Source)
		copy(sum[:], h.Sum(nil))
	}
	return renderResult{Key: req.ObjectKey, Digest: sum, Bytes: len(req.Source) / 3}, nil
}

func (s *server) worker(queue <-chan renderRequest, wg *sync.WaitGroup) {
	defer wg.Done()
	for req := range queue {
		res, err := s.render(req)
		if err != nil {
			s.recordFailure(err)
			continue
		}
		s.mu.Lock()
		s.rendered++
		s.bytesOut += res.Bytes
		s.mu.Unlock()
	}
}

var formats = []string{"jpeg", "jpeg", "png", "webp", "png", "jpeg"}

// uploads simulates the upload frontend feeding the render queue. About
// one request in 1000 is bad in some way.
func uploads(queue chan<- renderRequest, until time.Time, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	src := make([]byte, 2048)
	rng.Read(src)
	n := 0
	for time.Now().Before(until) {
		n++
		req := renderRequest{
			ObjectKey: fmt.Sprintf("u/%06d/img-%d", rng.Intn(100000), n),
			Width:     64 << uint(rng.Intn(3)),
			Height:    64 << uint(rng.Intn(3)),
			Format:    formats[rng.Intn(len(formats))],
			Source:    src[:512+rng.Intn(1536)],
		}
		switch rng.Intn(3000) {
		case 0:
			req.Format = "tiff"
		case 1:
			req.Width, req.Height = 9000, 9000
		case 2:
			req.Source = make([]byte, 32)
		}
		queue <- req
	}
}

func main() {
	prof.Start()

	s := newServer()
	queue := make(chan renderRequest, 64)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go s.worker(queue, &wg)
	}

	start := time.Now()
	end := start.Add(6 * time.Second)
	var feeders sync.WaitGroup
	for i := 0; i < 2; i++ {
		feeders.Add(1)
		go func(seed int64) {
			defer feeders.Done()
			uploads(queue, end, seed)
		}(int64(i + 1))
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(time.Second)
	prof.Goroutines()
	feeders.Wait()
	close(queue)
	wg.Wait()
	prof.Stop()

	reasons := make([]string, 0, len(s.failures))
	for r := range s.failures {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	fmt.Fprintf(os.Stderr, "rendered=%d bytes=%d\n", s.rendered, s.bytesOut)
	for _, r := range reasons {
		fmt.Fprintf(os.Stderr, "  failed %-20s %d\n", r, s.failures[r])
	}
}
