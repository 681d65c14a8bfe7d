package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// view returns the local view of a case, or RuleCaseUnknown. The result is
// shared with the view cache: never modify it (the engine does not; hand
// callers a Clone).
func (t txn) view(id app.ID) (*app.Sag, error) {
	if t.fx != nil {
		if s, ok := t.fx.views[id]; ok {
			return s, nil
		}
		if s := t.cache.get(id); s != nil {
			return s, nil
		}
	}
	plain, err := t.get(bView, []byte(id))
	if err != nil {
		return nil, err
	}
	if plain == nil {
		return nil, errCaseUnknown()
	}
	s, err := decodeView(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	if s == nil { // the view is the confirmed state (encodeView)
		if s, err = t.confirmed(id); err != nil {
			return nil, err
		}
		if s == nil {
			return nil, errCorrupt(fmt.Errorf("%w: view of %s refers to a missing confirmed state", errRecord, id))
		}
	}
	if t.fx != nil {
		t.fx.views[id] = s // committed state: writes are serialised
	}
	return s, nil
}

// confirmed returns the confirmed state of a case, or nil when there is
// none. A state this transaction stored from a pulled record is returned
// as it was stored (shared: never modify it).
func (t txn) confirmed(id app.ID) (*app.Sag, error) {
	if t.fx != nil {
		if s, ok := t.fx.confirmed[id]; ok {
			return s, nil
		}
	}
	plain, err := t.get(bConfirmed, []byte(id))
	if err != nil || plain == nil {
		return nil, err
	}
	s, err := decodeSag(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	return s, nil
}

// putView stores the view of a case with its list line in front and
// returns that line for the in-memory index. sameAsConfirmed says s is the
// case's confirmed state as this transaction leaves it (nothing pending
// changed it): the view then holds the line only (encodeView).
func (t txn) putView(s *app.Sag, sameAsConfirmed bool) (app.CaseSummary, error) {
	sum := app.SummaryOf(s)
	if t.summary != nil {
		sum = t.summary(s)
	}
	prof := app.KandidatProfilOf(s)
	sum.Profil = &prof
	b, err := encodeView(s, sum, sameAsConfirmed)
	if err != nil {
		return sum, err
	}
	if t.fx != nil {
		t.fx.views[s.ID] = s
	}
	return sum, t.put(bView, []byte(s.ID), b)
}

// View returns the local view of a case for display and, in the same
// transaction, appends a "viewed" audit record: no record, no display.
//
// Errors: not_found (RuleCaseUnknown); unauthorized (RuleNotOpen);
// internal (RuleFull when the record cannot be written, RuleDamaged).
func (db *DB) View(caseID app.ID, actor app.Actor) (*app.Sag, error) {
	var s *app.Sag
	err := db.update(func(t txn) (err error) {
		if s, err = t.view(caseID); err != nil {
			return err
		}
		return t.appendAudit(app.AuditRecord{At: db.now(), Actor: actor, Action: app.ActionViewed, Sag: caseID})
	})
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

// List returns the case list from the in-memory index (no disk access, no
// audit record: it shows only names, masked CPR numbers and status of the
// caseworker's own caseload), sorted by name.
//
// Errors: unauthorized (RuleNotOpen).
func (db *DB) List() ([]app.CaseSummary, error) {
	idx, err := db.index()
	if err != nil {
		return nil, err
	}
	return idx.match(func(indexEntry) bool { return true }), nil
}

func (db *DB) index() (*caseIndex, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.keys == nil {
		return nil, errNotOpen()
	}
	return db.idx, nil
}

// Search finds cases and logs the search in the same transaction. A full
// CPR number is looked up in the blind index; digits alone match the birth
// date; anything else matches words of the name. The audit record holds the
// kind of query (SearchCPR, SearchBirth, SearchName), the number of hits
// and the ids of the cases found (see searchRecord), never the query: a
// name query may hold a CPR number too.
// An empty query returns List without a record. The UI should debounce
// search-as-you-type: every call is one record and one fsync.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) Search(q string, actor app.Actor) ([]app.CaseSummary, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return db.List()
	}
	idx, err := db.index()
	if err != nil {
		return nil, err
	}
	kind, cpr := classify(q)
	var out []app.CaseSummary
	err = db.update(func(t txn) error {
		switch kind {
		case SearchCPR:
			ids, err := t.lookupCPR(cpr)
			if err != nil {
				return err
			}
			out = idx.byIDs(ids)
		case SearchBirth:
			out = idx.match(birthMatcher(q))
		default:
			out = idx.match(nameMatcher(q))
		}
		ids := make([]app.ID, len(out))
		for i, s := range out {
			ids[i] = s.ID
		}
		return t.appendAudit(searchRecord(db.now(), actor, kind, ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindByCPR returns the ids of the cases of the citizen with the CPR
// number, through the blind index, and logs the look-up like Search.
//
// Errors: invalid for a malformed CPR; unauthorized (RuleNotOpen);
// internal (RuleFull, RuleDamaged).
func (db *DB) FindByCPR(cpr app.CPR, actor app.Actor) ([]app.ID, error) {
	if _, err := app.ParseCPR(string(cpr)); err != nil {
		return nil, err
	}
	var ids []app.ID
	err := db.update(func(t txn) (err error) {
		if ids, err = t.lookupCPR(cpr); err != nil {
			return err
		}
		return t.appendAudit(searchRecord(db.now(), actor, SearchCPR, ids))
	})
	return ids, err
}

// searchRecord is the "searched" record of a search that found the cases
// ids: the kind of query and the number of hits, and who the search
// concerned — the case in Sag when there was one, else the first
// app.MaxAuditCases ids in Sager.
func searchRecord(now time.Time, actor app.Actor, kind string, ids []app.ID) app.AuditRecord {
	r := app.AuditRecord{At: now, Actor: actor, Action: app.ActionSearched, Kind: kind, Hits: len(ids)}
	switch {
	case len(ids) == 1:
		r.Sag = ids[0]
	case len(ids) > 1:
		r.Sager = slices.Clone(ids[:min(len(ids), app.MaxAuditCases)])
	}
	return r
}

// PutCase seeds a new case (demo data, first sync): confirmed state and
// view, with any salvaged pending commands for it re-applied.
//
// Errors: conflict (RuleCaseExists) when the case is already on the
// device; invalid for a case without a valid id; unauthorized
// (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) PutCase(s *app.Sag) error {
	return db.putConfirmed([]*app.Sag{s}, true)
}

// PutConfirmed stores server-confirmed states (sync calls it after a pull)
// and rebases each case in the same transaction: view = confirmed + every
// pending command for it re-applied in order (see Rebase).
//
// Errors: invalid for a case without a valid id; unauthorized
// (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) PutConfirmed(sags ...*app.Sag) error {
	return db.putConfirmed(sags, false)
}

func (db *DB) putConfirmed(sags []*app.Sag, mustBeNew bool) error {
	return db.update(func(t txn) error {
		var results []rebased
		want := map[app.ID]bool{}
		for _, s := range sags {
			if err := t.storeConfirmed(s, mustBeNew); err != nil {
				return err
			}
			want[s.ID] = true
		}
		pend, err := pendingByCase(t, want)
		if err != nil {
			return err
		}
		for _, s := range sags {
			r, err := t.rebase(db.opts.Engine, s.ID, pend[s.ID])
			if err != nil {
				return err
			}
			results = append(results, r)
		}
		t.after(func() { db.applyRebased(results) })
		return nil
	})
}

func (t txn) storeConfirmed(s *app.Sag, mustBeNew bool) error {
	if s == nil {
		return app.Errorf(app.CodeInvalid, "", "invalid.case_missing")
	}
	if err := s.ID.Validate(); err != nil {
		return app.AsError(err).WithField("id")
	}
	if mustBeNew && (t.has(bConfirmed, []byte(s.ID)) || t.has(bView, []byte(s.ID))) {
		return errCaseExists()
	}
	b, err := json.Marshal(s)
	if err != nil {
		return app.AsError(err)
	}
	return t.replaceConfirmed(s.ID, b, nil)
}

// replaceConfirmed writes b, the JSON of a case, as its confirmed state.
// A view stored as "the confirmed state" (encodeView) would change with
// it, so such a view is first held, decoded, in the transaction's views:
// the rebase that follows compares the old view with the new one. old is
// the current confirmed state when the caller has decoded it already (nil:
// read here when needed).
func (t txn) replaceConfirmed(id app.ID, b []byte, old *app.Sag) error {
	if err := t.holdView(id, old); err != nil {
		return err
	}
	return t.put(bConfirmed, []byte(id), b)
}

func (t txn) holdView(id app.ID, old *app.Sag) error {
	if t.fx == nil {
		return nil
	}
	if _, ok := t.fx.views[id]; ok {
		return nil
	}
	if t.cache.get(id) != nil {
		return nil
	}
	plain, err := t.get(bView, []byte(id))
	if err != nil || plain == nil {
		return err
	}
	if _, sag, err := splitView(plain); err != nil || len(sag) > 0 {
		return nil // a full view (or damage, which reading it reports) does not depend on the confirmed state
	}
	if old == nil {
		if old, err = t.confirmed(id); err != nil {
			return err
		}
		if old == nil {
			return errCorrupt(fmt.Errorf("%w: view of %s refers to a missing confirmed state", errRecord, id))
		}
	}
	t.fx.views[id] = old
	return nil
}

// pendingByCase reads the outbox once and groups the entries of the wanted
// cases, in order.
func pendingByCase(t txn, want map[app.ID]bool) (map[app.ID][]*app.PendingCommand, error) {
	out := map[app.ID][]*app.PendingCommand{}
	err := eachOutbox(t, func(e *app.PendingCommand) error {
		if want[e.Command.Sag] {
			out[e.Command.Sag] = append(out[e.Command.Sag], e)
		}
		return nil
	})
	return out, err
}
