// Command fleetd tracks the connection state of IoT devices behind a set of
// MQTT-style gateways. Gateways forward connect / telemetry / disconnect
// events in batches; a single registry loop applies them and answers
// "is this device online" queries from the API side.
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

type eventKind uint8

const (
	evConnect eventKind = iota
	evTelemetry
	evDisconnect
)

type event struct {
	kind     eventKind
	deviceID string
	model    string
	firmware string
	addr     [16]byte
	rssi     int32
	battery  float32
	at       int64
}

// DeviceState is what the registry knows about one device session.
type DeviceState struct {
	Model       string
	Firmware    string
	Addr        [16]byte
	ConnectedAt int64
	LastSeen    int64
	Seq         uint64
	RSSI        int32
	Battery     float32
	Online      bool
}

type registry struct {
	devices map[string]DeviceState
	online  int
	stats   struct {
		connects, disconnects, telemetry, unknown uint64
	}
}

func newRegistry() *registry {
	return &registry{devices: make(map[string]DeviceState, 1024)}
}

func (r *registry) connect(ev *event) {
	prev, seen := r.devices[ev.deviceID]
	if seen && prev.Online {
		return
	}
	r.devices[ev.deviceID] = DeviceState{
		Model:       ev.model,
		Firmware:    ev.firmware,
		Addr:        ev.addr,
		ConnectedAt: ev.at,
		LastSeen:    ev.at,
		RSSI:        ev.rssi,
		Battery:     ev.battery,
		Online:      true,
	}
	r.online++
	r.stats.connects++
}

func (r *registry) telemetry(ev *event) {
	st, ok := r.devices[ev.deviceID]
	if !ok || !st.Online {
		r.stats.unknown++
		return
	}
	st.LastSeen = ev.at
	st.RSSI = ev.rssi
	st.Battery = ev.battery
	st.Seq++
	r.devices[ev.deviceID] = st
	r.stats.telemetry++
}

// disconnect forgets the session of a device that went away.
func (r *registry) disconnect(ev *event) {
	st, ok := r.devices[ev.deviceID]
	if !ok || !st.Online {
		return
	}
	r.devices[ev.deviceID] = DeviceState{
		Model:    "",
		Firmware: "",
		Online:   false,
	}
	r.online--
	r.stats.disconnects++
}

func (r *registry) isOnline(id string) bool {
	return r.devices[id].Online
}

type query struct {
	id    string
	reply chan bool
}

// loop owns the registry: it applies event batches and answers queries.
func (r *registry) loop(batches <-chan []event, queries <-chan query, done chan<- struct{}) {
	for {
		select {
		case b, ok := <-batches:
			if !ok {
				close(done)
				return
			}
			for i := range b {
				ev := &b[i]
				switch ev.kind {
				case evConnect:
					r.connect(ev)
				case evTelemetry:
					r.telemetry(ev)
				case evDisconnect:
					r.disconnect(ev)
				}
			}
		case q := <-queries:
			q.reply <- r.isOnline(q.id)
		}
	}
}

var models = []string{"thermo-v2", "thermo-v3", "door-s1", "meter-x", "cam-lite", "plug-2"}
var firmwares = []string{"1.4.2", "1.4.7", "2.0.0-rc3", "2.0.1", "2.1.0"}

// gateway simulates one gateway: a pool of live device sessions that send
// telemetry and are replaced by freshly provisioned devices as they leave.
func gateway(gw int, out chan<- []event, lastID *atomic.Value, until time.Time) {
	rng := rand.New(rand.NewSource(int64(gw) * 7919))
	live := make([]string, 1500)
	var seq uint64
	newID := func() string {
		seq++
		return fmt.Sprintf("gw%02d-%08x-%06d", gw, rng.Uint32(), seq)
	}
	mk := func(kind eventKind, id string) event {
		ev := event{kind: kind, deviceID: id, at: time.Now().UnixNano(),
			rssi: -40 - rng.Int31n(50), battery: rng.Float32()}
		if kind == evConnect {
			ev.model = models[rng.Intn(len(models))]
			ev.firmware = firmwares[rng.Intn(len(firmwares))]
			rng.Read(ev.addr[:])
		}
		return ev
	}
	batch := make([]event, 0, 256)
	for i := range live {
		live[i] = newID()
		batch = append(batch, mk(evConnect, live[i]))
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(until) {
		for len(batch) < cap(batch)-1 {
			i := rng.Intn(len(live))
			if rng.Intn(3) == 0 {
				batch = append(batch, mk(evDisconnect, live[i]))
				live[i] = newID()
				batch = append(batch, mk(evConnect, live[i]))
			} else {
				batch = append(batch, mk(evTelemetry, live[i]))
			}
		}
		out <- batch
		lastID.Store(live[rng.Intn(len(live))])
		batch = make([]event, 0, 256)
		<-tick.C
	}
}

func main() {
	prof.Start()
	const runFor = 6 * time.Second
	start := time.Now()
	until := start.Add(runFor)

	reg := newRegistry()
	batches := make(chan []event, 32)
	queries := make(chan query)
	done := make(chan struct{})
	go reg.loop(batches, queries, done)

	var gws sync.WaitGroup
	var lastID atomic.Value
	lastID.Store("")
	for g := 0; g < 3; g++ {
		gws.Add(1)
		go func(g int) {
			defer gws.Done()
			gateway(g, batches, &lastID, until)
		}(g)
	}

	// API side: status checks against recently seen devices.
	apiStop := make(chan struct{})
	var hits, misses int
	go func() {
		reply := make(chan bool)
		for {
			select {
			case <-apiStop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			queries <- query{id: lastID.Load().(string), reply: reply}
			if <-reply {
				hits++
			} else {
				misses++
			}
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()

	gws.Wait()
	close(apiStop)
	close(batches)
	<-done
	elapsed := time.Since(start)
	prof.Stop()
	fmt.Fprintf(os.Stderr, "devices known=%d online=%d connects=%d disconnects=%d telemetry=%d in %v\n",
		len(reg.devices), reg.online, reg.stats.connects, reg.stats.disconnects, reg.stats.telemetry,
		elapsed.Round(time.Millisecond))
}
