// Command geoipd answers "where is this client" for the rest of the fleet.
//
// At start-up it loads the prefix database (network/len,country,city,asn,lat,lon)
// into memory; afterwards the table is read-only and request goroutines look
// addresses up without any locking.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type geoRecord struct {
	Country [2]byte
	City    uint32 // index into cityNames
	ASN     uint32
	Lat     float32
	Lon     float32
}

// prefixKey packs a network and its length: len<<32 | network.
type prefixKey uint64

func keyOf(network uint32, bits uint8) prefixKey {
	return prefixKey(uint64(bits)<<32 | uint64(network&maskOf(bits)))
}

func maskOf(bits uint8) uint32 { return ^uint32(0) << (32 - bits) }

var (
	prefixes  map[prefixKey]geoRecord // read-only after loadDatabase
	cityNames []string
	lookupLen = []uint8{24, 20, 16}
)

var countries = []string{"US", "DE", "FR", "GB", "JP", "BR", "IN", "NL", "SE", "CA", "AU", "PL", "ES", "IT", "KR"}

// generateDump stands in for the vendor's CSV download.
func generateDump(rows int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	buf := make([]byte, 0, rows*48)
	buf = append(buf, "network,country,city,asn,lat,lon\n"...)
	for i := 0; i < rows; i++ {
		bits := lookupLen[rng.Intn(len(lookupLen))]
		if i%5 != 0 {
			bits = 24
		}
		ip := rng.Uint32() & maskOf(bits)
		for shift := 24; shift >= 0; shift -= 8 {
			buf = strconv.AppendUint(buf, uint64(ip>>uint(shift)&0xff), 10)
			if shift > 0 {
				buf = append(buf, '.')
			}
		}
		buf = append(buf, '/')
		buf = strconv.AppendUint(buf, uint64(bits), 10)
		buf = append(buf, ',')
		buf = append(buf, countries[rng.Intn(len(countries))]...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(rng.Intn(20000)), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(1000+rng.Intn(60000)), 10)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, rng.Float64()*180-90, 'f', 4, 32)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, rng.Float64()*360-180, 'f', 4, 32)
		buf = append(buf, '\n')
	}
	return buf
}

func parseIPv4(s string) (uint32, error) {
	var ip uint32
	for part := 0; part < 4; part++ {
		end := strings.IndexByte(s, '.')
		if part == 3 {
			end = len(s)
		}
		if end <= 0 {
			return 0, errors.New("bad address")
		}
		n, err := strconv.Atoi(s[:end])
		if err != nil || n > 255 {
			return 0, errors.New("bad octet")
		}
		ip = ip<<8 | uint32(n)
		if part < 3 {
			s = s[end+1:]
		}
	}
	return ip, nil
}

// loadDatabase parses the dump into the prefix table.
func loadDatabase(dump []byte) (int, error) {
	cityNames = make([]string, 20000)
	for i := range cityNames {
		cityNames[i] = "city-" + strconv.Itoa(i)
	}
	table := make(map[prefixKey]geoRecord)
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		if len(f) != 6 {
			return 0, fmt.Errorf("bad row %q", sc.Text())
		}
		slash := strings.IndexByte(f[0], '/')
		network, err := parseIPv4(f[0][:slash])
		if err != nil {
			return 0, err
		}
		bits, _ := strconv.Atoi(f[0][slash+1:])
		city, _ := strconv.Atoi(f[2])
		asn, _ := strconv.Atoi(f[3])
		lat, _ := strconv.ParseFloat(f[4], 32)
		lon, _ := strconv.ParseFloat(f[5], 32)
		rec := geoRecord{City: uint32(city), ASN: uint32(asn), Lat: float32(lat), Lon: float32(lon)}
		copy(rec.Country[:], f[1])
		table[keyOf(network, uint8(bits))] = rec
	}
	prefixes = table
	return len(table), sc.Err()
}

// lookup finds the most specific prefix that contains ip.
func lookup(ip uint32) (geoRecord, bool) {
	for _, bits := range lookupLen {
		if rec, ok := prefixes[keyOf(ip, bits)]; ok {
			return rec, true
		}
	}
	return geoRecord{}, false
}

// answer renders the lookup result for one client address into w.
func answer(w *bufio.Writer, clientIP string) (found bool) {
	ip, err := parseIPv4(clientIP)
	if err != nil {
		w.WriteString(`{"error":"bad address"}` + "\n")
		return false
	}
	rec, ok := lookup(ip)
	if !ok {
		w.WriteString(`{"country":null}` + "\n")
		return false
	}
	w.WriteString(`{"country":"`)
	w.Write(rec.Country[:])
	w.WriteString(`","city":"`)
	w.WriteString(cityNames[rec.City])
	w.WriteString(`","asn":`)
	w.WriteString(strconv.FormatUint(uint64(rec.ASN), 10))
	w.WriteString("}\n")
	return true
}

// conn simulates one keep-alive client connection: it reads request lines
// (client addresses to locate) and writes one JSON answer per line.
type conn struct {
	rng      *rand.Rand
	out      *bufio.Writer
	answered uint64
	misses   uint64
}

func (c *conn) nextRequest() string {
	ip := c.rng.Uint32()
	return strconv.Itoa(int(ip>>24)) + "." + strconv.Itoa(int(ip>>16&0xff)) + "." +
		strconv.Itoa(int(ip>>8&0xff)) + "." + strconv.Itoa(int(ip&0xff))
}

func (c *conn) serve(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			c.out.Flush()
			return
		default:
		}
		for i := 0; i < 100; i++ {
			if !answer(c.out, c.nextRequest()) {
				c.misses++
			}
			c.answered++
		}
	}
}

func main() {
	prof.Start()

	t0 := time.Now()
	n, err := loadDatabase(generateDump(260000, 42))
	if err != nil {
		fmt.Println("load:", err)
		return
	}
	fmt.Printf("loaded %d prefixes in %v\n", n, time.Since(t0).Round(time.Millisecond))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	conns := make([]*conn, 4)
	for i := range conns {
		c := &conn{rng: rand.New(rand.NewSource(int64(i) + 100)), out: bufio.NewWriterSize(io.Discard, 16<<10)}
		conns[i] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.serve(stop)
		}()
	}

	time.Sleep(1200 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1000 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2300 * time.Millisecond)
	close(stop)
	wg.Wait()

	prof.Stop()
	var answered, misses uint64
	for _, c := range conns {
		answered += c.answered
		misses += c.misses
	}
	fmt.Printf("answered=%d misses=%d table=%d\n", answered, misses, len(prefixes))
}
