package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// handle answers one decoded frame (reader goroutine).
func (c *conn) handle(f wire.Frame) {
	if !c.welcomed {
		h, ok := f.Body.(*wire.Hello)
		if !ok {
			c.s.stats.badFrames.Add(1)
			c.fail(f.ID, app.Errorf(app.CodeInvalid, "", "invalid.sync.hello_first", "type", f.Body.Type()), wire.CloseBadFrame)
			return
		}
		c.onHello(f.ID, h)
		return
	}
	switch m := f.Body.(type) {
	case *wire.Push:
		c.onPush(f.ID, m)
	case *wire.Pull:
		c.onPull(f.ID, m)
	case *wire.Resolve:
		c.onResolve(f.ID, m)
	case *wire.AuditUpload:
		c.onAudit(f.ID, m)
	case *wire.RulesRequest:
		c.onRules(f.ID)
	case *wire.Ping:
		c.reply(f.ID, &wire.Pong{})
	case *wire.Pong:
	case *wire.Error:
		c.s.log.Info("client reported an error", "device", string(c.p.device), "code", m.WireCode(), "key", m.Key)
	default: // a second hello, or a message only the server sends
		c.s.stats.badFrames.Add(1)
		c.fail(f.ID, app.Errorf(app.CodeInvalid, "", "invalid.sync.unexpected", "type", f.Body.Type()), wire.CloseBadFrame)
	}
}

// internal answers a request the server failed to serve: the client may
// retry; nothing was committed.
func (c *conn) internal(id app.ID, err error) {
	c.s.stats.internalErrors.Add(1)
	c.s.log.Error("request failed", "device", string(c.p.device), "err", app.Describe(err))
	c.reply(id, &wire.Error{Error: *app.Internal(err), RetryAfterMS: 1000})
}

func (c *conn) onHello(id app.ID, h *wire.Hello) {
	if h.Device != c.p.device {
		c.fail(id, app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.device").WithField("body.device"), wire.CloseUnauthorized)
		return
	}
	if c.p.revoked {
		c.wipe()
		return
	}
	var head app.Cursor
	var conflicts []app.Conflict
	err := c.s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		if head, err = tx.Head(); err != nil {
			return err
		}
		conflicts, err = tx.Conflicts(c.p.account)
		return err
	})
	if err != nil {
		c.s.stats.internalErrors.Add(1)
		c.s.log.Error("hello failed", "device", string(c.p.device), "err", app.Describe(err))
		c.failAfter(id, app.Internal(err), websocket.CloseTryAgainLater, 5*time.Second)
		return
	}
	// The hello proves the connection live: only now does it become the
	// device's connection (a stale upgrade never gets this far).
	old, ok := c.s.hub.claim(c)
	if !ok {
		c.s.stats.replaced.Add(1)
		c.shut(wire.CloseReplaced, "") // a newer connection of the device was welcomed meanwhile
		return
	}
	if old != nil {
		c.s.stats.replaced.Add(1)
		old.shut(wire.CloseReplaced, "")
	}
	c.welcomed = true
	c.applied = h.Cursor
	c.hello.Store(true)
	_ = c.ws.SetReadDeadline(time.Now().Add(c.s.opts.PongWait))
	c.reply(id, &wire.Welcome{Caseworker: c.p.account, ServerTime: c.s.now(), AppVersion: c.s.opts.AppVersion,
		Cursor: head, RuleSets: c.s.opts.RuleSets, RulesDigest: c.s.digest})
	for _, k := range conflicts {
		c.reply("", &wire.ConflictNotice{Conflict: k})
	}
}

func (c *conn) onPush(id app.ID, m *wire.Push) {
	p := c.p
	p.applied = c.applied
	out, err := c.s.push(p, m.Commands)
	if err != nil {
		c.internal(id, err)
		return
	}
	c.reply(id, &wire.Ack{Results: out.results})
	c.s.afterPush(c, c.p, out)
}

