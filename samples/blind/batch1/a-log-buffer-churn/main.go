// Command logship is the forwarding agent that runs next to the checkout
// service: it receives structured log events, renders them as JSON lines,
// packs the lines into batches and ships each batch (base64-framed with a
// CRC) to the collector.
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"blind/prof"
)

type level int8

const (
	levelDebug level = iota
	levelInfo
	levelWarn
	levelError
)

var levelNames = [...]string{"debug", "info", "warn", "error"}

type field struct {
	key string
	str string
	num int64
	isN bool
}

type event struct {
	ts      time.Time
	lvl     level
	msg     string
	traceID string
	fields  []field
}

// ---- stage 1: render ----

const hexDigits = "0123456789abcdef"

func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// render turns one event into a JSON line.
func render(ev *event) []byte {
	var b bytes.Buffer
	b.WriteString(`{"ts":"`)
	b.WriteString(ev.ts.UTC().Format(time.RFC3339Nano))
	b.WriteString(`","level":"`)
	b.WriteString(levelNames[ev.lvl])
	b.WriteString(`","msg":`)
	writeJSONString(&b, ev.msg)
	if ev.traceID != "" {
		b.WriteString(`,"trace_id":"`)
		b.WriteString(ev.traceID)
		b.WriteByte('"')
	}
	for _, f := range ev.fields {
		b.WriteByte(',')
		writeJSONString(&b, f.key)
		b.WriteByte(':')
		if f.isN {
			b.WriteString(strconv.FormatInt(f.num, 10))
		} else {
			writeJSONString(&b, f.str)
		}
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// ---- stage 2: batch ----

type batch struct {
	seq   uint64
	lines int
	body  []byte
}

const maxBatchBytes = 64 << 10

func batcher(in <-chan []byte, out chan<- *batch, flushEvery time.Duration) {
	defer close(out)
	var seq uint64
	cur := &batch{}
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	flush := func() {
		if cur.lines == 0 {
			return
		}
		seq++
		cur.seq = seq
		out <- cur
		cur = &batch{}
	}
	for {
		select {
		case line, ok := <-in:
			if !ok {
				flush()
				return
			}
			cur.body = append(cur.body, line...)
			cur.lines++
			if len(cur.body) >= maxBatchBytes {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// ---- stage 3: ship ----

type collectorConn struct {
	sent    atomic.Int64
	batches atomic.Int64
}

// frame wraps a batch the way the collector protocol expects it:
// "LOGS <seq> <lines> <crc32>\n" followed by the base64 body.
func frame(b *batch) []byte {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(b.body)))
	base64.StdEncoding.Encode(enc, b.body)
	hdr := fmt.Sprintf("LOGS %d %d %08x\n", b.seq, b.lines, crc32.ChecksumIEEE(b.body))
	out := make([]byte, 0, len(hdr)+len(enc)+1)
	out = append(out, hdr...)
	out = append(out, enc...)
	return append(out, '\n')
}

func (c *collectorConn) ship(b *batch) {
	wire := frame(b)
	c.sent.Add(int64(len(wire)))
	c.batches.Add(1)
}

// ---- synthetic checkout service ----

var messages = []string{
	"order placed", "payment authorized", "inventory reserved", "cart recalculated",
	"coupon rejected: \"EXPIRED\"", "address validated", "fraud score computed",
	"retrying payment provider\tattempt", "shipment quote received", "tax computed — EU VAT",
}

func produce(rng *rand.Rand, out chan<- *event, stop *atomic.Bool) {
	for !stop.Load() {
		ev := &event{
			ts:      time.Now(),
			lvl:     level(rng.Intn(4)),
			msg:     messages[rng.Intn(len(messages))],
			traceID: strconv.FormatUint(rng.Uint64(), 16) + strconv.FormatUint(rng.Uint64(), 16),
		}
		n := 4 + rng.Intn(8)
		ev.fields = make([]field, 0, n)
		ev.fields = append(ev.fields,
			field{key: "order_id", str: "ord_" + strconv.Itoa(rng.Intn(1e8))},
			field{key: "customer", str: "cus_" + strconv.Itoa(rng.Intn(1e6))},
			field{key: "amount_cents", num: int64(rng.Intn(500000)), isN: true},
			field{key: "region", str: []string{"eu-west-1", "us-east-2", "ap-south-1"}[rng.Intn(3)]})
		for i := 4; i < n; i++ {
			ev.fields = append(ev.fields, field{key: "attr_" + strconv.Itoa(i), num: rng.Int63n(1 << 40), isN: true})
		}
		out <- ev
	}
}

func main() {
	prof.Start()
	const runFor = 5500 * time.Millisecond
	start := time.Now()

	events := make(chan *event, 1024)
	lines := make(chan []byte, 1024)
	batches := make(chan *batch, 16)
	conn := &collectorConn{}

	var stop atomic.Bool
	var producers sync.WaitGroup
	for p := 0; p < 3; p++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			produce(rand.New(rand.NewSource(seed)), events, &stop)
		}(int64(p + 1))
	}

	var renderers sync.WaitGroup
	for r := 0; r < 3; r++ {
		renderers.Add(1)
		go func() {
			defer renderers.Done()
			for ev := range events {
				lines <- render(ev)
			}
		}()
	}

	go batcher(lines, batches, 20*time.Millisecond)

	shipped := make(chan struct{})
	go func() {
		defer close(shipped)
		for b := range batches {
			conn.ship(b)
		}
	}()

	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - time.Since(start))
	prof.Goroutines()
	time.Sleep(runFor - time.Since(start))
	stop.Store(true)
	producers.Wait()
	close(events)
	renderers.Wait()
	close(lines)
	<-shipped

	fmt.Fprintf(os.Stderr, "batches=%d bytes=%d\n", conn.batches.Load(), conn.sent.Load())
	prof.Stop()
}
