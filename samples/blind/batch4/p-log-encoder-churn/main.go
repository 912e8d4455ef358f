// Command logship tails application log records, encodes each one as a JSON
// line and ships it to the collector.
package main

import (
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"blind/prof"
)

type Level uint8

const (
	Debug Level = iota
	Info
	Warn
	Error
)

func (l Level) String() string {
	switch l {
	case Debug:
		return "debug"
	case Info:
		return "info"
	case Warn:
		return "warn"
	default:
		return "error"
	}
}

type Field struct {
	Key   string
	Value string
}

// Record is one structured log entry as the agent receives it.
type Record struct {
	Time    time.Time
	Level   Level
	Service string
	Host    string
	Message string
	Fields  []Field
}

// collector stands in for the TCP connection to the log collector.
type collector struct {
	bytes   uint64
	records uint64
	crc     uint32
	mu      sync.Mutex
}

func (c *collector) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p)
	c.mu.Unlock()
	atomic.AddUint64(&c.bytes, uint64(len(p)))
	atomic.AddUint64(&c.records, 1)
	return len(p), nil
}

func sizeHint(r *Record) int {
	n := 96 + len(r.Service) + len(r.Host) + len(r.Message)
	for _, f := range r.Fields {
		n += len(f.Key) + len(f.Value) + 8
	}
	return n
}

// appendJSONString appends s as a quoted JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		dst = utf8.AppendRune(dst, r)
		i += size
	}
	return append(dst, '"')
}

// encode renders r as one JSON line in a freshly allocated buffer.
func encode(r *Record) []byte {
	buf := make([]byte, 0, sizeHint(r))
	buf = append(buf, `{"ts":"`...)
	buf = r.Time.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","level":"`...)
	buf = append(buf, r.Level.String()...)
	buf = append(buf, `","service":`...)
	buf = appendJSONString(buf, r.Service)
	buf = append(buf, `,"host":`...)
	buf = appendJSONString(buf, r.Host)
	buf = append(buf, `,"msg":`...)
	buf = appendJSONString(buf, r.Message)
	for _, f := range r.Fields {
		buf = append(buf, ',')
		buf = appendJSONString(buf, f.Key)
		buf = append(buf, ':')
		buf = appendJSONString(buf, f.Value)
	}
	return append(buf, '}', '\n')
}

func ship(in <-chan *Record, out *collector, wg *sync.WaitGroup) {
	defer wg.Done()
	for r := range in {
		line := encode(r)
		if _, err := out.Write(line); err != nil {
			log.Printf("ship: %v", err)
		}
	}
}

var services = []string{"checkout", "payments", "search", "auth", "catalog", "notifications"}
var messages = []string{
	"request completed",
	"upstream responded with \"503 Service Unavailable\", retrying",
	"cache miss for key user:profile:8812\tfalling back to db",
	"slow query detected: SELECT * FROM orders WHERE customer_id = $1 AND status IN ('open','pending')",
	"token refreshed",
	"payload rejected: field \"amount\" must be positive — got -12.50",
}

// tail plays one application instance emitting records.
func tail(out chan<- *Record, seed int64, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(seed))
	host := "ip-10-0-" + strconv.Itoa(int(seed)) + "-17.ec2.internal"
	stack := make([]byte, 2048)
	for i := range stack {
		stack[i] = "abcdefghijklmnopqrstuvwxyz./:_0123456789\n"[rng.Intn(41)]
	}
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		r := &Record{
			Time:    time.Now(),
			Level:   Level(rng.Intn(4)),
			Service: services[rng.Intn(len(services))],
			Host:    host,
			Message: messages[rng.Intn(len(messages))],
		}
		r.Fields = append(r.Fields,
			Field{"trace_id", strconv.FormatUint(rng.Uint64(), 16)},
			Field{"duration_ms", strconv.Itoa(rng.Intn(3000))},
			Field{"seq", strconv.Itoa(n)},
		)
		if r.Level == Error {
			r.Fields = append(r.Fields, Field{"stack", string(stack[:512+rng.Intn(1536)])})
		}
		out <- r
	}
}

func main() {
	prof.Start()
	start := time.Now()

	records := make(chan *Record, 256)
	sink := &collector{}
	stop := make(chan struct{})

	var producers sync.WaitGroup
	for i := 0; i < 6; i++ {
		producers.Add(1)
		go func(seed int64) {
			defer producers.Done()
			tail(records, seed, stop)
		}(int64(i + 1))
	}
	var shippers sync.WaitGroup
	for i := 0; i < 4; i++ {
		shippers.Add(1)
		go ship(records, sink, &shippers)
	}

	time.Sleep(time.Until(start.Add(2 * time.Second)))
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(3 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(6 * time.Second)))
	close(stop)
	producers.Wait()
	close(records)
	shippers.Wait()
	prof.Stop()

	log.Printf("logship: shipped %d records, %d bytes, crc %08x",
		atomic.LoadUint64(&sink.records), atomic.LoadUint64(&sink.bytes), sink.crc)
}
