// Command reportapi serves the reporting endpoints of a billing backend and
// keeps per-endpoint request statistics for its /debug/stats page.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"math/rand"
	"sort"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

type request struct {
	endpoint string
	account  int
	rng      *rand.Rand
}

type response struct {
	status int
	body   []byte
}

type handlerFunc func(req *request) (response, error)

// endpointStat is what /debug/stats shows for one endpoint.
type endpointStat struct {
	Count    int64
	Errors   int64
	Bytes    int64
	Total    time.Duration
	Slowest  time.Duration
	LastCode int
}

var (
	routes = map[string]handlerFunc{
		"/v1/invoices/export.csv": exportInvoicesCSV,
		"/v1/usage/daily":         dailyUsage,
		"/v1/accounts/search":     searchAccounts,
		"/v1/invoices/etag":       invoiceETag,
	}
	routeNames []string

	// endpointStats is updated by every handler goroutine after each request.
	endpointStats = map[string]endpointStat{}
)

var errNotFound = errors.New("account not found")

func recordRequest(endpoint string, took time.Duration, resp response, err error) {
	st := endpointStats[endpoint]
	st.Count++
	st.Total += took
	st.Bytes += int64(len(resp.body))
	st.LastCode = resp.status
	if err != nil {
		st.Errors++
	}
	if took > st.Slowest {
		st.Slowest = took
	}
	endpointStats[endpoint] = st
}

func exportInvoicesCSV(req *request) (response, error) {
	var buf bytes.Buffer
	buf.WriteString("invoice_id,account,period,amount_cents,currency,status\n")
	for i := 0; i < 3500; i++ {
		buf.WriteString("INV-")
		buf.WriteString(strconv.Itoa(req.account*100000 + i))
		buf.WriteByte(',')
		buf.WriteString(strconv.Itoa(req.account))
		buf.WriteString(",2024-")
		buf.WriteString(strconv.Itoa(1 + i%12))
		buf.WriteByte(',')
		buf.WriteString(strconv.FormatInt(req.rng.Int63n(5000000), 10))
		buf.WriteString(",EUR,")
		if i%17 == 0 {
			buf.WriteString("overdue\n")
		} else {
			buf.WriteString("paid\n")
		}
	}
	return response{status: 200, body: buf.Bytes()}, nil
}

type usagePoint struct {
	Day      string  `json:"day"`
	Metric   string  `json:"metric"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
}

func dailyUsage(req *request) (response, error) {
	points := make([]usagePoint, 0, 900)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 300; d++ {
		day := base.AddDate(0, 0, d).Format("2006-01-02")
		points = append(points,
			usagePoint{day, "api_calls", float64(req.rng.Intn(100000)), "calls"},
			usagePoint{day, "storage", req.rng.Float64() * 512, "GiB"},
			usagePoint{day, "egress", req.rng.Float64() * 90, "GiB"})
	}
	body, err := json.Marshal(map[string]interface{}{"account": req.account, "points": points})
	if err != nil {
		return response{status: 500}, err
	}
	return response{status: 200, body: body}, nil
}

type accountRow struct {
	id    int
	name  string
	score float64
}

func searchAccounts(req *request) (response, error) {
	rows := make([]accountRow, 12000)
	q := float64(req.account%97) / 97
	for i := range rows {
		s := req.rng.Float64()
		rows[i] = accountRow{id: i, name: "acct-" + strconv.Itoa(i), score: (s - q) * (s - q)}
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a].score < rows[b].score })
	if rows[0].score > 0.5 {
		return response{status: 404}, errNotFound
	}
	var buf bytes.Buffer
	for _, r := range rows[:50] {
		fmt.Fprintf(&buf, "%d\t%s\t%.4f\n", r.id, r.name, r.score)
	}
	return response{status: 200, body: buf.Bytes()}, nil
}

func invoiceETag(req *request) (response, error) {
	doc := make([]byte, 64<<10)
	req.rng.Read(doc)
	sum := sha256.Sum256(doc)
	for i := 0; i < 40; i++ {
		sum = sha256.Sum256(append(sum[:], doc[i*1024:(i+1)*1024]...))
	}
	return response{status: 200, body: []byte(hex.EncodeToString(sum[:]))}, nil
}

// serveConn plays one keep-alive client connection.
func serveConn(id int, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(int64(id) + 42))
	for {
		select {
		case <-stop:
			return
		default:
		}
		req := &request{endpoint: routeNames[rng.Intn(len(routeNames))], account: 1000 + rng.Intn(9000), rng: rng}
		start := time.Now()
		resp, err := routes[req.endpoint](req)
		recordRequest(req.endpoint, time.Since(start), resp, err)
		time.Sleep(time.Duration(500+rng.Intn(1500)) * time.Microsecond)
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)
	for name := range routes {
		routeNames = append(routeNames, name)
	}
	sort.Strings(routeNames)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 12; c++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			serveConn(id, stop)
		}(c)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	prof.Stop()

	for _, name := range routeNames {
		st := endpointStats[name]
		if st.Count == 0 {
			continue
		}
		log.Printf("%-26s %5d req %3d err avg %v max %v", name, st.Count, st.Errors,
			(st.Total / time.Duration(st.Count)).Round(time.Microsecond), st.Slowest.Round(time.Microsecond))
	}
}
