// Command checkoutd serves the checkout flow; which steps run depends on
// feature switches pushed by the config service.
package main

import (
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

var initialFlags = []Flag{
	{"checkout.new_address_form", true, 100, "team-checkout"},
	{"checkout.express_pay", true, 35, "team-payments"},
	{"checkout.gift_wrap", false, 0, "team-checkout"},
	{"checkout.split_shipment", true, 10, "team-fulfilment"},
	{"pricing.dynamic_discounts", true, 50, "team-pricing"},
	{"pricing.show_vat_breakdown", true, 100, "team-pricing"},
	{"risk.3ds_challenge", true, 100, "team-risk"},
	{"risk.velocity_check_v2", true, 20, "team-risk"},
	{"ux.dark_mode", true, 60, "team-web"},
	{"ux.recommendations_carousel", true, 80, "team-reco"},
	{"loyalty.points_redemption", true, 45, "team-loyalty"},
	{"loyalty.tier_badges", false, 0, "team-loyalty"},
}

type checkoutStep func(user string, cartCents int64) int64

var stepsRun [8]int64

func buildPipeline() []checkoutStep {
	return []checkoutStep{
		func(user string, c int64) int64 {
			if enabledFor("pricing.dynamic_discounts", user) {
				atomic.AddInt64(&stepsRun[0], 1)
				return c - c/20
			}
			return c
		},
		func(user string, c int64) int64 {
			if enabledFor("loyalty.points_redemption", user) {
				atomic.AddInt64(&stepsRun[1], 1)
				return c - 500
			}
			return c
		},
		func(user string, c int64) int64 {
			if enabledFor("checkout.gift_wrap", user) {
				atomic.AddInt64(&stepsRun[2], 1)
				return c + 299
			}
			return c
		},
		func(user string, c int64) int64 {
			if enabledFor("risk.velocity_check_v2", user) || enabledFor("risk.3ds_challenge", user) {
				atomic.AddInt64(&stepsRun[3], 1)
			}
			return c
		},
		func(user string, c int64) int64 {
			if enabledFor("checkout.express_pay", user) && enabledFor("ux.dark_mode", user) {
				atomic.AddInt64(&stepsRun[4], 1)
			}
			return c
		},
	}
}

func main() {
	prof.Start()
	for _, f := range initialFlags {
		publish(f)
	}
	pipeline := buildPipeline()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var checkouts int64
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(w) + 100))
			for n := 0; ; n++ {
				if n%128 == 0 {
					select {
					case <-stop:
						return
					default:
					}
					time.Sleep(300 * time.Microsecond)
				}
				user := "u" + strconv.Itoa(rng.Intn(1_000_000))
				cart := int64(1000 + rng.Intn(50000))
				for _, step := range pipeline {
					cart = step(user, cart)
				}
				atomic.AddInt64(&checkouts, 1)
			}
		}(w)
	}

	// config watcher: the config service pushes a change now and then
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		rng := rand.New(rand.NewSource(1))
		t := time.NewTicker(750 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				f := initialFlags[rng.Intn(len(initialFlags))]
				f.RolloutPc = uint32(rng.Intn(101))
				f.Enabled = f.RolloutPc > 0
				publish(f)
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	<-watchDone
	prof.Stop()
	fmt.Printf("checkouts=%d steps=%v\n", atomic.LoadInt64(&checkouts), stepsRun)
}
