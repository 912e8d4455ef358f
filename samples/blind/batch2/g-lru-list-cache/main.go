// Command thumbd serves resized product thumbnails. Rendering is expensive,
// so rendered thumbnails are kept in an LRU cache keyed by image and size.
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

type thumbKey struct {
	imageID uint32
	width   uint16
	format  uint8
}

type thumbnail struct {
	etag   uint64
	pixels []byte
	made   time.Time
}

var widths = []uint16{64, 128, 256, 320}

// render produces the thumbnail from the (simulated) original image.
func render(k thumbKey) *thumbnail {
	w := int(k.width)
	px := make([]byte, w*w/16)
	seed := uint32(k.imageID)*2654435761 + uint32(k.width)
	for i := range px {
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		px[i] = byte(seed)
	}
	h := fnv.New64a()
	h.Write(px)
	return &thumbnail{etag: h.Sum64(), pixels: px, made: time.Now()}
}

type thumbRequest struct {
	key   thumbKey
	reply chan<- uint64
}

type server struct {
	cache    *LRU[thumbKey, *thumbnail]
	rendered uint64
	bytesOut uint64
}

func (s *server) handle(req thumbRequest) {
	t, ok := s.cache.Get(req.key)
	if !ok {
		t = render(req.key)
		atomic.AddUint64(&s.rendered, 1)
		s.cache.Add(req.key, t)
	}
	atomic.AddUint64(&s.bytesOut, uint64(len(t.pixels)))
	req.reply <- t.etag
}

func (s *server) workers(n int, in <-chan thumbRequest, wg *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for req := range in {
				s.handle(req)
			}
		}()
	}
}

// client simulates a storefront page loading thumbnails.
func client(seed int64, out chan<- thumbRequest, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	zipf := rand.NewZipf(rng, 1.1, 8, 200000)
	reply := make(chan uint64, 1)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 24; i++ { // one product grid
			k := thumbKey{imageID: uint32(zipf.Uint64()), width: widths[rng.Intn(len(widths))], format: uint8(rng.Intn(2))}
			out <- thumbRequest{key: k, reply: reply}
			<-reply
		}
		time.Sleep(300 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	var evictedBytes uint64
	s := &server{cache: NewLRU[thumbKey, *thumbnail](6000, func(_ thumbKey, t *thumbnail) {
		evictedBytes += uint64(len(t.pixels))
	})}
	reqs := make(chan thumbRequest, 64)
	var workersWG, clientsWG sync.WaitGroup
	s.workers(4, reqs, &workersWG)
	stop := make(chan struct{})
	for i := 0; i < 3; i++ {
		clientsWG.Add(1)
		go client(int64(i+1), reqs, stop, &clientsWG)
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(t0))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(t0))
	close(stop)
	clientsWG.Wait()
	close(reqs)
	workersWG.Wait()

	prof.Stop()
	c := s.cache
	fmt.Printf("cached=%d hits=%d misses=%d evictions=%d rendered=%d evictedMB=%d\n",
		c.Len(), c.hits, c.misses, c.evictions, s.rendered, evictedBytes>>20)
}
