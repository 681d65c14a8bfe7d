package store

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// This file is the device's side of a person's decision on a conflict
// (docs/protocol.md §4.9): the decision is recorded with the conflict,
// durably and offline, until the server's resolved closes both; and the
// caseworker's list of rejected commands, which they read and dismiss.

// storedConflict is a conflicts-bucket value: the server's notice and,
// once the caseworker has decided, the decision waiting to be sent. The
// notice's fields stay at the top level, so a record written before
// decisions existed reads as a conflict without one.
type storedConflict struct {
	app.Conflict
	Decision *app.Resolution `json:"decision,omitempty"`
}

func decodeStoredConflict(b []byte) (*storedConflict, error) {
	var c storedConflict
	if err := unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Resolve records a person's decision on an open conflict: it is kept
// with the conflict until the server answers it (CloseConflict), and the
// sync engine sends it in outbox order (Resolutions). r.Sag and r.Seq are
// set here; r.Actor and r.At are the caller's. A conflict is decided once.
//
// Errors: invalid (store.resolve_decision, store.resolve_note) for a
// decision other than theirs or mine or a note over app.MaxResolveNote
// bytes; not_found (RuleConflictUnknown) when the conflict is not open on
// this device (closed meanwhile); conflict (RuleDecided) when it was
// decided already; unauthorized (RuleNotOpen); internal (RuleFull,
// RuleDamaged).
func (db *DB) Resolve(r app.Resolution) error {
	if !app.ResolveValid(r.Decision) {
		return app.Errorf(app.CodeInvalid, "", "store.resolve_decision", "decision", r.Decision).WithField("decision")
	}
	if len(r.Note) > app.MaxResolveNote {
		return app.Errorf(app.CodeInvalid, "", "store.resolve_note", "max", strconv.Itoa(app.MaxResolveNote)).WithField("note")
	}
	if err := r.Conflict.Validate(); err != nil {
		return app.AsError(err).WithField("conflict")
	}
	return db.update(func(t txn) error {
		plain, err := t.get(bConflicts, []byte(r.Conflict))
		if err != nil {
			return err
		}
		if plain == nil {
			return errConflictUnknown()
		}
		c, err := decodeStoredConflict(plain)
		if err != nil {
			return errCorrupt(err)
		}
		if c.Decision != nil {
			return errDecided()
		}
		// Its place among the commands: the outbox's own sequence, so
		// a command saved after the decision goes after it.
		if r.Seq, err = t.nextSeq(bOutbox); err != nil {
			return err
		}
		r.Sag = c.Sag
		c.Decision = &r
		if err := t.putJSON(bConflicts, []byte(c.ID), c); err != nil {
			return err
		}
		// The decision is a person's change of the case: audited with
		// the choice (the note is free text and stays out of the log).
		at := r.At
		if at.IsZero() {
			at = db.now()
		}
		return t.appendAudit(app.AuditRecord{At: at, Actor: r.Actor, Action: app.ActionChanged, Sag: c.Sag, Command: c.Mine.Command, Kind: AuditKindResolve + r.Decision})
	})
}

// AuditKindResolve prefixes the kind of the audit record of a decision on
// a conflict: "resolve_theirs" or "resolve_mine".
const AuditKindResolve = "resolve_"

// Resolutions returns the decisions recorded and not yet answered by the
// server, in the order they were made (their Seq).
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Resolutions() ([]app.Resolution, error) {
	var out []app.Resolution
	err := db.read(func(t txn) error {
		out = out[:0]
		return t.each(bConflicts, func(_, plain []byte) error {
			c, err := decodeStoredConflict(plain)
			if err != nil {
				return errCorrupt(err)
			}
			if c.Decision != nil {
				out = append(out, *c.Decision)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b app.Resolution) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, err
}

// CloseConflict applies the server's resolved: the conflict and any
// decision recorded for it are removed in one transaction. failed is the
// server's error when "mine" could not be applied because a rule now
// refuses it: the command that opened the conflict (the conflict's mine
// side) is then recorded as rejected with that error, so the caseworker
// sees it among the rejected commands (Rejected). An unknown id is no
// error (another device closed it, or the answer came twice).
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) CloseConflict(id app.ID, failed *app.Error) error {
	return db.update(func(t txn) error {
		plain, err := t.get(bConflicts, []byte(id))
		if err != nil || plain == nil {
			return err
		}
		c, err := decodeStoredConflict(plain)
		if err != nil {
			return errCorrupt(err)
		}
		if failed != nil && c.Mine.Command != "" {
			if err := t.rejectResult(c.Mine.Command, failed, db.now()); err != nil {
				return err
			}
		}
		t.after(func() { db.idx.addConflicts(c.Sag, -1) })
		return t.del(bConflicts, []byte(id))
	})
}

// rejectResult rewrites a command's recorded result as rejected with err
// (its decided conflict could not be applied). A command with no result
// here (made on another device) is skipped.
func (t txn) rejectResult(cmd app.ID, e *app.Error, now time.Time) error {
	plain, err := t.get(bResults, []byte(cmd))
	if err != nil || plain == nil {
		return err
	}
	a, err := decodeAcked(plain)
	if err != nil {
		return errCorrupt(err)
	}
	a.Status, a.Error, a.Dismissed = app.AckRejected, e, time.Time{}
	if a.At.IsZero() {
		a.At = now
	}
	return t.putJSON(bResults, []byte(cmd), a)
}

// Rejected returns the commands the server rejected (or whose conflict
// could not be applied) that the caseworker has not dismissed, oldest
// first: each with its case, kind and the error to show.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Rejected() ([]app.Acked, error) {
	var out []app.Acked
	err := db.read(func(t txn) error {
		out = out[:0]
		return t.each(bResults, func(_, plain []byte) error {
			a, err := decodeAcked(plain)
			if err != nil {
				return errCorrupt(err)
			}
			if a.Status == app.AckRejected && a.Dismissed.IsZero() {
				out = append(out, *a)
			}
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b app.Acked) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.Command, b.Command)
	})
	return out, err
}

// Dismiss marks a rejected command as read: Rejected no longer lists it.
// The result itself is kept (a replayed command id is still recognised).
//
// Errors: not_found (RuleCommandUnknown) for a command with no result
// here; unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) Dismiss(cmd app.ID) error {
	return db.update(func(t txn) error {
		plain, err := t.get(bResults, []byte(cmd))
		if err != nil {
			return err
		}
		if plain == nil {
			return errCommandUnknown()
		}
		a, err := decodeAcked(plain)
		if err != nil {
			return errCorrupt(err)
		}
		if !a.Dismissed.IsZero() {
			return nil
		}
		a.Dismissed = db.now()
		return t.putJSON(bResults, []byte(cmd), a)
	})
}

// keepDecision carries a recorded decision over into a conflict notice
// that replaces the stored one (the server sends every open conflict again
// after each welcome).
func keepDecision(old []byte, c app.Conflict) (any, error) {
	if old == nil {
		return c, nil
	}
	prev, err := decodeStoredConflict(old)
	if err != nil {
		return nil, errCorrupt(err)
	}
	if prev.Decision == nil {
		return c, nil
	}
	return storedConflict{Conflict: c, Decision: prev.Decision}, nil
}

// Rules of the decisions on conflicts.
const (
	RuleConflictUnknown = "store-konflikt-ukendt"  // not_found: a decision on a conflict that is not open here
	RuleDecided         = "store-konflikt-afgjort" // conflict: a second decision on one conflict
)

func errConflictUnknown() error {
	return app.Errorf(app.CodeNotFound, RuleConflictUnknown, "store.conflict_unknown").WithField("conflict")
}

func errDecided() error {
	return app.Errorf(app.CodeConflict, RuleDecided, "store.conflict_decided").WithField("conflict")
}
