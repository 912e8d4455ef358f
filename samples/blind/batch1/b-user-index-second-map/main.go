// Command accountsvc keeps the user directory of a consumer app in memory:
// profiles by user id for the API, plus an index by e-mail address for login
// and password reset. Sign-ups and account closures stream in continuously.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type Address struct {
	Label, Street, City, Postcode, Country string
}

type Session struct {
	Device    string
	IP        string
	StartedAt time.Time
}

// Profile is everything the app shows on the account page.
type Profile struct {
	ID          uint64
	Email       string
	DisplayName string
	Locale      string
	TimeZone    string
	CreatedAt   time.Time
	LastLogin   time.Time
	Roles       []string
	Preferences map[string]string
	Addresses   []Address
	Sessions    []Session
	Avatar      []byte // 64x64 thumbnail
}

// SignupRequest is the decoded body of POST /v1/accounts.
type SignupRequest struct {
	Email       string
	DisplayName string
	Locale      string
	TimeZone    string
	Avatar      []byte
	Marketing   bool
	Address     Address
	Device, IP  string
}

var (
	mu      sync.RWMutex
	byID    = make(map[uint64]*Profile)
	byEmail = make(map[string]*Profile)
	nextID  uint64 = 100000
)

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Register creates the account and indexes it.
func Register(req SignupRequest) *Profile {
	now := time.Now()
	p := &Profile{
		Email:       normalizeEmail(req.Email),
		DisplayName: req.DisplayName,
		Locale:      req.Locale,
		TimeZone:    req.TimeZone,
		CreatedAt:   now,
		LastLogin:   now,
		Roles:       []string{"user"},
		Preferences: map[string]string{
			"theme":         "system",
			"newsletter":    strconv.FormatBool(req.Marketing),
			"digest":        "weekly",
			"language":      req.Locale,
			"notifications": "push,email",
		},
		Addresses: []Address{req.Address},
		Sessions:  []Session{{Device: req.Device, IP: req.IP, StartedAt: now}},
		Avatar:    append([]byte(nil), req.Avatar...),
	}
	mu.Lock()
	nextID++
	p.ID = nextID
	byID[p.ID] = p
	byEmail[p.Email] = p
	mu.Unlock()
	return p
}

// Close deletes the account (user request or retention job).
func Close(id uint64) bool {
	mu.Lock()
	defer mu.Unlock()
	if _, ok := byID[id]; !ok {
		return false
	}
	delete(byID, id)
	return true
}

// LookupEmail is used by login and password reset. Closed accounts are not
// returned: the id map is the source of truth.
func LookupEmail(email string) (*Profile, bool) {
	mu.RLock()
	defer mu.RUnlock()
	p, ok := byEmail[normalizeEmail(email)]
	if !ok || byID[p.ID] != p {
		return nil, false
	}
	return p, true
}

func Get(id uint64) (*Profile, bool) {
	mu.RLock()
	defer mu.RUnlock()
	p, ok := byID[id]
	return p, ok
}

var (
	firstNames = []string{"anna", "ben", "chloe", "david", "emre", "fatima", "georg", "hana", "ivan", "julia", "kofi", "lea", "marco", "nina", "omar", "paula"}
	domains    = []string{"example.com", "mail.example.org", "inbox.example.net", "corp.example.de"}
	locales    = []string{"en-GB", "de-DE", "fr-FR", "es-ES", "pl-PL", "nl-NL"}
	zones      = []string{"Europe/Berlin", "Europe/London", "Europe/Paris", "America/New_York"}
	cities     = []string{"Berlin", "Hamburg", "Lyon", "Madrid", "Krakow", "Utrecht"}
)

func fakeSignup(rng *rand.Rand, n int) SignupRequest {
	first := firstNames[rng.Intn(len(firstNames))]
	avatar := make([]byte, 2048)
	rng.Read(avatar[:64])
	return SignupRequest{
		Email:       " " + strings.ToUpper(first[:1]) + first[1:] + "." + strconv.Itoa(n) + "@" + domains[rng.Intn(len(domains))],
		DisplayName: strings.ToUpper(first[:1]) + first[1:] + " " + strconv.Itoa(n%997),
		Locale:      locales[rng.Intn(len(locales))],
		TimeZone:    zones[rng.Intn(len(zones))],
		Avatar:      avatar,
		Marketing:   rng.Intn(2) == 0,
		Address: Address{
			Label: "home", Street: strconv.Itoa(1+rng.Intn(200)) + " Main Street",
			City: cities[rng.Intn(len(cities))], Postcode: strconv.Itoa(10000 + rng.Intn(89999)), Country: "EU",
		},
		Device: "ios-17", IP: "10." + strconv.Itoa(rng.Intn(256)) + "." + strconv.Itoa(rng.Intn(256)) + ".7",
	}
}

func main() {
	prof.Start()

	rng := rand.New(rand.NewSource(3))
	var live []uint64
	var emails []string
	for i := 0; i < 20000; i++ {
		p := Register(fakeSignup(rng, i))
		live = append(live, p.ID)
		emails = append(emails, p.Email)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var liveMu sync.Mutex

	// Sign-up and closure traffic: the active user base stays around 20k.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(11))
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		n := 20000
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			for i := 0; i < 140; i++ {
				p := Register(fakeSignup(rng, n))
				n++
				liveMu.Lock()
				live = append(live, p.ID)
				emails = append(emails, p.Email)
				j := rng.Intn(len(live))
				victim := live[j]
				live[j] = live[len(live)-1]
				live = live[:len(live)-1]
				liveMu.Unlock()
				Close(victim)
			}
		}
	}()

	// Login and profile-page traffic.
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(int64(50 + w)))
			hits := 0
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				liveMu.Lock()
				e := emails[rng.Intn(len(emails))]
				id := live[rng.Intn(len(live))]
				liveMu.Unlock()
				if p, ok := LookupEmail(strings.ToUpper(e)); ok && len(p.Sessions) > 0 {
					hits++
				}
				if p, ok := Get(id); ok {
					_ = p.Preferences["theme"]
				}
				if k%40 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		}(w)
	}

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	mu.RLock()
	fmt.Fprintf(os.Stderr, "accounts=%d email-index=%d\n", len(byID), len(byEmail))
	mu.RUnlock()
	prof.Stop()
}
