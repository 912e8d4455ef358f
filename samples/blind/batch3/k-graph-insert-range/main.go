// Command crawlsvc is the frontier-expansion part of a small site crawler:
// each job starts from a handful of seed URLs, "fetches" every page on the
// frontier, and adds the links it finds until the job's page budget is spent.
package main

import (
	"fmt"
	"hash/fnv"
	"log"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// pageState is what the crawler remembers about one URL of a job.
type pageState struct {
	depth   int
	fetched bool
	status  int
	outDeg  int
}

// CrawlJob crawls one site.
type CrawlJob struct {
	Site     string
	Seeds    []string
	MaxPages int
	MaxDepth int

	frontier map[string]*pageState
	fetches  int
}

// linkFetcher stands in for the HTTP client + HTML parser. Paths are
// interned once: every site of the test fleet shares the same URL layout.
type linkFetcher struct {
	fanout int
	paths  []string
	buf    []string
}

func newLinkFetcher(fanout, space int) *linkFetcher {
	f := &linkFetcher{fanout: fanout, paths: make([]string, space)}
	for i := range f.paths {
		f.paths[i] = "/p/" + strconv.FormatUint(uint64(i)*2654435761%1000003, 36)
	}
	return f
}

// Links returns the outgoing links (site-relative paths) of a page; it is
// deterministic per site and path so a site has a stable link graph. The
// returned slice is only valid until the next call.
func (f *linkFetcher) Links(site, path string) (int, []string) {
	h := fnv.New32a()
	h.Write([]byte(site))
	h.Write([]byte(path))
	seed := h.Sum32()
	n := f.fanout/2 + int(seed%uint32(f.fanout))
	f.buf = f.buf[:0]
	for i := 0; i < n; i++ {
		seed = seed*1664525 + 1013904223
		f.buf = append(f.buf, f.paths[int(seed>>8)%len(f.paths)])
	}
	return 200, f.buf
}

// Expand runs one pass over the frontier: every page not yet fetched is
// fetched and the links it yields are queued on the frontier.
func (j *CrawlJob) Expand(f *linkFetcher) int {
	added := 0
	for path, st := range j.frontier {
		if st.fetched || st.depth >= j.MaxDepth {
			continue
		}
		status, links := f.Links(j.Site, path)
		st.fetched, st.status, st.outDeg = true, status, len(links)
		j.fetches++
		for _, l := range links {
			if len(j.frontier) >= j.MaxPages {
				break
			}
			if _, seen := j.frontier[l]; !seen {
				j.frontier[l] = &pageState{depth: st.depth + 1}
				added++
			}
		}
	}
	return added
}

// Run crawls until the frontier stops growing or the budget is spent.
func (j *CrawlJob) Run(f *linkFetcher) {
	j.frontier = make(map[string]*pageState)
	for _, s := range j.Seeds {
		j.frontier[s] = &pageState{}
	}
	for pass := 0; pass < 8; pass++ {
		if j.Expand(f) == 0 {
			break
		}
	}
}

type stats struct {
	jobs, pages, fetches int64
}

func worker(id int, jobs <-chan *CrawlJob, st *stats, wg *sync.WaitGroup) {
	defer wg.Done()
	f := newLinkFetcher(12, 1<<17)
	for j := range jobs {
		j.Run(f)
		atomic.AddInt64(&st.jobs, 1)
		atomic.AddInt64(&st.pages, int64(len(j.frontier)))
		atomic.AddInt64(&st.fetches, int64(j.fetches))
	}
	_ = id
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()

	jobs := make(chan *CrawlJob)
	var st stats
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go worker(i, jobs, &st, &wg)
	}

	heapTaken, gorTaken := false, false
	for n := 0; time.Since(start) < runFor; n++ {
		site := fmt.Sprintf("shop%03d.example.com", n%250)
		jobs <- &CrawlJob{
			Site:     site,
			Seeds:    []string{"/", "/sitemap.xml"},
			MaxPages: 20000,
			MaxDepth: 6,
		}
		el := time.Since(start)
		if !heapTaken && el > runFor/3 {
			prof.HeapEarly()
			heapTaken = true
		}
		if !gorTaken && el > runFor/2 {
			prof.Goroutines()
			gorTaken = true
		}
	}
	close(jobs)
	wg.Wait()
	log.Printf("crawl: %d jobs, %d pages, %d fetches", st.jobs, st.pages, st.fetches)
	prof.Stop()
}
