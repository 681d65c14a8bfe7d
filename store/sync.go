package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// This file is what the sync client needs of the replica: the cursor, the
// device's clock, one transaction per page of server records, and the scope
// of the caseload (cases leaving it turn read-only and are purged once their
// outbox is acknowledged).

// Cursor returns the position in the server's log that the replica has
// applied (the zero cursor before the first page).
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Cursor() (app.Cursor, error) {
	var c app.Cursor
	err := db.read(func(t txn) error {
		b, err := t.get(bMeta, []byte(metaCursor))
		if err != nil {
			return err
		}
		if err := c.UnmarshalBinary(b); err != nil {
			return errCorrupt(err)
		}
		return nil
	})
	return c, err
}

// Clock returns the device's hybrid logical clock. Commit stamps every
// pending command with it; the sync client observes the server's timestamps
// with it. Its latest value is stored with every commit and page, so it
// never runs backwards across restarts. Nil before Unlock.
func (db *DB) Clock() *app.Clock {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.clock
}

// ApplyPage applies one page of a pull in ONE transaction: the records, the
// new cursor and the rebase of every pending command of the cases it
// touched. A crash at any point leaves either the whole page or none of it,
// so the cursor is never ahead of the data.
//
//   - A case record replaces the confirmed state when its version is newer
//     (an older or equal one is a replayed page and is skipped: versions
//     never go back); the view is rebased on it.
//   - A removed record (the case left this caseworker's scope) is purged at
//     once when nothing of it is pending; otherwise the case turns read-only
//     (Commit refuses it) and is purged when Ack has taken its last command.
//   - A company record (app.RecordVirksomhed) is kept like a case's: the
//     confirmed state when newer, the company's pending commands rebased on
//     it, and a removed one leaves the scope like a case.
//   - A record of a kind this version does not know is kept as it came.
//   - With Snapshot set the page starts a fresh snapshot; when the last page
//     of it (HasMore false) is applied, every case the snapshot did not
//     deliver is treated as removed.
//
// Purged cases are scrubbed by one compaction after the page (see Purge); a
// failing compaction does not undo the page, which is saved.
//
// Errors: invalid (RuleStalePage) for a page behind the replica's cursor in
// the same epoch, invalid for a malformed record; unauthorized
// (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) ApplyPage(p app.Page) error {
	if err := validatePage(p); err != nil {
		return err
	}
	var purged int
	err := db.update(func(t txn) error {
		var err error
		purged, err = t.applyPage(db, p)
		return err
	})
	if err != nil || purged == 0 {
		return err
	}
	return db.compactAfterPurge()
}

func validatePage(p app.Page) error {
	for i, r := range p.Records {
		if err := r.ID.Validate(); err != nil {
			return app.AsError(err).WithField(fmt.Sprintf("records[%d].id", i))
		}
		if r.Kind == "" {
			return app.Errorf(app.CodeInvalid, "", "store.record_kind").WithField(fmt.Sprintf("records[%d].kind", i))
		}
		if r.Version < 0 {
			return app.Errorf(app.CodeInvalid, "", "store.record_version").WithField(fmt.Sprintf("records[%d].version", i))
		}
	}
	return nil
}

