// Command logship tails application logs, packs them into gzip-compressed
// NDJSON batches and ships the batches to the log store.
package main

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type level uint8

const (
	levelDebug level = iota
	levelInfo
	levelWarn
	levelError
)

var levelNames = [...]string{"debug", "info", "warn", "error"}

type logRecord struct {
	ts      time.Time
	lvl     level
	service string
	host    string
	traceID string
	msg     string
	latency time.Duration
	status  int
}

type batch struct {
	source  string
	records []logRecord
}

type shipment struct {
	source string
	lines  int
	raw    int
	body   []byte
	crc    uint32
}

var (
	services = []string{"checkout", "cart", "search", "payments", "identity", "catalog"}
	messages = []string{
		"request completed",
		"upstream responded slowly",
		"cache refresh finished",
		"retrying idempotent call after connection reset",
		"token validated",
		"payload rejected: schema mismatch on field items[3].sku",
	}
)

// tail reads one host's log stream and cuts it into batches.
func tail(host string, seed int64, out chan<- batch, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(seed))
	for {
		n := 200 + rng.Intn(400)
		recs := make([]logRecord, n)
		for i := range recs {
			recs[i] = logRecord{
				ts:      time.Now(),
				lvl:     level(rng.Intn(4)),
				service: services[rng.Intn(len(services))],
				host:    host,
				traceID: strconv.FormatUint(rng.Uint64(), 16),
				msg:     messages[rng.Intn(len(messages))],
				latency: time.Duration(rng.Int63n(int64(800 * time.Millisecond))),
				status:  200 + 100*rng.Intn(4),
			}
		}
		select {
		case out <- batch{source: host, records: recs}:
		case <-stop:
			return
		}
	}
}

// encode renders a batch as NDJSON.
func encode(b batch) *bytes.Buffer {
	buf := new(bytes.Buffer)
	var scratch []byte
	for i := range b.records {
		r := &b.records[i]
		scratch = append(scratch[:0], `{"ts":"`...)
		scratch = r.ts.UTC().AppendFormat(scratch, time.RFC3339Nano)
		scratch = append(scratch, `","level":"`...)
		scratch = append(scratch, levelNames[r.lvl]...)
		scratch = append(scratch, `","service":`...)
		scratch = strconv.AppendQuote(scratch, r.service)
		scratch = append(scratch, `,"host":`...)
		scratch = strconv.AppendQuote(scratch, r.host)
		scratch = append(scratch, `,"trace_id":"`...)
		scratch = append(scratch, r.traceID...)
		scratch = append(scratch, `","latency_ms":`...)
		scratch = strconv.AppendFloat(scratch, float64(r.latency)/1e6, 'f', 3, 64)
		scratch = append(scratch, `,"status":`...)
		scratch = strconv.AppendInt(scratch, int64(r.status), 10)
		scratch = append(scratch, `,"msg":`...)
		scratch = strconv.AppendQuote(scratch, r.msg)
		scratch = append(scratch, "}\n"...)
		buf.Write(scratch)
	}
	return buf
}

// compress gzips the encoded batch.
func compress(src *bytes.Buffer) ([]byte, error) {
	var dst bytes.Buffer
	zw, err := gzip.NewWriterLevel(&dst, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := src.WriteTo(zw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return dst.Bytes(), nil
}

func packer(in <-chan batch, out chan<- shipment, wg *sync.WaitGroup) {
	defer wg.Done()
	for b := range in {
		enc := encode(b)
		raw := enc.Len()
		body, err := compress(enc)
		if err != nil {
			log.Printf("pack %s: %v", b.source, err)
			continue
		}
		out <- shipment{source: b.source, lines: len(b.records), raw: raw, body: body, crc: crc32.ChecksumIEEE(body)}
	}
}

type shipStats struct {
	batches, lines, rawBytes, wireBytes uint64
}

// sender posts shipments to the log store (here: verifies and drops them).
func sender(in <-chan shipment, st *shipStats, done chan<- struct{}) {
	defer close(done)
	for s := range in {
		if crc32.ChecksumIEEE(s.body) != s.crc {
			log.Printf("corrupt shipment from %s", s.source)
			continue
		}
		atomic.AddUint64(&st.batches, 1)
		atomic.AddUint64(&st.lines, uint64(s.lines))
		atomic.AddUint64(&st.rawBytes, uint64(s.raw))
		atomic.AddUint64(&st.wireBytes, uint64(len(s.body)))
	}
}

func main() {
	prof.Start()
	start := time.Now()

	batches := make(chan batch, 16)
	shipments := make(chan shipment, 16)
	stop := make(chan struct{})
	var tailers, packers sync.WaitGroup
	for i := 0; i < 4; i++ {
		tailers.Add(1)
		go tail("web-"+strconv.Itoa(i+1)+".prod.internal", int64(i), batches, stop, &tailers)
	}
	for i := 0; i < 3; i++ {
		packers.Add(1)
		go packer(batches, shipments, &packers)
	}
	var st shipStats
	sent := make(chan struct{})
	go sender(shipments, &st, sent)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(3*time.Second - time.Since(start))
	prof.Goroutines()
	time.Sleep(6*time.Second - time.Since(start))
	prof.Stop() // profiled while shipping

	close(stop)
	tailers.Wait()
	close(batches)
	packers.Wait()
	close(shipments)
	<-sent

	log.Printf("batches=%d lines=%d raw=%dMB wire=%dMB elapsed=%s", st.batches, st.lines,
		st.rawBytes>>20, st.wireBytes>>20, time.Since(start).Round(time.Millisecond))
}
