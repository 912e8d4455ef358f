// Command thumbd renders and serves image thumbnails for a photo-sharing
// site, keeping the most recently requested renditions in memory.
package main

import (
	"hash/crc32"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var widths = []uint16{80, 96}

type thumbServer struct {
	cache                  *LRU
	hits, renders, evicted int64
	purged                 int64
}

// render produces a width x width grayscale thumbnail (a synthetic gradient
// stands in for decoding and resampling the source image).
func render(k thumbKey) *thumb {
	w := int(k.width)
	px := make([]byte, w*w)
	seed := uint32(k.imageID*2654435761) ^ uint32(w)
	for y := 0; y < w; y++ {
		row := px[y*w : (y+1)*w]
		for x := range row {
			seed = seed*1664525 + 1013904223
			row[x] = byte((x*255/w+y*255/w)/2) ^ byte(seed>>27)
		}
	}
	return &thumb{key: k, pixels: px, etag: crc32.ChecksumIEEE(px)}
}

func (s *thumbServer) handle(imageID uint64, width uint16) int {
	k := thumbKey{imageID: imageID, width: width, format: "webp"}
	if t, ok := s.cache.Get(k); ok {
		atomic.AddInt64(&s.hits, 1)
		return len(t.pixels)
	}
	t := render(k)
	atomic.AddInt64(&s.renders, 1)
	s.cache.Add(t)
	return len(t.pixels)
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	s := &thumbServer{}
	s.cache = NewLRU(4000, withEvictHook(func(*thumb) { atomic.AddInt64(&s.evicted, 1) }))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var served int64
	for c := 0; c < 10; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			popular := rand.NewZipf(rng, 1.05, 8, 60000)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				s.handle(popular.Uint64(), widths[rng.Intn(len(widths))])
				atomic.AddInt64(&served, 1)
				if n%8 == 0 {
					time.Sleep(200 * time.Microsecond)
				}
			}
		}(int64(c) + 7)
	}
	// Users re-upload or delete photos now and then.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(3))
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			atomic.AddInt64(&s.purged, int64(s.cache.Purge(uint64(rng.Intn(2000)), widths, "webp")))
		}
	}()

	report := func() {
		entries, listed := s.cache.Len()
		log.Printf("served %d: hits %d renders %d evicted %d purged %d; cache %d entries (%d listed)",
			atomic.LoadInt64(&served), atomic.LoadInt64(&s.hits), atomic.LoadInt64(&s.renders),
			atomic.LoadInt64(&s.evicted), atomic.LoadInt64(&s.purged), entries, listed)
	}
	time.Sleep(2 * time.Second)
	report()
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()
	report()
}
