// Command accounts is the account directory of the identity service: it keeps
// the live user records in memory, serves profile lookups, and records every
// account closure in an audit trail for the compliance export.
package main

import (
	"container/list"
	"errors"
	"fmt"
	"log"
	"math/rand"
	"strings"
	"sync"
	"time"

	"blind/prof"
)

type Role int

const (
	RoleViewer Role = iota
	RoleEditor
	RoleAdmin
)

// Profile is what the user uploaded in settings: display data plus the
// serialized avatar and preferences document.
type Profile struct {
	DisplayName string
	Locale      string
	Avatar      []byte
	Preferences []byte
}

// User is a live account.
type User struct {
	ID        string
	Email     string
	Org       string
	Role      Role
	CreatedAt time.Time
	LastSeen  time.Time
	Profile   Profile
}

// ClosureRecord is one entry of the audit trail.
type ClosureRecord struct {
	At     time.Time
	Actor  string
	Reason string
	User   *User
}

var ErrNotFound = errors.New("user not found")

// Directory holds the live users and the closure audit trail.
type Directory struct {
	mu     sync.Mutex
	users  map[string]*User
	byOrg  map[string]int
	audit  *list.List
	closed int
}

func NewDirectory() *Directory {
	return &Directory{
		users: make(map[string]*User),
		byOrg: make(map[string]int),
		audit: list.New(),
	}
}

// Register creates a new account with its uploaded profile.
func (d *Directory) Register(id, email, org string, p Profile) *User {
	// The frontend reuses its upload buffers, so the directory keeps its own copy.
	p.Avatar = append([]byte(nil), p.Avatar...)
	p.Preferences = append([]byte(nil), p.Preferences...)
	u := &User{ID: id, Email: email, Org: org, CreatedAt: time.Now(), Profile: p}
	u.LastSeen = u.CreatedAt
	d.mu.Lock()
	d.users[id] = u
	d.byOrg[org]++
	d.mu.Unlock()
	return u
}

// Touch records activity and returns the user's display name.
func (d *Directory) Touch(id string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[id]
	if !ok {
		return "", ErrNotFound
	}
	u.LastSeen = time.Now()
	return u.Profile.DisplayName, nil
}

// Close removes an account and writes the closure to the audit trail.
func (d *Directory) Close(id, actor, reason string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[id]
	if !ok {
		return ErrNotFound
	}
	delete(d.users, id)
	d.byOrg[u.Org]--
	d.audit.PushBack(&ClosureRecord{At: time.Now(), Actor: actor, Reason: reason, User: u})
	d.closed++
	return nil
}

// Stats reports the size of the directory.
func (d *Directory) Stats() (live, closed, trail int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.users), d.closed, d.audit.Len()
}

// uploadedProfile decodes a settings upload into the frontend's scratch buffer.
func uploadedProfile(r *rand.Rand, scratch []byte, name string) Profile {
	avatar := scratch[:2048+r.Intn(1024)]
	r.Read(avatar[:64])
	prefs := fmt.Sprintf(`{"theme":"%s","tz":"UTC%+d","digest":%t,"pinned":["%s"]}`,
		[]string{"light", "dark", "system"}[r.Intn(3)], r.Intn(24)-12, r.Intn(2) == 0,
		strings.Repeat("board-", 1+r.Intn(8)))
	return Profile{DisplayName: name, Locale: "en-GB", Avatar: avatar, Preferences: []byte(prefs)}
}

var orgs = []string{"northwind", "contoso", "fabrikam", "tailspin", "wingtip", "adventureworks"}
var reasons = []string{"user request", "inactive", "gdpr erasure", "duplicate", "fraud"}

// client simulates the traffic of one frontend: sign-ups, logins, closures.
func client(dir *Directory, n int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	r := rand.New(rand.NewSource(int64(n)))
	var mine []string
	seq, ops := 0, 0
	scratch := make([]byte, 4096)
	r.Read(scratch)
	for {
		select {
		case <-stop:
			return
		default:
		}
		switch op := r.Intn(10); {
		case op < 3 || len(mine) < 50:
			seq++
			id := fmt.Sprintf("u%02d-%07d", n, seq)
			dir.Register(id, id+"@example.org", orgs[r.Intn(len(orgs))], uploadedProfile(r, scratch, "User "+id))
			mine = append(mine, id)
		case op < 7:
			if _, err := dir.Touch(mine[r.Intn(len(mine))]); err != nil && !errors.Is(err, ErrNotFound) {
				log.Print(err)
			}
		default:
			i := r.Intn(len(mine))
			_ = dir.Close(mine[i], "frontend-"+fmt.Sprint(n), reasons[r.Intn(len(reasons))])
			mine[i] = mine[len(mine)-1]
			mine = mine[:len(mine)-1]
		}
		// each frontend sees roughly a dozen requests per millisecond
		if ops++; ops%12 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func main() {
	prof.Start()
	dir := NewDirectory()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go client(dir, i, stop, &wg)
	}
	const runFor = 6 * time.Second
	time.Sleep(runFor / 3)
	prof.HeapEarly()
	time.Sleep(runFor/2 - runFor/3)
	prof.Goroutines()
	time.Sleep(runFor - runFor/2)
	close(stop)
	wg.Wait()
	prof.Stop()
	live, closed, trail := dir.Stats()
	log.Printf("live=%d closed=%d audit=%d", live, closed, trail)
}
