// A small slice of an API gateway's request router: it parses the query
// string into a parameter map, canonicalises the parameters (keeping the raw
// form next to the cleaned one for the audit log) and dispatches to a
// handler registered for the path.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Request struct {
	Method string
	Path   string
	Query  string
	Params map[string]string
}

type Response struct {
	Status int
	Body   string
}

type HandlerFunc func(*Request) Response

type route struct {
	method  string
	prefix  string
	handler HandlerFunc
}

type Router struct {
	routes   []route
	served   int64
	notFound int64
}

func (rt *Router) Handle(method, prefix string, h HandlerFunc) {
	rt.routes = append(rt.routes, route{method: method, prefix: prefix, handler: h})
}

var errBadQuery = errors.New("malformed query string")

func parseQuery(q string) (map[string]string, error) {
	params := make(map[string]string)
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		eq := strings.IndexByte(pair, '=')
		if eq <= 0 {
			return nil, errBadQuery
		}
		params[pair[:eq]] = pair[eq+1:]
	}
	return params, nil
}

// ServeRequest parses, canonicalises and dispatches one request.
func (rt *Router) ServeRequest(req *Request) Response {
	params, err := parseQuery(req.Query)
	if err != nil {
		return Response{Status: 400, Body: err.Error()}
	}
	req.Params = params

	// Keep "<name>_raw" for the audit trail and replace the value with its
	// unescaped, trimmed form for the handlers.
	dst := req.Params
	for name, val := range req.Params {
		if strings.HasSuffix(name, "_raw") {
			continue
		}
		dst[name+"_raw"] = val
		if clean, err := url.QueryUnescape(val); err == nil {
			dst[name] = strings.TrimSpace(clean)
		}
	}

	for _, r := range rt.routes {
		if r.method == req.Method && strings.HasPrefix(req.Path, r.prefix) {
			atomic.AddInt64(&rt.served, 1)
			return r.handler(req)
		}
	}
	atomic.AddInt64(&rt.notFound, 1)
	return Response{Status: 404}
}

// --- handlers ----------------------------------------------------------------

func searchProducts(req *Request) Response {
	limit, _ := strconv.Atoi(req.Params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	return Response{Status: 200, Body: fmt.Sprintf(`{"q":%q,"limit":%d}`, req.Params["q"], limit)}
}

func getOrder(req *Request) Response {
	id := strings.TrimPrefix(req.Path, "/v1/orders/")
	if id == "" {
		return Response{Status: 400}
	}
	return Response{Status: 200, Body: `{"order":"` + id + `","currency":"` + req.Params["currency"] + `"}`}
}

func listReviews(req *Request) Response {
	page, _ := strconv.Atoi(req.Params["page"])
	return Response{Status: 200, Body: "reviews page " + strconv.Itoa(page) + " sort=" + req.Params["sort"]}
}

// --- synthetic clients ---------------------------------------------------------

var queryKeys = []string{
	"q", "limit", "page", "sort", "currency", "locale", "utm_source",
	"utm_medium", "session", "ab", "fields", "cursor", "region", "tz",
}

func randomRequest(rng *rand.Rand) *Request {
	var sb strings.Builder
	n := 5 + rng.Intn(6)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(queryKeys[rng.Intn(len(queryKeys))])
		sb.WriteByte('=')
		switch rng.Intn(3) {
		case 0:
			sb.WriteString(strconv.Itoa(rng.Intn(500)))
		case 1:
			sb.WriteString("red%20shoes%20")
		default:
			sb.WriteString("en-GB")
		}
	}
	switch rng.Intn(3) {
	case 0:
		return &Request{Method: "GET", Path: "/v1/search", Query: sb.String()}
	case 1:
		return &Request{Method: "GET", Path: "/v1/orders/" + strconv.Itoa(rng.Intn(1e6)), Query: sb.String()}
	default:
		return &Request{Method: "GET", Path: "/v1/reviews", Query: sb.String()}
	}
}

func main() {
	prof.Start()

	rt := &Router{}
	rt.Handle("GET", "/v1/search", searchProducts)
	rt.Handle("GET", "/v1/orders/", getOrder)
	rt.Handle("GET", "/v1/reviews", listReviews)

	incoming := make(chan *Request, 256)
	var statusCounts [6]int64
	var workers sync.WaitGroup
	for i := 0; i < 6; i++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for req := range incoming {
				resp := rt.ServeRequest(req)
				atomic.AddInt64(&statusCounts[resp.Status/100], 1)
			}
		}()
	}

	done := make(chan struct{})
	var clients sync.WaitGroup
	for c := 0; c < 2; c++ {
		clients.Add(1)
		go func(seed int64) {
			defer clients.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-done:
					return
				case incoming <- randomRequest(rng):
				}
			}
		}(int64(c) * 7919)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(done)
	clients.Wait()
	close(incoming)
	workers.Wait()

	fmt.Printf("served=%d notfound=%d 2xx=%d 4xx=%d\n",
		rt.served, rt.notFound, statusCounts[2], statusCounts[4])
	prof.Stop()
}
