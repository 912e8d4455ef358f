package main

import (
	"hash/crc32"
	"sync"
)

// Flag is one feature switch as published by the config service.
type Flag struct {
	Name      string
	Enabled   bool
	RolloutPc uint32 // percentage of users that get the feature when Enabled
	Owner     string
}

// switches holds the current feature switches, keyed by name. It is filled
// once at start-up and updated only when the config service pushes a change.
var switches sync.Map

func publish(f Flag) { switches.Store(f.Name, &f) }

// enabledFor reports whether the feature is on for the given user.
func enabledFor(name, userID string) bool {
	v, ok := switches.Load(name)
	if !ok {
		return false
	}
	f := v.(*Flag)
	if !f.Enabled {
		return false
	}
	if f.RolloutPc >= 100 {
		return true
	}
	return crc32.ChecksumIEEE([]byte(name+":"+userID))%100 < f.RolloutPc
}
