package server

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// Several feltsagd nodes on one database each hold their own clients'
// connections. What one node does to its connections because of a
// committed change (close a disabled account's, wipe a revoked device,
// send a conflict or resolved notice) the others must do to theirs: the
// node announces it (Options.Announce) and the others apply it
// (ApplyNodeEvent). A node that may have missed announcements (its
// listener lost its database connection) re-checks every live connection
// against the ledger (Recheck).

// NodeEvent is one thing a node did to its own connections that the other
// nodes on the same database must do to theirs. Exactly one of Close,
// Wipe, Conflict and Resolved is set. It carries ids only (no case data,
// no CPR): a node reads a conflict from the ledger.
type NodeEvent struct {
	// Close: the account's connections close with 4003 (disabled, new
	// password).
	Close app.ID `json:"close,omitempty"`
	// Wipe: the revoked device's connections are told to wipe and close
	// with 4004.
	Wipe app.ID `json:"wipe,omitempty"`
	// Owner is whom a notice goes to; Conflict is the id of a conflict
	// routed to Owner, Resolved a decision on one of Owner's conflicts.
	Owner    app.ID         `json:"owner,omitempty"`
	Conflict app.ID         `json:"conflict,omitempty"`
	Resolved *wire.Resolved `json:"resolved,omitempty"`
}

// announce tells Options.Announce, when set.
func (s *Server) announce(e NodeEvent) {
	if s.opts.Announce != nil {
		s.opts.Announce(e)
	}
}

// ApplyNodeEvent does to this server's live connections what another node
// on the same database announced (its Options.Announce). It does not call
// this server's own Options.Announce. A conflict notice is read from the
// ledger and sent only while the conflict is open and still routed to the
// owner.
func (s *Server) ApplyNodeEvent(e NodeEvent) {
	switch {
	case e.Close != "":
		s.closeAccount(e.Close, wire.CloseUnauthorized)
	case e.Wipe != "":
		for _, c := range s.hub.ofDevice(e.Wipe) {
			c.wipe()
		}
	case e.Owner != "" && e.Resolved != nil:
		s.notifyLocal(nil, e.Owner, e.Resolved)
	case e.Owner != "" && e.Conflict != "":
		if len(s.hub.ofAccount(e.Owner)) == 0 {
			return // nobody here to tell: no read
		}
		var k app.Conflict
		err := s.ledger.View(func(tx app.LedgerTx) error {
			var err error
			k, err = tx.Conflict(e.Conflict)
			return err
		})
		switch {
		case isNotFound(err):
			return // decided meanwhile
		case err != nil:
			s.log.Error("read an announced conflict", "conflict", string(e.Conflict), "err", app.Describe(app.AsError(err)))
			return
		}
		if k.Owner == e.Owner {
			s.notifyLocal(nil, e.Owner, &wire.ConflictNotice{Conflict: k})
		}
	}
}

// Recheck checks every live connection against the ledger and ends those
// that may no longer talk: the account is gone, disabled or changed after
// the connection's session was issued (closed with 4003), or the device
// was revoked (told to wipe, 4004). A node calls it when it may have
// missed other nodes' announcements. It returns how many it ended.
func (s *Server) Recheck() (int, error) {
	conns := s.hub.all()
	if len(conns) == 0 {
		return 0, nil
	}
	type verdict struct {
		close, wipe bool
	}
	verdicts := make([]verdict, len(conns))
	err := s.ledger.View(func(tx app.LedgerTx) error {
		accounts := map[app.ID]*app.Account{}
		devices := map[app.ID]*app.Device{}
		for i, c := range conns {
			verdicts[i] = verdict{}
			a, seen := accounts[c.p.account]
			if !seen {
				acc, err := tx.Account(c.p.account)
				switch {
				case err == nil:
					a = &acc
				case !isNotFound(err):
					return err
				}
				accounts[c.p.account] = a
			}
			if a == nil || a.Disabled || c.p.issued.Before(a.Changed) {
				verdicts[i].close = true
				continue
			}
			d, seen := devices[c.p.device]
			if !seen {
				dev, err := tx.Device(c.p.device)
				switch {
				case err == nil:
					d = &dev
				case !isNotFound(err):
					return err
				}
				devices[c.p.device] = d
			}
			if d != nil && !d.Revoked.IsZero() {
				verdicts[i].wipe = true
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for i, c := range conns {
		switch {
		case verdicts[i].close:
			c.shut(wire.CloseUnauthorized, "")
			n++
		case verdicts[i].wipe:
			c.wipe()
			n++
		}
	}
	return n, nil
}
