package main

import (
	"hash/maphash"
	"math"
	"sync"
	"time"
)

const shardCount = 64

// Fix is the last known position of a vehicle.
type Fix struct {
	Lat, Lon   float64
	SpeedKmh   float64
	Odometer   float64 // km driven since the shift started
	NearDepot  int
	ReportedAt time.Time
}

type geoShard struct {
	mu    sync.Mutex
	fixes map[string]Fix
}

// GeoIndex holds the live fleet positions, split across shards so that
// position updates from different vehicles rarely meet on the same lock.
type GeoIndex struct {
	seed   maphash.Seed
	shards [shardCount]geoShard
}

func NewGeoIndex() *GeoIndex {
	g := &GeoIndex{seed: maphash.MakeSeed()}
	for i := range g.shards {
		g.shards[i].fixes = make(map[string]Fix, 512)
	}
	return g
}

func (g *GeoIndex) shardFor(vehicle string) *geoShard {
	var h maphash.Hash
	h.SetSeed(g.seed)
	h.WriteString(vehicle)
	return &g.shards[h.Sum64()%shardCount]
}

func (g *GeoIndex) Last(vehicle string) (Fix, bool) {
	s := g.shardFor(vehicle)
	s.mu.Lock()
	f, ok := s.fixes[vehicle]
	s.mu.Unlock()
	return f, ok
}

func (g *GeoIndex) Put(vehicle string, f Fix) {
	s := g.shardFor(vehicle)
	s.mu.Lock()
	s.fixes[vehicle] = f
	s.mu.Unlock()
}

// CountWithin counts vehicles within radiusKm of (lat, lon), one shard at a
// time, copying the candidates out before doing the trigonometry.
func (g *GeoIndex) CountWithin(lat, lon, radiusKm float64) int {
	n := 0
	buf := make([]Fix, 0, 1024)
	for i := range g.shards {
		s := &g.shards[i]
		buf = buf[:0]
		s.mu.Lock()
		for _, f := range s.fixes {
			buf = append(buf, f)
		}
		s.mu.Unlock()
		for _, f := range buf {
			if haversineKm(lat, lon, f.Lat, f.Lon) <= radiusKm {
				n++
			}
		}
	}
	return n
}

const earthRadiusKm = 6371.0

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
}
