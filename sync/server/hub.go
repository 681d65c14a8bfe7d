package server

import (
	"slices"
	"sync"
	"sync/atomic"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// hub is the registry of live connections, by account and by device.
//
// A connection joins its account at the upgrade but becomes its
// device's connection only at its hello (claim): an upgrade proves
// nothing about its sender being alive (a killed app's or an abandoned
// handshake's upgrade may complete after the device's next connection
// was welcomed), a hello does. Upgrades are numbered before the server
// answers them; of two connections of a device the one numbered later
// wins, whichever says hello first: a client dials its next connection
// only after giving up the previous one, so the later upgrade is the live
// one.
type hub struct {
	mu        sync.Mutex
	byAccount map[app.ID]map[*conn]struct{} // every connection, welcomed or not
	byDevice  map[app.ID]*conn              // the device's welcomed connection
	seq       atomic.Uint64                 // upgrades numbered so far
}

func (h *hub) init() {
	h.byAccount = map[app.ID]map[*conn]struct{}{}
	h.byDevice = map[app.ID]*conn{}
}

// number numbers an upgrade, before it is answered: a client can only
// send a hello, or dial its next connection, after the answer.
func (h *hub) number() uint64 { return h.seq.Add(1) }

// add registers c at its upgrade. It is refused when its account already
// has connections of max other devices. A device that already has max
// connections that have not said hello (stale upgrades waiting for their
// hello timeout) gives up the oldest of them, which leaves the hub and is
// returned for the caller to close: the newest upgrade is the likeliest
// to be live, and a device is never locked out by its own stale ones. Its
// welcomed connection does not count: c replaces it at its hello.
func (h *hub) add(c *conn, max int) (evicted *conn, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.byAccount[c.p.account]
	others, pending := map[app.ID]bool{}, 0
	for o := range set {
		switch {
		case o.p.device != c.p.device:
			others[o.p.device] = true
		case o != h.byDevice[c.p.device]:
			pending++
			if evicted == nil || o.seq < evicted.seq {
				evicted = o
			}
		}
	}
	if len(others) >= max {
		return nil, false
	}
	if pending < max {
		evicted = nil
	}
	if evicted != nil {
		delete(set, evicted)
	}
	if set == nil {
		set = map[*conn]struct{}{}
		h.byAccount[c.p.account] = set
	}
	set[c] = struct{}{}
	return evicted, true
}

// claim makes c, which has said hello, its device's connection. The
// device's welcomed connection, when it was upgraded before c, is
// replaced: it leaves the hub and is returned for the caller to close
// with 4009. When it was upgraded after c, c is the stale one: ok is
// false and the caller closes c with 4009 (as it does c that has left the
// hub meanwhile: it is closing already).
func (h *hub) claim(c *conn) (old *conn, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, in := h.byAccount[c.p.account][c]; !in {
		return nil, false // evicted (add) or replaced meanwhile: it is closing
	}
	old = h.byDevice[c.p.device]
	if old == c {
		return nil, true
	}
	if old != nil && old.seq > c.seq {
		return nil, false
	}
	if old != nil {
		delete(h.byAccount[old.p.account], old)
	}
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

// ofDevice returns every connection of device, welcomed or not (a
// revocation must reach one that has not said hello yet).
func (h *hub) ofDevice(id app.ID) []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*conn
	for _, set := range h.byAccount {
		for c := range set {
			if c.p.device == id {
				out = append(out, c)
			}
		}
	}
	return out
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
// which gets its answer instead) that the log grew to head, and tells
// Options.Poked, so that other nodes on the same database can tell
// theirs.
func (s *Server) pokeOwners(except *conn, head app.Cursor, owners ...app.ID) {
	poked := s.pokeLocal(except, head, owners)
	if s.opts.Poked != nil && len(poked) > 0 {
		s.opts.Poked(head, poked)
	}
}

// pokeLocal pokes this server's live connections of the owners but
// except, and returns the owners (each once, none empty).
func (s *Server) pokeLocal(except *conn, head app.Cursor, owners []app.ID) []app.ID {
	var poked []app.ID
	for _, o := range owners {
		if o == "" || slices.Contains(poked, o) {
			continue
		}
		poked = append(poked, o)
		for _, c := range s.hub.ofAccount(o) {
			if c != except {
				c.poke(head)
			}
		}
	}
	return poked
}

// PokeOwners pokes this server's live connections of the owners, or every
// live connection when owners is empty, for a change another node on the
// same database committed (its Options.Poked). It does not call this
// server's own Options.Poked.
func (s *Server) PokeOwners(head app.Cursor, owners ...app.ID) {
	if len(owners) == 0 {
		for _, c := range s.hub.all() {
			c.poke(head)
		}
		return
	}
	s.pokeLocal(nil, head, owners)
}

// notify sends a notice (a conflict, a resolved) to every welcomed
// connection of owner but except, and announces it to the other nodes
// (Options.Announce).
func (s *Server) notify(except *conn, owner app.ID, m wire.Message) {
	if owner == "" {
		return
	}
	s.notifyLocal(except, owner, m)
	switch m := m.(type) {
	case *wire.ConflictNotice:
		s.announce(NodeEvent{Owner: owner, Conflict: m.ID})
	case *wire.Resolved:
		r := *m
		s.announce(NodeEvent{Owner: owner, Resolved: &r})
	}
}

// notifyLocal sends a frame to every connection of owner on this server;
// except is skipped.
func (s *Server) notifyLocal(except *conn, owner app.ID, m wire.Message) {
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
