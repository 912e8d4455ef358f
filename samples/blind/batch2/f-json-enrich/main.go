// Command ingest is the front door of an analytics pipeline: it accepts
// client events as JSON, stamps them with server-side fields and forwards
// them to the stream in the same shape.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// forwarder stands in for the stream producer: it only counts what it gets.
type forwarder struct {
	bytes  int64
	events int64
}

func (f *forwarder) Write(p []byte) (int, error) {
	atomic.AddInt64(&f.bytes, int64(len(p)))
	atomic.AddInt64(&f.events, 1)
	return len(p), nil
}

type request struct {
	id       uint64
	clientIP string
	body     []byte
}

var regions = map[byte]string{'1': "eu-west", '2': "us-east", '3': "ap-south", '4': "sa-east"}

// enrich decodes one event, adds the server-side fields and re-encodes it.
func enrich(req request, now time.Time, w io.Writer) error {
	var ev map[string]interface{}
	if err := json.Unmarshal(req.body, &ev); err != nil {
		return fmt.Errorf("request %d: %w", req.id, err)
	}
	if _, ok := ev["event"].(string); !ok {
		return fmt.Errorf("request %d: missing event name", req.id)
	}
	delete(ev, "debug") // clients must not inject debug flags
	ev["received_at"] = now.UTC().Format(time.RFC3339Nano)
	ev["request_id"] = strconv.FormatUint(req.id, 16)
	ev["region"] = regions[req.clientIP[0]]
	ev["schema"] = 3
	if props, ok := ev["properties"].(map[string]interface{}); ok {
		props["prop_count"] = len(props)
	}
	out, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// sampleBodies builds the kind of payloads the SDKs send.
func sampleBodies(n int, rnd *rand.Rand) [][]byte {
	names := []string{"page_view", "click", "add_to_cart", "purchase", "signup", "search"}
	bodies := make([][]byte, n)
	for i := range bodies {
		props := map[string]interface{}{
			"path":     "/products/" + strconv.Itoa(rnd.Intn(5000)),
			"referrer": "https://search.example/?q=" + strconv.Itoa(rnd.Intn(1e6)),
			"duration": rnd.Float64() * 30,
			"tags":     []string{"ab:" + strconv.Itoa(rnd.Intn(4)), "beta"},
		}
		for k := rnd.Intn(8); k > 0; k-- {
			props["custom_"+strconv.Itoa(k)] = rnd.Intn(1000)
		}
		ev := map[string]interface{}{
			"event":      names[rnd.Intn(len(names))],
			"user_id":    "u-" + strconv.Itoa(rnd.Intn(1e6)),
			"session":    strconv.FormatInt(rnd.Int63(), 36),
			"client_ts":  time.Now().Add(-time.Duration(rnd.Intn(5000)) * time.Millisecond).UnixMilli(),
			"device":     map[string]interface{}{"os": "android", "version": "14", "model": "px-" + strconv.Itoa(rnd.Intn(9))},
			"properties": props,
		}
		if rnd.Intn(20) == 0 {
			ev["debug"] = true
		}
		b, err := json.Marshal(ev)
		if err != nil {
			panic(err)
		}
		bodies[i] = b
	}
	return bodies
}

func main() {
	prof.Start()
	started := time.Now()

	rnd := rand.New(rand.NewSource(5))
	bodies := sampleBodies(256, rnd)
	sink := &forwarder{}

	reqs := make(chan request, 256)
	var failed int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for req := range reqs {
				if err := enrich(req, time.Now(), sink); err != nil {
					atomic.AddInt64(&failed, 1)
				}
			}
		}()
	}

	// The listener: hands request bodies to the workers.
	stop := make(chan struct{})
	listenerDone := make(chan struct{})
	go func() {
		defer close(listenerDone)
		defer close(reqs)
		for id := uint64(1); ; id++ {
			if id%64 == 0 {
				select {
				case <-stop:
					return
				default:
				}
				time.Sleep(200 * time.Microsecond)
			}
			reqs <- request{id: id, clientIP: strconv.Itoa(1+rnd.Intn(4)) + ".20.30.40", body: bodies[rnd.Intn(len(bodies))]}
		}
	}()

	const runFor = 5500 * time.Millisecond
	time.Sleep(time.Until(started.Add(runFor / 3)))
	prof.HeapEarly()
	time.Sleep(time.Until(started.Add(runFor / 2)))
	prof.Goroutines()
	time.Sleep(time.Until(started.Add(runFor)))
	close(stop)
	<-listenerDone
	wg.Wait()
	prof.Stop()
	log.Printf("events=%d bytes=%d failed=%d", atomic.LoadInt64(&sink.events), atomic.LoadInt64(&sink.bytes), atomic.LoadInt64(&failed))
}
