package ledger

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// tx is one transaction of the ledger. In a group commit several tx share
// one bbolt transaction; tx keeps no state of its own beyond it.
type tx struct {
	tx *bolt.Tx
}

var _ app.LedgerTx = (*tx)(nil)

func (t *tx) bucket(name []byte) *bolt.Bucket { return t.tx.Bucket(name) }

// damaged reports a value the ledger wrote but cannot read back.
func damaged(what string, err error) error {
	return errDamaged(fmt.Errorf("%s: %w", what, err))
}

func (t *tx) putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return app.Internal(err)
	}
	return b.Put(key, data)
}

// --- epoch and head -------------------------------------------------------

// Head returns the epoch and the last log position (0 before the first
// PutRecord).
func (t *tx) Head() (app.Cursor, error) {
	e, err := readU64(t.bucket(bktLedger).Get(keyEpoch))
	if err != nil {
		return app.Cursor{}, damaged("epoch", err)
	}
	return app.Cursor{Epoch: e, Seq: t.bucket(bktLog).Sequence()}, nil
}

// NewEpoch moves the ledger to a new random epoch; log positions carry on.
func (t *tx) NewEpoch() (app.Cursor, error) {
	c, err := t.Head()
	if err != nil {
		return c, err
	}
	if c.Epoch, err = newEpoch(c.Epoch); err != nil {
		return app.Cursor{}, app.Internal(err)
	}
	return c, t.bucket(bktLedger).Put(keyEpoch, u64(c.Epoch))
}

// --- records, log and scope ----------------------------------------------

func (t *tx) Record(kind string, id app.ID) (app.LedgerRecord, error) {
	b := t.bucket(bktRecords).Bucket([]byte(kind))
	if b == nil || kind == "" || id == "" {
		return app.LedgerRecord{}, notFound(keyRecordMissing)
	}
	v := b.Get([]byte(id))
	if v == nil {
		return app.LedgerRecord{}, notFound(keyRecordMissing)
	}
	r, err := decodeRecord(kind, id, v)
	if err != nil {
		return r, damaged("record", err)
	}
	return r, nil
}

// PutRecord stores r at the next log position. The log keeps each record
// once, at its latest position. Each member's scope index ({Owner} ∪
// Readers) keeps one entry per record it ever held: live at the record's
// latest position while the record is in the scope, a removal at the
// position where it left. Readers are stored as app.NormalReaders returns
// them.
func (t *tx) PutRecord(r app.LedgerRecord) (uint64, error) {
	if err := validKind(r.Kind); err != nil {
		return 0, err
	}
	if err := r.ID.Validate(); err != nil {
		return 0, err
	}
	if r.Owner != "" {
		if err := r.Owner.Validate(); err != nil {
			return 0, err
		}
	}
	readers, err := app.NormalReaders(r.Owner, r.Readers)
	if err != nil {
		return 0, err
	}
	r.Readers = readers
	recs, err := t.bucket(bktRecords).CreateBucketIfNotExists([]byte(r.Kind))
	if err != nil {
		return 0, err
	}
	var old *app.LedgerRecord
	if v := recs.Get([]byte(r.ID)); v != nil {
		o, err := decodeRecord(r.Kind, r.ID, v)
		if err != nil {
			return 0, damaged("record", err)
		}
		old = &o
	}
	logb := t.bucket(bktLog)
	seq, err := logb.NextSequence()
	if err != nil {
		return 0, err
	}
	r.Seq = seq
	rk := recKey(r.Kind, r.ID)
	if old != nil {
		if err := logb.Delete(u64(old.Seq)); err != nil {
			return 0, err
		}
	}
	if err := logb.Put(u64(seq), rk); err != nil {
		return 0, err
	}
	members := app.ScopeMembers(r.Owner, r.Readers)
	if old != nil {
		gone := encodeEntry(entryRemoved, r.Version, r.Kind, r.ID)
		for _, m := range app.ScopeMembers(old.Owner, old.Readers) {
			if _, stays := slices.BinarySearch(members, m); stays {
				continue
			}
			if err := t.setScope(m, rk, seq, gone); err != nil {
				return 0, err
			}
		}
	}
	liveEntry := encodeEntry(entryLive, r.Version, r.Kind, r.ID)
	for _, m := range members {
		if err := t.setScope(m, rk, seq, liveEntry); err != nil {
			return 0, err
		}
	}
	v, err := encodeRecord(r)
	if err != nil {
		return 0, app.Internal(err)
	}
	return seq, recs.Put([]byte(r.ID), v)
}

