// leaderboardd keeps the season leaderboard of a multiplayer game: match
// servers report results, the service records each player's best score and
// keeps the top-10 board that the game lobby polls.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

const boardSize = 10

type Entry struct {
	Player string
	Score  int64
}

type Leaderboard struct {
	mu       sync.Mutex
	best     map[string]int64
	top      []Entry
	rendered string
	version  uint64
}

func NewLeaderboard() *Leaderboard {
	return &Leaderboard{best: make(map[string]int64)}
}

// Submit records a match result and refreshes the top-10 board.
func (lb *Leaderboard) Submit(player string, score int64) bool {
	lb.mu.Lock()
	defer lb.mu.Unlock()

	improved := false
	if prev, seen := lb.best[player]; !seen || score > prev {
		lb.best[player] = score
		improved = true
	}
	lb.version++
	lb.refreshTop(Entry{Player: player, Score: lb.best[player]})
	return improved
}

// refreshTop merges e into the current board, re-sorts it and re-renders the
// lobby text. Callers hold lb.mu.
func (lb *Leaderboard) refreshTop(e Entry) {
	cand := make([]Entry, 0, len(lb.top)+1)
	for _, t := range lb.top {
		if t.Player != e.Player {
			cand = append(cand, t)
		}
	}
	cand = append(cand, e)
	sort.Slice(cand, func(i, j int) bool {
		if cand[i].Score != cand[j].Score {
			return cand[i].Score > cand[j].Score
		}
		return cand[i].Player < cand[j].Player
	})
	if len(cand) > boardSize {
		cand = cand[:boardSize]
	}
	lb.top = cand

	var sb strings.Builder
	for i, t := range lb.top {
		fmt.Fprintf(&sb, "%2d. %-12s %8d\n", i+1, t.Player, t.Score)
	}
	lb.rendered = sb.String()
}

// Board returns the rendered top-10 for the lobby.
func (lb *Leaderboard) Board() (string, uint64) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.rendered, lb.version
}

// --- match servers ---------------------------------------------------------------

type MatchResult struct {
	MatchID uint64
	Player  string
	Kills   int
	Assists int
	Deaths  int
	Secs    int
	Sig     [32]byte
}

func (m *MatchResult) score() int64 {
	s := int64(m.Kills*100 + m.Assists*40 - m.Deaths*25)
	if m.Secs > 0 {
		s += int64(36000 / m.Secs)
	}
	return s
}

func (m *MatchResult) payload() []byte {
	buf := make([]byte, 8+len(m.Player)+16)
	binary.LittleEndian.PutUint64(buf, m.MatchID)
	copy(buf[8:], m.Player)
	o := 8 + len(m.Player)
	binary.LittleEndian.PutUint32(buf[o:], uint32(m.Kills))
	binary.LittleEndian.PutUint32(buf[o+4:], uint32(m.Assists))
	binary.LittleEndian.PutUint32(buf[o+8:], uint32(m.Deaths))
	binary.LittleEndian.PutUint32(buf[o+12:], uint32(m.Secs))
	return buf
}

// verify checks the match server's signature over the result.
func verify(m *MatchResult) bool {
	return sha256.Sum256(m.payload()) == m.Sig
}

func matchServer(id int, lb *Leaderboard, players []string, stop <-chan struct{}, accepted *int64) {
	rng := rand.New(rand.NewSource(int64(id)*104729 + 1))
	var matchID uint64 = uint64(id) << 40
	for {
		select {
		case <-stop:
			return
		default:
		}
		matchID++
		m := &MatchResult{
			MatchID: matchID,
			Player:  players[rng.Intn(len(players))],
			Kills:   rng.Intn(30),
			Assists: rng.Intn(20),
			Deaths:  rng.Intn(15),
			Secs:    300 + rng.Intn(1500),
		}
		m.Sig = sha256.Sum256(m.payload())
		if !verify(m) {
			continue
		}
		if lb.Submit(m.Player, m.score()) {
			atomic.AddInt64(accepted, 1)
		}
	}
}

func main() {
	prof.Start()

	players := make([]string, 40000)
	for i := range players {
		players[i] = fmt.Sprintf("player-%05d", i)
	}
	lb := NewLeaderboard()
	stop := make(chan struct{})
	var accepted int64
	var wg sync.WaitGroup

	const matchServers = 48
	for i := 0; i < matchServers; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			matchServer(id, lb, players, stop, &accepted)
		}(i)
	}

	// The lobby polls the board a few times a second.
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				_, _ = lb.Board()
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

	board, version := lb.Board()
	fmt.Printf("version %d, %d personal bests, %d players ranked\n%s",
		version, atomic.LoadInt64(&accepted), len(lb.best), board)
	prof.Stop()
}
