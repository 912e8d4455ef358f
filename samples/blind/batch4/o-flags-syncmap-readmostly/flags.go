package main

import (
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
)

// rule is one feature flag as published by the flag service.
type rule struct {
	Name      string
	Enabled   bool
	RolloutPc uint32   // percentage of users in the rollout
	AllowList []string // tenants always on
	Variant   string
	Revision  int64
}

// flagStore is read on every request and refreshed from the control plane
// every few seconds; keys are flag names and never go away.
var flagStore sync.Map // string -> *rule

var flagRevision int64

func loadFlags(rules []*rule) {
	for _, r := range rules {
		flagStore.Store(r.Name, r)
	}
	atomic.AddInt64(&flagRevision, 1)
}

func bucketOf(flag, user string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(flag))
	h.Write([]byte{':'})
	h.Write([]byte(user))
	return h.Sum32() % 100
}

// enabled reports whether flag is on for user in tenant.
func enabled(flag, tenant, user string) bool {
	v, ok := flagStore.Load(flag)
	if !ok {
		return false
	}
	r := v.(*rule)
	if !r.Enabled {
		return false
	}
	for _, t := range r.AllowList {
		if t == tenant {
			return true
		}
	}
	return bucketOf(flag, user) < r.RolloutPc
}

// variant returns the flag's variant for user, or fallback.
func variant(flag, tenant, user, fallback string) string {
	if !enabled(flag, tenant, user) {
		return fallback
	}
	v, _ := flagStore.Load(flag)
	return v.(*rule).Variant
}

func defaultRules(n int) []*rule {
	rules := make([]*rule, 0, n)
	for i := 0; i < n; i++ {
		rules = append(rules, &rule{
			Name:      "checkout." + strconv.Itoa(i),
			Enabled:   i%5 != 0,
			RolloutPc: uint32(i*37) % 101,
			AllowList: []string{"tenant-acme", "tenant-" + strconv.Itoa(i%13)},
			Variant:   "v" + strconv.Itoa(1+i%3),
		})
	}
	for _, name := range []string{"pricing.dynamic_discount", "pricing.tax_v2", "search.semantic_rerank", "ui.new_cart"} {
		rules = append(rules, &rule{Name: name, Enabled: true, RolloutPc: 50, Variant: "treatment"})
	}
	return rules
}
