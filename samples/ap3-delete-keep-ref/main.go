// Command ap3-delete-keep-ref simulates an upload service that deletes
// finished uploads from its map but keeps them alive anyway (anti-pattern
// AP3).
//
// Each upload is 24 chunks of 4 KiB: receiveUpload reads the request body
// into a fresh buffer (readBody), checksums each chunk with CRC-32C and records
// the chunk's metadata in a Part ((*Upload).AddPart).
// (*UploadTracker).Begin stores the new *Upload in the inflight map and a
// *Progress in the progress map. When the upload completes,
// (*UploadTracker).Finish
//   - calls delete(t.inflight, id), but the same *Upload was also appended to
//     t.recent, the list behind the /debug/uploads page, which is never
//     trimmed, so the upload and its parts stay reachable;
//   - "clears" the progress entry with t.progress[id] = nil instead of
//     delete, so that map keeps one key per upload ever seen.
//
// The heap's inuse_space grows with every upload and is held by what Begin
// and (*Upload).AddPart allocated, and the garbage collector has to mark that
// ever larger pointer-rich heap on every cycle: gcBgMarkWorker, scanobject
// and gcAssistAlloc under mallocgc take a large share of CPU.
//
// With -fixed, Finish deletes the key from both maps and the debug page keeps
// a bounded ring of small UploadSummary values instead of the uploads
// themselves: the fix from antipatterns.md.
//
// With -moderate, Finish stays broken (the retained heap still grows with
// every upload) but each upload is also scanned for duplicate content
// (dedupKey: a SHA-256 of the body), unrelated healthy work that brings the
// garbage collector down to a minor share of the CPU. The moderate run
// handles 30,000 uploads instead of 70,000, so that it takes about as long
// as the others.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"strconv"
	"time"

	"proflens/samples/internal/harness"
)

// Part is the metadata kept for one received chunk of an upload (the
// chunk's bytes are streamed on to storage and not kept).
type Part struct {
	Seq      int
	Offset   int64
	Size     int
	Checksum string
	Preview  []byte // first bytes of the chunk, shown by the status page
}

// Upload is one file being uploaded.
type Upload struct {
	ID      string
	Client  string
	Headers map[string]string
	Parts   []*Part
	Started time.Time
}

// Progress is what the status endpoint reports for an upload.
type Progress struct {
	Received int64
	Parts    int
}

// UploadSummary is the small by-value record the fixed debug page keeps.
type UploadSummary struct {
	ID    string
	Bytes int64
	Parts int
}

// UploadTracker tracks uploads in progress.
type UploadTracker struct {
	fixed    bool
	inflight map[string]*Upload
	progress map[string]*Progress

	recent []*Upload // anti-pattern: every upload ever, for /debug/uploads

	ring    [1024]UploadSummary // fix: bounded, by value
	ringPos int
}

// NewUploadTracker returns an empty tracker.
func NewUploadTracker(fixed bool) *UploadTracker {
	return &UploadTracker{
		fixed:    fixed,
		inflight: make(map[string]*Upload),
		progress: make(map[string]*Progress),
	}
}

// Begin registers a new upload.
//
//go:noinline
func (t *UploadTracker) Begin(id, client string, headers map[string]string) *Upload {
	u := &Upload{
		ID:      id,
		Client:  client,
		Headers: make(map[string]string, len(headers)),
		Parts:   make([]*Part, 0, 16),
		Started: time.Now(),
	}
	for k, v := range headers {
		u.Headers[k] = v
	}
	t.inflight[id] = u
	t.progress[id] = &Progress{}
	if !t.fixed {
		t.recent = append(t.recent, u)
	}
	return u
}

// AddPart records a verified chunk of the upload.
//
//go:noinline
func (u *Upload) AddPart(seq int, offset int64, chunk []byte, sum string) *Part {
	p := &Part{Seq: seq, Offset: offset, Size: len(chunk), Checksum: sum, Preview: make([]byte, 48)}
	copy(p.Preview, chunk)
	u.Parts = append(u.Parts, p)
	return p
}

