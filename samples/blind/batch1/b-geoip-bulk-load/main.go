// Command edgegeo enriches edge access logs with geo and network data. At
// startup it loads the provider's /24 geo table (a CSV export) into memory;
// from then on the table is immutable and shared by all log workers without
// locking.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type geoEntry struct {
	Country [2]byte
	City    uint32 // index into GeoDB.cities
	ASN     uint32
	Lat     float32
	Lon     float32
}

// GeoDB maps a /24 network (ip >> 8) to its location.
type GeoDB struct {
	nets    map[uint32]geoEntry
	cities  []string
	asNames map[uint32]string
	built   time.Time
}

func parseIPv4(s string) (uint32, error) {
	var ip uint32
	parts := 0
	for len(s) > 0 {
		i := strings.IndexByte(s, '.')
		field := s
		if i >= 0 {
			field, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		n, err := strconv.Atoi(field)
		if err != nil || n < 0 || n > 255 {
			return 0, errors.New("bad ip")
		}
		ip = ip<<8 | uint32(n)
		parts++
	}
	if parts != 4 {
		return 0, errors.New("bad ip")
	}
	return ip, nil
}

// LoadCSV reads "# records: N" followed by lines
// network,country,city,lat,lon,asn,as_name.
func LoadCSV(data []byte) (*GeoDB, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	if !sc.Scan() {
		return nil, errors.New("empty file")
	}
	hint, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "# records: "))
	if err != nil {
		return nil, fmt.Errorf("bad header: %v", err)
	}
	db := &GeoDB{
		nets:    make(map[uint32]geoEntry, hint),
		asNames: make(map[uint32]string),
		built:   time.Now(),
	}
	cityIdx := make(map[string]uint32)
	var fields [7]string
	for sc.Scan() {
		line := sc.Text()
		n := 0
		for n < 6 {
			i := strings.IndexByte(line, ',')
			if i < 0 {
				break
			}
			fields[n], line = line[:i], line[i+1:]
			n++
		}
		if n != 6 {
			return nil, fmt.Errorf("bad line %q", sc.Text())
		}
		fields[6] = line
		ip, err := parseIPv4(fields[0])
		if err != nil {
			return nil, err
		}
		city, ok := cityIdx[fields[2]]
		if !ok {
			city = uint32(len(db.cities))
			name := strings.Clone(fields[2])
			db.cities = append(db.cities, name)
			cityIdx[name] = city
		}
		lat, _ := strconv.ParseFloat(fields[3], 32)
		lon, _ := strconv.ParseFloat(fields[4], 32)
		asn, _ := strconv.ParseUint(fields[5], 10, 32)
		if _, ok := db.asNames[uint32(asn)]; !ok {
			db.asNames[uint32(asn)] = strings.Clone(fields[6])
		}
		e := geoEntry{City: city, ASN: uint32(asn), Lat: float32(lat), Lon: float32(lon)}
		copy(e.Country[:], fields[1])
		db.nets[ip>>8] = e
	}
	return db, sc.Err()
}

// Lookup returns the entry of the /24 that contains ip.
func (db *GeoDB) Lookup(ip uint32) (geoEntry, bool) {
	e, ok := db.nets[ip>>8]
	return e, ok
}

var countryCities = map[string][]string{
	"DE": {"Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt"},
	"FR": {"Paris", "Lyon", "Marseille", "Toulouse"},
	"US": {"New York", "Chicago", "Dallas", "Seattle", "Ashburn", "San Jose"},
	"GB": {"London", "Manchester", "Leeds"},
	"JP": {"Tokyo", "Osaka"},
	"BR": {"Sao Paulo", "Rio de Janeiro"},
	"IN": {"Mumbai", "Bangalore", "Delhi"},
	"NL": {"Amsterdam", "Rotterdam"},
}

