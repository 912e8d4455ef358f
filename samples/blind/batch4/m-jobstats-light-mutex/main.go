// Command thumbd is the thumbnail worker of a media pipeline: a fixed pool of
// workers takes upload jobs off a queue, produces a downscaled preview and a
// perceptual fingerprint, and records per-kind statistics for the dashboard.
package main

import (
	"fmt"
	"hash/crc32"
	"math/rand"
	"sort"
	"sync"
	"time"

	"blind/prof"
)

// Job is one uploaded image to process.
type Job struct {
	ID     int
	Kind   string // "avatar", "product", "banner", ...
	Width  int
	Height int
	Pixels []byte // 8-bit grayscale
}

// kindStats aggregates the results for one kind of job.
type kindStats struct {
	Count     int
	Failed    int
	Busy      time.Duration
	Slowest   time.Duration
	BytesIn   int64
	BytesOut  int64
	LastPrint uint32
}

// Recorder collects per-kind statistics from all workers.
type Recorder struct {
	mu    sync.Mutex
	kinds map[string]*kindStats
}

func NewRecorder() *Recorder { return &Recorder{kinds: make(map[string]*kindStats)} }

// Record adds one finished job.
func (r *Recorder) Record(kind string, took time.Duration, in, out int, print uint32, err error) {
	r.mu.Lock()
	s := r.kinds[kind]
	if s == nil {
		s = &kindStats{}
		r.kinds[kind] = s
	}
	s.Count++
	if err != nil {
		s.Failed++
	}
	s.Busy += took
	if took > s.Slowest {
		s.Slowest = took
	}
	s.BytesIn += int64(in)
	s.BytesOut += int64(out)
	s.LastPrint = print
	r.mu.Unlock()
}

// Report returns a line per kind, for the dashboard.
func (r *Recorder) Report() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var lines []string
	for k, s := range r.kinds {
		lines = append(lines, fmt.Sprintf("%-8s n=%d failed=%d avg=%v max=%v", k, s.Count, s.Failed,
			s.Busy/time.Duration(s.Count), s.Slowest))
	}
	sort.Strings(lines)
	return lines
}

var errTooSmall = fmt.Errorf("image too small")

// downscale halves the image twice with a 2x2 box filter.
func downscale(px []byte, w, h int) ([]byte, int, int) {
	for pass := 0; pass < 2; pass++ {
		nw, nh := w/2, h/2
		out := make([]byte, nw*nh)
		for y := 0; y < nh; y++ {
			row0 := px[2*y*w:]
			row1 := px[(2*y+1)*w:]
			for x := 0; x < nw; x++ {
				s := int(row0[2*x]) + int(row0[2*x+1]) + int(row1[2*x]) + int(row1[2*x+1])
				out[y*nw+x] = byte(s / 4)
			}
		}
		px, w, h = out, nw, nh
	}
	return px, w, h
}

// fingerprint is a tiny difference hash of the preview.
func fingerprint(px []byte, w, h int) uint32 {
	var bits uint32
	for i := 0; i < 32; i++ {
		y := (i / 8) * h / 4
		x := (i % 8) * (w - 1) / 8
		if px[y*w+x] > px[y*w+x+1] {
			bits |= 1 << uint(i)
		}
	}
	return bits ^ crc32.ChecksumIEEE(px)
}

// process does the real work of a job.
func process(j *Job) (outBytes int, print uint32, err error) {
	if j.Width < 64 || j.Height < 64 {
		return 0, 0, errTooSmall
	}
	// a few sharpening passes over the source before scaling
	px := make([]byte, len(j.Pixels))
	copy(px, j.Pixels)
	for pass := 0; pass < 3; pass++ {
		for i := 1; i < len(px)-1; i++ {
			v := 3*int(px[i]) - int(px[i-1]) - int(px[i+1])
			if v < 0 {
				v = 0
			} else if v > 255 {
				v = 255
			}
			px[i] = byte(v)
		}
	}
	small, w, h := downscale(px, j.Width, j.Height)
	return len(small), fingerprint(small, w, h), nil
}

func worker(jobs <-chan *Job, rec *Recorder, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		start := time.Now()
		out, print, err := process(j)
		rec.Record(j.Kind, time.Since(start), len(j.Pixels), out, print, err)
	}
}

var kinds = []string{"avatar", "product", "banner", "gallery", "document", "story"}

func main() {
	prof.Start()

	// a small set of source images, reused by the simulated uploads
	rng := rand.New(rand.NewSource(3))
	sources := make([][]byte, 16)
	for i := range sources {
		sources[i] = make([]byte, 256*256)
		rng.Read(sources[i])
	}

	rec := NewRecorder()
	jobs := make(chan *Job, 64)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go worker(jobs, rec, &wg)
	}

	stop := make(chan struct{})
	fed := make(chan int)
	go func() {
		n := 0
		defer func() { close(jobs); fed <- n }()
		for {
			select {
			case <-stop:
				return
			case jobs <- &Job{ID: n, Kind: kinds[n%len(kinds)], Width: 256, Height: 256, Pixels: sources[n%len(sources)]}:
				n++
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	total := <-fed
	wg.Wait()

	prof.Stop()
	fmt.Println("jobs:", total)
	for _, l := range rec.Report() {
		fmt.Println(l)
	}
}
