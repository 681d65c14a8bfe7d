package store

import (
	"errors"
	"fmt"
	"maps"
	"time"

	"feltsag.dk/feltsag/app"
)

var errNoEngine = errors.New("store: Options.Engine is nil")

// Commit runs cmd against the case's local view and, in ONE bbolt
// transaction, writes the new view, appends the outbox entry and appends
// the "changed" audit record; bbolt fsyncs on commit. When Commit returns
// nil the change is on disk: the UI may say "Gemt lokalt". When the engine
// refuses the command nothing at all is written (a refused attempt changes
// nothing and the case's display was already logged as "viewed").
//
// Errors: the engine's own (invalid, unauthorized, not_found, rule:<id>);
// not_found (RuleCaseUnknown); conflict (RuleDuplicate) when the command id
// was already saved; unauthorized (RuleNotOpen); internal (RuleFull when
// the disk or size limit is full: nothing was written; RuleDamaged).
func (db *DB) Commit(cmd app.Command) (*app.Result, error) {
	if db.opts.Engine == nil {
		return nil, app.Internal(errNoEngine)
	}
	if err := cmd.ID.Validate(); err != nil {
		return nil, app.AsError(err).WithField("id")
	}
	var res *app.Result
	err := db.update(func(t txn) error {
		r, err := t.commit(db.opts.Engine, cmd, db.now())
		if err != nil {
			return err
		}
		res = r
		t.after(func() {
			db.idx.put(summaryOf(r.Sag))
			db.idx.addPending(cmd.Sag, 1, 0)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := *res
	out.Sag = res.Sag.Clone() // the cache keeps res.Sag
	return &out, nil
}

func (t txn) commit(engine Executor, cmd app.Command, now time.Time) (*app.Result, error) {
	known, err := t.knownCommand(cmd.ID)
	if err != nil {
		return nil, err
	}
	if known {
		return nil, errDuplicate()
	}
	cur, err := t.view(cmd.Sag)
	if err != nil {
		return nil, err
	}
	r, err := engine.Execute(cur, cmd)
	if err != nil {
		return nil, app.AsError(err)
	}
	if r == nil || r.Sag == nil || r.Sag.ID != cur.ID {
		return nil, app.Internal(fmt.Errorf("engine returned no state for %s", cmd.ID))
	}
	if err := t.putView(r.Sag); err != nil {
		return nil, err
	}
	if err := t.reindex(cur, r.Sag); err != nil {
		return nil, err
	}
	if _, err := t.appendOutbox(OutboxEntry{Command: cmd, Base: cur.Version, Status: StatusPending, Saved: now}); err != nil {
		return nil, err
	}
	rec := AuditRecord{At: now, Actor: cmd.Actor, Action: ActionChanged, Sag: cmd.Sag, Command: cmd.ID, Kind: cmd.Body.Kind()}
	return r, t.appendAudit(rec)
}

// knownCommand reports whether a command id is pending or has a result.
func (t txn) knownCommand(id app.ID) (bool, error) {
	if _, err := t.bucket(bResults); err != nil {
		return false, err
	}
	return t.has(bOutboxIDs, []byte(id)) || t.has(bResults, []byte(id)), nil
}

// appendOutbox adds e at the next sequence. It never overwrites an entry.
func (t txn) appendOutbox(e OutboxEntry) (uint64, error) {
	seq, err := t.nextSeq(bOutbox)
	if err != nil {
		return 0, err
	}
	k := seqKey(seq)
	if t.has(bOutbox, k) {
		return 0, errCorrupt(fmt.Errorf("outbox sequence %d already used", seq))
	}
	e.Seq = seq
	if err := t.putJSON(bOutbox, k, e); err != nil {
		return 0, err
	}
	return seq, t.put(bOutboxIDs, []byte(e.Command.ID), k)
}

// rebased is the outcome of rebasing one case, applied to the in-memory
// index after the transaction commits.
type rebased struct {
	sum    Summary
	counts counts
}

func (db *DB) applyRebased(rs []rebased) {
	for _, r := range rs {
		db.idx.put(r.sum)
		db.idx.setCounts(r.sum.ID, r.counts)
	}
}

// Rebase recomputes a case's view: its confirmed state with every pending
// command for it re-applied in outbox order. A command that no longer
// applies stays in the outbox, marked StatusRejected with the engine's
// error (it is still sent; the server decides); one that applies again is
// marked StatusPending. Nothing is ever dropped.
//
// Errors: not_found (RuleCaseUnknown) when the case has no confirmed
// state; unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged, or
// no Engine).
func (db *DB) Rebase(caseID app.ID) error {
	return db.update(func(t txn) error {
		pend, err := pendingByCase(t, map[app.ID]bool{caseID: true})
		if err != nil {
			return err
		}
		r, err := t.rebase(db.opts.Engine, caseID, pend[caseID])
		if err == nil {
			t.after(func() { db.applyRebased([]rebased{r}) })
		}
		return err
	})
}

func (t txn) rebase(engine Executor, id app.ID, entries []*OutboxEntry) (rebased, error) {
	s, err := t.confirmed(id)
	if err != nil {
		return rebased{}, err
	}
	if s == nil {
		return rebased{}, errCaseUnknown()
	}
	if len(entries) > 0 && engine == nil {
		return rebased{}, app.Internal(errNoEngine)
	}
	old, err := t.viewOrNil(id)
	if err != nil {
		return rebased{}, err
	}
	var c counts
	for _, e := range entries {
		var verr *app.Error
		s, verr = reapply(engine, s, e.Command)
		c.pending++
		if verr != nil {
			c.rejected++
		}
		if err := t.markEntry(e, verr); err != nil {
			return rebased{}, err
		}
	}
	if err := t.putView(s); err != nil {
		return rebased{}, err
	}
	return rebased{sum: summaryOf(s), counts: c}, t.reindex(old, s)
}

// reapply runs one pending command; on refusal the state is unchanged.
func reapply(engine Executor, s *app.Sag, cmd app.Command) (*app.Sag, *app.Error) {
	r, err := engine.Execute(s, cmd)
	if err != nil {
		return s, app.AsError(err)
	}
	if r == nil || r.Sag == nil {
		return s, app.Internal(fmt.Errorf("engine returned no state for %s", cmd.ID))
	}
	return r.Sag, nil
}

// markEntry rewrites an outbox entry when its local status changed.
func (t txn) markEntry(e *OutboxEntry, verr *app.Error) error {
	status := StatusPending
	if verr != nil {
		status = StatusRejected
	}
	if status == e.Status && sameError(e.Error, verr) {
		return nil
	}
	e.Status, e.Error = status, verr
	return t.putJSON(bOutbox, seqKey(e.Seq), e)
}

func (t txn) viewOrNil(id app.ID) (*app.Sag, error) {
	s, err := t.view(id)
	var ae *app.Error
	if errors.As(err, &ae) && ae.Rule == RuleCaseUnknown {
		return nil, nil
	}
	return s, err
}

// Ack records the server's result for a pushed command and removes it from
// the outbox, both in one transaction: a command leaves the outbox only
// together with its result. For AckRejected and AckConflict the case is
// rebased in the same transaction (its view loses the command's effect);
// for AckApplied and AckDuplicate the view already holds it and the next
// pull brings the confirmed state. Acknowledging an id that already has a
// result is a no-op (a replayed ack).
//
// Errors: invalid for an unknown status; not_found when the id was never
// saved here; unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) Ack(cmdID app.ID, r AckResult) error {
	switch r.Status {
	case AckApplied, AckDuplicate, AckRejected, AckConflict:
	default:
		return app.Errorf(app.CodeInvalid, "", "store.ack_status", "status", r.Status).WithField("status")
	}
	return db.update(func(t txn) error {
		was, rb, err := t.ack(db.opts.Engine, cmdID, r)
		switch {
		case err != nil || was == nil:
			return err
		case rb != nil:
			t.after(func() { db.applyRebased(rb) })
		default:
			t.after(func() { db.idx.addPending(was.Command.Sag, -1, -rejected(was)) })
		}
		return nil
	})
}

func (t txn) ack(engine Executor, id app.ID, r AckResult) (*OutboxEntry, []rebased, error) {
	k, err := t.get(bOutboxIDs, []byte(id))
	if err != nil {
		return nil, nil, err
	}
	if k == nil {
		if t.has(bResults, []byte(id)) {
			return nil, nil, nil
		}
		return nil, nil, errCommandUnknown()
	}
	plain, err := t.get(bOutbox, k)
	if err != nil || plain == nil {
		return nil, nil, errCorrupt(fmt.Errorf("outbox entry of %s: %v", id, err))
	}
	e, err := decodeOutbox(plain)
	if err != nil {
		return nil, nil, errCorrupt(err)
	}
	rec := Acked{Command: id, Sag: e.Command.Sag, Kind: e.Command.Body.Kind(), AckResult: r}
	if err := t.putJSON(bResults, []byte(id), rec); err != nil {
		return nil, nil, err
	}
	if err := t.del(bOutbox, k); err != nil {
		return nil, nil, err
	}
	if err := t.del(bOutboxIDs, []byte(id)); err != nil {
		return nil, nil, err
	}
	if (r.Status != AckRejected && r.Status != AckConflict) || !t.has(bConfirmed, []byte(e.Command.Sag)) {
		return e, nil, nil
	}
	pend, err := pendingByCase(t, map[app.ID]bool{e.Command.Sag: true})
	if err != nil {
		return nil, nil, err
	}
	rb, err := t.rebase(engine, e.Command.Sag, pend[e.Command.Sag])
	return e, []rebased{rb}, err
}

// Pending returns the outbox in order: every command saved on this device
// and not yet acknowledged, including those marked StatusRejected.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Pending() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := db.read(func(t txn) error {
		out = out[:0]
		return eachOutbox(t, func(e *OutboxEntry) error { out = append(out, *e); return nil })
	})
	return out, err
}

// Result returns the recorded server result of a command, so a replayed
// command id is recognised; ok is false when there is none.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Result(cmdID app.ID) (a *Acked, ok bool, err error) {
	err = db.read(func(t txn) error {
		plain, err := t.get(bResults, []byte(cmdID))
		if err != nil || plain == nil {
			return err
		}
		if a, err = decodeAcked(plain); err != nil {
			return errCorrupt(err)
		}
		ok = true
		return nil
	})
	return a, ok, err
}

func sameError(a, b *app.Error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Code == b.Code && a.Rule == b.Rule && a.Key == b.Key && maps.Equal(a.Params, b.Params)
}
