// Command presenced keeps the online/away/offline state of chat users for
// the live-event lobby. Clients heartbeat; a sweeper marks idle users away
// and publishes per-status counts to the lobby header several times a second.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type userID uint64

type status uint8

const (
	statusOffline status = iota
	statusOnline
	statusAway
	statusBusy
	numStatuses
)

type presence struct {
	lastSeen int64 // unix nanoseconds of the last heartbeat
	status   status
	device   uint8
	region   uint16
}

// The presence table. Everything that touches it holds tableMu.
var (
	tableMu sync.RWMutex
	table   = make(map[userID]presence)

	// lobbyCounts is what the lobby header shows, refreshed by sweep.
	lobbyCounts [numStatuses]int64
	sweeps      int64
)

const idleAfter = 400 * time.Millisecond

type beat struct {
	id     userID
	device uint8
	region uint16
}

// heartbeat records one client heartbeat.
func heartbeat(id userID, device uint8, region uint16, now int64) {
	tableMu.Lock()
	touch(beat{id, device, region}, now)
	tableMu.Unlock()
}

// heartbeatBatch applies a batch relayed by an edge gateway.
func heartbeatBatch(beats []beat, now int64) {
	tableMu.Lock()
	for _, b := range beats {
		touch(b, now)
	}
	tableMu.Unlock()
}

func touch(b beat, now int64) {
	p := table[b.id]
	p.lastSeen = now
	if p.status != statusBusy {
		p.status = statusOnline
	}
	p.device, p.region = b.device, b.region
	table[b.id] = p
}

func setBusy(id userID) {
	tableMu.Lock()
	if p, ok := table[id]; ok {
		p.status = statusBusy
		table[id] = p
	}
	tableMu.Unlock()
}

// signOffBatch removes users whose sessions the gateway closed.
func signOffBatch(ids []userID) {
	tableMu.Lock()
	for _, id := range ids {
		delete(table, id)
	}
	tableMu.Unlock()
}

// sweep recounts the lobby and marks users that stopped heartbeating as away.
func sweep(now int64, stale []userID) []userID {
	var counts [numStatuses]int64
	stale = stale[:0]
	tableMu.RLock()
	for id, p := range table {
		if p.status == statusOnline && now-p.lastSeen > int64(idleAfter) {
			stale = append(stale, id)
			p.status = statusAway
		}
		counts[p.status]++
	}
	tableMu.RUnlock()

	if len(stale) > 0 {
		tableMu.Lock()
		for _, id := range stale {
			if p, ok := table[id]; ok && p.status == statusOnline {
				p.status = statusAway
				table[id] = p
			}
		}
		tableMu.Unlock()
	}
	for i := range counts {
		atomic.StoreInt64(&lobbyCounts[i], counts[i])
	}
	atomic.AddInt64(&sweeps, 1)
	return stale
}

// runSweeper sweeps, then pauses for the given interval, until stopped.
func runSweeper(pause time.Duration, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	var stale []userID
	for {
		select {
		case <-stop:
			return
		case <-time.After(pause):
			stale = sweep(time.Now().UnixNano(), stale)
		}
	}
}

// joinWave is an edge gateway relaying the sign-ins of users [from, to) as
// the event starts, in batches.
func joinWave(from, to userID, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(from)))
	batch := make([]beat, 0, 20000)
	for id := from; id < to; id++ {
		batch = append(batch, beat{id, uint8(rng.Intn(3)), uint16(rng.Intn(40))})
		if len(batch) == cap(batch) || id == to-1 {
			heartbeatBatch(batch, time.Now().UnixNano())
			batch = batch[:0]
		}
	}
}

// leaveWave signs off every user in [from, to) except the regulars, who
// stay in the lobby after the event.
func leaveWave(from, to userID, wg *sync.WaitGroup) {
	defer wg.Done()
	batch := make([]userID, 0, 20000)
	for id := from; id < to; id++ {
		if !isRegular(id) {
			batch = append(batch, id)
		}
		if len(batch) == cap(batch) || id == to-1 {
			signOffBatch(batch)
			batch = batch[:0]
		}
	}
}

func isRegular(id userID) bool { return id%250 == 7 }

// regularClient is one of the users who stays around after the event.
func regularClients(ids []userID, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(len(ids))))
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 32; i++ {
			id := ids[rng.Intn(len(ids))]
			if rng.Intn(100) == 0 {
				setBusy(id)
				continue
			}
			heartbeat(id, 1, uint16(rng.Intn(40)), time.Now().UnixNano())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func main() {
	prof.Start()

	const audience = 1000000
	t0 := time.Now()
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(1)
	go runSweeper(100*time.Millisecond, stop, &bg)

	// The event starts: the audience floods in.
	var wave sync.WaitGroup
	const joiners = 4
	for i := 0; i < joiners; i++ {
		wave.Add(1)
		go joinWave(userID(i*audience/joiners), userID((i+1)*audience/joiners), &wave)
	}
	wave.Wait()
	fmt.Fprintf(os.Stderr, "event started: %d users online after %v\n", audience, time.Since(t0).Round(time.Millisecond))

	// The event ends and nearly everyone leaves.
	for i := 0; i < joiners; i++ {
		wave.Add(1)
		go leaveWave(userID(i*audience/joiners), userID((i+1)*audience/joiners), &wave)
	}
	wave.Wait()
	fmt.Fprintf(os.Stderr, "event over after %v\n", time.Since(t0).Round(time.Millisecond))

	var regulars []userID
	for id := userID(0); id < audience; id++ {
		if isRegular(id) {
			regulars = append(regulars, id)
		}
	}
	for i := 0; i < 2; i++ {
		bg.Add(1)
		go regularClients(regulars[i*len(regulars)/2:(i+1)*len(regulars)/2], stop, &bg)
	}

	time.Sleep(200 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1000 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(1300 * time.Millisecond)
	close(stop)
	bg.Wait()
	prof.Stop()

	tableMu.RLock()
	left := len(table)
	tableMu.RUnlock()
	fmt.Fprintf(os.Stderr, "users left=%d sweeps=%d online=%d away=%d busy=%d\n", left,
		atomic.LoadInt64(&sweeps), atomic.LoadInt64(&lobbyCounts[statusOnline]),
		atomic.LoadInt64(&lobbyCounts[statusAway]), atomic.LoadInt64(&lobbyCounts[statusBusy]))
}
