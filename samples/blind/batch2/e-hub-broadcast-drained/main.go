// Command pushd is the fan-out tier of a live-update service: browsers hold a
// websocket to it and every event from the upstream bus is pushed to all of
// them.
package main

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"blind/prof"
)

// Client is one websocket connection.
type Client struct {
	hub    *Hub
	id     uint64
	remote string
	send   chan []byte

	written int64
}

// writePump moves frames from the client's queue to its socket.
func (c *Client) writePump(wg *sync.WaitGroup) {
	defer wg.Done()
	for frame := range c.send {
		// A real connection would set a write deadline and write the frame.
		c.written += int64(len(frame))
	}
}

// Hub maintains the set of active clients and broadcasts messages to them.
type Hub struct {
	clients    map[*Client]bool
	broadcast  chan []byte
	register   chan *Client
	unregister chan *Client
	quit       chan struct{}

	sent, dropped int64
}

func newHub() *Hub {
	return &Hub{
		clients:    make(map[*Client]bool),
		broadcast:  make(chan []byte, 64),
		register:   make(chan *Client, 1024),
		unregister: make(chan *Client, 1024),
		quit:       make(chan struct{}),
	}
}

func (h *Hub) run() {
	for {
		select {
		case client := <-h.register:
			h.clients[client] = true
		case client := <-h.unregister:
			if _, ok := h.clients[client]; ok {
				delete(h.clients, client)
				close(client.send)
			}
		case message := <-h.broadcast:
			for client := range h.clients {
				select {
				case client.send <- message:
					h.sent++
				default:
					// Slow consumer: drop the frame rather than block the hub.
					h.dropped++
				}
			}
		case <-h.quit:
			for client := range h.clients {
				close(client.send)
			}
			return
		}
	}
}

// upstream is the event bus feeding the hub.
func upstream(h *Hub, every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	var seq int
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			seq++
			msg := []byte(`{"type":"tick","seq":` + strconv.Itoa(seq) + `,"ts":` + strconv.FormatInt(now.UnixNano(), 10) + `}`)
			h.broadcast <- msg
		}
	}
}

func main() {
	prof.Start()
	start := time.Now()

	hub := newHub()
	var hubDone sync.WaitGroup
	hubDone.Add(1)
	go func() { defer hubDone.Done(); hub.run() }()

	// Reconnect storm after an edge failover: every browser reconnects at
	// once, the handshakes time out for nearly all of them and the reaper
	// drops them again; a few hundred sessions survive.
	const storm = 300000
	const survivors = 200
	var pumps sync.WaitGroup
	var id uint64
	pending := make([]*Client, 0, storm)
	for i := 0; i < storm; i++ {
		c := &Client{
			hub:    hub,
			id:     atomic.AddUint64(&id, 1),
			remote: "10.8." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255) + ":443",
			send:   make(chan []byte, 8),
		}
		hub.register <- c
		pending = append(pending, c)
	}
	for i, c := range pending {
		if i%(storm/survivors) == 0 {
			pumps.Add(1)
			go c.writePump(&pumps)
			continue
		}
		hub.unregister <- c
	}
	pending = nil

	// The bus subscription is re-established once the edge has settled.
	stopBus := make(chan struct{})
	go upstream(hub, 2*time.Millisecond, stopBus)

	// Operator's collection schedule, relative to process start.
	time.Sleep(300 * time.Millisecond)
	prof.HeapEarly()
	time.Sleep(time.Until(start.Add(4 * time.Second)))
	prof.Goroutines()
	time.Sleep(time.Until(start.Add(7500 * time.Millisecond)))
	prof.Stop()

	close(stopBus)
	close(hub.quit)
	hubDone.Wait()
	pumps.Wait()
	fmt.Printf("clients=%d sent=%d dropped=%d\n", len(hub.clients), hub.sent, hub.dropped)
}