// exportCSV stands in for the provider's download: the same bytes the
// loader would read from disk.
func exportCSV(records int) []byte {
	rng := rand.New(rand.NewSource(2024))
	countries := make([]string, 0, len(countryCities))
	for c := range countryCities {
		countries = append(countries, c)
	}
	var buf bytes.Buffer
	buf.Grow(records * 60)
	fmt.Fprintf(&buf, "# records: %d\n", records)
	base := uint32(0x0B000000) // 11.0.0.0
	for i := 0; i < records; i++ {
		net := base + uint32(i)<<8
		c := countries[(i/512)%len(countries)]
		cities := countryCities[c]
		asn := 64512 + (i/2048)%900
		fmt.Fprintf(&buf, "%d.%d.%d.0,%s,%s,%.4f,%.4f,%d,AS%d Networks\n",
			net>>24, net>>16&0xff, net>>8&0xff, c, cities[rng.Intn(len(cities))],
			rng.Float64()*120-60, rng.Float64()*360-180, asn, asn)
	}
	return buf.Bytes()
}

type logLine struct {
	ClientIP string
	Path     string
	Status   int
	Bytes    int
}

func formatEnriched(sb *strings.Builder, l logLine, e geoEntry, db *GeoDB) {
	sb.Reset()
	sb.WriteString(l.ClientIP)
	sb.WriteString(" country=")
	sb.Write(e.Country[:])
	sb.WriteString(" city=")
	sb.WriteString(db.cities[e.City])
	sb.WriteString(" asn=")
	sb.WriteString(strconv.FormatUint(uint64(e.ASN), 10))
	sb.WriteString(" org=\"")
	sb.WriteString(db.asNames[e.ASN])
	sb.WriteString("\" path=")
	sb.WriteString(l.Path)
	sb.WriteString(" status=")
	sb.WriteString(strconv.Itoa(l.Status))
}

var paths = []string{"/", "/api/v1/items", "/static/app.js", "/static/app.css", "/login", "/api/v1/cart", "/img/logo.svg"}

// enrichWorker plays one log shipper partition.
func enrichWorker(id int, db *GeoDB, records int, stop <-chan struct{}, lines *uint64, out map[string]int) {
	rng := rand.New(rand.NewSource(int64(id)))
	var sb strings.Builder
	var shipped int
	for {
		for i := 0; i < 256; i++ {
			ip := 0x0B000000 + uint32(rng.Intn(records+records/20))<<8 | uint32(rng.Intn(256))
			l := logLine{
				ClientIP: strconv.Itoa(int(ip>>24)) + "." + strconv.Itoa(int(ip>>16&0xff)) + "." + strconv.Itoa(int(ip>>8&0xff)) + "." + strconv.Itoa(int(ip&0xff)),
				Path:     paths[rng.Intn(len(paths))],
				Status:   200,
				Bytes:    rng.Intn(50000),
			}
			parsed, err := parseIPv4(l.ClientIP)
			if err != nil {
				continue
			}
			e, ok := db.Lookup(parsed)
			if !ok {
				out["??"]++
				continue
			}
			formatEnriched(&sb, l, e, db)
			shipped += sb.Len()
			out[string(e.Country[:])]++
		}
		atomic.AddUint64(lines, 256)
		select {
		case <-stop:
			return
		default:
		}
	}
}

func main() {
	prof.Start()

	const records = 420000
	start := time.Now()
	db, err := LoadCSV(exportCSV(records))
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	loadTime := time.Since(start)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var lines uint64
	perWorker := make([]map[string]int, 6)
	for w := range perWorker {
		perWorker[w] = make(map[string]int)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			enrichWorker(w, db, records, stop, &lines, perWorker[w])
		}(w)
	}

	time.Sleep(1500 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(1500 * time.Millisecond)
	prof.Goroutines()
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	wg.Wait()
	prof.Stop()

	total := make(map[string]int)
	for _, m := range perWorker {
		for c, n := range m {
			total[c] += n
		}
	}
	fmt.Fprintf(os.Stderr, "loaded %d networks (%d cities) in %v; enriched %d lines; by country %v\n",
		len(db.nets), len(db.cities), loadTime.Round(time.Millisecond), atomic.LoadUint64(&lines), total)
}