// afterPush counts a committed push (a push frame, or a delivery of
// sealed entries) and tells others: each conflict's owner, and every
// connection but from (which has its answer) of each caseworker whose
// scope changed.
func (s *Server) afterPush(from *conn, p principal, out *pushOutcome) {
	st := &s.stats
	st.pushes.Add(1)
	st.applied.Add(out.n.applied)
	st.duplicates.Add(out.n.duplicates)
	st.rejected.Add(out.n.rejected)
	st.conflicts.Add(out.n.conflicts)
	st.lwwOverwrites.Add(out.n.lww)
	st.handovers.Add(out.n.handovers)
	if out.skewed {
		st.skewFlagged.Add(1)
		s.log.Warn("device clock ahead; timestamps clamped", "device", string(p.device))
	}
	for _, k := range out.conflicts {
		s.notify(nil, k.Owner, &wire.ConflictNotice{Conflict: k})
	}
	if len(out.owners) > 0 {
		s.pokeOwners(from, out.head, out.owners...)
	}
}

func (c *conn) onPull(id app.ID, m *wire.Pull) {
	c.s.stats.pulls.Add(1)
	if m.Cursor.Epoch != c.applied.Epoch || c.applied.Before(m.Cursor) {
		c.applied = m.Cursor // a pull asks from what the device has applied
	}
	limit := m.Limit
	if limit <= 0 {
		limit = wire.MaxRecordsPerPage
	}
	var page app.Page
	var head app.Cursor
	err := c.s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		if head, err = tx.Head(); err != nil {
			return err
		}
		after := m.Cursor.Seq
		if m.Cursor.Epoch != head.Epoch || after > head.Seq {
			after = 0 // another epoch, or a cursor the log never reached: a fresh snapshot
		}
		recs, full, err := pullRecords(tx, c.p.account, after, limit)
		if err != nil {
			return err
		}
		page = app.Page{Records: recs, Cursor: head, Snapshot: after == 0}
		switch {
		case len(recs) > limit:
			page.Records, page.HasMore = recs[:limit], true
			page.Cursor = app.Cursor{Epoch: head.Epoch, Seq: recs[limit-1].Seq}
		case full:
			page.HasMore = true
			page.Cursor = app.Cursor{Epoch: head.Epoch, Seq: recs[len(recs)-1].Seq}
		}
		return nil
	})
	if err != nil {
		c.internal(id, err)
		return
	}
	if page.Records == nil {
		page.Records = []app.Record{}
	}
	ch := &wire.Changes{Page: page}
	if err := c.s.scopeDelta(ch); err != nil { // before the split: it sizes the frame with the delta
		c.internal(id, err)
		return
	}
	parts, err := wire.SplitChanges(ch)
	if err != nil {
		c.internal(id, err)
		return
	}
	// One pull, one changes frame: the client pulls the rest from the
	// first frame's cursor.
	trimScope(parts[0])
	if err := c.s.markDelivered(c.p, head, parts[0]); err != nil {
		c.internal(id, err)
		return
	}
	c.s.stats.recordsSent.Add(int64(len(parts[0].Records)))
	c.reply(id, parts[0])
}

// scopeDelta explains the removals in a changes frame (wire.ScopeDelta):
// a record that left the scope is now another caseworker's (reassigned)
// or nobody's (closed). Only frames with removals read the ledger again.
// Records that entered the scope are not told apart from changed ones.
func (s *Server) scopeDelta(ch *wire.Changes) error {
	var removed []app.Record
	for _, r := range ch.Records {
		if r.Removed {
			removed = append(removed, r)
		}
	}
	if len(removed) == 0 {
		return nil
	}
	refs := make([]wire.RecordRef, 0, len(removed))
	err := s.ledger.View(func(tx app.LedgerTx) error {
		refs = refs[:0]
		for _, r := range removed {
			ref := wire.RecordRef{Kind: r.Kind, ID: r.ID, Reason: wire.ReasonReassigned}
			cur, err := tx.Record(r.Kind, r.ID)
			switch {
			case isNotFound(err) || err == nil && cur.Owner == "":
				ref.Reason = wire.ReasonClosed
			case err != nil:
				return err
			}
			refs = append(refs, ref)
		}
		return nil
	})
	if err != nil {
		return err
	}
	ch.Scope = &wire.ScopeDelta{Removed: refs}
	return nil
}

