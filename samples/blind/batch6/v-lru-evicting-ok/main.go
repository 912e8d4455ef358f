// Command thumbd serves product thumbnails. Rendered thumbnails are kept in a
// byte-budgeted LRU; a miss renders the image again from the (synthetic) source.
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

type thumbKey struct {
	product uint32
	width   uint16
	format  uint8 // 0 = webp, 1 = jpeg
}

type Thumbnail struct {
	Width, Height int
	ETag          uint32
	Pixels        []byte
}

func (t *Thumbnail) Size() int { return len(t.Pixels) + 48 }

// render produces the thumbnail for k (stands for decode + resize + encode).
func render(k thumbKey) *Thumbnail {
	w := int(k.width)
	h := w * 3 / 4
	px := make([]byte, w*h/2+int(k.product%4096)) // compressed-ish size, 18-60 KB
	seed := k.product*2654435761 + uint32(k.width)
	for i := range px {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		px[i] = byte(seed)
	}
	return &Thumbnail{Width: w, Height: h, ETag: crc32.ChecksumIEEE(px[:256]), Pixels: px}
}

type server struct {
	cache   *LRU[thumbKey, *Thumbnail]
	bytesTx uint64
	served  uint64
}

func (s *server) thumbnail(k thumbKey) *Thumbnail {
	if t, ok := s.cache.Get(k); ok {
		return t
	}
	t := render(k)
	s.cache.Add(k, t)
	return t
}

var widths = []uint16{240, 320, 480}

// browse simulates shoppers scrolling the catalogue: a few products are hot,
// the long tail is not.
func (s *server) browse(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id) + 100))
	zipf := rand.NewZipf(rng, 1.15, 4, 30000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		k := thumbKey{product: uint32(zipf.Uint64()), width: widths[rng.Intn(len(widths))], format: uint8(rng.Intn(2))}
		t := s.thumbnail(k)
		atomic.AddUint64(&s.bytesTx, uint64(len(t.Pixels)))
		atomic.AddUint64(&s.served, 1)
		time.Sleep(20 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	srv := &server{cache: NewLRU[thumbKey, *Thumbnail](32 << 20)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go srv.browse(i, stop, &wg)
	}

	stats := func(when string) {
		n, used, hits, misses, ev := srv.cache.Stats()
		log.Printf("%s %s: entries=%d used=%dKB hits=%d misses=%d evicted=%d", when,
			time.Since(start).Round(time.Millisecond), n, used>>10, hits, misses, ev)
	}
	time.Sleep(2 * time.Second)
	stats("early")
	prof.HeapEarly()
	time.Sleep(3*time.Second - time.Since(start))
	prof.Goroutines()
	time.Sleep(6*time.Second - time.Since(start))
	stats("end")
	prof.Stop() // profiled while serving

	close(stop)
	wg.Wait()
	log.Printf("served=%d tx=%dMB", atomic.LoadUint64(&srv.served), atomic.LoadUint64(&srv.bytesTx)>>20)
}
