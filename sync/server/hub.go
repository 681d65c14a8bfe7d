package server

import (
	"sync"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// hub is the registry of live connections, by account and by device.
type hub struct {
	mu        sync.Mutex
	byAccount map[app.ID]map[*conn]struct{}
	byDevice  map[app.ID]*conn
}

func (h *hub) init() {
	h.byAccount = map[app.ID]map[*conn]struct{}{}
	h.byDevice = map[app.ID]*conn{}
}

// add registers c. A live connection of the same device is replaced (and
// returned, for the caller to close with 4009); otherwise an account
// already holding max connections is refused.
func (h *hub) add(c *conn, max int) (old *conn, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.byAccount[c.p.account]
	old = h.byDevice[c.p.device]
	if old == nil && len(set) >= max {
		return nil, false
	}
	if old != nil {
		delete(h.byAccount[old.p.account], old)
	}
	if set == nil {
		set = map[*conn]struct{}{}
		h.byAccount[c.p.account] = set
	}
	set[c] = struct{}{}
	h.byDevice[c.p.device] = c
	return old, true
}

// remove unregisters c (a no-op when it was replaced).
func (h *hub) remove(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if set := h.byAccount[c.p.account]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.byAccount, c.p.account)
		}
	}
	if h.byDevice[c.p.device] == c {
		delete(h.byDevice, c.p.device)
	}
}

func (h *hub) ofAccount(id app.ID) []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*conn, 0, len(h.byAccount[id]))
	for c := range h.byAccount[id] {
		out = append(out, c)
	}
	return out
}

func (h *hub) ofDevice(id app.ID) *conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.byDevice[id]
}

func (h *hub) all() []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*conn
	for _, set := range h.byAccount {
		for c := range set {
			out = append(out, c)
		}
	}
	return out
}

// pokeOwners tells every live connection of the owners (but not except,
// which gets its answer instead) that the log grew to head.
func (s *Server) pokeOwners(except *conn, head app.Cursor, owners ...app.ID) {
	seen := map[app.ID]bool{}
	for _, o := range owners {
		if o == "" || seen[o] {
			continue
		}
		seen[o] = true
		for _, c := range s.hub.ofAccount(o) {
			if c != except {
				c.poke(head)
			}
		}
	}
}

// notify sends a frame to every welcomed connection of owner (a conflict,
// a resolved); except is skipped.
func (s *Server) notify(except *conn, owner app.ID, m wire.Message) {
	if owner == "" {
		return
	}
	b, err := wire.Encode(wire.Frame{Body: m})
	if err != nil {
		s.log.Error("encode notice", "type", m.Type(), "err", app.Describe(err))
		return
	}
	for _, c := range s.hub.ofAccount(owner) {
		if c != except {
			c.offer(b)
		}
	}
}
