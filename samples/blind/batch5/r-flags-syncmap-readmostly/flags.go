package main

import (
	"hash/fnv"
	"strconv"
	"sync"
)

// Flag is one feature flag as served by the control plane.
type Flag struct {
	Name    string
	Enabled bool
	Rollout uint32 // percentage of customers, 0-100
	Variant string
	Version int64
}

// flagSet is the process-wide flag table. It is written by the sync loop
// about once a second and read by every request.
var flagSet sync.Map // name -> *Flag

// loadFlags installs the initial snapshot fetched at startup.
func loadFlags(snapshot []Flag) {
	for i := range snapshot {
		f := snapshot[i]
		flagSet.Store(f.Name, &f)
	}
}

// enabledFor reports whether the flag is on for this customer, using a
// stable hash so a customer stays in the same rollout bucket.
func enabledFor(name string, customer uint64) bool {
	v, ok := flagSet.Load(name)
	if !ok {
		return false
	}
	f := v.(*Flag)
	if !f.Enabled {
		return false
	}
	if f.Rollout >= 100 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	h.Write([]byte(strconv.FormatUint(customer, 10)))
	return h.Sum32()%100 < f.Rollout
}

// variantOf returns the flag's variant, or def when the flag is unknown.
func variantOf(name, def string) string {
	if v, ok := flagSet.Load(name); ok {
		if f := v.(*Flag); f.Enabled && f.Variant != "" {
			return f.Variant
		}
	}
	return def
}
