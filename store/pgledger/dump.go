package pgledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/app"
)

var _ app.LedgerDumper = (*DB)(nil)

// Export writes every row of the ledger to fn, read in one REPEATABLE
// READ, read-only transaction: one snapshot, consistent while the nodes
// go on writing.
func (db *DB) Export(fn func(app.DumpRow) error) error {
	ctx := context.Background()
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return dbErr(err)
	}
	defer func() { _ = ptx.Rollback(ctx) }()
	t := &tx{tx: ptx, ctx: ctx}
	head, err := t.Head()
	if err != nil {
		return err
	}
	if err := fn(app.DumpRow{Table: app.DumpLedger, Ledger: &head}); err != nil {
		return err
	}
	each := func(table, sql string, row func(pgx.Rows) (app.DumpRow, error)) error {
		rs, err := ptx.Query(ctx, sql)
		if err != nil {
			return dbErr(err)
		}
		defer rs.Close()
		for rs.Next() {
			r, err := row(rs)
			if err != nil {
				return err
			}
			r.Table = table
			if err := fn(r); err != nil {
				return err
			}
		}
		return dbErr(rs.Err())
	}
	docRow := func(set func(r *app.DumpRow, b []byte) error) func(pgx.Rows) (app.DumpRow, error) {
		return func(rs pgx.Rows) (app.DumpRow, error) {
			var b []byte
			var r app.DumpRow
			if err := rs.Scan(&b); err != nil {
				return r, dbErr(err)
			}
			return r, set(&r, b)
		}
	}
	steps := []struct {
		table, sql string
		row        func(pgx.Rows) (app.DumpRow, error)
	}{
		{app.DumpMeta, "SELECT key, value FROM meta ORDER BY key", func(rs pgx.Rows) (app.DumpRow, error) {
			var m app.MetaEntry
			err := rs.Scan(&m.Key, &m.Value)
			return app.DumpRow{Meta: &m}, dbErr(err)
		}},
		{app.DumpAccounts, "SELECT doc FROM accounts ORDER BY id", docRow(func(r *app.DumpRow, b []byte) error {
			r.Account = new(app.Account)
			return undoc("account", b, r.Account)
		})},
		{app.DumpDevices, "SELECT doc FROM devices ORDER BY id", docRow(func(r *app.DumpRow, b []byte) error {
			r.Device = new(app.Device)
			return undoc("device", b, r.Device)
		})},
		{app.DumpSessions, "SELECT doc FROM sessions ORDER BY hash", docRow(func(r *app.DumpRow, b []byte) error {
			r.Session = new(app.Session)
			return undoc("session", b, r.Session)
		})},
		{app.DumpRecords, "SELECT kind, id, version, seq, owner, readers, data FROM records ORDER BY kind, id", func(rs pgx.Rows) (app.DumpRow, error) {
			var rec app.LedgerRecord
			var id, owner string
			var readers []string
			var seq int64
			var data []byte
			if err := rs.Scan(&rec.Kind, &id, &rec.Version, &seq, &owner, &readers, &data); err != nil {
				return app.DumpRow{}, dbErr(err)
			}
			rec.ID, rec.Seq, rec.Owner, rec.Readers = app.ID(id), uint64(seq), app.ID(owner), ids(readers)
			if len(data) > 0 {
				rec.Data = json.RawMessage(data)
			}
			return app.DumpRow{Record: &rec}, nil
		}},
		{app.DumpScope, "SELECT owner, kind, id, seq, version, removed FROM scope ORDER BY owner, seq", func(rs pgx.Rows) (app.DumpRow, error) {
			var s app.ScopeEntry
			var owner, id string
			var seq int64
			if err := rs.Scan(&owner, &s.Kind, &id, &seq, &s.Version, &s.Removed); err != nil {
				return app.DumpRow{}, dbErr(err)
			}
			s.Owner, s.ID, s.Seq = app.ID(owner), app.ID(id), uint64(seq)
			return app.DumpRow{Scope: &s}, nil
		}},
		{app.DumpApplied, "SELECT doc FROM applied ORDER BY id", docRow(func(r *app.DumpRow, b []byte) error {
			r.Applied = new(app.AppliedCommand)
			return undoc("applied", b, r.Applied)
		})},
		{app.DumpConflicts, "SELECT doc FROM conflicts ORDER BY id", docRow(func(r *app.DumpRow, b []byte) error {
			r.Conflict = new(app.Conflict)
			return undoc("conflict", b, r.Conflict)
		})},
		{app.DumpAudit, "SELECT seq, doc FROM audit ORDER BY seq", func(rs pgx.Rows) (app.DumpRow, error) {
			var seq int64
			var b []byte
			if err := rs.Scan(&seq, &b); err != nil {
				return app.DumpRow{}, dbErr(err)
			}
			a := new(app.LedgerAudit)
			if err := undoc("audit", b, a); err != nil {
				return app.DumpRow{}, err
			}
			a.Seq = uint64(seq)
			return app.DumpRow{Audit: a}, nil
		}},
	}
	for _, s := range steps {
		if err := each(s.table, s.sql, s.row); err != nil {
			return err
		}
	}
	return nil
}

