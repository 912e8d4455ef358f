// Command spanrelay is a trimmed-down span relay: it decodes spans arriving
// from agents, maps legacy attribute names onto the current semantic
// conventions, samples, and hands batches to an exporter.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Span is one decoded span. Attribute keys are whatever the agent sent.
type Span struct {
	TraceID  uint64
	SpanID   uint64
	Name     string
	Start    int64
	Duration int64
	attrs    map[string]string
}

// legacyAliases maps attribute names used by old agents to the names the
// backend indexes on. Both names are kept so dashboards built on either work.
var legacyAliases = map[string]string{
	"http.method":           "http.request.method",
	"http.status_code":      "http.response.status_code",
	"http.url":              "url.full",
	"http.target":           "url.path",
	"http.host":             "server.address",
	"http.scheme":           "url.scheme",
	"http.user_agent":       "user_agent.original",
	"net.peer.ip":           "network.peer.address",
	"net.peer.port":         "network.peer.port",
	"net.host.name":         "host.name",
	"db.statement":          "db.query.text",
	"db.system":             "db.system.name",
	"messaging.destination": "messaging.destination.name",
	"rpc.service":           "rpc.service.name",
	"thread.id":             "thread.native_id",
	"exception.type":        "error.type",
}

// applyConventions makes the span's attributes addressable under the
// current convention names, and adds the derived "service.*" keys the
// query layer expects.
func (s *Span) applyConventions(service, env string) {
	idx := s.attrs
	for k, v := range s.attrs {
		if alias, ok := legacyAliases[k]; ok {
			if _, present := idx[alias]; !present {
				idx[alias] = v
			}
			continue
		}
		if strings.HasPrefix(k, "app.") {
			idx["service."+k[len("app."):]] = v
		}
	}
	idx["service.name"] = service
	idx["deployment.environment"] = env
}

// decodeSpan parses the agent's line format:
//
//	trace;span;name;start;dur;k=v,k=v,...
func decodeSpan(line string) (*Span, error) {
	parts := strings.SplitN(line, ";", 6)
	if len(parts) != 6 {
		return nil, fmt.Errorf("short span record: %d fields", len(parts))
	}
	tid, err := strconv.ParseUint(parts[0], 16, 64)
	if err != nil {
		return nil, err
	}
	sid, err := strconv.ParseUint(parts[1], 16, 64)
	if err != nil {
		return nil, err
	}
	start, _ := strconv.ParseInt(parts[3], 10, 64)
	dur, _ := strconv.ParseInt(parts[4], 10, 64)
	s := &Span{TraceID: tid, SpanID: sid, Name: parts[2], Start: start, Duration: dur, attrs: make(map[string]string)}
	for _, kv := range strings.Split(parts[5], ",") {
		if eq := strings.IndexByte(kv, '='); eq > 0 {
			s.attrs[kv[:eq]] = kv[eq+1:]
		}
	}
	return s, nil
}

// sampler keeps every error span and a deterministic share of the rest.
type sampler struct{ keepPerMille uint64 }

func (sm sampler) keep(s *Span) bool {
	if s.attrs["error.type"] != "" {
		return true
	}
	return s.TraceID%1000 < sm.keepPerMille
}

// exporter batches spans and "ships" them (hashes the encoded batch).
type exporter struct {
	mu      sync.Mutex
	batch   []*Span
	shipped int64
	digest  uint64
}

func (e *exporter) add(s *Span) {
	e.mu.Lock()
	e.batch = append(e.batch, s)
	var full []*Span
	if len(e.batch) >= 256 {
		full, e.batch = e.batch, make([]*Span, 0, 256)
	}
	e.mu.Unlock()
	if full != nil {
		e.ship(full)
	}
}

func (e *exporter) ship(b []*Span) {
	h := fnv.New64a()
	var sb strings.Builder
	for _, s := range b {
		sb.Reset()
		sb.WriteString(s.Name)
		sb.WriteString(strconv.Itoa(len(s.attrs)))
		h.Write([]byte(sb.String()))
	}
	atomic.AddInt64(&e.shipped, int64(len(b)))
	atomic.StoreUint64(&e.digest, h.Sum64())
}

// agent produces span records like a busy instrumented web service.
func agent(id int, out chan<- string, stop <-chan struct{}) {
	r := rand.New(rand.NewSource(int64(id) * 7919))
	routes := []string{"/api/orders", "/api/cart", "/api/users/{id}", "/healthz", "/api/search"}
	methods := []string{"GET", "POST", "PUT"}
	var sb strings.Builder
	for {
		select {
		case <-stop:
			return
		default:
		}
		sb.Reset()
		route := routes[r.Intn(len(routes))]
		fmt.Fprintf(&sb, "%x;%x;%s %s;%d;%d;", r.Uint64(), r.Uint64(), methods[r.Intn(3)], route, time.Now().UnixNano(), r.Intn(90000000))
		fmt.Fprintf(&sb, "http.method=%s,http.status_code=%d,http.url=https://shop.example.com%s,http.target=%s,", methods[r.Intn(3)], 200+r.Intn(4)*100, route, route)
		fmt.Fprintf(&sb, "http.host=shop.example.com,http.scheme=https,http.user_agent=Mozilla/5.0 (agent %d),", id)
		fmt.Fprintf(&sb, "net.peer.ip=10.0.%d.%d,net.peer.port=%d,net.host.name=web-%d,thread.id=%d,", r.Intn(255), r.Intn(255), 30000+r.Intn(30000), id, r.Intn(64))
		fmt.Fprintf(&sb, "app.tenant=t%d,app.region=eu-west-%d,app.build=2024.%d,app.feature_flags=ff%d,", r.Intn(500), 1+r.Intn(3), r.Intn(52), r.Intn(9))
		if r.Intn(4) == 0 {
			fmt.Fprintf(&sb, "db.system=postgresql,db.statement=SELECT * FROM orders WHERE id=$%d,", r.Intn(9))
		}
		if r.Intn(20) == 0 {
			sb.WriteString("exception.type=context.DeadlineExceeded,")
		}
		select {
		case out <- sb.String():
		case <-stop:
			return
		}
	}
}

func relayWorker(in <-chan string, smp sampler, exp *exporter, processed *int64, wg *sync.WaitGroup) {
	defer wg.Done()
	for line := range in {
		s, err := decodeSpan(line)
		if err != nil {
			continue
		}
		s.applyConventions("checkout-web", "prod")
		atomic.AddInt64(processed, 1)
		if smp.keep(s) {
			exp.add(s)
		}
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second

	in := make(chan string, 1024)
	stop := make(chan struct{})
	exp := &exporter{}
	var processed int64

	var agents sync.WaitGroup
	for i := 0; i < 3; i++ {
		agents.Add(1)
		go func(id int) { defer agents.Done(); agent(id, in, stop) }(i)
	}
	var workers sync.WaitGroup
	for i := 0; i < 4; i++ {
		workers.Add(1)
		go relayWorker(in, sampler{keepPerMille: 50}, exp, &processed, &workers)
	}

	start := time.Now()
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))

	close(stop)
	agents.Wait()
	close(in)
	workers.Wait()
	fmt.Printf("relayed %d spans, shipped %d (digest %x)\n", atomic.LoadInt64(&processed), atomic.LoadInt64(&exp.shipped), exp.digest)
	prof.Stop()
}