func (t txn) applyPage(db *DB, p app.Page) (purged int, err error) {
	var have app.Cursor
	b, err := t.get(bMeta, []byte(metaCursor))
	if err == nil {
		err = have.UnmarshalBinary(b)
	}
	if err != nil {
		return 0, errCorrupt(err)
	}
	if p.Cursor.Before(have) {
		return 0, errStalePage(have, p.Cursor)
	}
	if p.Snapshot {
		if err := t.clearBucket(bSnapshot); err != nil {
			return 0, err
		}
		if err := t.put(bMeta, []byte(metaSnapshot), []byte{1}); err != nil {
			return 0, err
		}
	}
	inSnapshot := t.has(bMeta, []byte(metaSnapshot))
	touched, companies := map[app.ID]bool{}, map[app.ID]bool{}
	var removed []app.ID
	for _, r := range p.Records {
		if inSnapshot && !r.Removed {
			if err := t.put(bSnapshot, []byte(r.ID), nil); err != nil {
				return 0, err
			}
		}
		switch {
		case r.Kind == app.RecordVirksomhed && r.Removed:
			removed = append(removed, r.ID)
		case r.Kind == app.RecordVirksomhed:
			var changed bool
			changed, err = t.applyCompany(r)
			if changed {
				companies[r.ID] = true
			}
		case r.Kind != app.RecordSag:
			err = t.putJSON(bRecords, []byte(r.Kind+"/"+string(r.ID)), r)
		case r.Removed:
			removed = append(removed, r.ID)
		default:
			var changed bool
			changed, err = t.applyCase(r)
			if changed {
				touched[r.ID] = true
			}
		}
		if err != nil {
			return 0, err
		}
	}
	if inSnapshot && !p.HasMore {
		gone, err := t.notInSnapshot()
		if err != nil {
			return 0, err
		}
		removed = append(removed, gone...)
		if err := t.del(bMeta, []byte(metaSnapshot)); err != nil {
			return 0, err
		}
		if err := t.clearBucket(bSnapshot); err != nil {
			return 0, err
		}
	}
	purgedIDs, err := t.leaveScope(removed, db.now())
	if err != nil {
		return 0, err
	}
	for _, id := range purgedIDs {
		delete(touched, id)
		delete(companies, id)
	}
	rb, err := t.rebaseCases(db.opts.Engine, touched)
	if err != nil {
		return 0, err
	}
	// After the cases: a pending henvis or placer runs on its citizen's
	// view, and a new state of that case may change whether it applies.
	if len(touched) > 0 && db.idx.companyPending() {
		citing, err := companiesCiting(t, touched)
		if err != nil {
			return 0, err
		}
		for id := range citing {
			if t.isCompany(id) {
				companies[id] = true
			}
		}
	}
	rbc, err := t.rebaseCompanies(db.companyEngine(), companies, app.DateOf(db.now()))
	if err != nil {
		return 0, err
	}
	cur, _ := p.Cursor.MarshalBinary()
	if err := t.put(bMeta, []byte(metaCursor), cur); err != nil {
		return 0, err
	}
	if err := t.putClock(db.clock); err != nil {
		return 0, err
	}
	if len(purgedIDs) > 0 {
		if err := markCompaction(t.tx); err != nil {
			return 0, err
		}
	}
	t.after(func() {
		for _, id := range purgedIDs {
			db.idx.remove(id)
		}
		db.applyRebased(rb)
		db.applyCompanyRebased(rbc)
		db.idx.setLeaving(t.fx.leaving)
	})
	return len(purgedIDs), nil
}

// applyCase stores a case record as the confirmed state when it is newer
// than what the replica has. It reports whether it stored it.
func (t txn) applyCase(r app.Record) (bool, error) {
	s, err := decodeSag(r.Data)
	if err != nil {
		return false, app.Errorf(app.CodeInvalid, "", "store.record_unreadable").Wrap(err).WithField("data")
	}
	if s.ID != r.ID {
		return false, app.Errorf(app.CodeInvalid, "", "store.record_id").WithField("data.id")
	}
	raw := r.Data // stored as it came when it decodes to what is stored: one encoding less per case
	if s.Version != r.Version {
		s.Version, raw = r.Version, nil
	}
	old, err := t.confirmed(r.ID)
	if err != nil {
		return false, err
	}
	if old != nil && old.Version >= r.Version {
		return false, nil
	}
	if t.has(bLeaving, []byte(r.ID)) { // back in scope (reassigned back)
		if err := t.del(bLeaving, []byte(r.ID)); err != nil {
			return false, err
		}
		t.markLeaving(r.ID, false)
	}
	if raw == nil {
		if raw, err = json.Marshal(s); err != nil {
			return false, app.AsError(err)
		}
	}
	if err := t.replaceConfirmed(s.ID, raw, old); err != nil {
		return false, err
	}
	if t.fx != nil { // the rebase after the page reads it from here
		if t.fx.confirmed == nil {
			t.fx.confirmed = map[app.ID]*app.Sag{}
		}
		t.fx.confirmed[s.ID] = s
	}
	return true, nil
}