// markDelivered remembers what a changes frame tells the device about
// cases and companies that left its scope, before it is sent (madeBeforeHandover reads
// it): a removal in the frame (meta toldKey), or a snapshot of the log at
// head, which leaves out every case removed before head (meta
// snapshotKey). Frames with neither write nothing.
func (s *Server) markDelivered(p principal, head app.Cursor, ch *wire.Changes) error {
	var told []app.ID
	if !ch.Snapshot {
		for _, r := range ch.Records {
			if r.Removed && (r.Kind == app.RecordSag || r.Kind == app.RecordVirksomhed) {
				told = append(told, recordMetaID(r.Kind, r.ID))
			}
		}
	}
	if !ch.Snapshot && len(told) == 0 {
		return nil
	}
	at := []byte("/" + itoa64(s.now().UnixMilli()))
	return s.ledger.Update(func(tx app.LedgerTx) error {
		if ch.Snapshot {
			if err := tx.PutMeta(snapshotKey(p.device), append(cursorValue(head), at...)); err != nil {
				return err
			}
		}
		for _, id := range told {
			key := toldKey(id, p.account, p.device)
			if _, err := tx.Meta(key); err == nil {
				continue // the first time told counts
			} else if !isNotFound(err) {
				return err
			}
			if err := tx.PutMeta(key, at[1:]); err != nil {
				return err
			}
		}
		return nil
	})
}

// trimScope keeps of a frame's scope delta only the records the frame
// carries (the rest arrive, and are explained, in the next pull's frame).
func trimScope(ch *wire.Changes) {
	if ch.Scope == nil {
		return
	}
	in := make(map[app.ID]bool, len(ch.Records))
	for _, r := range ch.Records {
		in[r.ID] = true
	}
	ch.Scope.Removed = slices.DeleteFunc(slices.Clone(ch.Scope.Removed), func(r wire.RecordRef) bool { return !in[r.ID] })
	if len(ch.Scope.Removed) == 0 && len(ch.Scope.Added) == 0 {
		ch.Scope = nil
	}
}

// pullChunk is how many records pullRecords reads at a time.
const pullChunk = 32

// pullRecords reads the records of owner's scope after position after
// that one changes frame can carry: at most limit+1 (one more than limit
// says there are more), and no more once their data alone fills a frame
// (full: there are more, the frame carries the first of them). Reading
// limit+1 records of ~2 KB each to send the ~25 that fit would read and
// encode twenty times what is sent. A pull from 0 is a snapshot: as the
// ledger's own Changes from 0, it lists no removals.
func pullRecords(tx app.LedgerTx, owner app.ID, after uint64, limit int) (recs []app.Record, full bool, err error) {
	from, size := after, 0
	for len(recs) <= limit {
		n := min(pullChunk, limit+1-len(recs))
		part, err := tx.Changes(owner, from, n)
		if err != nil {
			return nil, false, err
		}
		for _, r := range part {
			if after == 0 && r.Removed {
				continue
			}
			recs = append(recs, r)
			size += len(r.Data) + len(r.ID) + len(r.Kind)
		}
		if len(part) < n {
			return recs, false, nil // the end of the log
		}
		from = part[len(part)-1].Seq
		if size > wire.MaxFrame && len(recs) <= limit {
			return recs, true, nil
		}
	}
	return recs, false, nil
}

func (c *conn) onResolve(id app.ID, m *wire.Resolve) {
	out, refusal, err := c.s.resolve(c.p, m)
	switch {
	case err != nil:
		c.internal(id, err)
		return
	case refusal != nil:
		c.refuse(id, refusal)
		return
	}
	c.s.stats.resolved.Add(1)
	c.reply(id, &out.resolved)
	c.s.notify(c, c.p.account, &out.resolved)
	if !out.head.IsZero() {
		c.s.pokeOwners(nil, out.head, append([]app.ID{out.owner}, out.readers...)...)
	}
}

