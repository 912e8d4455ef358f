// Command nodeexp exports per-series gauges (one per host/device/metric
// combination) in the Prometheus text format to a push gateway.
package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// gauge is a float64 stored as bits so collectors can update it lock-free.
type gauge struct {
	name   string
	labels string
	bits   uint64
	stamp  int64
}

func (g *gauge) set(v float64) {
	atomic.StoreUint64(&g.bits, math.Float64bits(v))
	atomic.StoreInt64(&g.stamp, time.Now().UnixNano()/1e6)
}

func (g *gauge) value() float64 { return math.Float64frombits(atomic.LoadUint64(&g.bits)) }

var (
	registryMu sync.RWMutex
	registry   = map[string]*gauge{}

	scrapes     int64
	bytesPushed int64
)

func seriesKey(name, labels string) string { return name + "{" + labels + "}" }

// mustRegister adds a series; registration happens at start-up from the
// inventory and series are never removed while the exporter runs.
func mustRegister(name, labels string) *gauge {
	registryMu.Lock()
	defer registryMu.Unlock()
	k := seriesKey(name, labels)
	if g, ok := registry[k]; ok {
		return g
	}
	g := &gauge{name: name, labels: labels}
	registry[k] = g
	return g
}

func lookup(key string) *gauge {
	registryMu.RLock()
	g := registry[key]
	registryMu.RUnlock()
	return g
}

// writeExposition renders every registered series into buf.
func writeExposition(buf *bytes.Buffer) int {
	registryMu.RLock()
	defer registryMu.RUnlock()
	var num [32]byte
	n := 0
	for key, g := range registry {
		buf.WriteString(key)
		buf.WriteByte(' ')
		buf.Write(strconv.AppendFloat(num[:0], g.value(), 'g', -1, 64))
		buf.WriteByte(' ')
		buf.Write(strconv.AppendInt(num[:0], atomic.LoadInt64(&g.stamp), 10))
		buf.WriteByte('\n')
		n++
	}
	return n
}

// pushLoop scrapes the registry on a fixed interval and ships the payload.
func pushLoop(every time.Duration, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	var buf bytes.Buffer
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			buf.Reset()
			writeExposition(&buf)
			atomic.AddInt64(&bytesPushed, int64(buf.Len()))
			atomic.AddInt64(&scrapes, 1)
		}
	}
}

// collector samples one slice of the fleet's devices.
func collector(keys []string, seed int64, stop <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	rng := rand.New(rand.NewSource(seed))
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := 0; i < 500; i++ {
			if g := lookup(keys[rng.Intn(len(keys))]); g != nil {
				g.set(rng.Float64() * 100)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func main() {
	prof.Start()

	metrics := []string{"node_disk_read_bytes_total", "node_disk_io_time_seconds", "node_network_receive_bytes", "node_cpu_busy_ratio", "node_filesystem_avail_bytes"}
	var keys []string
	for host := 0; host < 1000; host++ {
		for dev := 0; dev < 10; dev++ {
			for _, m := range metrics {
				labels := fmt.Sprintf(`host="db-%04d",device="nvme%dn1"`, host, dev)
				mustRegister(m, labels)
				keys = append(keys, seriesKey(m, labels))
			}
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go pushLoop(30*time.Millisecond, stop, &wg)
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go collector(keys, int64(c), stop, &wg)
	}

	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()

	fmt.Printf("series=%d scrapes=%d pushed=%dMB\n", len(registry), atomic.LoadInt64(&scrapes), atomic.LoadInt64(&bytesPushed)>>20)
}
