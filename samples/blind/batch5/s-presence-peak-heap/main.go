// Command presenced tracks which users are online for the chat frontend.
// Gateways report connects, heartbeats and disconnects; the roster API asks
// which of a user's contacts are online.
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

type status uint8

const (
	statusOnline status = iota + 1
	statusAway
	statusBusy
)

type device uint8

const (
	deviceWeb device = iota
	deviceIOS
	deviceAndroid
	deviceDesktop
)

type presence struct {
	since    int64
	lastBeat int64
	status   status
	device   device
	gateway  uint16
}

// The presence table is process-wide state, guarded by presenceMu.
var (
	presenceMu sync.RWMutex
	online     = make(map[uint64]presence)
)

func markOnline(uid uint64, dev device, gw uint16, now int64) {
	presenceMu.Lock()
	online[uid] = presence{since: now, lastBeat: now, status: statusOnline, device: dev, gateway: gw}
	presenceMu.Unlock()
}

func heartbeat(uid uint64, st status, now int64) bool {
	presenceMu.Lock()
	defer presenceMu.Unlock()
	p, ok := online[uid]
	if !ok {
		return false
	}
	p.lastBeat = now
	p.status = st
	online[uid] = p
	return true
}

func markOffline(uid uint64) {
	presenceMu.Lock()
	delete(online, uid)
	presenceMu.Unlock()
}

func onlineCount() int {
	presenceMu.RLock()
	defer presenceMu.RUnlock()
	return len(online)
}

type contactState struct {
	UserID uint64 `json:"user_id"`
	Status string `json:"status"`
	Device string `json:"device,omitempty"`
	IdleMs int64  `json:"idle_ms"`
}

var statusNames = map[status]string{statusOnline: "online", statusAway: "away", statusBusy: "busy"}
var deviceNames = map[device]string{deviceWeb: "web", deviceIOS: "ios", deviceAndroid: "android", deviceDesktop: "desktop"}

// rosterHandler answers "which of these contacts are online" with a JSON
// body, as the roster API does for every client refresh.
func rosterHandler(contacts []uint64, now int64) []byte {
	out := make([]contactState, 0, len(contacts))
	presenceMu.RLock()
	for _, c := range contacts {
		p, ok := online[c]
		if !ok {
			out = append(out, contactState{UserID: c, Status: "offline"})
			continue
		}
		out = append(out, contactState{
			UserID: c,
			Status: statusNames[p.status],
			Device: deviceNames[p.device],
			IdleMs: (now - p.lastBeat) / int64(time.Millisecond),
		})
	}
	presenceMu.RUnlock()
	body, err := json.Marshal(out)
	if err != nil {
		panic(err)
	}
	return body
}

// liveEvent simulates a broadcast event: a million viewers connect through
// the event gateways within about a second, then almost all of them leave.
func liveEvent(viewers int, gateways int, stayers int) {
	var wg sync.WaitGroup
	per := viewers / gateways
	for g := 0; g < gateways; g++ {
		wg.Add(1)
		go func(gw int) {
			defer wg.Done()
			base := uint64(10_000_000 + gw*per)
			for i := 0; i < per; i++ {
				markOnline(base+uint64(i), device(i%4), uint16(gw), time.Now().UnixNano())
			}
		}(g)
	}
	wg.Wait()
	fmt.Printf("event peak: %d users online\n", onlineCount())

	// The event ends: everyone but a few hundred disconnects.
	for g := 0; g < gateways; g++ {
		wg.Add(1)
		go func(gw int) {
			defer wg.Done()
			base := uint64(10_000_000 + gw*per)
			keep := stayers / gateways
			for i := keep; i < per; i++ {
				markOffline(base + uint64(i))
			}
		}(g)
	}
	wg.Wait()
}

// regulars are the few hundred users who stay connected after the event.
func regulars(viewers, gateways, stayers int) []uint64 {
	per := viewers / gateways
	keep := stayers / gateways
	ids := make([]uint64, 0, stayers)
	for g := 0; g < gateways; g++ {
		for i := 0; i < keep; i++ {
			ids = append(ids, uint64(10_000_000+g*per+i))
		}
	}
	return ids
}

func gatewayLoop(ids []uint64, seed int64, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	for {
		select {
		case <-stop:
			return
		default:
		}
		uid := ids[r.Intn(len(ids))]
		now := time.Now().UnixNano()
		switch r.Intn(50) {
		case 0:
			markOffline(uid)
		case 1:
			markOnline(uid, device(r.Intn(4)), uint16(seed), now)
		default:
			if !heartbeat(uid, status(1+r.Intn(3)), now) {
				markOnline(uid, device(r.Intn(4)), uint16(seed), now)
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func rosterLoop(ids []uint64, seed int64, stop <-chan struct{}, served *int64, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(seed))
	contacts := make([]uint64, 40)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := range contacts {
			if r.Intn(3) == 0 {
				contacts[i] = ids[r.Intn(len(ids))]
			} else {
				contacts[i] = uint64(20_000_000 + r.Intn(5_000_000))
			}
		}
		body := rosterHandler(contacts, time.Now().UnixNano())
		*served += int64(len(body))
		time.Sleep(300 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	began := time.Now()

	const viewers, gateways, stayers = 1_000_000, 1, 400
	liveEvent(viewers, gateways, stayers)
	fmt.Printf("t=%v event over: %d users online\n", time.Since(began).Round(time.Millisecond), onlineCount())

	ids := regulars(viewers, gateways, stayers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	served := make([]int64, 2)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go gatewayLoop(ids, int64(g+1), stop, &wg)
	}
	for i := range served {
		wg.Add(1)
		go rosterLoop(ids, int64(100+i), stop, &served[i], &wg)
	}

	time.Sleep(time.Until(began.Add(2600 * time.Millisecond)))
	prof.HeapEarly()
	time.Sleep(time.Until(began.Add(4000 * time.Millisecond)))
	prof.Goroutines()
	time.Sleep(time.Until(began.Add(7000 * time.Millisecond)))
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Printf("t=%v online=%d roster bytes=%d\n", time.Since(began).Round(time.Millisecond), onlineCount(), served[0]+served[1])
}