func (c *conn) onRules(id app.ID) {
	parts, err := wire.SplitRules(c.s.opts.RuleSets, c.s.opts.RuleFiles)
	if err != nil {
		c.internal(id, err)
		return
	}
	for _, p := range parts {
		c.reply(id, p)
	}
}

func (c *conn) onAudit(id app.ID, m *wire.AuditUpload) {
	if m.Device != c.p.device {
		c.refuse(id, app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.device").WithField("body.device"))
		return
	}
	// Identity comes from the session: a device writes its audit records
	// in its caseworker's name, or its system's (a purge). A record in
	// anybody else's name would show them in a citizen's access log.
	for i, r := range m.Records {
		own := r.Actor.Rolle == app.RolleSagsbehandler && r.Actor.ID == c.p.account
		system := r.Actor.Rolle == app.RolleSystem && r.Actor.ID == ""
		if !own && !system {
			c.refuse(id, errActor().WithField("body.records["+strconv.Itoa(i)+"].actor"))
			return
		}
	}
	ack, n, broken, err := c.s.uploadAudit(c.p, m.Records)
	if err != nil {
		c.internal(id, err)
		return
	}
	c.s.stats.auditRecords.Add(int64(n))
	if broken > 0 {
		c.s.stats.auditBroken.Add(int64(broken))
		c.s.log.Warn("audit chain does not verify", "device", string(c.p.device), "records", broken)
	}
	c.reply(id, ack)
}

// uploadAudit stores a device's audit records that continue its chain:
// records it holds already are skipped, records after a gap are not stored
// (the gap is reported and the device sends them again), and a record
// whose hash or link does not verify is stored all the same (losing an
// audit record is worse) and counted in broken.
func (s *Server) uploadAudit(p principal, recs []app.AuditRecord) (*wire.AuditAck, int, int, error) {
	var ack *wire.AuditAck
	var stored, broken int
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		ack, stored, broken = nil, 0, 0
		dev, err := tx.Device(p.device)
		if err != nil {
			return err
		}
		var add []app.LedgerAudit
		for _, r := range recs {
			if r.Seq <= dev.AuditSeq {
				continue
			}
			if r.Seq > dev.AuditSeq+1 {
				ack = &wire.AuditAck{Gaps: []wire.SeqRange{{From: dev.AuditSeq + 1, To: r.Seq - 1}}}
				break
			}
			h, err := r.ChainHash()
			if err != nil {
				return app.Internal(err)
			}
			if !bytes.Equal(h, r.Hash) || !chainsOn(r.Prev, dev.AuditHash, dev.AuditSeq) {
				broken++
			}
			r.Uploaded = time.Time{}
			add = append(add, app.LedgerAudit{Device: p.device, Record: r})
			dev.AuditSeq, dev.AuditHash = r.Seq, r.Hash
		}
		if ack == nil {
			ack = &wire.AuditAck{}
		}
		ack.Through = dev.AuditSeq
		if len(add) == 0 {
			return nil
		}
		if stored, err = tx.AppendAudit(add...); err != nil {
			return err
		}
		return tx.PutDevice(dev)
	})
	return ack, stored, broken, err
}

// chainsOn reports whether a record's Prev continues a device's chain
// whose head is hash after seq records. The first record's Prev is the
// genesis: 32 zero bytes as the store writes it (store.VerifyAudit), or
// empty.
func chainsOn(prev, hash []byte, seq uint64) bool {
	if seq == 0 && len(hash) == 0 {
		return len(prev) == 0 || bytes.Equal(prev, make([]byte, sha256.Size))
	}
	return bytes.Equal(prev, hash)
}

// resolveOutcome is what a resolve did.
type resolveOutcome struct {
	resolved wire.Resolved
	head     app.Cursor // set when "mine" changed the record
	owner    app.ID
	readers  []app.ID // a company's readers before and after "mine"
}

