// Command devicehub is the session registry of an MQTT-style device broker.
// Devices connect with a fresh client ID per session, publish heartbeats and
// telemetry, and disconnect; the registry backs the broker's admin API and
// the fleet dashboard.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

// SessionState is the lifecycle state of a device session.
type SessionState uint8

const (
	StateUnknown SessionState = iota
	StateConnecting
	StateOnline
	StateIdle
	StateDisconnected
)

// Device is the registry's record of one device session.
type Device struct {
	ClientID    string
	Model       string
	Firmware    string
	Site        string
	RemoteAddr  string
	State       SessionState
	ConnectedAt time.Time
	LastSeen    time.Time
	Topics      []string
	Readings    [16]float64 // rolling window of the last readings
	ReadingPos  int
	Messages    uint64
}

// Registry holds every session the broker knows about.
type Registry struct {
	mu      sync.Mutex
	devices map[string]Device
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{devices: make(map[string]Device)}
}

// Connect registers a new session.
func (r *Registry) Connect(id, model, fw, site, addr string, topics []string, now time.Time) {
	r.mu.Lock()
	r.devices[id] = Device{
		ClientID:    id,
		Model:       model,
		Firmware:    fw,
		Site:        site,
		RemoteAddr:  addr,
		State:       StateOnline,
		ConnectedAt: now,
		LastSeen:    now,
		Topics:      topics,
	}
	r.mu.Unlock()
}

// Publish records a telemetry message from a device.
func (r *Registry) Publish(id string, value float64, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.devices[id]
	if !ok || d.State == StateDisconnected {
		return false
	}
	d.Readings[d.ReadingPos%len(d.Readings)] = value
	d.ReadingPos++
	d.Messages++
	d.LastSeen = now
	r.devices[id] = d
	return true
}

// Disconnect removes a session from the registry.
func (r *Registry) Disconnect(id string, now time.Time) {
	r.mu.Lock()
	r.devices[id] = Device{
		State:    StateDisconnected,
		LastSeen: now,
	}
	r.mu.Unlock()
}

// FleetStats is what the dashboard shows.
type FleetStats struct {
	Online   int
	Idle     int
	BySite   map[string]int
	Messages uint64
}

// Stats summarizes the fleet, marking devices silent for > idleAfter as idle.
func (r *Registry) Stats(now time.Time, idleAfter time.Duration) FleetStats {
	st := FleetStats{BySite: make(map[string]int)}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.devices {
		switch d.State {
		case StateOnline, StateIdle:
			if now.Sub(d.LastSeen) > idleAfter {
				st.Idle++
			} else {
				st.Online++
			}
			st.BySite[d.Site]++
			st.Messages += d.Messages
		}
	}
	return st
}

var (
	models = []string{"TH-200", "TH-210", "GW-9", "PX-Cam-4", "Meter-3P", "Valve-S"}
	sites  = []string{"ams-1", "ams-2", "fra-3", "dub-1", "mad-2", "waw-1", "sto-1"}
	fws    = []string{"2.4.1", "2.4.3", "2.5.0-rc1", "3.0.2"}
)

// sessions is the broker's process-wide session registry.
var sessions = NewRegistry()

func main() {
	prof.Start()
	start := time.Now()
	reg := sessions

	stop := make(chan struct{})
	var wg sync.WaitGroup

	// live holds the client IDs of sessions that are currently connected,
	// owned by the session simulator below.
	const maxLive = 20000
	var liveMu sync.Mutex
	live := make([]string, maxLive) // ring of connected client IDs
	liveN := 0                      // sessions ever placed in the ring

	// connection churn: devices connect, and the oldest sessions drop off
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(7))
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		seq := 0
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				for i := 0; i < 1200; i++ {
					seq++
					id := fmt.Sprintf("dev-%s-%08x-%d", sites[seq%len(sites)], rng.Uint32(), seq)
					topics := []string{"tele/" + id + "/state", "tele/" + id + "/sensor", "cmnd/" + id + "/#"}
					reg.Connect(id, models[rng.Intn(len(models))], fws[rng.Intn(len(fws))], sites[rng.Intn(len(sites))],
						fmt.Sprintf("10.%d.%d.%d:%d", rng.Intn(256), rng.Intn(256), rng.Intn(256), 30000+rng.Intn(30000)), topics, now)
					liveMu.Lock()
					slot := liveN % maxLive
					gone := live[slot]
					live[slot] = id
					liveN++
					liveMu.Unlock()
					if gone != "" {
						reg.Disconnect(gone, now)
					}
				}
			}
		}
	}()

	// telemetry from connected devices
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				now := time.Now()
				for i := 0; i < 300; i++ {
					liveMu.Lock()
					n := liveN
					if n > maxLive {
						n = maxLive
					}
					var id string
					if n > 0 {
						id = live[rng.Intn(n)]
					}
					liveMu.Unlock()
					if id != "" {
						reg.Publish(id, 20+rng.NormFloat64()*3, now)
					}
				}
				time.Sleep(time.Millisecond)
			}
		}(int64(100 + w))
	}

	// dashboard refresh
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tick.C:
				st := reg.Stats(now, 2*time.Second)
				log.Printf("fleet: online=%d idle=%d sites=%d msgs=%d", st.Online, st.Idle, len(st.BySite), st.Messages)
			}
		}
	}()

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2200 * time.Millisecond)
	close(stop)
	wg.Wait()

	reg.mu.Lock()
	total := len(reg.devices)
	reg.mu.Unlock()
	log.Printf("registry holds %d sessions after %.1fs", total, time.Since(start).Seconds())
	prof.Stop()
}
