package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"
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
		r, sum, err := t.commit(db.opts.Engine, cmd, db.now(), db.clock)
		if err != nil {
			return err
		}
		res = r
		t.after(func() {
			db.idx.put(sum)
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

// commit runs cmd on the view and writes view, outbox entry and audit
// record; it returns the engine's result and the case's new list line.
func (t txn) commit(engine Executor, cmd app.Command, now time.Time, clock *app.Clock) (*app.Result, app.CaseSummary, error) {
	known, err := t.knownCommand(cmd.ID)
	if err != nil {
		return nil, app.CaseSummary{}, err
	}
	if known {
		return nil, app.CaseSummary{}, errDuplicate()
	}
	if t.readOnly(cmd.Sag) {
		return nil, app.CaseSummary{}, errReadOnly()
	}
	cur, err := t.view(cmd.Sag)
	if err != nil {
		return nil, app.CaseSummary{}, err
	}
	r, err := engine.Execute(cur, cmd)
	if err != nil {
		return nil, app.CaseSummary{}, app.AsError(err)
	}
	if r == nil || r.Sag == nil || r.Sag.ID != cur.ID {
		return nil, app.CaseSummary{}, app.Internal(fmt.Errorf("engine returned no state for %s", cmd.ID))
	}
	sum, err := t.putView(r.Sag, false)
	if err != nil {
		return nil, app.CaseSummary{}, err
	}
	if err := t.reindex(cur, r.Sag); err != nil {
		return nil, app.CaseSummary{}, err
	}
	e := app.PendingCommand{Command: cmd, Base: cur.Version, BaseFields: baseFields(cur, r), Status: app.StatusPending, Saved: now}
	if clock != nil {
		e.HLC = clock.Now()
	}
	if _, err := t.appendOutbox(e); err != nil {
		return nil, app.CaseSummary{}, err
	}
	rec := app.AuditRecord{At: now, Actor: cmd.Actor, Action: app.ActionChanged, Sag: cmd.Sag, Command: cmd.ID, Kind: cmd.Body.Kind()}
	return r, sum, t.appendAudit(rec)
}

// baseFields returns the confirmed version of every field the command
// changed, as the view it ran on knew them: the base the server compares
// with each field's current version (DESIGN §5.4).
func baseFields(cur *app.Sag, r *app.Result) map[string]int64 {
	if len(r.Changes) == 0 {
		return nil
	}
	m := make(map[string]int64, len(r.Changes))
	for _, c := range r.Changes {
		m[c.Field] = cur.FieldVersion(c.Field)
	}
	return m
}

// knownCommand reports whether a command id is pending or has a result.
func (t txn) knownCommand(id app.ID) (bool, error) {
	if _, err := t.bucket(bResults); err != nil {
		return false, err
	}
	return t.has(bOutboxIDs, []byte(id)) || t.has(bResults, []byte(id)), nil
}

// appendOutbox adds e at the next sequence. It never overwrites an entry.
func (t txn) appendOutbox(e app.PendingCommand) (uint64, error) {
	seq, err := t.nextSeq(bOutbox)
	if err != nil {
		return 0, err
	}
	k := seqKey(seq)
	if t.has(bOutbox, k) {
		return 0, errCorrupt(fmt.Errorf("outbox sequence %d already used", seq))
	}
	e.Seq = seq
	if err := t.putOutbox(k, &e); err != nil {
		return 0, err
	}
	return seq, t.put(bOutboxIDs, []byte(e.Command.ID), k)
}

// rebased is the outcome of rebasing one case, applied to the in-memory
// index after the transaction commits.
type rebased struct {
	sum    app.CaseSummary
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
// applies stays in the outbox, marked app.StatusRejected with the engine's
// error (it is still sent; the server decides); one that applies again is
// marked app.StatusPending. Nothing is ever dropped.
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

func (t txn) rebase(engine Executor, id app.ID, entries []*app.PendingCommand) (rebased, error) {
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
	confirmed := s
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
	sum, err := t.putView(s, s == confirmed) // every command refused, or none: the confirmed state
	if err != nil {
		return rebased{}, err
	}
	return rebased{sum: sum, counts: c}, t.reindex(old, s)
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
func (t txn) markEntry(e *app.PendingCommand, verr *app.Error) error {
	status := app.StatusPending
	if verr != nil {
		status = app.StatusRejected
	}
	if status == e.Status && sameError(e.Error, verr) {
		return nil
	}
	e.Status, e.Error = status, verr
	return t.putOutbox(seqKey(e.Seq), e)
}

func (t txn) viewOrNil(id app.ID) (*app.Sag, error) {
	s, err := t.view(id)
	var ae *app.Error
	if errors.As(err, &ae) && ae.Rule == RuleCaseUnknown {
		return nil, nil
	}
	return s, err
}

// Ack records the server's results for pushed commands and removes them
// from the outbox, all in one transaction: a command leaves the outbox only
// together with its result, and a page of acks costs one fsync. For
// app.AckRejected and app.AckConflict the case is rebased in the same
// transaction (its view loses the command's effect), once per case however
// many of its commands the batch names; for app.AckApplied and
// app.AckDuplicate the view already holds it and the next pull brings the
// confirmed state. Acknowledging an id that already has a result is a no-op
// (a replayed ack). When any result is refused, nothing of the batch is
// written.
//
// Errors: invalid for an unknown status or a result without a command id;
// not_found (RuleCommandUnknown) when an id was never saved here;
// unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) Ack(results ...app.AckResult) error {
	for _, r := range results {
		if !app.AckStatusValid(r.Status) {
			return app.Errorf(app.CodeInvalid, "", "store.ack_status", "status", r.Status).WithField("status")
		}
		if err := r.Command.Validate(); err != nil {
			return app.AsError(err).WithField("command")
		}
	}
	var purged []app.ID
	err := db.update(func(t txn) error {
		var acked []*app.PendingCommand
		rebase, cases, companies := map[app.ID]bool{}, map[app.ID]bool{}, map[app.ID]bool{}
		for _, r := range results {
			was, err := t.ack(r.Command, r)
			if err != nil {
				return err
			}
			if was == nil {
				continue
			}
			acked = append(acked, was)
			cases[was.Command.Sag] = true
			refused := r.Status == app.AckRejected || r.Status == app.AckConflict
			switch {
			case refused && was.Command.RecordKind() == app.RecordVirksomhed:
				companies[was.Command.Sag] = true // also one created here: its view goes
			case refused && t.has(bConfirmed, []byte(was.Command.Sag)):
				rebase[was.Command.Sag] = true
			}
		}
		var err error
		if purged, err = t.purgeIfLeft(cases, db.now()); err != nil {
			return err
		}
		for _, id := range purged {
			delete(rebase, id)
			delete(companies, id)
		}
		if len(purged) > 0 {
			if err := markCompaction(t.tx); err != nil {
				return err
			}
		}
		rb, err := t.rebaseCases(db.opts.Engine, rebase)
		if err != nil {
			return err
		}
		rbc, err := t.rebaseCompanies(db.companyEngine(), companies, app.DateOf(db.now()))
		if err != nil {
			return err
		}
		t.after(func() {
			for _, was := range acked {
				db.idx.addPending(was.Command.Sag, -1, -rejected(was))
			}
			db.applyRebased(rb) // sets the rebased cases' counts afresh
			db.applyCompanyRebased(rbc)
			for _, id := range purged {
				db.idx.remove(id)
			}
			db.idx.setLeaving(t.fx.leaving)
		})
		return nil
	})
	if err == nil && len(purged) > 0 {
		err = db.compactAfterPurge()
	}
	return err
}

// rebaseCases rebases each case in ids once, reading the outbox once.
func (t txn) rebaseCases(engine Executor, ids map[app.ID]bool) ([]rebased, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	pend, err := pendingByCase(t, ids)
	if err != nil {
		return nil, err
	}
	out := make([]rebased, 0, len(ids))
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		r, err := t.rebase(engine, id, pend[id])
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ack moves one command from the outbox to the results. It returns nil
// for an id that already has a result.
func (t txn) ack(id app.ID, r app.AckResult) (*app.PendingCommand, error) {
	k, err := t.get(bOutboxIDs, []byte(id))
	if err != nil {
		return nil, err
	}
	if k == nil {
		if t.has(bResults, []byte(id)) {
			return nil, nil
		}
		return nil, errCommandUnknown()
	}
	plain, err := t.get(bOutbox, k)
	if err != nil || plain == nil {
		return nil, errCorrupt(fmt.Errorf("outbox entry of %s: %v", id, err))
	}
	e, err := decodeOutbox(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	r.Command = id
	rec := app.Acked{AckResult: r, Sag: e.Command.Sag, Kind: e.Command.Body.Kind()}
	if err := t.putJSON(bResults, []byte(id), rec); err != nil {
		return nil, err
	}
	if err := t.delOutbox(k); err != nil {
		return nil, err
	}
	return e, t.del(bOutboxIDs, []byte(id))
}

// Pending returns the outbox in order: every command saved on this device
// and not yet acknowledged, including those marked app.StatusRejected.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Pending() ([]app.PendingCommand, error) {
	var out []app.PendingCommand
	err := db.read(func(t txn) error {
		out = out[:0]
		return eachOutbox(t, func(e *app.PendingCommand) error { out = append(out, *e); return nil })
	})
	return out, err
}

// PendingCount returns what Pending returns the length of, and the
// earliest Saved among the entries (zero when there are none), without
// decoding the commands: the sync client's status and hello need only
// these, and decoding a 1,000-command outbox three times before its first
// push cost more than pushing it.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) PendingCount() (n int, oldest time.Time, err error) {
	err = db.read(func(t txn) error {
		n, oldest = 0, time.Time{}
		return t.each(bOutbox, func(k, plain []byte) error {
			var e struct {
				Seq   uint64    `json:"seq"`
				Saved time.Time `json:"saved"`
			}
			if err := unmarshal(plain, &e); err != nil {
				return errCorrupt(err)
			}
			if seq, ok := parseSeq(k); !ok || seq != e.Seq {
				return errCorrupt(fmt.Errorf("%w: outbox key and sequence differ", errRecord))
			}
			if oldest.IsZero() || e.Saved.Before(oldest) {
				oldest = e.Saved
			}
			n++
			return nil
		})
	})
	return n, oldest, err
}

// Result returns the recorded server result of a command, so a replayed
// command id is recognised; ok is false when there is none.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Result(cmdID app.ID) (a *app.Acked, ok bool, err error) {
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
