// Command carts is the shopping-cart service of a small web shop: the
// storefront handlers open carts, add items and check out; checked-out carts
// become orders for the billing queue.
package main

import (
	"errors"
	"fmt"
	"log"
	"math/rand"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

type Address struct {
	Line1, City, Zip, Country string
}

type LineItem struct {
	SKU      string
	Qty      int
	UnitCent int64
}

// Cart is a customer's open basket.
type Cart struct {
	ID         string
	CustomerID string
	Items      []LineItem
	Currency   string
	Coupon     string
	ShipTo     Address
	Subtotal   int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

type Order struct {
	CartID     string
	CustomerID string
	Lines      int
	TotalCent  int64
	PlacedAt   time.Time
}

var (
	errNoCart = errors.New("cart not found")
	errEmpty  = errors.New("cart is empty")
)

// CartService keeps the open carts of every customer.
type CartService struct {
	mu     sync.Mutex
	carts  map[string]Cart
	seq    uint64
	orders chan<- Order
}

func NewCartService(orders chan<- Order) *CartService {
	return &CartService{carts: make(map[string]Cart), orders: orders}
}

func (s *CartService) Open(customer string, ship Address) Cart {
	now := time.Now()
	c := Cart{
		CustomerID: customer,
		Currency:   "EUR",
		ShipTo:     ship,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	c.ID = "cart-" + strconv.FormatUint(atomic.AddUint64(&s.seq, 1), 36) + "-" + customer
	s.mu.Lock()
	s.carts[c.ID] = c
	s.mu.Unlock()
	return c
}

func (s *CartService) Add(id string, it LineItem) (Cart, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.carts[id]
	if !ok || c.ID == "" {
		return Cart{}, errNoCart
	}
	c.Items = append(c.Items, it)
	c.Subtotal += int64(it.Qty) * it.UnitCent
	c.UpdatedAt = time.Now()
	s.carts[id] = c
	return c, nil
}

func (s *CartService) View(id string) (Cart, error) {
	s.mu.Lock()
	c, ok := s.carts[id]
	s.mu.Unlock()
	if !ok || c.ID == "" {
		return Cart{}, errNoCart
	}
	return c, nil
}

func (s *CartService) Checkout(id string) (*Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.carts[id]
	if !ok || c.ID == "" {
		return nil, errNoCart
	}
	if len(c.Items) == 0 {
		return nil, errEmpty
	}
	o := &Order{CartID: c.ID, CustomerID: c.CustomerID, Lines: len(c.Items), TotalCent: c.Subtotal, PlacedAt: time.Now()}
	if c.Coupon != "" {
		o.TotalCent = o.TotalCent * 9 / 10
	}
	s.orders <- *o
	// the cart is done: reset it
	s.carts[id] = Cart{
		Items:    nil,
		Coupon:   "",
		Subtotal: 0,
	}
	return o, nil
}

var cities = []string{"Lyon", "Porto", "Gent", "Graz", "Turku", "Brno"}

// shopper plays one storefront worker's stream of visitors.
func shopper(id int, svc *CartService, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rnd := rand.New(rand.NewSource(int64(id) * 7919))
	for {
		select {
		case <-stop:
			return
		default:
		}
		cust := "cu" + strconv.Itoa(rnd.Intn(200000))
		ship := Address{
			Line1:   fmt.Sprintf("%d Market St", 1+rnd.Intn(400)),
			City:    cities[rnd.Intn(len(cities))],
			Zip:     strconv.Itoa(10000 + rnd.Intn(89999)),
			Country: "EU",
		}
		cart := svc.Open(cust, ship)
		for n := 1 + rnd.Intn(5); n > 0; n-- {
			it := LineItem{SKU: "sku-" + strconv.Itoa(rnd.Intn(5000)), Qty: 1 + rnd.Intn(3), UnitCent: int64(199 + rnd.Intn(9000))}
			if _, err := svc.Add(cart.ID, it); err != nil {
				log.Printf("add %s: %v", cart.ID, err)
			}
			if rnd.Intn(3) == 0 {
				svc.View(cart.ID)
			}
		}
		if rnd.Intn(10) == 0 {
			continue // abandoned
		}
		if _, err := svc.Checkout(cart.ID); err != nil {
			log.Printf("checkout %s: %v", cart.ID, err)
		}
	}
}

func main() {
	prof.Start()
	started := time.Now()

	orders := make(chan Order, 4096)
	svc := NewCartService(orders)

	var placed int
	var revenue int64
	billing := make(chan struct{})
	go func() {
		for o := range orders {
			placed++
			revenue += o.TotalCent
		}
		close(billing)
	}()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go shopper(i, svc, stop, &wg)
	}

	const runFor = 5500 * time.Millisecond
	time.Sleep(time.Until(started.Add(runFor / 3)))
	prof.HeapEarly()
	time.Sleep(time.Until(started.Add(runFor / 2)))
	prof.Goroutines()
	time.Sleep(time.Until(started.Add(runFor)))
	close(stop)
	wg.Wait()
	close(orders)
	<-billing
	prof.Stop()
	svc.mu.Lock()
	log.Printf("orders=%d revenue=%d.%02d carts_in_table=%d", placed, revenue/100, revenue%100, len(svc.carts))
	svc.mu.Unlock()
}
