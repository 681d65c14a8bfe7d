package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// The merge lives here and not in app: the domain part of it (what a
// field's value is, which policy a field has, running the command) is
// app's (FieldValue, FieldPolicy, Engine.Execute); what remains is the
// server's bookkeeping over its ledger — replay ids, ownership and
// handovers, versions, the conflict queue, the audit of overwritten
// values, who last wrote a field — all of which needs a LedgerTx.

// Refusals of a pushed command (ack status rejected).
func errNotAssigned() *app.Error {
	return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.not_assigned")
}
func errActor() *app.Error { return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.actor") }
func errReplay() *app.Error {
	return app.Errorf(app.CodeInvalid, "", "invalid.sync.replay").WithField("id")
}

// Meta keys the engine keeps in the ledger besides handoverKey.
func writersKey(sag app.ID) string       { return "writers/" + string(sag) }
func conflictKey(conflict app.ID) string { return "conflict/" + string(conflict) }

// writers records, per field of a case, who made its current value: the
// "theirs" side of a later conflict (the Sag itself does not say), and
// whether a later command of the same device follows it (ownEarlier).
// Append fields are not kept: they never conflict.
type writers map[string]writer

// writer is who made a field's current value: the conflict side, and the
// command's outbox sequence on its device (0: not known — a value written
// by a conflict's resolution, or before the sequence was kept).
type writer struct {
	app.ConflictSide
	Seq uint64 `json:"seq,omitempty"`
}

// pendingConflict is what the server keeps of the command that opened a
// conflict, to run it again when the owner decides "mine".
type pendingConflict struct {
	Command wire.PushCommand `json:"command"`
	Device  app.ID           `json:"device"`
}

// pushOutcome is what one push did, for the ack and the notices after the
// commit.
type pushOutcome struct {
	results   []app.AckResult
	head      app.Cursor
	owners    []app.ID // whose scope changed
	conflicts []app.Conflict
	skewed    bool
	n         struct{ applied, duplicates, rejected, conflicts, lww, handovers int64 }
}

func (o *pushOutcome) owner(id app.ID) {
	for _, x := range o.owners {
		if x == id {
			return
		}
	}
	o.owners = append(o.owners, id)
}

// batch is the working set of one ledger transaction: each record it
// touches (a case or a company) is read and decoded once and written
// once, at flush, however many commands of the frame change it (the log
// needs only the latest state of a record; every command still gets its
// own version).
type batch struct {
	tx    app.LedgerTx
	today app.Date // for a company's Readers: which placements have ended
	recs  map[recKey]*entry
	order []recKey
	teams teams // the accounts by team, for a company's Readers
	// scoped are the accounts whose scope a company's write changed
	// beyond its owner: its Readers before and after (set by flush).
	scoped []app.ID
}

// recKey names a record of the batch.
type recKey struct {
	kind string
	id   app.ID
}

type entry struct {
	rec     app.LedgerRecord
	sag     *app.Sag        // a case's state (rec.Kind RecordSag)
	v       *app.Virksomhed // a company's state (rec.Kind RecordVirksomhed)
	w       writers         // nil until read
	dirty   bool
	wDirty  bool
	missing bool
}

// versions returns the record's field versions.
func (e *entry) versions() map[string]int64 {
	if e.v != nil {
		return e.v.Versions
	}
	return e.sag.Versions
}

// fieldValue returns a field's current value (FieldValue of the record's
// kind).
func (e *entry) fieldValue(field string) (json.RawMessage, bool, error) {
	if e.v != nil {
		return app.VirksomhedFieldValue(e.v, field)
	}
	return app.FieldValue(e.sag, field)
}

// recordMetaID names a record in the server's meta keys (writers,
// handover): a case by its id as before companies existed, a company by
// "virksomhed:<id>" (":" is never part of an id).
func recordMetaID(kind string, id app.ID) app.ID {
	if kind == app.RecordSag || kind == "" {
		return id
	}
	return app.ID(kind + ":" + string(id))
}

func newBatch(tx app.LedgerTx, now time.Time) *batch {
	return &batch{tx: tx, today: app.DateOf(now), recs: map[recKey]*entry{}}
}

// get returns the record of kind with id, or nil when it does not exist.
func (b *batch) get(kind string, id app.ID) (*entry, error) {
	k := recKey{kind, id}
	if e, ok := b.recs[k]; ok {
		if e.missing {
			return nil, nil
		}
		return e, nil
	}
	rec, err := b.tx.Record(kind, id)
	if isNotFound(err) {
		b.recs[k] = &entry{missing: true}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := &entry{rec: rec}
	switch kind {
	case app.RecordVirksomhed:
		e.v, err = decodeVirksomhed(rec)
	default:
		e.sag, err = decodeSag(rec)
	}
	if err != nil {
		return nil, err
	}
	b.recs[k] = e
	b.order = append(b.order, k)
	return e, nil
}

// create adds a new company to the batch, owned by owner, at version 0
// (apply makes it version 1).
func (b *batch) create(id, owner app.ID) *entry {
	k := recKey{app.RecordVirksomhed, id}
	e := &entry{rec: app.LedgerRecord{Kind: app.RecordVirksomhed, ID: id, Owner: owner}, v: &app.Virksomhed{ID: id, Ansvarlig: owner}}
	b.recs[k] = e
	b.order = append(b.order, k)
	return e
}

func (b *batch) writers(e *entry) (writers, error) {
	if e.w == nil {
		w, err := readWriters(b.tx, recordMetaID(e.rec.Kind, e.rec.ID))
		if err != nil {
			return nil, err
		}
		e.w = w
	}
	return e.w, nil
}

// flush writes every changed record at the next log position; a company
// with its Readers computed again.
func (b *batch) flush() error {
	for _, k := range b.order {
		e := b.recs[k]
		if e.dirty && e.v != nil {
			rec, before, err := putCompany(b.tx, &b.teams, e.v, e.rec.Owner, b.today)
			if err != nil {
				return err
			}
			b.scoped = append(append(b.scoped, before...), rec.Readers...)
		} else if e.dirty {
			data, err := json.Marshal(e.sag)
			if err != nil {
				return app.Internal(err)
			}
			r := e.rec
			r.Data = data
			if _, err := b.tx.PutRecord(r); err != nil {
				return err
			}
		}
		if e.wDirty {
			data, err := json.Marshal(e.w)
			if err != nil {
				return app.Internal(err)
			}
			if err := b.tx.PutMeta(writersKey(recordMetaID(k.kind, k.id)), data); err != nil {
				return err
			}
		}
	}
	return nil
}

// push merges a push frame's commands in order, in one ledger transaction
// (group commit: the ledger may commit it together with others').
func (s *Server) push(p principal, cmds []wire.PushCommand) (*pushOutcome, error) {
	now := s.now()
	var out *pushOutcome
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		out = &pushOutcome{} // Update may run fn again
		b := newBatch(tx, now)
		dev, err := tx.Device(p.device)
		if isNotFound(err) {
			dev, err = app.Device{ID: p.device, Account: p.account, Created: now}, nil
		} else if err != nil {
			return err
		}
		for _, pc := range cmds {
			r, err := s.mergeOne(b, p, pc, now, out)
			if err != nil {
				return err
			}
			out.results = append(out.results, r)
			dev.PushSeq = max(dev.PushSeq, pc.Seq)
		}
		if err := b.flush(); err != nil {
			return err
		}
		for _, id := range b.scoped {
			out.owner(id)
		}
		if out.skewed {
			dev.SkewFlagged = true
		}
		dev.LastSeen = now
		if err := tx.PutDevice(dev); err != nil {
			return err
		}
		if len(out.owners) > 0 {
			out.head, err = tx.Head()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// commandDigest is the SHA-256 of a command as pushed (its JSON as
// app.Command writes it, the pushed actor included).
func commandDigest(c app.Command) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, app.AsError(err)
	}
	h := sha256.Sum256(b)
	return h[:], nil
}

// mergeOne answers one command: a replay gets its first answer, a new id
// is decided and its answer remembered.
func (s *Server) mergeOne(b *batch, p principal, pc wire.PushCommand, now time.Time, out *pushOutcome) (app.AckResult, error) {
	cmd := pc.Command
	digest, err := commandDigest(cmd)
	if err != nil {
		out.n.rejected++
		return app.AckResult{Command: cmd.ID, Status: app.AckRejected, Error: app.AsError(err), At: now}, nil
	}
	prior, err := b.tx.Applied(cmd.ID)
	switch {
	case err == nil:
		if prior.Account != p.account || !bytes.Equal(prior.Digest, digest) {
			// Another body under a known id, or another account's id:
			// refused, and not remembered (the first answer stands).
			out.n.rejected++
			return app.AckResult{Command: cmd.ID, Status: app.AckRejected, Error: errReplay(), At: now}, nil
		}
		r := prior.Result
		if r.Status == app.AckApplied {
			r.Status = app.AckDuplicate
		}
		out.n.duplicates++
		return r, nil
	case !isNotFound(err):
		return app.AckResult{}, err
	}
	r, err := s.decide(b, p, pc, now, out)
	if err != nil {
		return app.AckResult{}, err
	}
	r.Command, r.At = cmd.ID, now
	switch r.Status {
	case app.AckApplied:
		out.n.applied++
	case app.AckConflict:
		out.n.conflicts++
	default:
		out.n.rejected++
	}
	err = b.tx.PutApplied(app.AppliedCommand{ID: cmd.ID, Sag: cmd.Sag, Account: p.account, Device: p.device, Digest: digest, Result: r, At: now})
	return r, err
}

func rejected(e *app.Error) app.AckResult { return app.AckResult{Status: app.AckRejected, Error: e} }

// decide authorises, runs and merges a new command: a case's, or a
// company's (decideCompany; the command's kind names the record kind).
func (s *Server) decide(b *batch, p principal, pc wire.PushCommand, now time.Time, out *pushOutcome) (app.AckResult, error) {
	cmd := pc.Command
	// Identity comes from the session: an actor naming someone else is
	// refused; an empty one is filled in.
	if cmd.Actor.ID != "" && cmd.Actor.ID != p.account || cmd.Actor.Rolle != "" && cmd.Actor.Rolle != app.RolleSagsbehandler {
		return rejected(errActor()), nil
	}
	cmd.Actor = app.Actor{Rolle: app.RolleSagsbehandler, ID: p.account}
	if cmd.RecordKind() == app.RecordVirksomhed {
		return s.decideCompany(b, p, pc, cmd, now, out)
	}

	e, err := b.get(app.RecordSag, cmd.Sag)
	if err != nil {
		return app.AckResult{}, err
	}
	if e == nil {
		return rejected(errNotAssigned()), nil // the same answer as another's case: existence is not told
	}
	rec := e.rec
	handover := false
	if rec.Owner != p.account {
		ok, err := madeBeforeHandover(b.tx, cmd.Sag, p, pc.Base, now)
		if err != nil {
			return app.AckResult{}, err
		}
		if !ok {
			return rejected(errNotAssigned()), nil
		}
		handover = true
	}

	hlc, refusal, err := clampHLC(pc, p, now, out)
	if refusal != nil || err != nil {
		return rejected(refusal), err
	}

	cur := e.sag
	res, err := s.engine.Execute(cur, cmd)
	if err != nil {
		e := app.AsError(err)
		if e.Code == app.CodeInternal {
			return app.AckResult{}, e
		}
		return rejected(e), nil // the domain refuses it on the server's state; later commands go on
	}
	author := app.ConflictSide{Command: cmd.ID, Author: cmd.Actor, Device: p.device, HLC: hlc, At: cmd.At}
	return s.merge(b, e, p, pc, cmd, res.Changes, author, handover, now, out, res, nil)
}

// clampHLC returns the command's hybrid logical clock stamped with the
// session's device and clamped to the server's time (a refusal for a
// malformed one); a device far ahead is flagged.
func clampHLC(pc wire.PushCommand, p principal, now time.Time, out *pushOutcome) (app.HLC, *app.Error, error) {
	hlc := pc.HLC
	if hlc.IsZero() {
		return hlc, nil, nil
	}
	hlc.Device = p.device
	clamped, skewed, err := app.ClampHLC(hlc, now)
	if err != nil {
		return hlc, app.AsError(err), nil
	}
	if skewed {
		out.skewed = true
	}
	return clamped, nil, nil
}

// merge decides, per field, a command the domain accepted on record e
// (res for a case, vres for a company): a change made concurrently (the
// server's field version is past the command's base, and not by the
// device's own earlier command) merges by the field's policy — append
// merges, lww overwrites with the loser in the audit trail, protected
// opens a conflict for the record's owner and the server's value stands.
func (s *Server) merge(b *batch, e *entry, p principal, pc wire.PushCommand, cmd app.Command, changes []app.Change,
	author app.ConflictSide, handover bool, now time.Time, out *pushOutcome, res *app.Result, vres *app.VResult) (app.AckResult, error) {
	rec := e.rec
	var overwritten []app.Change
	conflictField, conflictBase := "", int64(0)
	for _, ch := range changes {
		base := baseOf(pc, ch.Field)
		if e.versions()[ch.Field] <= base || ch.Policy == app.PolicyAppend {
			continue
		}
		own, err := b.ownEarlier(e, ch.Field, p.device, pc.Seq)
		if err != nil {
			return app.AckResult{}, err
		}
		if own {
			continue
		}
		switch ch.Policy {
		case app.PolicyLWW:
			overwritten = append(overwritten, ch)
		default:
			if conflictField == "" {
				conflictField, conflictBase = ch.Field, base
			}
		}
	}
	if conflictField != "" {
		var mine json.RawMessage
		var err error
		if vres != nil {
			mine, _, err = app.VirksomhedFieldValue(vres.Virksomhed, conflictField)
		} else {
			mine, _, err = app.FieldValue(res.Sag, conflictField)
		}
		if err != nil {
			return app.AckResult{}, err
		}
		k, err := s.openConflict(b, e, mine, pc, cmd, conflictField, conflictBase, author, p.device, now)
		if err != nil {
			return app.AckResult{}, err
		}
		out.conflicts = append(out.conflicts, k)
		e := app.Errorf(app.CodeConflict, "", "conflict.sync.protected", "felt", conflictField).WithField(conflictField)
		r := app.AckResult{Status: app.AckConflict, Conflict: k.ID, Error: e, Version: rec.Version}
		if handover {
			r.Handover = rec.Owner // the conflict itself is routed to the new owner
		}
		return r, nil
	}
	var v int64
	var err error
	if vres != nil {
		v, err = s.applyCompany(b, e, vres, cmd.Body.Kind(), author, pc.Seq, overwritten, now)
	} else {
		v, err = s.apply(b, e, res, cmd.Body.Kind(), author, pc.Seq, overwritten, now)
	}
	if err != nil {
		return app.AckResult{}, err
	}
	out.n.lww += int64(len(overwritten))
	out.owner(rec.Owner)
	if !handover {
		return app.AckResult{Status: app.AckApplied, Version: v}, nil
	}
	// A previous owner's pending command landed after the reassignment:
	// flagged for the new owner in the record's audit trail (and the ack).
	flag := app.LedgerAudit{
		Record:   app.AuditRecord{At: now, Actor: cmd.Actor, Action: app.ActionChanged, Sag: cmd.Sag, Command: cmd.ID, Kind: cmd.Body.Kind()},
		Handover: rec.Owner,
	}
	if _, err := b.tx.AppendAudit(flag); err != nil {
		return app.AckResult{}, err
	}
	out.n.handovers++
	s.log.Info("command from a previous owner applied", "kind", rec.Kind, "sag", string(cmd.Sag), "command", string(cmd.ID), "account", string(p.account), "owner", string(rec.Owner))
	return app.AckResult{Status: app.AckApplied, Version: v, Handover: rec.Owner}, nil
}

// ownEarlier reports whether field's current value was made by an
// earlier command of device's outbox (a lower seq) than the one with seq.
// A device that changes a field twice while offline sends both with the
// confirmed version as base, but it made the second on top of the first:
// that change since the base is not concurrent. Any other writer — another
// device, or the same device's later or unknown command — leaves it
// concurrent; so does a record whose version is not the field's current
// one (the value changed in a way the writers do not know of).
func (b *batch) ownEarlier(e *entry, field string, device app.ID, seq uint64) (bool, error) {
	w, err := b.writers(e)
	if err != nil {
		return false, err
	}
	x, ok := w[field]
	return ok && x.Device == device && x.Seq > 0 && x.Seq < seq && x.Version == e.versions()[field], nil
}

// baseOf returns the version of field the command was based on: its own
// base field version, or the case's base version when it names none.
func baseOf(pc wire.PushCommand, field string) int64 {
	if v, ok := pc.BaseFields[field]; ok {
		return v
	}
	return pc.Base
}

// toldGrace is how long after the server delivered a case's removal to a
// device (madeBeforeHandover) the device's pending commands on it are
// still taken: a command saved while that sync ran reaches the server
// at the next push, seconds later.
const toldGrace = 2 * time.Minute

// madeBeforeHandover reports whether a command on a case that left the
// account's scope was made while the case was still in it: its base is
// below the version at which the case left (issue 9 §5: pending commands
// of a reassigned case are still accepted), and the device had not yet
// learned of the removal. A client pushes its whole outbox before it
// pulls, so once the device has pulled the removal its pending work on
// the case is in (but for a command saved while that sync ran, pushed
// within toldGrace); a later command naming an old base is forged and is
// refused. The device has learned of the removal when its connection
// says a cursor past it (p.applied: hello's, or a pull's), or when the
// server sent it the removal in a changes frame (toldKey) or a snapshot
// taken after it (snapshotKey) more than toldGrace ago; both are
// written by markDelivered. A sealed delivery has no cursor: the base
// and the server's records decide.
//
// sag names the record as recordMetaID does: a case's id, or a company's
// "virksomhed:<id>".
func madeBeforeHandover(tx app.LedgerTx, sag app.ID, p principal, base int64, now time.Time) (bool, error) {
	b, err := tx.Meta(handoverKey(sag, p.account))
	if isNotFound(err) || err == nil && len(b) == 0 {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	vs, pos, hasPos := strings.Cut(string(b), "/")
	v, err := strconv.ParseInt(vs, 10, 64)
	if err != nil {
		return false, app.Internal(errors.New("malformed handover entry"))
	}
	if base >= v {
		return false, nil
	}
	if !hasPos { // written before the removal's position was kept
		return true, nil
	}
	removal, ok := parseCursorValue(pos)
	if !ok {
		return false, app.Internal(errors.New("malformed handover entry"))
	}
	past := func(c app.Cursor) bool { return c.Epoch == removal.Epoch && c.Seq >= removal.Seq }
	if past(p.applied) {
		return false, nil
	}
	long := func(ms string) bool {
		n, err := strconv.ParseInt(ms, 10, 64)
		return err == nil && now.Sub(time.UnixMilli(n)) > toldGrace
	}
	told, err := tx.Meta(toldKey(sag, p.account, p.device))
	switch {
	case err == nil:
		if long(string(told)) {
			return false, nil
		}
	case !isNotFound(err):
		return false, err
	}
	snap, err := tx.Meta(snapshotKey(p.device))
	switch {
	case err == nil:
		parts := strings.Split(string(snap), "/")
		if c, ok := parseCursorValue(string(snap)); ok && past(c) && len(parts) == 3 && long(parts[2]) {
			return false, nil
		}
	case !isNotFound(err):
		return false, err
	}
	return true, nil
}

// apply makes the result of a command the case's next version (written
// at flush): every changed lww or protected field gets the new version, overwritten lww
// values go to the audit trail, and the writers of protected and lww
// fields are remembered (with seq, the command's outbox sequence; 0 when
// not known).
func (s *Server) apply(b *batch, e *entry, res *app.Result, kind string, author app.ConflictSide, seq uint64, overwritten []app.Change, now time.Time) (int64, error) {
	next := res.Sag
	versions, err := s.bump(b, e, res.Changes, kind, author, seq, overwritten, now)
	if err != nil {
		return 0, err
	}
	next.Version, next.Versions = e.rec.Version+1, versions
	e.sag, e.rec.Version, e.dirty = next, next.Version, true
	return next.Version, nil
}

// applyCompany is apply for a company's command.
func (s *Server) applyCompany(b *batch, e *entry, res *app.VResult, kind string, author app.ConflictSide, seq uint64, overwritten []app.Change, now time.Time) (int64, error) {
	next := res.Virksomhed
	versions, err := s.bump(b, e, res.Changes, kind, author, seq, overwritten, now)
	if err != nil {
		return 0, err
	}
	next.Version, next.Versions = e.rec.Version+1, versions
	if next.Ansvarlig == "" {
		next.Ansvarlig = e.rec.Owner
	}
	e.v, e.rec.Version, e.dirty = next, next.Version, true
	return next.Version, nil
}

// bump returns the record's field versions after changes at its next
// version, writes the overwritten values to the audit trail and
// remembers the writers, for apply and applyCompany (before the new
// state replaces the current one).
func (s *Server) bump(b *batch, e *entry, changes []app.Change, kind string, author app.ConflictSide, seq uint64, overwritten []app.Change, now time.Time) (map[string]int64, error) {
	version := e.rec.Version + 1
	versions := maps.Clone(e.versions())
	if versions == nil {
		versions = map[string]int64{}
	}
	for _, ch := range changes {
		// Append fields never conflict, so their versions are not kept:
		// a journal of thousands of notes would otherwise carry a version
		// per note in every copy of the case.
		if ch.Policy != app.PolicyAppend {
			versions[ch.Field] = version
		}
	}
	for _, ch := range overwritten {
		old, _, err := e.fieldValue(ch.Field)
		if err != nil {
			return nil, err
		}
		a := app.LedgerAudit{
			Record:      app.AuditRecord{At: now, Actor: author.Author, Action: app.ActionChanged, Sag: e.rec.ID, Command: author.Command, Kind: kind},
			Field:       ch.Field,
			Overwritten: old,
		}
		if _, err := b.tx.AppendAudit(a); err != nil {
			return nil, err
		}
	}
	for _, ch := range changes {
		if ch.Policy == app.PolicyAppend {
			continue // read the writers only for a field that keeps one
		}
		w, err := b.writers(e)
		if err != nil {
			return nil, err
		}
		side := author
		side.Version = version
		w[ch.Field] = writer{ConflictSide: side, Seq: seq}
		e.wDirty = true
	}
	return versions, nil
}

func readWriters(tx app.LedgerTx, sag app.ID) (writers, error) {
	w := writers{}
	b, err := tx.Meta(writersKey(sag))
	if isNotFound(err) || err == nil && len(b) == 0 {
		return w, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, app.Internal(err)
	}
	return w, nil
}

// openConflict stores a conflict on a protected field of a case or a
// company, routed to the record's owner: base is what the pusher had
// seen, mine the value its command makes the field, theirs the server's
// value with who made it. The command is kept so that "mine" can run it
// again.
func (s *Server) openConflict(b *batch, e *entry, mineValue json.RawMessage, pc wire.PushCommand, cmd app.Command,
	field string, base int64, author app.ConflictSide, device app.ID, now time.Time) (app.Conflict, error) {
	id, err := s.newID()
	if err != nil {
		return app.Conflict{}, err
	}
	mine := author
	mine.Version, mine.Value = base, mineValue
	rec := e.rec
	w, err := b.writers(e)
	if err != nil {
		return app.Conflict{}, err
	}
	theirs := w[field].ConflictSide
	theirs.Version = e.versions()[field]
	if theirs.Value, _, err = e.fieldValue(field); err != nil {
		return app.Conflict{}, err
	}
	k := app.Conflict{ID: id, Sag: rec.ID, Field: field, Policy: app.FieldPolicy(field), Owner: rec.Owner,
		Base: app.ConflictSide{Version: base}, Mine: mine, Theirs: theirs, Created: now}
	if rec.Kind == app.RecordVirksomhed {
		k.Kind = app.RecordVirksomhed
	}
	if err := b.tx.PutConflict(k); err != nil {
		return app.Conflict{}, err
	}
	pc.Command = cmd // with the actor from the session
	data, err := json.Marshal(pendingConflict{Command: pc, Device: device})
	if err != nil {
		return app.Conflict{}, app.Internal(err)
	}
	return k, b.tx.PutMeta(conflictKey(id), data)
}
