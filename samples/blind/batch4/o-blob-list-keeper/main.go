// Command fragsrv serves rendered CMS page fragments (article bodies, teaser
// grids) from an in-process cache that the publishing pipeline invalidates
// whenever an editor saves a document.
package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"html"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const numDocuments = 2500

var bufPool = sync.Pool{New: func() interface{} { return new(bytes.Buffer) }}

var paragraphs = []string{
	"The council voted on Tuesday to extend the pilot programme for another year.",
	"Residents can comment on the proposal until the end of the month.",
	"Analysts expect the figures to be revised once late filings are included.",
	"The museum reopens its east wing after a two-year restoration & refit.",
	"Ticket prices remain unchanged for children under <12> and for students.",
}

// renderDocument renders one document revision into buf and returns its etag.
func renderDocument(buf *bytes.Buffer, doc, rev int) string {
	rng := rand.New(rand.NewSource(int64(doc)*1000003 + int64(rev)))
	buf.Reset()
	fmt.Fprintf(buf, "<article id=\"doc-%d\" data-rev=\"%d\">\n<h1>%s</h1>\n", doc, rev,
		html.EscapeString("Document "+strconv.Itoa(doc)+" & related coverage"))
	n := 110 + rng.Intn(200)
	for i := 0; i < n; i++ {
		buf.WriteString("<p class=\"body\">")
		buf.WriteString(html.EscapeString(paragraphs[rng.Intn(len(paragraphs))]))
		buf.WriteString("</p>\n")
	}
	buf.WriteString("</article>\n")
	sum := sha1.Sum(buf.Bytes())
	return hex.EncodeToString(sum[:8])
}

type site struct {
	cache     *fragmentCache
	revisions []int64 // current revision per document
	served    int64
	bytesOut  int64
}

func fragmentKey(doc int) string { return "frag/article/" + strconv.Itoa(doc) }

// serve handles one request for a document fragment.
func (s *site) serve(doc int) {
	key := fragmentKey(doc)
	f, ok := s.cache.get(key)
	if !ok {
		buf := bufPool.Get().(*bytes.Buffer)
		rev := int(atomic.LoadInt64(&s.revisions[doc]))
		etag := renderDocument(buf, doc, rev)
		f = s.cache.put(key, etag, buf.Bytes())
		bufPool.Put(buf)
	}
	atomic.AddInt64(&s.served, 1)
	atomic.AddInt64(&s.bytesOut, int64(len(f.body)))
}

// publish simulates editors saving documents: each save bumps the revision and
// invalidates the cached fragment.
func (s *site) publish(rng *rand.Rand) {
	doc := rng.Intn(numDocuments)
	atomic.AddInt64(&s.revisions[doc], 1)
	s.cache.invalidate(fragmentKey(doc))
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	s := &site{
		cache:     newFragmentCache(1 << 30),
		revisions: make([]int64, numDocuments),
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup

	requests := make(chan int, 256)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for doc := range requests {
				s.serve(doc)
			}
		}()
	}

	// Traffic: popular articles get most of the reads.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(requests)
		rng := rand.New(rand.NewSource(1))
		zipf := rand.NewZipf(rng, 1.1, 4, numDocuments-1)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for i := 0; i < 20; i++ {
				requests <- int(zipf.Uint64())
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()

	// Publishing pipeline: a steady stream of saves.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(2))
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				for i := 0; i < 4; i++ {
					s.publish(rng)
				}
			}
		}
	}()

	report := func() {
		st := s.cache.stats()
		log.Printf("cache: %d entries, %d MB accounted, list %d, hits %d misses %d invalidations %d evictions %d; served %d",
			st.entries, st.bytes>>20, st.listLen, st.hits, st.misses, st.invalidations, st.evictions, atomic.LoadInt64(&s.served))
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
