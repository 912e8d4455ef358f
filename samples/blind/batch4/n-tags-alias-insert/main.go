// Command seriesnorm is the ingest stage of a small metrics pipeline: it
// parses line-protocol samples sent by agents, normalizes their tag sets
// (lower-case keys, canonical values, derived classification tags) and
// folds them into per-series rollups that are flushed downstream.
package main

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

// Series is one parsed sample.
type Series struct {
	name  string
	tags  map[string]string
	value float64
	ts    int64
}

// Normalizer canonicalizes tag sets before series keys are computed.
type Normalizer struct {
	// classes maps a tag key to the name of the lookup table that
	// classifies its values (host -> tier, region -> geo, ...).
	classes map[string]map[string]string
	aliases map[string]string
}

func newNormalizer() *Normalizer {
	return &Normalizer{
		classes: map[string]map[string]string{
			"host":    {"web": "frontend", "api": "backend", "db": "storage", "cache": "storage", "worker": "batch"},
			"region":  {"eu-west": "emea", "eu-central": "emea", "us-east": "amer", "us-west": "amer", "ap-south": "apac"},
			"service": {"checkout": "revenue", "search": "discovery", "cart": "revenue", "auth": "platform", "feed": "discovery"},
			"env":     {"prod": "customer", "staging": "internal", "canary": "customer", "dev": "internal"},
			"team":    {"payments": "fintech", "growth": "product", "infra": "platform", "sre": "platform"},
		},
		aliases: map[string]string{
			"production": "prod", "stage": "staging", "stg": "staging", "development": "dev",
		},
	}
}

const derivedSuffix = "_class"

// normalize rewrites s.tags in place and adds a derived "<key>_class" tag for
// every key that has a classification table.
func (n *Normalizer) normalize(s *Series) {
	tags := s.tags
	for k, v := range s.tags {
		if strings.HasSuffix(k, derivedSuffix) {
			continue
		}
		if canon, ok := n.aliases[v]; ok {
			tags[k] = canon
			v = canon
		}
		table, ok := n.classes[k]
		if !ok {
			continue
		}
		prefix := v
		if i := strings.IndexByte(v, '-'); i > 0 && k == "host" {
			prefix = v[:i]
		} else if i := strings.LastIndexByte(v, '-'); i > 0 && k == "region" {
			if _, err := strconv.Atoi(v[i+1:]); err == nil {
				prefix = v[:i]
			}
		}
		class := table[prefix]
		if class == "" {
			class = "other"
		}
		tags[k+derivedSuffix] = class
	}
}

// parseLine parses "name,k=v,k=v value ts".
func parseLine(line string) (*Series, error) {
	sp := strings.IndexByte(line, ' ')
	if sp < 0 {
		return nil, fmt.Errorf("no fields in %q", line)
	}
	head, rest := line[:sp], line[sp+1:]
	parts := strings.Split(head, ",")
	s := &Series{name: parts[0], tags: make(map[string]string, len(parts)-1)}
	for _, p := range parts[1:] {
		eq := strings.IndexByte(p, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("bad tag %q", p)
		}
		s.tags[strings.ToLower(p[:eq])] = p[eq+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) != 2 {
		return nil, fmt.Errorf("bad fields %q", rest)
	}
	v, err := strconv.ParseFloat(strings.TrimPrefix(fields[0], "value="), 64)
	if err != nil {
		return nil, err
	}
	ts, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return nil, err
	}
	s.value, s.ts = v, ts
	return s, nil
}

// seriesKey builds the identity of a series from its sorted tags.
func seriesKey(s *Series, keys []string) (uint64, []string) {
	keys = keys[:0]
	for k := range s.tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := fnv.New64a()
	h.Write([]byte(s.name))
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte(s.tags[k]))
	}
	return h.Sum64(), keys
}

type rollup struct {
	count int64
	sum   float64
	max   float64
}

// ingester owns one shard of rollups; batches arrive on in.
type ingester struct {
	norm    *Normalizer
	rollups map[uint64]*rollup
	bad     int
}

func (g *ingester) run(in <-chan []string, done *sync.WaitGroup) {
	defer done.Done()
	var keys []string
	for batch := range in {
		for _, line := range batch {
			s, err := parseLine(line)
			if err != nil {
				g.bad++
				continue
			}
			g.norm.normalize(s)
			var id uint64
			id, keys = seriesKey(s, keys)
			r := g.rollups[id]
			if r == nil {
				r = &rollup{max: s.value}
				g.rollups[id] = r
			}
			r.count++
			r.sum += s.value
			if s.value > r.max {
				r.max = s.value
			}
		}
	}
}

// agentTraffic produces batches of line-protocol samples like a fleet of
// collection agents would.
func agentTraffic(out chan<- []string, until time.Time, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	hosts := []string{"web", "api", "db", "cache", "worker", "edge"}
	regions := []string{"eu-west-1", "eu-central-1", "us-east-2", "us-west-1", "ap-south-1", "sa-east-1"}
	services := []string{"checkout", "search", "cart", "auth", "feed", "ledger"}
	envs := []string{"prod", "production", "staging", "stg", "canary", "dev"}
	teams := []string{"payments", "growth", "infra", "sre", "data"}
	metrics := []string{"http_requests", "cpu_usage", "mem_rss", "gc_pause", "queue_depth"}
	fleet := make([]string, 400)
	for i := range fleet {
		fleet[i] = fmt.Sprintf("host=%s-%02d,region=%s,service=%s,env=%s,team=%s,pod=p%04d",
			hosts[rng.Intn(len(hosts))], rng.Intn(40),
			regions[rng.Intn(len(regions))],
			services[rng.Intn(len(services))],
			envs[rng.Intn(len(envs))],
			teams[rng.Intn(len(teams))],
			rng.Intn(2000))
	}
	var b strings.Builder
	for time.Now().Before(until) {
		batch := make([]string, 256)
		for i := range batch {
			b.Reset()
			b.WriteString(metrics[rng.Intn(len(metrics))])
			b.WriteByte(',')
			b.WriteString(fleet[rng.Intn(len(fleet))])
			b.WriteString(" value=")
			b.WriteString(strconv.FormatFloat(rng.Float64()*100, 'f', 3, 64))
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(1700000000+rng.Int63n(86400), 10))
			batch[i] = b.String()
		}
		out <- batch
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	norm := newNormalizer()
	in := make(chan []string, 64)
	var producers, workers sync.WaitGroup
	for p := 0; p < 2; p++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			agentTraffic(in, until, seed)
		}(int64(p + 1))
	}
	ingesters := make([]*ingester, 4)
	for i := range ingesters {
		ingesters[i] = &ingester{norm: norm, rollups: make(map[uint64]*rollup)}
		workers.Add(1)
		go ingesters[i].run(in, &workers)
	}

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	producers.Wait()
	close(in)
	workers.Wait()

	series, bad := 0, 0
	for _, g := range ingesters {
		series += len(g.rollups)
		bad += g.bad
	}
	fmt.Fprintf(os.Stderr, "ingested %d series, %d bad lines in %v\n", series, bad, time.Since(start).Round(time.Millisecond))
	prof.Stop()
}
