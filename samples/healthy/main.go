// Command healthy is the control sample: an access-log report generator with
// ordinary, modest map use next to other work. It parses batches of log
// lines (strings.Fields, strconv), aggregates them per route in a small map
// ((*Aggregator).Add), sorts the routes by traffic, renders a JSON report
// (encoding/json) and a plain-text summary (strings.Builder), and signs the
// report with SHA-256. Maps take only the share of CPU that every Go program
// spends on them; no anti-pattern rule should fire on it.
//
// It accepts -fixed like the other samples, but there is nothing to fix:
// -fixed runs the same workload.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"proflens/samples/internal/harness"
)

// RouteStats aggregates the requests of one route.
type RouteStats struct {
	Route      string         `json:"route"`
	Requests   int            `json:"requests"`
	Errors     int            `json:"errors"`
	Bytes      int64          `json:"bytes"`
	LatencyP50 float64        `json:"latency_p50_ms"`
	LatencyMax float64        `json:"latency_max_ms"`
	Statuses   map[string]int `json:"statuses"`
	latencies  []float64
}

// Aggregator collects per-route statistics for one report window.
type Aggregator struct {
	routes map[string]*RouteStats
}

// Add parses one log line ("METHOD ROUTE STATUS BYTES LATENCY_MS") and
// accounts for it.
//
//go:noinline
func (a *Aggregator) Add(line string) error {
	f := strings.Fields(line)
	if len(f) != 5 {
		return fmt.Errorf("malformed line %q", line)
	}
	bytes, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return err
	}
	lat, err := strconv.ParseFloat(f[4], 64)
	if err != nil {
		return err
	}
	key := f[0] + " " + f[1]
	s, ok := a.routes[key]
	if !ok {
		s = &RouteStats{Route: key, Statuses: make(map[string]int)}
		a.routes[key] = s
	}
	s.Requests++
	if f[2][0] == '5' {
		s.Errors++
	}
	s.Bytes += bytes
	s.Statuses[f[2]]++
	s.latencies = append(s.latencies, lat)
	return nil
}

// Report is the JSON document produced per window.
type Report struct {
	Window    int           `json:"window"`
	Generated string        `json:"generated"`
	Routes    []*RouteStats `json:"routes"`
	Signature string        `json:"signature,omitempty"`
}

// buildReport sorts the routes by traffic and computes their percentiles.
//
//go:noinline
func (a *Aggregator) buildReport(window int) *Report {
	r := &Report{Window: window, Generated: time.Unix(1700000000+int64(window)*60, 0).UTC().Format(time.RFC3339)}
	for _, s := range a.routes {
		sort.Float64s(s.latencies)
		s.LatencyP50 = s.latencies[len(s.latencies)/2]
		s.LatencyMax = s.latencies[len(s.latencies)-1]
		r.Routes = append(r.Routes, s)
	}
	sort.Slice(r.Routes, func(i, j int) bool {
		if r.Routes[i].Requests != r.Routes[j].Requests {
			return r.Routes[i].Requests > r.Routes[j].Requests
		}
		return r.Routes[i].Route < r.Routes[j].Route
	})
	return r
}

// renderSummary writes the plain-text version of the report.
//
//go:noinline
func renderSummary(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "window %d (%s)\n", r.Window, r.Generated)
	for _, s := range r.Routes {
		b.WriteString(s.Route)
		b.WriteString(strings.Repeat(" ", 40-len(s.Route)%40))
		b.WriteString(strconv.Itoa(s.Requests))
		b.WriteString(" req, ")
		b.WriteString(strconv.FormatFloat(s.LatencyP50, 'f', 1, 64))
		b.WriteString(" ms p50\n")
	}
	return b.String()
}

// signReport renders the report as JSON and signs it.
//
//go:noinline
func signReport(r *Report, key []byte) ([]byte, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(key)
	h.Write(body)
	r.Signature = hex.EncodeToString(h.Sum(nil))
	return json.MarshalIndent(r, "", "  ")
}

var methods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
var statuses = []string{"200", "200", "200", "200", "201", "204", "304", "400", "404", "500"}

// generateLogs produces one window of synthetic access-log lines.
//
//go:noinline
func generateLogs(rng *rand.Rand, n int) []string {
	lines := make([]string, n)
	var b strings.Builder
	for i := range lines {
		b.Reset()
		b.WriteString(methods[rng.Intn(len(methods))])
		b.WriteString(" /api/v2/resource")
		b.WriteString(strconv.Itoa(rng.Intn(40)))
		b.WriteByte(' ')
		b.WriteString(statuses[rng.Intn(len(statuses))])
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(200 + rng.Intn(50000)))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(rng.ExpFloat64()*20, 'f', 2, 64))
		lines[i] = b.String()
	}
	return lines
}

func main() {
	opts := harness.ParseFlags("healthy: access-log report generator with ordinary map use (control sample; -fixed changes nothing)", harness.Fixed)
	runFor := harness.RunFor(3 * time.Second)
	const linesPerWindow = 5000

	rng := rand.New(rand.NewSource(5))
	key := []byte("report-signing-key")
	var windows, outBytes int

	harness.StartCPU(opts.Out)
	start := time.Now()
	early := false
	for time.Since(start) < runFor {
		windows++
		agg := &Aggregator{routes: make(map[string]*RouteStats)}
		for _, line := range generateLogs(rng, linesPerWindow) {
			if err := agg.Add(line); err != nil {
				harness.Fatal(err)
			}
		}
		rep := agg.buildReport(windows)
		doc, err := signReport(rep, key)
		if err != nil {
			harness.Fatal(err)
		}
		outBytes += len(doc) + len(renderSummary(rep))
		if !early && time.Since(start) >= runFor/2 {
			harness.WriteHeapEarly(opts.Out)
			early = true
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "healthy: %d report windows in %v, %d bytes of reports\n", windows, elapsed.Round(time.Millisecond), outBytes)
}
