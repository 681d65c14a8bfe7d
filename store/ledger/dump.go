package ledger

import (
	"errors"
	"fmt"
	"iter"
	"slices"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

var _ app.LedgerDumper = (*DB)(nil)

// Export writes every row of the ledger to fn, in one bbolt read
// transaction: a consistent snapshot while Updates go on (bbolt's
// readers see the last commit before they began and never block the
// writer).
func (db *DB) Export(fn func(app.DumpRow) error) error {
	var fnErr error
	emit := func(r app.DumpRow) error {
		fnErr = fn(r)
		return fnErr
	}
	err := db.bolt.View(func(btx *bolt.Tx) error { return export(&tx{tx: btx}, emit) })
	if err != nil && fnErr != nil && errors.Is(err, fnErr) {
		return err
	}
	return storeErr(err)
}

func export(t *tx, emit func(app.DumpRow) error) error {
	head, err := t.Head()
	if err != nil {
		return err
	}
	if err := emit(app.DumpRow{Table: app.DumpLedger, Ledger: &head}); err != nil {
		return err
	}
	if err := t.bucket(bktMeta).ForEach(func(k, v []byte) error {
		return emit(app.DumpRow{Table: app.DumpMeta, Meta: &app.MetaEntry{Key: string(k), Value: slices.Clone(v)}})
	}); err != nil {
		return err
	}
	if err := eachJSON(t.bucket(bktAccounts), app.DumpAccounts, emit, func(r *app.DumpRow, a *app.Account) { r.Account = a }); err != nil {
		return err
	}
	if err := eachJSON(t.bucket(bktDevices), app.DumpDevices, emit, func(r *app.DumpRow, d *app.Device) { r.Device = d }); err != nil {
		return err
	}
	if err := eachJSON(t.bucket(bktSessions), app.DumpSessions, emit, func(r *app.DumpRow, s *app.Session) { r.Session = s }); err != nil {
		return err
	}
	recs := t.bucket(bktRecords)
	if err := recs.ForEachBucket(func(kind []byte) error {
		return recs.Bucket(kind).ForEach(func(id, v []byte) error {
			r, err := decodeRecord(string(kind), app.ID(id), v)
			if err != nil {
				return damaged("record", err)
			}
			return emit(app.DumpRow{Table: app.DumpRecords, Record: &r})
		})
	}); err != nil {
		return err
	}
	scope := t.bucket(bktScope)
	if err := scope.ForEachBucket(func(owner []byte) error {
		bySeq := scope.Bucket(owner).Bucket(subSeq)
		if bySeq == nil {
			return nil
		}
		return bySeq.ForEach(func(k, v []byte) error {
			seq, err := readU64(k)
			if err != nil {
				return damaged("scope", err)
			}
			e, err := decodeEntry(v)
			if err != nil {
				return damaged("scope", err)
			}
			return emit(app.DumpRow{Table: app.DumpScope, Scope: &app.ScopeEntry{Owner: app.ID(owner), Kind: e.kind, ID: e.id, Seq: seq, Version: e.version, Removed: e.removed}})
		})
	}); err != nil {
		return err
	}
	if err := eachJSON(t.bucket(bktApplied), app.DumpApplied, emit, func(r *app.DumpRow, a *app.AppliedCommand) { r.Applied = a }); err != nil {
		return err
	}
	if err := eachJSON(t.bucket(bktConflicts), app.DumpConflicts, emit, func(r *app.DumpRow, c *app.Conflict) { r.Conflict = c }); err != nil {
		return err
	}
	return eachJSON(t.bucket(bktAudit), app.DumpAudit, emit, func(r *app.DumpRow, a *app.LedgerAudit) { r.Audit = a })
}

// eachJSON emits every JSON value of b as a row of table.
func eachJSON[T any](b *bolt.Bucket, table string, emit func(app.DumpRow) error, set func(*app.DumpRow, *T)) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil
		}
		x := new(T)
		if _, err := getJSON(v, x); err != nil {
			return damaged(table, err)
		}
		r := app.DumpRow{Table: table}
		set(&r, x)
		return emit(r)
	})
}

