// Command thumbsvc serves image previews for a photo gallery: a request for a
// preview is answered from an in-memory LRU or rendered from the original.
package main

import (
	"fmt"
	"hash/crc32"
	"log"
	"math"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

const thumbSide = 64 // 64x64 RGBA = 16 KB

// render stands in for decoding the original and scaling it down.
func render(imageID string) *Thumbnail {
	px := make([]byte, thumbSide*thumbSide*4)
	seed := crc32.ChecksumIEEE([]byte(imageID))
	for i := 0; i < len(px); i += 4 {
		seed = seed*1103515245 + 12345
		px[i], px[i+1], px[i+2], px[i+3] = byte(seed>>24), byte(seed>>16), byte(seed>>8), 0xff
	}
	return &Thumbnail{ImageID: imageID, Width: thumbSide, Height: thumbSide, Pixels: px}
}

type server struct {
	cache *ThumbCache
}

// preview answers one request and returns the number of bytes "sent".
func (s *server) preview(imageID string) int {
	t, ok := s.cache.Get(imageID)
	if !ok {
		t = render(imageID)
		s.cache.Put(imageID, t)
	}
	// Pretend to write the response: checksum it like an ETag would.
	_ = crc32.ChecksumIEEE(t.Pixels[:512])
	return len(t.Pixels)
}

// zipfIDs draws gallery image ids with a long-tail popularity.
func zipfIDs(r *rand.Rand, n, catalog int) []string {
	z := rand.NewZipf(r, 1.1, 4, uint64(catalog-1))
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("img/%06d", z.Uint64())
	}
	return ids
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	begin := time.Now()

	srv := &server{cache: NewThumbCache(512)} // ~8 MB of pixels at most
	done := make(chan struct{})
	var wg sync.WaitGroup
	var sentMu sync.Mutex
	var sent int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			ids := zipfIDs(r, 20000, 50000)
			var local int64
			for i := 0; ; i++ {
				if i%64 == 0 {
					select {
					case <-done:
						sentMu.Lock()
						sent += local
						sentMu.Unlock()
						return
					default:
					}
				}
				local += int64(srv.preview(ids[i%len(ids)]))
			}
		}(int64(w) + 1)
	}

	for _, mark := range []struct {
		at   time.Duration
		take func()
	}{{runFor / 3, prof.HeapEarly}, {runFor / 2, prof.Goroutines}, {runFor, func() {}}} {
		time.Sleep(mark.at - time.Since(begin))
		mark.take()
	}
	close(done)
	wg.Wait()
	prof.Stop()
	h, m, e, n := srv.cache.Stats()
	log.Printf("thumbsvc: hit ratio %.2f, %d evictions, %d cached, %.1f MB sent",
		float64(h)/math.Max(1, float64(h+m)), e, n, float64(sent)/1e6)
}