// setScope replaces the record's entry in owner's scope index by entry at
// seq.
func (t *tx) setScope(owner app.ID, rk []byte, seq uint64, entry []byte) error {
	ob, err := t.bucket(bktScope).CreateBucketIfNotExists([]byte(owner))
	if err != nil {
		return err
	}
	bySeq, err := ob.CreateBucketIfNotExists(subSeq)
	if err != nil {
		return err
	}
	byRec, err := ob.CreateBucketIfNotExists(subRec)
	if err != nil {
		return err
	}
	if v := byRec.Get(rk); v != nil {
		prev, _, err := readPos(v)
		if err != nil {
			return damaged("scope", err)
		}
		if err := bySeq.Delete(u64(prev)); err != nil {
			return err
		}
	}
	if err := bySeq.Put(u64(seq), entry); err != nil {
		return err
	}
	return byRec.Put(rk, posValue(seq, entry[0]))
}

// Changes walks owner's scope index from after+1. A snapshot (after 0)
// leaves out removals: a client starting from nothing has nothing to
// remove.
func (t *tx) Changes(owner app.ID, after uint64, limit int) ([]app.Record, error) {
	if limit < 1 {
		return nil, errLimit()
	}
	ob := t.bucket(bktScope).Bucket([]byte(owner))
	if owner == "" || ob == nil {
		return nil, nil
	}
	bySeq := ob.Bucket(subSeq)
	if bySeq == nil {
		return nil, damaged("scope", errors.New("no position index"))
	}
	recs := t.bucket(bktRecords)
	var out []app.Record
	c := bySeq.Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		seq, err := readU64(k)
		if err != nil {
			return nil, damaged("scope", err)
		}
		e, err := decodeEntry(v)
		if err != nil {
			return nil, damaged("scope", err)
		}
		if e.removed {
			if after > 0 {
				out = append(out, app.Record{Kind: e.kind, ID: e.id, Version: e.version, Seq: seq, Removed: true})
			}
			continue
		}
		var rv []byte
		if kb := recs.Bucket([]byte(e.kind)); kb != nil {
			rv = kb.Get([]byte(e.id))
		}
		if rv == nil {
			return nil, damaged("scope", fmt.Errorf("position %d names a missing record", seq))
		}
		r, err := decodeRecord(e.kind, e.id, rv)
		if err != nil {
			return nil, damaged("record", err)
		}
		out = append(out, app.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Seq: seq, Data: r.Data})
	}
	return out, nil
}

// Scope returns the ids in id order.
func (t *tx) Scope(owner app.ID, kind string) ([]app.ID, error) {
	ob := t.bucket(bktScope).Bucket([]byte(owner))
	if owner == "" || kind == "" || ob == nil {
		return nil, nil
	}
	byRec := ob.Bucket(subRec)
	if byRec == nil {
		return nil, damaged("scope", errors.New("no record index"))
	}
	prefix := append([]byte(kind), sep)
	var ids []app.ID
	c := byRec.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		_, flag, err := readPos(v)
		if err != nil {
			return nil, damaged("scope", err)
		}
		if flag == entryLive {
			ids = append(ids, app.ID(k[len(prefix):]))
		}
	}
	return ids, nil
}

// --- applied commands ----------------------------------------------------

func (t *tx) Applied(id app.ID) (app.AppliedCommand, error) {
	var a app.AppliedCommand
	ok, err := getJSON(t.bucket(bktApplied).Get([]byte(id)), &a)
	switch {
	case err != nil:
		return a, damaged("applied command", err)
	case !ok || id == "":
		return a, notFound(keyAppliedMissing)
	}
	return a, nil
}

