package store

import (
	"fmt"
	"os"
	"strings"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// migration upgrades a file from schema to-1 to schema to, inside one
// write transaction that also bumps the header's schema: each step is
// all-or-nothing.
type migration struct {
	to   int
	name string
	run  func(t txn) error
}

// defaultMigrations lists every step, in order. Version 1 is the layout
// before the blind CPR index.
func defaultMigrations() []migration {
	return []migration{
		{to: 2, name: "blind-index", run: migrateBlindIndex},
		{to: 3, name: "sync-scope", run: migrateSyncScope},
		{to: 4, name: "sealed-outbox", run: migrateSealedOutbox},
		{to: 5, name: "view-shares-confirmed", run: migrateViewSharesConfirmed},
		{to: 6, name: "companies", run: migrateCompanies},
	}
}

// migrateCompanies creates the company buckets and moves the company
// records an older version kept uninterpreted (bRecords, "virksomhed/<id>")
// into them as confirmed states, so a replica that pulled companies before
// the upgrade keeps them without a new snapshot.
func migrateCompanies(t txn) error {
	for _, b := range []string{bCompanies, bCompanyView} {
		if _, err := t.tx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return err
		}
	}
	prefix := app.RecordVirksomhed + "/"
	var moved []app.Record
	err := t.each(bRecords, func(k, plain []byte) error {
		if !strings.HasPrefix(string(k), prefix) {
			return nil
		}
		var r app.Record
		if err := unmarshal(plain, &r); err != nil {
			return err
		}
		moved = append(moved, r)
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range moved {
		if err := t.del(bRecords, []byte(prefix+string(r.ID))); err != nil {
			return err
		}
		if r.Removed {
			continue
		}
		if _, err := t.applyCompany(r); err != nil {
			return err
		}
		if err := t.putCompanyView(r.ID, nil); err != nil { // nothing can be pending for it yet
			return err
		}
	}
	return nil
}

// migrateViewSharesConfirmed changes nothing in the file: from schema 5 a
// view equal to the confirmed state is stored as its summary alone
// (encodeView), and the full views of an older file stay valid; they
// shrink as they are next written. The step exists so that an older
// version, which would read such a view as damage, refuses the file as
// newer instead.
func migrateViewSharesConfirmed(txn) error { return nil }

// migrateSealedOutbox creates the bucket of outbox entries sealed to the
// server's key. A file from before it has no server key, so there is
// nothing to seal yet: SetServerKey seals the outbox when the key arrives.
func migrateSealedOutbox(t txn) error {
	_, err := t.tx.CreateBucketIfNotExists([]byte(bSealed))
	return err
}

// migrateSyncScope creates the buckets sync needs: cases leaving scope, the
// cases a snapshot has delivered, and records of kinds this version keeps
// without interpreting.
func migrateSyncScope(t txn) error {
	for _, b := range []string{bLeaving, bSnapshot, bRecords} {
		if _, err := t.tx.CreateBucketIfNotExists([]byte(b)); err != nil {
			return err
		}
	}
	return nil
}

// migrateBlindIndex creates the index bucket and files every view under
// the HMAC of its CPR number.
func migrateBlindIndex(t txn) error {
	if _, err := t.tx.CreateBucketIfNotExists([]byte(bIndex)); err != nil {
		return err
	}
	var views []*app.Sag
	err := t.each(bView, func(k, plain []byte) error {
		s, err := decodeView(plain)
		if err == nil && s == nil { // schema 5's line-only view: the confirmed state
			s, err = t.confirmed(app.ID(k))
		}
		if err == nil && s != nil {
			views = append(views, s)
		}
		return err
	})
	for _, s := range views {
		if err == nil {
			err = t.reindex(nil, s)
		}
	}
	return err
}

// migrate runs the steps from the file's schema to schemaVersion. Before
// the first step it copies the file to <path>.pre-migration-v<N> (fsynced);
// the copy is overwritten and deleted only after every step succeeded, and
// kept (named in the error) if one fails. A copy left by a crash is kept
// and reused, not overwritten.
func (db *DB) migrate(h *header, keys *keyring) error {
	if h.Schema > schemaVersion {
		return errNewer(h.Schema)
	}
	if h.Schema == schemaVersion {
		return nil
	}
	backup := fmt.Sprintf("%s.pre-migration-v%d", db.path, h.Schema)
	if !isRegular(backup) { // a link under the name is not a copy: removed, never followed
		if err := scrubRemove(backup, nil); err != nil {
			return errMigration(backup, err)
		}
		if err := db.backup(backup); err != nil {
			return errMigration(backup, err)
		}
	}
	for _, m := range db.migrations {
		if m.to <= h.Schema {
			continue
		}
		if m.to != h.Schema+1 {
			return errMigration(backup, fmt.Errorf("no migration to schema %d", h.Schema+1))
		}
		if err := db.step(h, keys, m); err != nil {
			return errMigration(backup, err)
		}
	}
	if h.Schema != schemaVersion {
		return errMigration(backup, fmt.Errorf("stopped at schema %d", h.Schema))
	}
	if err := scrubRemove(backup, nil); err != nil {
		return app.Internal(err)
	}
	return nil
}

func (db *DB) step(h *header, keys *keyring, m migration) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if err := m.run(txn{tx: tx, keys: keys}); err != nil {
			return fmt.Errorf("migration %d %s: %w", m.to, m.name, err)
		}
		next := *h
		next.Schema = m.to
		return writeHeader(tx, &next)
	})
	if err == nil {
		h.Schema = m.to
	}
	return err
}

// backup writes a consistent copy of the file (bbolt's online copy) and
// fsyncs it.
func (db *DB) backup(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
