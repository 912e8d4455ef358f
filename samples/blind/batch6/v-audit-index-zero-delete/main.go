// Command auditd collects audit events from the API nodes, indexes them for
// the "recent activity" lookups and ships them in batches to cold storage.
package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// apiNodes is the number of API nodes feeding this collector.
const apiNodes = 2

type Action uint8

const (
	ActLogin Action = iota
	ActRead
	ActWrite
	ActDelete
	ActGrant
)

type pipeline struct {
	index   Index
	pending []string // IDs indexed but not shipped yet
	out     bytes.Buffer
	shipped uint64
	bytes   uint64
	hits    uint64
	misses  uint64
	crc     uint32
}

const shipBatch = 512

// ingest turns the events of one API node into records and ships them to cold
// storage in batches.
func (p *pipeline) ingest(node int, quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(int64(node) * 977))
	prefix := "aud-n" + strconv.Itoa(node) + "-"
	var idb []byte
	for seq := 0; ; seq++ {
		if seq%256 == 0 {
			select {
			case <-quit:
				p.ship()
				return
			default:
			}
		}
		idb = append(idb[:0], prefix...)
		idb = strconv.AppendInt(idb, int64(seq), 36)
		idb = append(idb, '-')
		idb = strconv.AppendUint(idb, uint64(rng.Uint32()), 36)
		r := &Record{
			ID:     string(idb),
			Actor:  rng.Uint32() % 50000,
			Action: Action(rng.Intn(5)),
			Object: rng.Uint64(),
			At:     time.Now().UnixNano(),
		}
		p.index.Put(r)
		p.pending = append(p.pending, r.ID)
		if len(p.pending) == shipBatch {
			p.ship()
		}
	}
}

// ship encodes the pending records, hands the batch to cold storage and
// removes the shipped records from the index.
func (p *pipeline) ship() {
	p.out.Reset()
	var rec [29]byte
	for _, id := range p.pending {
		r, ok := p.index.Get(id)
		if !ok {
			continue
		}
		binary.LittleEndian.PutUint32(rec[0:], r.Actor)
		rec[4] = byte(r.Action)
		binary.LittleEndian.PutUint64(rec[5:], r.Object)
		binary.LittleEndian.PutUint64(rec[13:], uint64(r.At))
		binary.LittleEndian.PutUint64(rec[21:], uint64(len(r.ID)))
		p.out.Write(rec[:])
		p.out.WriteString(r.ID)
	}
	p.crc ^= crc32.ChecksumIEEE(p.out.Bytes()) // cold storage verifies the batch with it
	atomic.AddUint64(&p.bytes, uint64(p.out.Len()))
	for _, id := range p.pending {
		p.index.Remove(id)
	}
	atomic.AddUint64(&p.shipped, uint64(len(p.pending)))
	p.pending = p.pending[:0]
}

// lookups serves the "what did this event do" page with recent IDs.
func (p *pipeline) lookups(quit <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(5))
	for {
		select {
		case <-quit:
			return
		default:
		}
		id := "aud-n" + strconv.Itoa(rng.Intn(apiNodes)) + "-" + strconv.FormatInt(int64(rng.Intn(1<<20)), 36) + "-0"
		if _, ok := p.index.Get(id); ok {
			atomic.AddUint64(&p.hits, 1)
		} else {
			atomic.AddUint64(&p.misses, 1)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func main() {
	prof.Start()
	start := time.Now()

	idx := newMemIndex()
	pipes := make([]*pipeline, apiNodes)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for n := 0; n < apiNodes; n++ {
		p := &pipeline{index: idx, pending: make([]string, 0, shipBatch)}
		pipes[n] = p
		wg.Add(1)
		go p.ingest(n, quit, &wg)
	}
	wg.Add(1)
	go pipes[0].lookups(quit, &wg)

	report := func(when string) {
		log.Printf("%s: %s live=%d keys=%d", when, time.Since(start).Round(time.Millisecond), idx.Live(), idx.Keys())
	}
	time.Sleep(1800 * time.Millisecond)
	report("early")
	prof.HeapEarly()
	time.Sleep(2800*time.Millisecond - time.Since(start))
	prof.Goroutines()
	time.Sleep(5500*time.Millisecond - time.Since(start))
	report("end")
	prof.Stop() // from the running daemon

	close(quit)
	wg.Wait()
	var shipped, hits uint64
	for _, p := range pipes {
		shipped += p.shipped
		hits += p.hits
	}
	log.Printf("shipped=%d lookup-hits=%d live=%d keys=%d elapsed=%s", shipped, hits, idx.Live(), idx.Keys(),
		time.Since(start).Round(time.Millisecond))
}
