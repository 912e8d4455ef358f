// Command gatewayd is the session-tracking middleware of the API gateway:
// every authenticated request refreshes the caller's session activity, and
// a janitor drops sessions that went idle.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type sessionActivity struct {
	UserID   uint32
	LastSeen int64 // unix nanos
	Requests uint32
	Route    string
}

// activity maps session token -> sessionActivity.
var activity sync.Map

var (
	handled  uint64
	expired  uint64
	loggedIn uint64
)

const idleTimeout = 80 * time.Millisecond

type request struct {
	token  string
	userID uint32
	route  string
	logout bool
}

// touchSession is the middleware step run on every request.
func touchSession(req request, now time.Time) {
	var reqs uint32 = 1
	if prev, ok := activity.Load(req.token); ok {
		reqs = prev.(sessionActivity).Requests + 1
	} else {
		atomic.AddUint64(&loggedIn, 1)
	}
	activity.Store(req.token, sessionActivity{UserID: req.userID, LastSeen: now.UnixNano(), Requests: reqs, Route: req.route})
	if req.logout {
		activity.Delete(req.token)
	}
}

// handle is the (trimmed) request handler behind the middleware.
func handle(req request) int {
	touchSession(req, time.Now())
	atomic.AddUint64(&handled, 1)
	if len(req.route) > 12 {
		return 200
	}
	return 204
}

// reapIdle removes sessions that have not been seen within idleTimeout.
func reapIdle(now time.Time) {
	cutoff := now.Add(-idleTimeout).UnixNano()
	activity.Range(func(k, v interface{}) bool {
		if v.(sessionActivity).LastSeen < cutoff {
			activity.Delete(k)
			atomic.AddUint64(&expired, 1)
		}
		return true
	})
}

var routes = []string{"/v1/orders", "/v1/orders/items", "/v1/profile", "/v1/cart", "/v1/search", "/v1/payments/intent"}

func clientLoop(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	tokens := make([]string, 400)
	for i := range tokens {
		tokens[i] = "sess-" + strconv.Itoa(id) + "-" + strconv.FormatInt(rng.Int63(), 36)
	}
	for n := 0; ; n++ {
		if n&63 == 0 {
			select {
			case <-stop:
				return
			default:
			}
			time.Sleep(200 * time.Microsecond)
		}
		i := rng.Intn(len(tokens))
		req := request{token: tokens[i], userID: uint32(id*1000 + i), route: routes[rng.Intn(len(routes))]}
		if rng.Intn(50) == 0 { // logout; the client logs in again with a new token
			req.logout = true
			tokens[i] = "sess-" + strconv.Itoa(id) + "-" + strconv.FormatInt(rng.Int63(), 36)
		}
		handle(req)
	}
}

func main() {
	prof.Start()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go clientLoop(c, stop, &wg)
	}
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				reapIdle(now)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	<-janitorDone
	prof.Stop()
	fmt.Printf("handled=%d logins=%d expired=%d\n", atomic.LoadUint64(&handled), atomic.LoadUint64(&loggedIn), atomic.LoadUint64(&expired))
}
