package main

// The hostile endpoints: bodies that come a byte at a time, never end, inflate to gigabytes,
// lie about their length or are cut off. Each is a well-formed profile as far as it goes
// (gzip-compressed unless ?raw=1), so that only a timeout, a size cap or the transport can
// stop a client, not its decoder:
//
//	/drip?every=200ms       a gzip profile that never ends, one byte every 200 ms
//	/endless                a gzip profile that never ends, at full speed; ?raw=1: raw protobuf
//	/bomb?size=4G           a gzip profile of 4 GiB of samples in 29 MB (Content-Length
//	                        given); ?zeros=1: 4 GiB of zeros instead (not protobuf)
//	/shortlength            a complete small gzip profile under a Content-Length 1000 bytes
//	                        longer, then the connection closes
//	/cutoff                 a chunked answer whose body is half a gzip profile, then the
//	                        connection closes (no last chunk)
//	/sleepy?seconds=3       a small gzip profile after that many seconds (a CPU profile's
//	                        wait, that several can share: Go serves one CPU profile at a time)
//
// The compressed streams are written by hand (one fixed-Huffman deflate block: the prefix as
// literals, then copies of the last sample 258 bytes at a time, 13 bits each), so that the
// server spends almost nothing on the gigabytes it promises and writes only what the client
// reads.

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func init() {
	http.HandleFunc("/drip", drip)
	http.HandleFunc("/endless", endless)
	http.HandleFunc("/bomb", bomb)
	http.HandleFunc("/shortlength", shortLength)
	http.HandleFunc("/cutoff", cutoff)
	http.HandleFunc("/sleepy", sleepy)
}

// profilePrefix is the start of a profile.proto Profile message: one sample type
// (samples/count), a mapping, a location of that mapping, its function, the string table.
// sampleRecord is one Sample of that location with value 1 (six bytes, its repeated fields
// unpacked). The prefix followed by any number of samples is a valid profile.
var profilePrefix, sampleRecord = hostileProfile()

func hostileProfile() ([]byte, []byte) {
	table := []string{"", "samples", "count", "main.endless", "endless.go", "/usr/local/bin/endless"}
	var p []byte
	// sample_type {type, unit}
	p = appendMessage(p, 1, varints(1, 1, 2, 2))
	// mapping {id, memory_start, memory_limit, filename, has_functions, has_filenames, has_line_numbers}
	p = appendMessage(p, 3, varints(1, 1, 2, 0x400000, 3, 0x500000, 5, 5, 7, 1, 8, 1, 9, 1))
	// location {id, mapping_id, address, line {function_id, line}}
	p = appendMessage(p, 4, appendMessage(varints(1, 1, 2, 1, 3, 0x401000), 4, varints(1, 1, 2, 7)))
	// function {id, name, system_name, filename, start_line}
	p = appendMessage(p, 5, varints(1, 1, 2, 3, 3, 3, 4, 4, 5, 3))
	// string_table
	for _, s := range table {
		p = appendMessage(p, 6, []byte(s))
	}
	return p, appendMessage(nil, 2, varints(1, 1, 2, 1)) // sample {location_id 1, value 1}
}

// varints encodes field number, value pairs as varint fields.
func varints(pairs ...uint64) []byte {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		b = appendVarint(b, pairs[i]<<3)
		b = appendVarint(b, pairs[i+1])
	}
	return b
}

