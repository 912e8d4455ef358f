// Command pushgw receives datapoints from instrumented jobs and forwards
// them to the time-series store in the line protocol. Every datapoint is
// encoded into its own freshly allocated line and handed to the forwarder,
// which writes and forgets it.
package main

import (
	"fmt"
	"hash/crc32"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type datapoint struct {
	series uint32
	value  float64
	ts     int64
}

// seriesMeta is registered once per series at startup and never changes.
type seriesMeta struct {
	name string
	tags []string // sorted key=value pairs
}

var (
	registry   = map[uint32]seriesMeta{}
	registryMu sync.RWMutex
)

func registerSeries(id uint32, name string, tags map[string]string) {
	kv := make([]string, 0, len(tags))
	for k, v := range tags {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	registryMu.Lock()
	registry[id] = seriesMeta{name: name, tags: kv}
	registryMu.Unlock()
}

// encodeLine renders one datapoint as "name,tag=v,... value=<v> <ts>\n".
func encodeLine(dp datapoint) ([]byte, error) {
	registryMu.RLock()
	meta, ok := registry[dp.series]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown series %d", dp.series)
	}
	line := make([]byte, 0, 64)
	line = append(line, meta.name...)
	for _, t := range meta.tags {
		line = append(line, ',')
		line = append(line, t...)
	}
	line = append(line, " value="...)
	line = strconv.AppendFloat(line, dp.value, 'g', -1, 64)
	line = append(line, ' ')
	line = strconv.AppendInt(line, dp.ts, 10)
	line = append(line, '\n')
	return line, nil
}

// forwarder stands in for the HTTP client of the store: it checksums the
// line as the transport would and drops it.
type forwarder struct {
	lines   int64
	bytes   int64
	errors  int64
	crcSeen uint32
}

func (f *forwarder) send(line []byte) {
	c := crc32.ChecksumIEEE(line)
	atomic.AddInt64(&f.lines, 1)
	atomic.AddInt64(&f.bytes, int64(len(line)))
	if c == 0 {
		atomic.StoreUint32(&f.crcSeen, c)
	}
}

func ingest(in <-chan []datapoint, fw *forwarder, wg *sync.WaitGroup) {
	defer wg.Done()
	for batch := range in {
		for _, dp := range batch {
			line, err := encodeLine(dp)
			if err != nil {
				atomic.AddInt64(&fw.errors, 1)
				continue
			}
			fw.send(line)
		}
	}
}

var (
	metricNames = []string{"http_requests_total", "http_request_duration_seconds", "queue_depth",
		"gc_pause_seconds", "cpu_usage_ratio", "db_connections_open", "cache_hits_total"}
	regions = []string{"eu-west-1", "us-east-1", "ap-south-1"}
)

func main() {
	prof.Start()

	const nSeries = 60000
	for i := uint32(0); i < nSeries; i++ {
		registerSeries(i, metricNames[i%uint32(len(metricNames))], map[string]string{
			"job":      "checkout-" + strconv.Itoa(int(i%40)),
			"instance": "10.3." + strconv.Itoa(int(i/250)) + "." + strconv.Itoa(int(i%250)),
			"region":   regions[i%3],
			"env":      "prod",
		})
	}

	batches := make(chan []datapoint, 32)
	fw := &forwarder{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go ingest(batches, fw, &wg)
	}

	stop := make(chan struct{})
	var senders sync.WaitGroup
	for s := 0; s < 2; s++ {
		senders.Add(1)
		go func(seed int64) {
			defer senders.Done()
			rng := rand.New(rand.NewSource(seed))
			for {
				select {
				case <-stop:
					return
				default:
				}
				batch := make([]datapoint, 200)
				now := time.Now().UnixNano()
				for i := range batch {
					batch[i] = datapoint{
						series: uint32(rng.Intn(nSeries + 5)),
						value:  math.Abs(rng.NormFloat64()) * 100,
						ts:     now,
					}
				}
				batches <- batch
			}
		}(int64(s + 1))
	}

	time.Sleep(1800 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1300 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2200 * time.Millisecond)
	close(stop)
	senders.Wait()
	close(batches)
	wg.Wait()
	prof.Stop()

	fmt.Fprintf(os.Stderr, "lines=%d bytes=%d errors=%d\n", fw.lines, fw.bytes, fw.errors)
}
