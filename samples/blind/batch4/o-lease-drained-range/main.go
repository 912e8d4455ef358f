// Command leasesrv is the lease service of a sharded storage cluster. A single
// owner goroutine holds the lease table; clients talk to it over channels.
// When a peer fails, this node takes over the peer's shards and grants
// leases for all of their ranges until the rebalancer moves them away again.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

type leaseID uint64

type lease struct {
	resource string
	holder   string
	ttl      time.Duration
	expires  time.Time
	renewals uint32
}

type leaseTable struct {
	leases  map[leaseID]lease
	nextID  leaseID
	renewed uint64
	expired uint64
}

const renewAhead = 300 * time.Millisecond

func (t *leaseTable) grant(resource, holder string, ttl time.Duration, now time.Time) leaseID {
	t.nextID++
	t.leases[t.nextID] = lease{resource: resource, holder: holder, ttl: ttl, expires: now.Add(ttl)}
	return t.nextID
}

func (t *leaseTable) release(id leaseID) bool {
	if _, ok := t.leases[id]; !ok {
		return false
	}
	delete(t.leases, id)
	return true
}

// renewDue extends every lease that expires within renewAhead and drops the
// ones whose holder stopped asking (ttl of zero means "do not renew").
func (t *leaseTable) renewDue(now time.Time) {
	horizon := now.Add(renewAhead)
	for id, l := range t.leases {
		if l.expires.After(horizon) {
			continue
		}
		if l.ttl == 0 {
			delete(t.leases, id)
			t.expired++
			continue
		}
		l.expires = now.Add(l.ttl)
		l.renewals++
		t.leases[id] = l
		t.renewed++
	}
}

type acquireReq struct {
	resources []string
	holder    string
	ttl       time.Duration
	reply     chan []leaseID
}

type releaseReq struct {
	ids   []leaseID
	reply chan int
}

type leaseServer struct {
	acquire chan acquireReq
	release chan releaseReq
	status  chan chan string
	table   *leaseTable
}

func newLeaseServer() *leaseServer {
	return &leaseServer{
		acquire: make(chan acquireReq),
		release: make(chan releaseReq),
		status:  make(chan chan string),
		table:   &leaseTable{leases: make(map[leaseID]lease)},
	}
}

// run owns the table: it serves requests and renews leases between them.
func (s *leaseServer) run(stop <-chan struct{}) {
	renew := time.NewTicker(10 * time.Millisecond)
	defer renew.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-renew.C:
			s.table.renewDue(now)
		case r := <-s.acquire:
			now := time.Now()
			ids := make([]leaseID, len(r.resources))
			for i, res := range r.resources {
				ids[i] = s.table.grant(res, r.holder, r.ttl, now)
			}
			r.reply <- ids
		case r := <-s.release:
			n := 0
			for _, id := range r.ids {
				if s.table.release(id) {
					n++
				}
			}
			r.reply <- n
		case c := <-s.status:
			c <- fmt.Sprintf("%d leases held, %d renewals, %d expired",
				len(s.table.leases), s.table.renewed, s.table.expired)
		}
	}
}

type client struct {
	srv    *leaseServer
	holder string
	done   <-chan struct{}
}

func (c *client) acquire(ttl time.Duration, resources ...string) []leaseID {
	reply := make(chan []leaseID, 1)
	select {
	case c.srv.acquire <- acquireReq{resources: resources, holder: c.holder, ttl: ttl, reply: reply}:
		return <-reply
	case <-c.done:
		return nil
	}
}

func (c *client) release(ids ...leaseID) int {
	reply := make(chan int, 1)
	select {
	case c.srv.release <- releaseReq{ids: ids, reply: reply}:
		return <-reply
	case <-c.done:
		return 0
	}
}

func (s *leaseServer) report() {
	c := make(chan string)
	s.status <- c
	log.Print(<-c)
}

// takeOver simulates failover of one peer: a lease for every key range of its
// shards, held until the rebalancer hands the shards to their new owner.
func takeOver(srv *leaseServer, peer int, ranges int, acquired *sync.WaitGroup, handBack <-chan struct{}) {
	c := &client{srv: srv, holder: fmt.Sprintf("failover/peer-%d", peer), done: make(chan struct{})}
	var held []leaseID
	batch := make([]string, 0, 10000)
	for r := 0; r < ranges; r++ {
		batch = append(batch, fmt.Sprintf("shard-%03d/range-%05d", peer, r))
		if len(batch) == cap(batch) {
			held = append(held, c.acquire(10*time.Second, batch...)...)
			batch = batch[:0]
		}
	}
	acquired.Done()
	<-handBack
	c.release(held...)
}

// steadyClient holds a handful of long-lived leases and churns a few short ones.
func steadyClient(srv *leaseServer, id int, stop <-chan struct{}) {
	c := &client{srv: srv, holder: fmt.Sprintf("node-%d", id), done: stop}
	rng := rand.New(rand.NewSource(int64(id)))
	long := make([]string, 12)
	for i := range long {
		long[i] = fmt.Sprintf("meta/node-%d/slot-%d", id, i)
	}
	c.acquire(time.Second, long...)
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Duration(4+rng.Intn(12)) * time.Millisecond):
		}
		ids := c.acquire(500*time.Millisecond, fmt.Sprintf("lock/tx-%d-%d", id, rng.Int63()))
		c.release(ids...)
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	srv := newLeaseServer()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv.run(stop)
	}()
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			steadyClient(srv, id, stop)
		}(i)
	}

	// Two peers fail at once; this node takes over their shards.
	handBack := make(chan struct{})
	var failover, acquired sync.WaitGroup
	for p := 0; p < 2; p++ {
		failover.Add(1)
		acquired.Add(1)
		go func(peer int) {
			defer failover.Done()
			takeOver(srv, peer, 100000, &acquired, handBack)
		}(p)
	}
	acquired.Wait()
	srv.report()
	time.Sleep(200 * time.Millisecond)
	close(handBack) // rebalancer moved the shards away
	failover.Wait()
	srv.report()

	time.Sleep(500 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2700 * time.Millisecond)
	srv.report()
	prof.Stop()
	close(stop)
	wg.Wait()
}