func appendMessage(b []byte, field uint64, body []byte) []byte {
	b = appendVarint(b, field<<3|2)
	b = appendVarint(b, uint64(len(body)))
	return append(b, body...)
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// smallProfile is a complete gzip profile of 1000 samples.
func smallProfile() []byte {
	var buffer bytes.Buffer
	writeRepeating(&buffer, profilePrefix, sampleRecord, 1000, true)
	return buffer.Bytes()
}

// drip sends a gzip profile that never ends, one byte every ?every (200 ms).
func drip(w http.ResponseWriter, r *http.Request) {
	every := 200 * time.Millisecond
	if text := r.URL.Query().Get("every"); text != "" {
		if d, err := time.ParseDuration(text); err == nil {
			every = d
		}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	writeRepeating(&dripWriter{w: w, every: every, done: r.Context().Done()}, profilePrefix, sampleRecord, -1, true)
}

// dripWriter passes each byte on alone, flushed, and then waits.
type dripWriter struct {
	w     http.ResponseWriter
	every time.Duration
	done  <-chan struct{}
}

func (d *dripWriter) Write(p []byte) (int, error) {
	for i := range p {
		if _, err := d.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
		d.w.(http.Flusher).Flush()
		select {
		case <-d.done:
			return i + 1, io.ErrClosedPipe
		case <-time.After(d.every):
		}
	}
	return len(p), nil
}

// endless sends a profile that never ends: gzip, or with ?raw=1 raw protobuf.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	if r.URL.Query().Get("raw") == "" {
		writeRepeating(w, profilePrefix, sampleRecord, -1, true)
		return
	}
	if _, err := w.Write(profilePrefix); err != nil {
		return
	}
	chunk := bytes.Repeat(sampleRecord, 65536/len(sampleRecord))
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// bomb sends a complete gzip body, its Content-Length given, that inflates to ?size bytes
// (4G by default; suffixes K, M, G): a profile of that many bytes of samples, or with ?zeros=1
// that many zeros.
func bomb(w http.ResponseWriter, r *http.Request) {
	size, err := parseSize(r.URL.Query().Get("size"), 4<<30)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	prefix, period := profilePrefix, sampleRecord
	if r.URL.Query().Get("zeros") != "" {
		prefix, period = nil, []byte{0}
	}
	copies := (size - int64(len(prefix))) / int64(len(period))
	if copies < 1 {
		copies = 1
	}
	length, _ := writeRepeating(io.Discard, prefix, period, copies, false)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
	writeRepeating(w, prefix, period, copies, true)
}

func parseSize(text string, otherwise int64) (int64, error) {
	if text == "" {
		return otherwise, nil
	}
	scale := int64(1)
	switch {
	case strings.HasSuffix(text, "K"):
		scale = 1 << 10
	case strings.HasSuffix(text, "M"):
		scale = 1 << 20
	case strings.HasSuffix(text, "G"):
		scale = 1 << 30
	}
	n, err := strconv.ParseInt(strings.TrimRight(text, "KMG"), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", text)
	}
	return n * scale, nil
}

// shortLength declares 1000 bytes more than the complete profile it sends, then closes.
func shortLength(w http.ResponseWriter, r *http.Request) {
	body := smallProfile()
	rawAnswer(w, fmt.Sprintf("Content-Length: %d\r\n", len(body)+1000), body)
}

// cutoff sends half a profile as one chunk of a chunked answer, then closes.
func cutoff(w http.ResponseWriter, r *http.Request) {
	body := smallProfile()
	half := body[:len(body)/2]
	rawAnswer(w, "Transfer-Encoding: chunked\r\n", append([]byte(fmt.Sprintf("%x\r\n", len(half))), append(half, "\r\n"...)...))
}

// rawAnswer writes a 200 answer with `headers` and `body` on the bare connection, waits a
// little, and closes the connection.
func rawAnswer(w http.ResponseWriter, headers string, body []byte) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer conn.Close()
	out := bufio.NewWriter(conn)
	fmt.Fprintf(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n%sConnection: close\r\n\r\n", headers)
	out.Write(body)
	out.Flush()
	time.Sleep(100 * time.Millisecond)
}

// sleepy sends a small profile after ?seconds (1).
func sleepy(w http.ResponseWriter, r *http.Request) {
	seconds, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
	if err != nil || seconds <= 0 {
		seconds = 1
	}
	select {
	case <-r.Context().Done():
		return
	case <-time.After(time.Duration(seconds * float64(time.Second))):
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(smallProfile())
}

// writeRepeating writes one gzip member (RFC 1952) whose content is prefix, then period
// `copies` times (for ever when copies < 0), until done or a write fails; it returns the
// bytes written. Without withCRC the trailer's checksum is left zero (for counting).
func writeRepeating(w io.Writer, prefix, period []byte, copies int64, withCRC bool) (int64, error) {
	b := &bitWriter{w: w}
	b.buf = append(b.buf, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff)
	b.bits(1, 1) // BFINAL: the only block
	b.bits(1, 2) // BTYPE 01: fixed Huffman codes
	var crc uint32
	var size uint32
	for _, part := range [][]byte{prefix, period} {
		for _, c := range part {
			b.literal(int(c))
		}
		crc = crc32.Update(crc, crc32.IEEETable, part)
		size += uint32(len(part))
	}
	// Every copy is of the bytes len(period) back: cycle[phase:phase+n] is what n copied bytes are.
	cycle := bytes.Repeat(period, 258/len(period)+2)
	match := matchCode(258, len(period))
	remaining := (copies - 1) * int64(len(period))
	phase := 0
	for (copies < 0 || remaining > 0) && b.err == nil {
		n := 258
		if copies >= 0 {
			if remaining < 258 {
				n = int(remaining)
			}
			if left := remaining - int64(n); left > 0 && left < 3 {
				n -= 3 // the last copy must be at least 3 bytes long
			}
		}
		switch {
		case n == 258:
			b.bits(match.bits, match.count)
		case n >= 3:
			m := matchCode(n, len(period))
			b.bits(m.bits, m.count)
		default:
			for _, c := range cycle[phase : phase+n] {
				b.literal(int(c))
			}
		}
		if withCRC {
			crc = crc32.Update(crc, crc32.IEEETable, cycle[phase:phase+n])
		}
		size += uint32(n)
		phase = (phase + n) % len(period)
		remaining -= int64(n)
	}
	b.literal(256) // end of block
	if b.count != 0 {
		b.bits(0, 8-b.count) // to a byte boundary
	}
	b.buf = append(b.buf, byte(crc), byte(crc>>8), byte(crc>>16), byte(crc>>24),
		byte(size), byte(size>>8), byte(size>>16), byte(size>>24))
	b.flush()
	return b.written, b.err
}

// bitWriter writes bits least significant first (deflate's order), a few KB at a time.
type bitWriter struct {
	w       io.Writer
	acc     uint64
	count   uint // bits in acc
	buf     []byte
	written int64
	err     error
}

func (b *bitWriter) bits(value uint32, count uint) {
	b.acc |= uint64(value) << b.count
	b.count += count
	for b.count >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.count -= 8
	}
	if len(b.buf) >= 4096 {
		b.flush()
	}
}

func (b *bitWriter) flush() {
	if b.err == nil && len(b.buf) > 0 {
		var n int
		n, b.err = b.w.Write(b.buf)
		b.written += int64(n)
	}
	b.buf = b.buf[:0]
}

// huffman writes a Huffman code: most significant bit first.
func (b *bitWriter) huffman(code uint32, count uint) {
	b.bits(reverse(code, count), count)
}

func reverse(code uint32, count uint) uint32 {
	var r uint32
	for i := uint(0); i < count; i++ {
		r = r<<1 | code>>i&1
	}
	return r
}

// literal writes a literal/length symbol with the fixed codes of RFC 1951 3.2.6.
func (b *bitWriter) literal(symbol int) {
	switch {
	case symbol < 144:
		b.huffman(uint32(0x30+symbol), 8)
	case symbol < 256:
		b.huffman(uint32(0x190+symbol-144), 9)
	case symbol < 280:
		b.huffman(uint32(symbol-256), 7)
	default:
		b.huffman(uint32(0xc0+symbol-280), 8)
	}
}

var (
	lengthBase  = [29]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
)

// bitString is a run of bits to write as they are.
type bitString struct {
	bits  uint32
	count uint
}

// matchCode is the bits of a copy of `length` bytes (3 to 258) from `distance` bytes back
// (1 to 32768), with the fixed codes.
func matchCode(length, distance int) bitString {
	var s bitWriter
	i := len(lengthBase) - 1
	for lengthBase[i] > length {
		i--
	}
	s.literal(257 + i)
	s.bits(uint32(length-lengthBase[i]), lengthExtra[i])
	j := len(distBase) - 1
	for distBase[j] > distance {
		j--
	}
	s.huffman(uint32(j), 5)
	s.bits(uint32(distance-distBase[j]), distExtra[j])
	// At most 8 + 5 + 5 + 13 bits: in the accumulator and the bytes already shifted out.
	var value uint64
	for k, c := range s.buf {
		value |= uint64(c) << (8 * uint(k))
	}
	value |= s.acc << (8 * uint(len(s.buf)))
	return bitString{bits: uint32(value), count: uint(len(s.buf))*8 + s.count}
}