// Import writes rows into this database's ledger, which must be empty (a
// database just migrated: no accounts, records or audit), in one
// transaction that holds the writers' lock: the epoch and the log's head
// as dumped, every row at its position, the audit trail's identity moved
// past the last imported position. It needs the schema owner's role
// (like migrate): the server's role may not set audit positions.
func (db *DB) Import(rows iter.Seq2[app.DumpRow, error]) error {
	ctx := context.Background()
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return dbErr(err)
	}
	defer func() { _ = ptx.Rollback(ctx) }()
	if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(writerLock)); err != nil {
		return dbErr(err)
	}
	var used bool
	if err := ptx.QueryRow(ctx, `SELECT (SELECT head FROM ledger) <> 0 OR EXISTS (SELECT FROM accounts)
		OR EXISTS (SELECT FROM records) OR EXISTS (SELECT FROM audit)`).Scan(&used); err != nil {
		return dbErr(err)
	}
	if used {
		return app.Errorf(app.CodeConflict, "", "store.import_not_empty")
	}
	t := &tx{tx: ptx, ctx: ctx}
	var lastAudit uint64
	for r, err := range rows {
		if err != nil {
			return err
		}
		if err := importRow(t, r); err != nil {
			return err
		}
		if r.Audit != nil {
			lastAudit = max(lastAudit, r.Audit.Seq)
		}
	}
	if lastAudit > 0 {
		if _, err := t.exec("SELECT setval(pg_get_serial_sequence('audit', 'seq'), $1)", int64(lastAudit)); err != nil {
			return err
		}
	}
	return dbErr(ptx.Commit(ctx))
}

func importRow(t *tx, r app.DumpRow) error {
	var err error
	switch {
	case r.Table == app.DumpLedger && r.Ledger != nil:
		if r.Ledger.Epoch == 0 {
			return errors.New("import: epoch 0")
		}
		_, err = t.exec("UPDATE ledger SET epoch = $1, head = $2", int64(r.Ledger.Epoch), int64(r.Ledger.Seq))
	case r.Table == app.DumpMeta && r.Meta != nil:
		err = t.PutMeta(r.Meta.Key, r.Meta.Value)
	case r.Table == app.DumpAccounts && r.Account != nil:
		err = t.PutAccount(*r.Account)
	case r.Table == app.DumpDevices && r.Device != nil:
		err = t.PutDevice(*r.Device)
	case r.Table == app.DumpSessions && r.Session != nil:
		err = t.PutSession(*r.Session)
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
		var data []byte
		if len(rec.Data) > 0 {
			data = rec.Data
		}
		_, err = t.exec("INSERT INTO records (kind, id, version, seq, owner, readers, data) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			rec.Kind, string(rec.ID), rec.Version, int64(rec.Seq), string(rec.Owner), strs(readers), data)
		return err
	case r.Table == app.DumpScope && r.Scope != nil:
		s := r.Scope
		_, err = t.exec("INSERT INTO scope (owner, kind, id, seq, version, removed) VALUES ($1, $2, $3, $4, $5, $6)",
			string(s.Owner), s.Kind, string(s.ID), int64(s.Seq), s.Version, s.Removed)
	case r.Table == app.DumpApplied && r.Applied != nil:
		err = t.PutApplied(*r.Applied)
	case r.Table == app.DumpConflicts && r.Conflict != nil:
		err = t.PutConflict(*r.Conflict)
	case r.Table == app.DumpAudit && r.Audit != nil:
		err = t.importAudit(*r.Audit)
	default:
		return fmt.Errorf("import: a row of table %q without its %s", r.Table, r.Table)
	}
	return err
}

// importAudit inserts an audit record at its own position, indexed by
// every case it concerns.
func (t *tx) importAudit(a app.LedgerAudit) error {
	if a.Seq == 0 {
		return errors.New("import: audit record without position")
	}
	seq := int64(a.Seq)
	a.Seq = 0 // the position is the row's
	d, err := doc(a)
	if err != nil {
		return err
	}
	if _, err := t.exec("INSERT INTO audit (seq, device, device_seq, doc) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4)",
		seq, string(a.Device), int64(a.Record.Seq), d); err != nil {
		return err
	}
	cases := append([]app.ID{a.Record.Sag}, a.Record.Sager...)
	for i, id := range cases {
		if id == "" || slices.Contains(cases[:i], id) {
			continue
		}
		if _, err := t.exec("INSERT INTO audit_sag (sag, seq) VALUES ($1, $2)", string(id), seq); err != nil {
			return err
		}
	}
	return nil
}