// resolve closes a conflict of p's: "theirs" keeps the server's value;
// "mine" runs the command again on the current state (the person decided,
// so no field is compared) and stores the value it replaces in the audit
// trail. A conflict that is not p's is not found.
func (s *Server) resolve(p principal, m *wire.Resolve) (*resolveOutcome, *app.Error, error) {
	now := s.now()
	var out *resolveOutcome
	var refusal *app.Error
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		out, refusal = &resolveOutcome{resolved: wire.Resolved{Conflict: m.Conflict, Decision: m.Decision}}, nil
		k, err := tx.Conflict(m.Conflict)
		if isNotFound(err) || err == nil && k.Owner != p.account {
			refusal = app.Errorf(app.CodeNotFound, "", "not_found.sync.conflict").WithField("body.conflict")
			return nil
		}
		if err != nil {
			return err
		}
		b := newBatch(tx, now)
		e, err := b.get(k.RecordKind(), k.Sag)
		if err != nil {
			return err
		}
		if e == nil {
			return app.Internal(errors.New("conflict on a record the ledger does not hold"))
		}
		if e.rec.Owner != p.account {
			// Only the case's owner decides (Assign routes its conflicts
			// to the new owner; this guards a conflict left behind).
			refusal = app.Errorf(app.CodeNotFound, "", "not_found.sync.conflict").WithField("body.conflict")
			return nil
		}
		out.resolved.Version, out.owner = e.rec.Version, e.rec.Owner
		if m.Decision == app.ResolveTakeMine {
			if err := s.takeMine(b, p, k, e, now, out); err != nil {
				return err
			}
			if err := b.flush(); err != nil {
				return err
			}
			out.readers = b.scoped
			if e.dirty {
				if out.head, err = tx.Head(); err != nil {
					return err
				}
			}
		}
		if err := tx.DeleteConflict(k.ID); err != nil {
			return err
		}
		return tx.PutMeta(conflictKey(k.ID), nil)
	})
	return out, refusal, err
}

func (s *Server) takeMine(b *batch, p principal, k app.Conflict, e *entry, now time.Time, out *resolveOutcome) error {
	data, err := b.tx.Meta(conflictKey(k.ID))
	if err != nil {
		return err
	}
	var pend pendingConflict
	if err := json.Unmarshal(data, &pend); err != nil {
		return app.Internal(err)
	}
	cmd := pend.Command.Command
	var changes []app.Change
	var res *app.Result
	var vres *app.VResult
	if vc, ok := cmd.Virksomhed(); ok {
		var sag *app.Sag
		if sag, ok, err = citizenOf(b, p, e.v, vc.Body); err == nil && ok {
			vres, err = s.engine.ExecuteVirksomhed(e.v, vc, sag)
		} else if err == nil {
			err = errNotAssigned() // the citizen's case is no longer the owner's
		}
		if vres != nil {
			changes = vres.Changes
		}
	} else {
		if res, err = s.engine.Execute(e.sag, cmd); err == nil {
			changes = res.Changes
		}
	}
	if err != nil {
		e := app.AsError(err)
		if e.Code == app.CodeInternal {
			return e
		}
		out.resolved.Error = e // a rule refuses it now: the conflict closes, the server's value stands
		return nil
	}
	author := app.ConflictSide{Command: cmd.ID, Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: p.account}, Device: p.device, HLC: pend.Command.HLC, At: cmd.At}
	var over []app.Change
	for _, ch := range changes {
		if ch.Policy != app.PolicyAppend && e.versions()[ch.Field] > baseOf(pend.Command, ch.Field) {
			over = append(over, ch)
		}
	}
	var v int64
	if vres != nil {
		v, err = s.applyCompany(b, e, vres, cmd.Body.Kind(), author, 0, over, now) // a person's decision: no device sequence
	} else {
		v, err = s.apply(b, e, res, cmd.Body.Kind(), author, 0, over, now)
	}
	if err != nil {
		return err
	}
	out.resolved.Version = v
	return nil
}
