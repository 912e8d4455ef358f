// Command indexer builds small inverted-index segments from a stream of
// documents and serves term queries against the most recent segments.
package main

import (
	"log"
	"math/rand"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Posting is the list of documents a term occurs in.
type Posting struct {
	Docs []uint32
	Freq int
	Stem bool
}

// Segment is an immutable-once-sealed slice of the index.
type Segment struct {
	ID    int
	terms map[string]*Posting
	docs  int
}

// segmentDocs documents make a segment, with about segmentTerms distinct terms.
const (
	segmentDocs  = 1000
	segmentTerms = 24000
)

func NewSegment(id int) *Segment {
	return &Segment{ID: id, terms: make(map[string]*Posting, segmentTerms)}
}

// Add indexes one document.
func (s *Segment) Add(docID uint32, body string) {
	for _, tok := range strings.Fields(body) {
		p := s.terms[tok]
		if p == nil {
			p = &Posting{}
			s.terms[tok] = p
		}
		p.Docs = append(p.Docs, docID)
		p.Freq++
	}
	s.docs++
}

var (
	prefixes = []string{"un", "re", "pre", "dis"}
	suffixes = []string{"ing", "ed", "es", "ly", "er", "ment", "s"}
)

// stems returns the crude stemmed forms of a term ("reconnected" ->
// "reconnect", "connected", "connect").
func stems(term string) []string {
	var out []string
	base := term
	for _, p := range prefixes {
		if len(term) > len(p)+3 && strings.HasPrefix(term, p) {
			base = term[len(p):]
			out = append(out, base)
			break
		}
	}
	for _, sfx := range suffixes {
		if len(term) > len(sfx)+3 && strings.HasSuffix(term, sfx) {
			out = append(out, term[:len(term)-len(sfx)])
			if base != term && len(base) > len(sfx)+3 {
				out = append(out, base[:len(base)-len(sfx)])
			}
			break
		}
	}
	return out
}

// ExpandStems makes queries for a stem match the inflected forms: every
// stem gets a posting that shares the documents of the term it came from.
func (s *Segment) ExpandStems() int {
	terms := s.terms
	added := 0
	for term, p := range s.terms {
		for _, st := range stems(term) {
			if q, ok := terms[st]; ok {
				q.Freq += p.Freq
				continue
			}
			terms[st] = &Posting{Docs: p.Docs, Freq: p.Freq, Stem: true}
			added++
		}
	}
	return added
}

// Lookup returns the documents for a term.
func (s *Segment) Lookup(term string) []uint32 {
	if p, ok := s.terms[term]; ok {
		return p.Docs
	}
	return nil
}

// Searcher holds the last few sealed segments.
type Searcher struct {
	mu   sync.RWMutex
	segs []*Segment
	keep int
}

func (sr *Searcher) Publish(seg *Segment) {
	sr.mu.Lock()
	sr.segs = append(sr.segs, seg)
	if len(sr.segs) > sr.keep {
		sr.segs = append(sr.segs[:0:0], sr.segs[len(sr.segs)-sr.keep:]...)
	}
	sr.mu.Unlock()
}

func (sr *Searcher) Query(term string) int {
	sr.mu.RLock()
	segs := sr.segs
	sr.mu.RUnlock()
	n := 0
	for _, s := range segs {
		n += len(s.Lookup(term))
	}
	return n
}

// corpus produces synthetic documents from a fixed vocabulary of roots.
type corpus struct {
	rnd   *rand.Rand
	roots []string
}

func newCorpus(seed int64, nroots int) *corpus {
	c := &corpus{rnd: rand.New(rand.NewSource(seed))}
	vocab := rand.New(rand.NewSource(42)) // same vocabulary for every client
	cons, vows := "bcdfghklmnprstvz", "aeiou"
	for i := 0; i < nroots; i++ {
		var b strings.Builder
		for j := 0; j < 2+vocab.Intn(3); j++ {
			b.WriteByte(cons[vocab.Intn(len(cons))])
			b.WriteByte(vows[vocab.Intn(len(vows))])
		}
		b.WriteByte(cons[vocab.Intn(len(cons))])
		c.roots = append(c.roots, b.String())
	}
	return c
}

func (c *corpus) word() string {
	w := c.roots[c.rnd.Intn(len(c.roots))]
	if c.rnd.Intn(3) == 0 {
		w = prefixes[c.rnd.Intn(len(prefixes))] + w
	}
	if c.rnd.Intn(2) == 0 {
		w += suffixes[c.rnd.Intn(len(suffixes))]
	}
	return w
}

func (c *corpus) document(words int) string {
	var b strings.Builder
	for i := 0; i < words; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.word())
	}
	return b.String()
}

func main() {
	prof.Start()

	const runFor = 6 * time.Second
	searcher := &Searcher{keep: 4}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var segments, stemmed, queries int64

	// Indexers: each seals a segment every segmentDocs documents.
	var nextSeg int64
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			c := newCorpus(seed, 40000)
			doc := uint32(0)
			for {
				select {
				case <-stop:
					return
				default:
				}
				seg := NewSegment(int(atomic.AddInt64(&nextSeg, 1)))
				for i := 0; i < segmentDocs; i++ {
					doc++
					seg.Add(doc, c.document(24))
				}
				atomic.AddInt64(&stemmed, int64(seg.ExpandStems()))
				searcher.Publish(seg)
				atomic.AddInt64(&segments, 1)
			}
		}(int64(w + 1))
	}

	// Query clients.
	for q := 0; q < 2; q++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			c := newCorpus(seed, 40000)
			for {
				select {
				case <-stop:
					return
				default:
				}
				searcher.Query(c.word())
				atomic.AddInt64(&queries, 1)
				time.Sleep(50 * time.Microsecond)
			}
		}(int64(q + 100))
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	log.Printf("segments=%d stems=%d queries=%d", segments, stemmed, queries)
	prof.Stop()
}
