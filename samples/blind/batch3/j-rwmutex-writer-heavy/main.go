// Command ledgerd keeps the in-memory balances of the wallet service and
// applies transfers between wallets.
package main

import (
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"blind/prof"
)

// AccountID identifies a wallet.
type AccountID string

// Ledger holds every wallet balance in minor units.
type Ledger struct {
	mu       sync.RWMutex
	balances map[AccountID]int64
	seq      uint64
	rejected uint64
}

var ErrInsufficientFunds = errors.New("insufficient funds")

func NewLedger(accounts []AccountID, opening int64) *Ledger {
	l := &Ledger{balances: make(map[AccountID]int64, len(accounts))}
	for _, a := range accounts {
		l.balances[a] = opening
	}
	return l
}

// Transfer moves amount from one wallet to another atomically.
func (l *Ledger) Transfer(from, to AccountID, amount int64) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.balances[from] < amount {
		l.rejected++
		return 0, ErrInsufficientFunds
	}
	l.balances[from] -= amount
	l.balances[to] += amount
	l.seq++
	return l.seq, nil
}

// Balance returns one wallet's balance.
func (l *Ledger) Balance(a AccountID) int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.balances[a]
}

// Total sums all balances; used by the reconciliation job.
func (l *Ledger) Total() (sum int64, n int) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, b := range l.balances {
		sum += b
	}
	return sum, len(l.balances)
}

type transferReq struct {
	from, to AccountID
	amount   int64
}

func main() {
	prof.Start()
	accounts := make([]AccountID, 5000)
	for i := range accounts {
		accounts[i] = AccountID(fmt.Sprintf("wal_%05d", i))
	}
	ledger := NewLedger(accounts, 100_000)

	// payment API: a pool of workers drains the transfer queue
	queue := make(chan transferReq, 512)
	var workers sync.WaitGroup
	var okCount, failCount [12]int
	for w := 0; w < 12; w++ {
		workers.Add(1)
		go func(w int) {
			defer workers.Done()
			for req := range queue {
				if _, err := ledger.Transfer(req.from, req.to, req.amount); err != nil {
					failCount[w]++
					continue
				}
				okCount[w]++
				if okCount[w]%64 == 0 {
					_ = ledger.Balance(req.to) // receipt shows the new balance
				}
			}
		}(w)
	}

	stop := make(chan struct{})
	var producers sync.WaitGroup
	for p := 0; p < 3; p++ {
		producers.Add(1)
		go func(p int) {
			defer producers.Done()
			rng := rand.New(rand.NewSource(int64(p) + 42))
			for n := 0; ; n++ {
				req := transferReq{
					from:   accounts[rng.Intn(len(accounts))],
					to:     accounts[rng.Intn(len(accounts))],
					amount: int64(1 + rng.Intn(5000)),
				}
				select {
				case queue <- req:
				case <-stop:
					return
				}
				if n%256 == 0 {
					time.Sleep(50 * time.Microsecond)
				}
			}
		}(p)
	}

	auditDone := make(chan struct{})
	go func() {
		defer close(auditDone)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if sum, n := ledger.Total(); sum != int64(n)*100_000 {
					panic("ledger out of balance")
				}
			}
		}
	}()

	time.Sleep(2 * time.Second)
	prof.HeapEarly()
	time.Sleep(1 * time.Second)
	prof.Goroutines()
	time.Sleep(3 * time.Second)
	close(stop)
	producers.Wait()
	close(queue)
	workers.Wait()
	<-auditDone
	prof.Stop()
	ok, fail := 0, 0
	for i := range okCount {
		ok += okCount[i]
		fail += failCount[i]
	}
	fmt.Printf("transfers ok=%d rejected=%d\n", ok, fail)
}
