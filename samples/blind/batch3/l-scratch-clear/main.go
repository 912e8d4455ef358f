// Command keywordd extracts keywords from support tickets as they arrive so
// the triage board can route them. Each worker tokenizes one ticket at a
// time and reuses its term-frequency scratch map between tickets.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"blind/prof"
)

type ticket struct {
	ID      int
	Subject string
	Body    string
}

type keywords struct {
	TicketID int
	Top      []string
	Queue    string
}

var stopwords = map[string]bool{
	"the": true, "a": true, "an": true, "and": true, "or": true, "to": true,
	"is": true, "it": true, "of": true, "in": true, "on": true, "my": true,
	"i": true, "we": true, "for": true, "with": true, "this": true, "not": true,
}

var routes = map[string]string{
	"invoice": "billing", "refund": "billing", "charge": "billing",
	"login": "accounts", "password": "accounts", "sso": "accounts",
	"crash": "engineering", "error": "engineering", "timeout": "engineering",
	"export": "data", "csv": "data", "report": "data",
}

// extractor is one worker's tokenizer state.
type extractor struct {
	tf    map[string]int // term frequencies of the current ticket
	terms []string
}

func newExtractor() *extractor {
	return &extractor{tf: make(map[string]int, 32), terms: make([]string, 0, 32)}
}

func (x *extractor) extract(t ticket) keywords {
	x.count(t.Subject, 3)
	x.count(t.Body, 1)

	x.terms = x.terms[:0]
	for term := range x.tf {
		x.terms = append(x.terms, term)
	}
	sort.Slice(x.terms, func(i, j int) bool {
		a, b := x.terms[i], x.terms[j]
		if x.tf[a] != x.tf[b] {
			return x.tf[a] > x.tf[b]
		}
		return a < b
	})
	n := len(x.terms)
	if n > 5 {
		n = 5
	}
	kw := keywords{TicketID: t.ID, Top: append([]string(nil), x.terms[:n]...), Queue: "general"}
	for _, term := range kw.Top {
		if q, ok := routes[term]; ok {
			kw.Queue = q
			break
		}
	}

	// Reset the scratch map for the next ticket.
	for term := range x.tf {
		delete(x.tf, term)
	}
	return kw
}

func (x *extractor) count(text string, weight int) {
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		w := strings.ToLower(f)
		if len(w) < 2 || stopwords[w] {
			continue
		}
		x.tf[w] += weight
	}
}

var vocab = strings.Fields(`invoice refund charge login password sso crash error timeout export
csv report dashboard upload api webhook latency billing account plan upgrade downgrade
mobile android ios browser chrome firefox safari page button form email notification
slow broken missing duplicate wrong permission admin team invite seat license renewal
card declined payment tax vat receipt pdf print sync calendar integration slack jira`)

func makeTicket(rng *rand.Rand, id int) ticket {
	words := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			if rng.Intn(4) == 0 {
				b.WriteString([]string{"the", "my", "is", "not", "with", "and"}[rng.Intn(6)])
				continue
			}
			w := vocab[rng.Intn(len(vocab))]
			if rng.Intn(8) == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		b.WriteByte('.')
		return b.String()
	}
	return ticket{ID: id, Subject: words(4 + rng.Intn(4)), Body: words(18 + rng.Intn(14))}
}

func main() {
	prof.Start()

	inbox := make(chan ticket, 512)
	routed := make(chan keywords, 512)
	stop := make(chan struct{})

	var producers sync.WaitGroup
	for p := 0; p < 2; p++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			rng := rand.New(rand.NewSource(seed))
			for id := int(seed) * 10000000; ; id++ {
				select {
				case <-stop:
					return
				case inbox <- makeTicket(rng, id):
				}
			}
		}(int64(p + 1))
	}

	var workers sync.WaitGroup
	for w := 0; w < 3; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			x := newExtractor()
			for t := range inbox {
				routed <- x.extract(t)
			}
		}()
	}

	perQueue := map[string]int{}
	board := make(chan struct{})
	go func() {
		for kw := range routed {
			perQueue[kw.Queue]++
		}
		close(board)
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1500 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	producers.Wait()
	close(inbox)
	workers.Wait()
	close(routed)
	<-board
	prof.Stop()

	fmt.Fprintln(os.Stderr, "tickets routed:", perQueue)
}
