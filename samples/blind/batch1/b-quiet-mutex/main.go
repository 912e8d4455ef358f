// Command archiver is the upload path of a multi-tenant backup service: it
// splits uploads into content-defined chunks, fingerprints and compresses
// them, and meters each tenant's stored bytes for billing.
package main

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"sync"
	"time"

	"blind/prof"
)

// usage is one tenant's running meter.
type usage struct {
	Uploads    int
	RawBytes   int64
	Stored     int64
	Chunks     int
	LastUpload time.Time
}

// meter guards the per-tenant usage table. It is touched once per upload
// and once per billing export, so a plain mutex is plenty.
type meter struct {
	mu      sync.Mutex
	tenants map[string]*usage
}

func (m *meter) record(tenant string, raw, stored int64, chunks int) {
	m.mu.Lock()
	u, ok := m.tenants[tenant]
	if !ok {
		u = &usage{}
		m.tenants[tenant] = u
	}
	u.Uploads++
	u.RawBytes += raw
	u.Stored += stored
	u.Chunks += chunks
	u.LastUpload = time.Now()
	m.mu.Unlock()
}

type billingLine struct {
	Tenant string
	Stored int64
}

func (m *meter) export() []billingLine {
	m.mu.Lock()
	lines := make([]billingLine, 0, len(m.tenants))
	for t, u := range m.tenants {
		lines = append(lines, billingLine{t, u.Stored})
	}
	m.mu.Unlock()
	sort.Slice(lines, func(i, j int) bool { return lines[i].Stored > lines[j].Stored })
	return lines
}

const (
	minChunk = 2 << 10
	maxChunk = 16 << 10
	mask     = (1 << 12) - 1
)

// chunk splits data at content-defined boundaries (gear hash).
func chunk(data []byte, gear *[256]uint64) [][]byte {
	var out [][]byte
	start := 0
	var h uint64
	for i := 0; i < len(data); i++ {
		h = h<<1 + gear[data[i]]
		n := i - start + 1
		if (n >= minChunk && h&mask == 0) || n >= maxChunk {
			out = append(out, data[start:i+1])
			start = i + 1
			h = 0
		}
	}
	if start < len(data) {
		out = append(out, data[start:])
	}
	return out
}

type upload struct {
	Tenant string
	Data   []byte
}

// store fingerprints and compresses each chunk of an upload and returns the
// stored size.
func store(up upload, gear *[256]uint64, zw *flate.Writer, buf *bytes.Buffer, index map[string]int) (int64, int) {
	var stored int64
	chunks := chunk(up.Data, gear)
	for _, c := range chunks {
		sum := sha256.Sum256(c)
		key := hex.EncodeToString(sum[:8])
		if _, dup := index[key]; dup {
			continue
		}
		buf.Reset()
		zw.Reset(buf)
		zw.Write(c)
		zw.Close()
		index[key] = buf.Len()
		stored += int64(buf.Len())
	}
	return stored, len(chunks)
}

// synthUpload produces semi-compressible file content.
func synthUpload(rng *rand.Rand, words [][]byte, size int) []byte {
	b := make([]byte, 0, size)
	for len(b) < size {
		if rng.Intn(8) == 0 {
			var r [16]byte
			rng.Read(r[:])
			b = append(b, r[:]...)
		} else {
			b = append(b, words[rng.Intn(len(words))]...)
			b = append(b, ' ')
		}
	}
	return b[:size]
}

func main() {
	prof.Start()

	m := &meter{tenants: make(map[string]*usage)}
	tenants := make([]string, 40)
	for i := range tenants {
		tenants[i] = fmt.Sprintf("tn-%03d", i*13)
	}
	var gear [256]uint64
	grng := rand.New(rand.NewSource(99))
	for i := range gear {
		gear[i] = grng.Uint64()
	}
	words := [][]byte{[]byte("invoice"), []byte("total"), []byte("customer"), []byte("2024-11-03"),
		[]byte("backup"), []byte("<row id="), []byte("\"amount\":"), []byte("EUR"), []byte("lorem"), []byte("ipsum")}

	uploads := make(chan upload, 16)
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// Ingest front-end: uploads arriving from clients.
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(uploads)
		rng := rand.New(rand.NewSource(1))
		for {
			up := upload{Tenant: tenants[rng.Intn(len(tenants))], Data: synthUpload(rng, words, 32<<10+rng.Intn(96<<10))}
			select {
			case <-stop:
				return
			case uploads <- up:
			}
		}
	}()

	// Chunkers.
	var workers sync.WaitGroup
	for w := 0; w < 3; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			zw, _ := flate.NewWriter(nil, flate.BestSpeed)
			var buf bytes.Buffer
			index := make(map[string]int)
			for up := range uploads {
				stored, n := store(up, &gear, zw, &buf, index)
				m.record(up.Tenant, int64(len(up.Data)), stored, n)
				if len(index) > 50000 {
					index = make(map[string]int)
				}
			}
		}()
	}

	// Billing export every half second.
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				lines := m.export()
				_ = lines
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	workers.Wait()
	prof.Stop()

	lines := m.export()
	var total int64
	uploadsDone := 0
	for _, l := range lines {
		total += l.Stored
	}
	for _, u := range m.tenants {
		uploadsDone += u.Uploads
	}
	fmt.Fprintf(os.Stderr, "tenants=%d uploads=%d stored=%d top=%v\n", len(lines), uploadsDone, total, lines[0])
}
