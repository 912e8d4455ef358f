// Command sessiond simulates the session tier of a web shop: users log in,
// browse and put items in their carts, and log out again.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

var agents = []string{"Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)", "okhttp/4.12.0"}
var locales = []string{"de-DE", "en-US", "fr-FR", "nl-NL"}

// visit is one user's short visit: log in, a few page views, log out.
func visit(m *SessionManager, r *rand.Rand, user int64) {
	s := m.Login(user, agents[r.Intn(len(agents))], locales[r.Intn(len(locales))])
	for i := 0; i < 3+r.Intn(4); i++ {
		sku := ""
		if r.Intn(3) == 0 {
			sku = fmt.Sprintf("SKU-%05d", r.Intn(20000))
		}
		m.Touch(s.ID, sku)
	}
	m.Logout(s.ID)
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	t0 := time.Now()

	m := NewSessionManager()
	tickets := make(chan int64, 256)
	var wg sync.WaitGroup
	for c := 0; c < 6; c++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for user := range tickets {
				visit(m, r, user)
			}
		}(int64(c))
	}

	// Arrivals: about 6000 visits a second, released every 10 ms.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var user int64
	early, gor := false, false
	for time.Since(t0) < runFor {
		<-tick.C
		for i := 0; i < 60; i++ {
			user++
			select {
			case tickets <- user:
			default: // overloaded: shed the visit
			}
		}
		el := time.Since(t0)
		if !early && el > runFor/3 {
			prof.HeapEarly()
			early = true
		}
		if !gor && el > runFor/2 {
			prof.Goroutines()
			gor = true
		}
	}
	close(tickets)
	wg.Wait()
	prof.Stop()
	live, in, out, ev := m.Stats()
	log.Printf("sessiond: %d live, %d logins, %d logouts, %d activity events", live, in, out, ev)
}