// notInSnapshot returns the cases and companies on the device that the
// finished snapshot did not deliver (a company created here and not yet
// confirmed has no confirmed state and stays).
func (t txn) notInSnapshot() ([]app.ID, error) {
	var out []app.ID
	for _, name := range []string{bConfirmed, bCompanies} {
		b, err := t.bucket(name)
		if err != nil {
			return nil, err
		}
		err = b.ForEach(func(k, _ []byte) error {
			if !t.has(bSnapshot, k) {
				out = append(out, app.ID(k))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// leaveScope purges each case that has nothing pending and marks the others
// read-only. It returns the purged ids.
func (t txn) leaveScope(ids []app.ID, now time.Time) ([]app.ID, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	want := map[app.ID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	pend, err := pendingByCase(t, want)
	if err != nil {
		return nil, err
	}
	var purged []app.ID
	for _, id := range ids {
		if len(pend[id]) > 0 {
			if !t.has(bLeaving, []byte(id)) {
				if err := t.put(bLeaving, []byte(id), []byte(now.Format(time.RFC3339))); err != nil {
					return nil, err
				}
			}
			t.markLeaving(id, true)
			continue
		}
		if err := t.purge(id, now); err != nil {
			return nil, err
		}
		if err := t.del(bLeaving, []byte(id)); err != nil {
			return nil, err
		}
		t.markLeaving(id, false)
		purged = append(purged, id)
	}
	return purged, nil
}

// purgeIfLeft purges the read-only cases among ids whose outbox is now
// empty (called by Ack). It returns the purged ids.
func (t txn) purgeIfLeft(ids map[app.ID]bool, now time.Time) ([]app.ID, error) {
	var leaving []app.ID
	for id := range ids {
		if t.has(bLeaving, []byte(id)) {
			leaving = append(leaving, id)
		}
	}
	return t.leaveScope(leaving, now)
}

// markLeaving records a change of a case's read-only state, applied to the
// index after the commit.
func (t txn) markLeaving(id app.ID, leaving bool) {
	if t.fx == nil {
		return
	}
	if t.fx.leaving == nil {
		t.fx.leaving = map[app.ID]bool{}
	}
	t.fx.leaving[id] = leaving
}

func (t txn) clearBucket(name string) error {
	if err := t.tx.DeleteBucket([]byte(name)); err != nil {
		return err
	}
	_, err := t.tx.CreateBucket([]byte(name))
	return err
}

// readOnly reports whether a case is leaving scope.
func (t txn) readOnly(id app.ID) bool { return t.has(bLeaving, []byte(id)) }

// putClock stores the clock's latest value.
func (t txn) putClock(c *app.Clock) error {
	if c == nil {
		return nil
	}
	return t.put(bMeta, []byte(metaHLC), seqKey(c.Last().Pack()))
}

// PurgeMany removes several cases from the device in one transaction and
// scrubs them with one compaction (see Purge). Cases not on the device are
// skipped.
//
// Errors: conflict (RuleUnsent) when any of them still has commands in the
// outbox (nothing is purged then); unauthorized (RuleNotOpen); internal
// (RuleFull or generic).
func (db *DB) PurgeMany(ids []app.ID) error {
	for _, id := range ids {
		if err := id.Validate(); err != nil {
			return err
		}
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.keys == nil {
		return errNotOpen()
	}
	now := db.now()
	err := writeErr(db.bolt.Update(func(tx *bolt.Tx) error {
		t := txn{tx: tx, keys: db.keys}
		for _, id := range ids {
			if err := t.purge(id, now); err != nil {
				return err
			}
			if err := t.del(bLeaving, []byte(id)); err != nil {
				return err
			}
		}
		return markCompaction(tx)
	}))
	if err != nil {
		return err
	}
	for _, id := range ids {
		db.idx.remove(id)
	}
	db.cache.reset()
	return db.compactCommitted(errPurgedClosed)
}

// compactAfterPurge scrubs freed pages after a write that purged cases
// (the write marked the compaction pending in its own transaction). The
// purge is committed: a failed compaction stays pending and is retried at
// the next Open or Unlock, and only a file that cannot be reopened is an
// error.
func (db *DB) compactAfterPurge() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.keys == nil {
		return nil
	}
	db.cache.reset()
	return db.compactCommitted(errPurgedClosed)
}