// Import writes rows into this ledger, which must be empty (fresh: no
// accounts, records or audit), in one bbolt transaction: the epoch and
// the log's head as dumped, every record at its position with its log
// entry, each owner's scope, and the audit at its positions with its
// indexes by device and case.
func (db *DB) Import(rows iter.Seq2[app.DumpRow, error]) error {
	var rowErr error
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		t := &tx{tx: btx}
		if t.bucket(bktLog).Sequence() != 0 || t.bucket(bktAudit).Sequence() != 0 ||
			t.bucket(bktAccounts).Stats().KeyN != 0 || t.bucket(bktRecords).Stats().BucketN > 1 {
			return errNotEmpty
		}
		for r, err := range rows {
			if err != nil {
				rowErr = err
				return err
			}
			if err := importRow(t, r); err != nil {
				rowErr = err
				return err
			}
		}
		return nil
	})
	if err != nil && rowErr != nil && errors.Is(err, rowErr) {
		return err
	}
	return storeErr(err)
}

// errNotEmpty refuses an import into a ledger that holds data.
var errNotEmpty = app.Errorf(app.CodeConflict, "", "store.import_not_empty")

func importRow(t *tx, r app.DumpRow) error {
	switch {
	case r.Table == app.DumpLedger && r.Ledger != nil:
		if r.Ledger.Epoch == 0 {
			return fmt.Errorf("import: epoch 0")
		}
		if err := t.bucket(bktLedger).Put(keyEpoch, u64(r.Ledger.Epoch)); err != nil {
			return err
		}
		return t.bucket(bktLog).SetSequence(r.Ledger.Seq)
	case r.Table == app.DumpMeta && r.Meta != nil:
		return t.PutMeta(r.Meta.Key, r.Meta.Value)
	case r.Table == app.DumpAccounts && r.Account != nil:
		return t.PutAccount(*r.Account)
	case r.Table == app.DumpDevices && r.Device != nil:
		return t.PutDevice(*r.Device)
	case r.Table == app.DumpSessions && r.Session != nil:
		return t.PutSession(*r.Session)
	case r.Table == app.DumpRecords && r.Record != nil:
		rec := *r.Record
		if err := validKind(rec.Kind); err != nil {
			return err
		}
		if err := rec.ID.Validate(); err != nil {
			return err
		}
		readers, err := app.NormalReaders(rec.Owner, rec.Readers)
		if err != nil {
			return err
		}
		rec.Readers = readers
		b, err := t.bucket(bktRecords).CreateBucketIfNotExists([]byte(rec.Kind))
		if err != nil {
			return err
		}
		v, err := encodeRecord(rec)
		if err != nil {
			return app.Internal(err)
		}
		if err := b.Put([]byte(rec.ID), v); err != nil {
			return err
		}
		return t.bucket(bktLog).Put(u64(rec.Seq), recKey(rec.Kind, rec.ID))
	case r.Table == app.DumpScope && r.Scope != nil:
		s := r.Scope
		if err := s.Owner.Validate(); err != nil {
			return err
		}
		flag := byte(entryLive)
		if s.Removed {
			flag = entryRemoved
		}
		return t.setScope(s.Owner, recKey(s.Kind, s.ID), s.Seq, encodeEntry(flag, s.Version, s.Kind, s.ID))
	case r.Table == app.DumpApplied && r.Applied != nil:
		return t.PutApplied(*r.Applied)
	case r.Table == app.DumpConflicts && r.Conflict != nil:
		return t.PutConflict(*r.Conflict)
	case r.Table == app.DumpAudit && r.Audit != nil:
		return t.importAudit(*r.Audit)
	}
	return fmt.Errorf("import: a row of table %q without its %s", r.Table, r.Table)
}

// importAudit stores an audit record at its own position, with the
// indexes AppendAudit keeps.
func (t *tx) importAudit(a app.LedgerAudit) error {
	b := t.bucket(bktAudit)
	if a.Seq == 0 {
		return fmt.Errorf("import: audit record without position")
	}
	if a.Device != "" {
		if err := a.Device.Validate(); err != nil {
			return err
		}
		devb, err := t.bucket(bktAuditDevice).CreateBucketIfNotExists([]byte(a.Device))
		if err != nil {
			return err
		}
		if err := devb.Put(u64(a.Record.Seq), u64(a.Seq)); err != nil {
			return err
		}
	}
	cases := append([]app.ID{a.Record.Sag}, a.Record.Sager...)
	for i, id := range cases {
		if id == "" || slices.Contains(cases[:i], id) {
			continue
		}
		sb, err := t.bucket(bktAuditSag).CreateBucketIfNotExists([]byte(id))
		if err != nil {
			return err
		}
		if err := sb.Put(u64(a.Seq), nil); err != nil {
			return err
		}
	}
	if err := t.putJSON(b, u64(a.Seq), a); err != nil {
		return err
	}
	if a.Seq > b.Sequence() {
		return b.SetSequence(a.Seq)
	}
	return nil
}
