// Command geoip answers "where is this address" for the ad server: it loads
// a /24-granular geo database at start-up and then serves lookups.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"strconv"
	"sync"
	"time"

	"blind/prof"
)

// Location is what the database knows about one /24 network.
type Location struct {
	Country [2]byte
	CityID  uint32
	ASN     uint32
	Lat     float32
	Lon     float32
}

// rowSize is the size of one record of the flat database file.
const rowSize = 4 + 2 + 4 + 4 + 4 + 4

var countries = [][2]byte{{'D', 'E'}, {'F', 'R'}, {'U', 'S'}, {'B', 'R'}, {'J', 'P'}, {'I', 'N'}, {'N', 'G'}, {'S', 'E'}}

// writeDatabase produces the vendor's flat file: a row count followed by
// fixed-size big-endian rows.
func writeDatabase(w io.Writer, rows int, rnd *rand.Rand) error {
	if err := binary.Write(w, binary.BigEndian, uint32(rows)); err != nil {
		return err
	}
	row := make([]byte, rowSize)
	net24 := uint32(0x01000000 >> 8)
	for i := 0; i < rows; i++ {
		r := rnd.Uint64()
		net24 += 1 + uint32(r%3)
		c := countries[(r>>2)%uint64(len(countries))]
		binary.BigEndian.PutUint32(row[0:], net24)
		copy(row[4:6], c[:])
		binary.BigEndian.PutUint32(row[6:], uint32(r>>8)%120000)
		binary.BigEndian.PutUint32(row[10:], 1000+uint32(r>>28)%60000)
		binary.BigEndian.PutUint32(row[14:], uint32(r>>32))
		binary.BigEndian.PutUint32(row[18:], uint32(r>>16))
		if _, err := w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

// GeoDB maps a network (address >> 8) to its location. It is filled once by
// Load and only read afterwards.
type GeoDB struct {
	nets map[uint32]Location
}

var errTruncated = errors.New("geo database truncated")

func Load(r io.Reader) (*GeoDB, error) {
	var rows uint32
	if err := binary.Read(r, binary.BigEndian, &rows); err != nil {
		return nil, err
	}
	db := &GeoDB{nets: make(map[uint32]Location)}
	row := make([]byte, rowSize)
	for i := uint32(0); i < rows; i++ {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, fmt.Errorf("%w at row %d: %v", errTruncated, i, err)
		}
		var loc Location
		copy(loc.Country[:], row[4:6])
		loc.CityID = binary.BigEndian.Uint32(row[6:])
		loc.ASN = binary.BigEndian.Uint32(row[10:])
		loc.Lat = float32(int32(binary.BigEndian.Uint32(row[14:]))%180000) / 1000
		loc.Lon = float32(int32(binary.BigEndian.Uint32(row[18:]))%360000) / 1000
		db.nets[binary.BigEndian.Uint32(row[0:])] = loc
	}
	return db, nil
}

func (db *GeoDB) Lookup(ip net.IP) (Location, bool) {
	v4 := ip.To4()
	if v4 == nil {
		return Location{}, false
	}
	loc, ok := db.nets[binary.BigEndian.Uint32(v4)>>8]
	return loc, ok
}

func (db *GeoDB) Len() int { return len(db.nets) }

// served counts answers per country for the metrics endpoint.
type served struct {
	byCountry map[[2]byte]int
	misses    int
}

// adRequest is the part of an ad request the geo stage looks at.
type adRequest struct {
	RemoteAddr string
	Slot       string
}

func worker(db *GeoDB, seed int64, stop <-chan struct{}, out chan<- served, wg *sync.WaitGroup) {
	defer wg.Done()
	rnd := rand.New(rand.NewSource(seed))
	st := served{byCountry: make(map[[2]byte]int, len(countries))}
	var resp []byte
	for i := 0; ; i++ {
		if i%256 == 0 {
			select {
			case <-stop:
				out <- st
				return
			default:
			}
			time.Sleep(100 * time.Microsecond) // paced by the frontends
		}
		// ad requests come mostly from the covered range
		n := 0x01000000 + uint32(rnd.Intn(2200000))<<8 | uint32(rnd.Intn(256))
		req := adRequest{
			RemoteAddr: strconv.Itoa(int(n>>24)) + "." + strconv.Itoa(int(n>>16&0xff)) + "." +
				strconv.Itoa(int(n>>8&0xff)) + "." + strconv.Itoa(int(n&0xff)),
			Slot: "banner-top",
		}
		ip := net.ParseIP(req.RemoteAddr)
		loc, ok := db.Lookup(ip)
		if !ok {
			st.misses++
			continue
		}
		st.byCountry[loc.Country]++
		resp = append(resp[:0], `{"slot":"`...)
		resp = append(resp, req.Slot...)
		resp = append(resp, `","country":"`...)
		resp = append(resp, loc.Country[:]...)
		resp = append(resp, `","city":`...)
		resp = strconv.AppendUint(resp, uint64(loc.CityID), 10)
		resp = append(resp, '}')
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func main() {
	prof.Start()
	started := time.Now()

	var file bytes.Buffer
	if err := writeDatabase(&file, 1000000, rand.New(rand.NewSource(99))); err != nil {
		log.Fatal(err)
	}
	db, err := Load(&file)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("geo database: %d networks loaded in %v", db.Len(), time.Since(started).Round(time.Millisecond))

	stop := make(chan struct{})
	results := make(chan served, 4)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go worker(db, int64(w), stop, results, &wg)
	}

	// Serve for the rest of the run, but at least a few seconds after the load.
	const runFor = 7 * time.Second
	loaded := time.Now()
	end := later(started.Add(runFor), loaded.Add(3*time.Second))
	early := later(started.Add(runFor/3), loaded.Add(300*time.Millisecond))
	time.Sleep(time.Until(early))
	prof.HeapEarly()
	time.Sleep(time.Until(early.Add(end.Sub(early) / 3)))
	prof.Goroutines()
	time.Sleep(time.Until(end))
	close(stop)
	wg.Wait()
	close(results)
	total, misses := 0, 0
	for st := range results {
		for _, n := range st.byCountry {
			total += n
		}
		misses += st.misses
	}
	prof.Stop()
	log.Printf("lookups=%d misses=%d networks=%d", total+misses, misses, db.Len())
}