func (t *tx) PutApplied(a app.AppliedCommand) error {
	if err := a.ID.Validate(); err != nil {
		return err
	}
	b, at := t.bucket(bktApplied), t.bucket(bktAppliedAt)
	var old app.AppliedCommand
	if ok, err := getJSON(b.Get([]byte(a.ID)), &old); err != nil {
		return damaged("applied command", err)
	} else if ok {
		if err := at.Delete(join(timeKey(old.At), []byte(old.ID))); err != nil {
			return err
		}
	}
	if err := at.Put(join(timeKey(a.At), []byte(a.ID)), nil); err != nil {
		return err
	}
	return t.putJSON(b, []byte(a.ID), a)
}

func (t *tx) PruneApplied(before time.Time) (int, error) {
	b, at := t.bucket(bktApplied), t.bucket(bktAppliedAt)
	limit := timeKey(before)
	var doomed [][]byte
	c := at.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:min(8, len(k))], limit) < 0; k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	for _, k := range doomed {
		if len(k) < 10 {
			return 0, damaged("applied index", errors.New("short key"))
		}
		if err := b.Delete(k[9:]); err != nil {
			return 0, err
		}
		if err := at.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// --- conflicts -----------------------------------------------------------

func (t *tx) PutConflict(c app.Conflict) error {
	if err := c.ID.Validate(); err != nil {
		return err
	}
	if c.Owner != "" {
		if err := c.Owner.Validate(); err != nil {
			return err
		}
	}
	if err := t.unindexConflict(c.ID); err != nil {
		return err
	}
	if c.Owner != "" {
		ob, err := t.bucket(bktConflictsBy).CreateBucketIfNotExists([]byte(c.Owner))
		if err != nil {
			return err
		}
		if err := ob.Put(join(timeKey(c.Created), []byte(c.ID)), nil); err != nil {
			return err
		}
	}
	return t.putJSON(t.bucket(bktConflicts), []byte(c.ID), c)
}

// unindexConflict removes a stored conflict's owner index entry, if there
// is one.
func (t *tx) unindexConflict(id app.ID) error {
	var old app.Conflict
	ok, err := getJSON(t.bucket(bktConflicts).Get([]byte(id)), &old)
	if err != nil {
		return damaged("conflict", err)
	}
	if !ok || old.Owner == "" {
		return nil
	}
	if ob := t.bucket(bktConflictsBy).Bucket([]byte(old.Owner)); ob != nil {
		return ob.Delete(join(timeKey(old.Created), []byte(old.ID)))
	}
	return nil
}

func (t *tx) Conflict(id app.ID) (app.Conflict, error) {
	var c app.Conflict
	ok, err := getJSON(t.bucket(bktConflicts).Get([]byte(id)), &c)
	switch {
	case err != nil:
		return c, damaged("conflict", err)
	case !ok || id == "":
		return c, notFound(keyConflictMissing)
	}
	return c, nil
}

// Conflicts lists owner's conflicts from the owner index (already in time
// order), or every conflict sorted by creation time then id.
func (t *tx) Conflicts(owner app.ID) ([]app.Conflict, error) {
	var out []app.Conflict
	if owner == "" {
		err := t.bucket(bktConflicts).ForEach(func(k, v []byte) error {
			var c app.Conflict
			if err := json.Unmarshal(v, &c); err != nil {
				return damaged("conflict", err)
			}
			out = append(out, c)
			return nil
		})
		slices.SortStableFunc(out, func(a, b app.Conflict) int {
			return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
		})
		return out, err
	}
	ob := t.bucket(bktConflictsBy).Bucket([]byte(owner))
	if ob == nil {
		return nil, nil
	}
	err := ob.ForEach(func(k, _ []byte) error {
		if len(k) < 10 {
			return damaged("conflict index", errors.New("short key"))
		}
		c, err := t.Conflict(app.ID(k[9:]))
		if err != nil {
			return damaged("conflict index", err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func (t *tx) DeleteConflict(id app.ID) error {
	if _, err := t.Conflict(id); err != nil {
		return err
	}
	if err := t.unindexConflict(id); err != nil {
		return err
	}
	return t.bucket(bktConflicts).Delete([]byte(id))
}

// --- audit ---------------------------------------------------------------

// AppendAudit gives each new record the next audit position and indexes
// it by device and record sequence (uploads only) and by every case it
// concerns.
func (t *tx) AppendAudit(recs ...app.LedgerAudit) (int, error) {
	b, byDev, bySag := t.bucket(bktAudit), t.bucket(bktAuditDevice), t.bucket(bktAuditSag)
	n := 0
	for _, r := range recs {
		var devb *bolt.Bucket
		if r.Device != "" {
			if err := r.Device.Validate(); err != nil {
				return n, err
			}
			var err error
			if devb, err = byDev.CreateBucketIfNotExists([]byte(r.Device)); err != nil {
				return n, err
			}
			if devb.Get(u64(r.Record.Seq)) != nil {
				continue
			}
		}
		seq, err := b.NextSequence()
		if err != nil {
			return n, err
		}
		r.Seq = seq
		if devb != nil {
			if err := devb.Put(u64(r.Record.Seq), u64(seq)); err != nil {
				return n, err
			}
		}
		cases := append([]app.ID{r.Record.Sag}, r.Record.Sager...)
		for i, id := range cases {
			if id == "" || slices.Contains(cases[:i], id) {
				continue
			}
			sb, err := bySag.CreateBucketIfNotExists([]byte(id))
			if err != nil {
				return n, err
			}
			if err := sb.Put(u64(seq), nil); err != nil {
				return n, err
			}
		}
		if err := t.putJSON(b, u64(seq), r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (t *tx) AuditFor(id app.ID) ([]app.LedgerAudit, error) {
	sb := t.bucket(bktAuditSag).Bucket([]byte(id))
	if id == "" || sb == nil {
		return nil, nil
	}
	b := t.bucket(bktAudit)
	var out []app.LedgerAudit
	err := sb.ForEach(func(k, _ []byte) error {
		var a app.LedgerAudit
		ok, err := getJSON(b.Get(k), &a)
		switch {
		case err != nil:
			return damaged("audit", err)
		case !ok:
			return damaged("audit index", errors.New("names a missing record"))
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// --- accounts, devices, sessions -----------------------------------------

func (t *tx) PutAccount(a app.Account) error {
	if err := a.ID.Validate(); err != nil {
		return err
	}
	return t.putJSON(t.bucket(bktAccounts), []byte(a.ID), a)
}

func (t *tx) Account(id app.ID) (app.Account, error) {
	var a app.Account
	ok, err := getJSON(t.bucket(bktAccounts).Get([]byte(id)), &a)
	switch {
	case err != nil:
		return a, damaged("account", err)
	case !ok || id == "":
		return a, notFound(keyAccountMissing)
	}
	return a, nil
}

// Accounts returns every account in id order.
func (t *tx) Accounts() ([]app.Account, error) {
	var out []app.Account
	err := t.bucket(bktAccounts).ForEach(func(_, v []byte) error {
		var a app.Account
		if err := json.Unmarshal(v, &a); err != nil {
			return damaged("account", err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

func (t *tx) PutDevice(d app.Device) error {
	if err := d.ID.Validate(); err != nil {
		return err
	}
	if err := d.Account.Validate(); err != nil {
		return err
	}
	b, by := t.bucket(bktDevices), t.bucket(bktDevicesBy)
	var old app.Device
	if ok, err := getJSON(b.Get([]byte(d.ID)), &old); err != nil {
		return damaged("device", err)
	} else if ok && old.Account != d.Account {
		if ob := by.Bucket([]byte(old.Account)); ob != nil {
			if err := ob.Delete([]byte(d.ID)); err != nil {
				return err
			}
		}
	}
	ab, err := by.CreateBucketIfNotExists([]byte(d.Account))
	if err != nil {
		return err
	}
	if err := ab.Put([]byte(d.ID), nil); err != nil {
		return err
	}
	return t.putJSON(b, []byte(d.ID), d)
}

func (t *tx) Device(id app.ID) (app.Device, error) {
	var d app.Device
	ok, err := getJSON(t.bucket(bktDevices).Get([]byte(id)), &d)
	switch {
	case err != nil:
		return d, damaged("device", err)
	case !ok || id == "":
		return d, notFound(keyDeviceMissing)
	}
	return d, nil
}

// Devices returns account's devices in id order.
func (t *tx) Devices(account app.ID) ([]app.Device, error) {
	ab := t.bucket(bktDevicesBy).Bucket([]byte(account))
	if account == "" || ab == nil {
		return nil, nil
	}
	var out []app.Device
	err := ab.ForEach(func(k, _ []byte) error {
		d, err := t.Device(app.ID(k))
		if err != nil {
			return damaged("device index", err)
		}
		out = append(out, d)
		return nil
	})
	return out, err
}

func (t *tx) PutSession(s app.Session) error {
	if len(s.Hash) == 0 {
		return errEmpty("hash")
	}
	if err := s.Account.Validate(); err != nil {
		return err
	}
	if s.Device != "" {
		if err := s.Device.Validate(); err != nil {
			return err
		}
	}
	b, by := t.bucket(bktSessions), t.bucket(bktSessionsBy)
	var old app.Session
	if ok, err := getJSON(b.Get(s.Hash), &old); err != nil {
		return damaged("session", err)
	} else if ok {
		if ob := by.Bucket([]byte(old.Account)); ob != nil {
			if err := ob.Delete(join([]byte(old.Device), old.Hash)); err != nil {
				return err
			}
		}
	}
	ab, err := by.CreateBucketIfNotExists([]byte(s.Account))
	if err != nil {
		return err
	}
	if err := ab.Put(join([]byte(s.Device), s.Hash), nil); err != nil {
		return err
	}
	return t.putJSON(b, bytes.Clone(s.Hash), s)
}

func (t *tx) Session(hash []byte) (app.Session, error) {
	var s app.Session
	if len(hash) == 0 {
		return s, notFound(keySessionMissing)
	}
	ok, err := getJSON(t.bucket(bktSessions).Get(hash), &s)
	switch {
	case err != nil:
		return s, damaged("session", err)
	case !ok:
		return s, notFound(keySessionMissing)
	}
	return s, nil
}

func (t *tx) DeleteSessions(account, device app.ID) (int, error) {
	ab := t.bucket(bktSessionsBy).Bucket([]byte(account))
	if account == "" || ab == nil {
		return 0, nil
	}
	var prefix []byte
	if device != "" {
		prefix = append([]byte(device), sep)
	}
	var doomed [][]byte
	c := ab.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	sessions := t.bucket(bktSessions)
	for _, k := range doomed {
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			return 0, damaged("session index", errors.New("no separator"))
		}
		if err := sessions.Delete(k[i+1:]); err != nil {
			return 0, err
		}
		if err := ab.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// PruneSessions walks every session (there are two per enrolled device)
// and removes the expired ones with their index entries. Keys are
// collected first: a bucket must not change under its cursor.
func (t *tx) PruneSessions(before time.Time) (int, error) {
	b, by := t.bucket(bktSessions), t.bucket(bktSessionsBy)
	var doomed []app.Session
	err := b.ForEach(func(_, v []byte) error {
		var s app.Session
		if err := json.Unmarshal(v, &s); err != nil {
			return damaged("session", err)
		}
		if s.Expires.Before(before) {
			doomed = append(doomed, s)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, s := range doomed {
		if ob := by.Bucket([]byte(s.Account)); ob != nil {
			if err := ob.Delete(join([]byte(s.Device), s.Hash)); err != nil {
				return 0, err
			}
		}
		if err := b.Delete(s.Hash); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

// --- meta ----------------------------------------------------------------

func (t *tx) Meta(key string) ([]byte, error) {
	v := t.bucket(bktMeta).Get([]byte(key))
	if v == nil || key == "" {
		return nil, notFound(keyMetaMissing)
	}
	return bytes.Clone(v), nil
}

func (t *tx) PutMeta(key string, value []byte) error {
	if key == "" {
		return errEmpty("key")
	}
	return t.bucket(bktMeta).Put([]byte(key), bytes.Clone(value))
}