// Finish marks an upload as complete.
//
//go:noinline
func (t *UploadTracker) Finish(id string) {
	u := t.inflight[id]
	if t.fixed {
		delete(t.inflight, id)
		delete(t.progress, id)
		var n int64
		for _, p := range u.Parts {
			n += int64(p.Size)
		}
		t.ring[t.ringPos%len(t.ring)] = UploadSummary{ID: id, Bytes: n, Parts: len(u.Parts)}
		t.ringPos++
		return
	}
	// Anti-pattern: the key goes, the value stays reachable through
	// t.recent; and the progress entry is zeroed instead of deleted.
	delete(t.inflight, id)
	t.progress[id] = nil
}

// Upload sizes: each upload is parts chunks of chunkSize bytes (the values kept alive).
var parts, chunkSize = 24, harness.Size(4096)

// dedupRounds is how many times -moderate hashes each body.
const dedupRounds = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// dedupKey is the content address of an upload body, used to find
// duplicate uploads (the -moderate workload's healthy work).
//
//go:noinline
func dedupKey(body []byte) [sha256.Size]byte {
	return sha256.Sum256(body)
}

// receiveUpload handles one upload request: it reads the body, checksums
// every chunk, and records the chunk's metadata. With dedup set it also
// computes the body's content address.
//
//go:noinline
func receiveUpload(t *UploadTracker, payload []byte, n int, dedup bool) {
	id := "upl-" + strconv.Itoa(n)
	headers := map[string]string{
		"Content-Type":   "application/octet-stream",
		"X-Client-Id":    "client-" + strconv.Itoa(n%200),
		"X-Request-Id":   id,
		"Content-Length": strconv.Itoa(len(payload)),
		"User-Agent":     "uploader/2.3",
	}
	u := t.Begin(id, headers["X-Client-Id"], headers)

	body := readBody(payload, n)
	if dedup {
		for i := 0; i < dedupRounds; i++ {
			dedupKey(body)
		}
	}
	for i := 0; i < parts; i++ {
		c := body[i*chunkSize : (i+1)*chunkSize]
		sum := crc32.Checksum(c, castagnoli)
		u.AddPart(i, int64(i*chunkSize), c, hex.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}))
		pr := t.progress[id]
		pr.Received += int64(len(c))
		pr.Parts++
	}
	t.Finish(id)
}

// readBody stands in for io.ReadAll(r.Body): a fresh buffer per request.
//
//go:noinline
func readBody(payload []byte, n int) []byte {
	body := make([]byte, len(payload))
	copy(body, payload)
	body[0], body[1] = byte(n), byte(n>>8)
	return body
}

func main() {
	opts := harness.ParseFlags("ap3-delete-keep-ref: upload tracker that deletes map keys but keeps the values referenced (AP3)",
		harness.Fixed|harness.Moderate)
	// The same number of uploads in the broken and fixed modes; the broken
	// one retains about 4 KiB of metadata in ~80 objects per upload.
	uploads := int(70000 * harness.RunScale())
	if opts.Moderate {
		uploads = int(30000 * harness.RunScale())
	}

	tracker := NewUploadTracker(opts.Fixed)
	payload := make([]byte, parts*chunkSize)
	rand.New(rand.NewSource(3)).Read(payload)

	harness.StartCPU(opts.Out)
	start := time.Now()
	for n := 1; n <= uploads; n++ {
		receiveUpload(tracker, payload, n, opts.Moderate)
		if n == uploads/2 {
			harness.WriteHeapEarly(opts.Out)
		}
	}
	elapsed := time.Since(start)
	harness.StopCPU()
	harness.WriteHeap(opts.Out, true)

	fmt.Fprintf(os.Stderr, "ap3-delete-keep-ref fixed=%v moderate=%v: %d uploads in %v, inflight=%d progress=%d recent=%d\n",
		opts.Fixed, opts.Moderate, uploads, elapsed.Round(time.Millisecond), len(tracker.inflight), len(tracker.progress), len(tracker.recent))
}
