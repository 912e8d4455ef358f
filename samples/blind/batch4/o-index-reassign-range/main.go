// Command kvnode is a single-node key-value store with an append-only value
// log and an in-memory index. Deletes leave tombstones in the index; a
// background compactor reclaims them in batches.
package main

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// compactBatch is how many tombstones the compactor gathers before it swaps
// in a trimmed index.
const compactBatch = 2048

// slot locates one value in the value log.
type slot struct {
	offset  int64
	length  int32
	crc     uint32
	version uint64
	dead    bool
}

// walStore is the index plus bookkeeping for the value log.
type walStore struct {
	mu        sync.Mutex
	index     map[string]*slot
	tail      int64
	version   uint64
	live      int
	freeList  []int64
	reclaimed uint64
}

func newWalStore(sizeHint int) *walStore {
	return &walStore{index: make(map[string]*slot, sizeHint)}
}

func (w *walStore) Put(key string, value []byte) {
	crc := crc32.ChecksumIEEE(value)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.version++
	if s, ok := w.index[key]; ok && !s.dead {
		s.offset, s.length, s.crc, s.version = w.tail, int32(len(value)), crc, w.version
	} else {
		w.index[key] = &slot{offset: w.tail, length: int32(len(value)), crc: crc, version: w.version}
		w.live++
	}
	w.tail += int64(len(value)) + 16
}

func (w *walStore) Get(key string) (int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s, ok := w.index[key]
	if !ok || s.dead {
		return 0, false
	}
	return s.offset, true
}

// Delete leaves a tombstone; the compactor drops it from the index later.
func (w *walStore) Delete(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	s, ok := w.index[key]
	if !ok || s.dead {
		return false
	}
	s.dead = true
	w.version++
	s.version = w.version
	w.live--
	return true
}

// compact walks the index, hands the log space of every tombstone back to the
// free list, and every compactBatch tombstones trims them out of the index.
func (w *walStore) compact() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	pending, total := 0, 0
	for _, s := range w.index {
		if !s.dead {
			continue
		}
		w.freeList = append(w.freeList, s.offset)
		pending++
		total++
		if pending < compactBatch {
			continue
		}
		trimmed := make(map[string]*slot, w.live+compactBatch)
		for k, v := range w.index {
			if !v.dead {
				trimmed[k] = v
			}
		}
		w.index = trimmed
		pending = 0
	}
	if len(w.freeList) > 1<<16 {
		w.freeList = w.freeList[:0]
	}
	w.reclaimed += uint64(total)
	return total
}

func (w *walStore) stats() (keys, live int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.index), w.live
}

func sessionKey(n int) string {
	return fmt.Sprintf("sess/%08d/state", n)
}

func encodeSession(buf []byte, user uint64, ts int64) []byte {
	buf = buf[:0]
	buf = binary.LittleEndian.AppendUint64(buf, user)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(ts))
	return append(buf, "region=eu-west-1;scopes=read,write"...)
}

// client simulates a front end: sessions are created, read, and expired.
func client(w *walStore, id int, nextKey *int64, stop <-chan struct{}, ops *int64) {
	rng := rand.New(rand.NewSource(int64(id) * 7919))
	buf := make([]byte, 0, 64)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for i := 0; i < 48; i++ {
			hi := int(atomic.LoadInt64(nextKey))
			switch r := rng.Intn(10); {
			case r < 4:
				n := int(atomic.AddInt64(nextKey, 1))
				w.Put(sessionKey(n), encodeSession(buf, rng.Uint64(), time.Now().UnixNano()))
			case r < 7:
				w.Get(sessionKey(rng.Intn(hi + 1)))
			default:
				w.Delete(sessionKey(hi - rng.Intn(130000)))
			}
			atomic.AddInt64(ops, 1)
		}
	}
}

func compactor(w *walStore, every time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			start := time.Now()
			n := w.compact()
			keys, live := w.stats()
			log.Printf("compaction: reclaimed %d tombstones in %v, index %d keys (%d live)",
				n, time.Since(start).Round(time.Millisecond), keys, live)
		}
	}
}

func main() {
	prof.Start()
	log.SetFlags(log.Lmicroseconds)

	const initial = 120000
	w := newWalStore(initial)
	buf := make([]byte, 0, 64)
	for i := 0; i < initial; i++ {
		w.Put(sessionKey(i), encodeSession(buf, uint64(i)*2654435761, int64(i)))
	}
	nextKey := int64(initial - 1)

	stop := make(chan struct{})
	var ops int64
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			client(w, id, &nextKey, stop, &ops)
		}(i)
	}
	compDone := make(chan struct{})
	go compactor(w, 500*time.Millisecond, stop, compDone)

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)

	close(stop)
	wg.Wait()
	<-compDone
	keys, live := w.stats()
	log.Printf("done: %d ops, %d keys in index (%d live), %d tombstones reclaimed",
		atomic.LoadInt64(&ops), keys, live, w.reclaimed)
	prof.Stop()
}
