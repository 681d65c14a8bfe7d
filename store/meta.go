package store

import (
	"encoding/binary"
	"fmt"

	"feltsag.dk/feltsag/app"
)

// Keys of the meta bucket.
const (
	metaDevice = "device"
	metaCursor = "cursor"
	metaHLC    = "hlc"
)

// Cursor returns the sync cursor as the sync layer stored it (nil before
// the first pull). The store does not interpret it.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Cursor() ([]byte, error) {
	var c []byte
	err := db.read(func(t txn) (err error) { c, err = t.get(bMeta, []byte(metaCursor)); return err })
	return c, err
}

// SetCursor stores the sync cursor. Sync should write it in the same call
// sequence as the PutConfirmed it belongs to; see docs/store.md.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) SetCursor(c []byte) error {
	return db.update(func(t txn) error { return t.put(bMeta, []byte(metaCursor), c) })
}

// HLC returns the last hybrid logical clock value the sync layer stored
// (0 before any).
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) HLC() (uint64, error) {
	var v uint64
	err := db.read(func(t txn) error {
		b, err := t.get(bMeta, []byte(metaHLC))
		switch {
		case err != nil || b == nil:
			return err
		case len(b) != 8:
			return errCorrupt(fmt.Errorf("hlc of %d bytes", len(b)))
		}
		v = binary.BigEndian.Uint64(b)
		return nil
	})
	return v, err
}

// SetHLC stores the hybrid logical clock value.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) SetHLC(v uint64) error {
	return db.update(func(t txn) error { return t.put(bMeta, []byte(metaHLC), seqKey(v)) })
}

// PutConflict stores or replaces a conflict record for the sync layer.
//
// Errors: invalid for a malformed conflict or case id; unauthorized
// (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) PutConflict(c Conflict) error {
	if err := c.ID.Validate(); err != nil {
		return app.AsError(err).WithField("id")
	}
	if err := c.Sag.Validate(); err != nil {
		return app.AsError(err).WithField("sag")
	}
	return db.update(func(t txn) error {
		if !t.has(bConflicts, []byte(c.ID)) {
			t.after(func() { db.idx.addConflicts(c.Sag, 1) })
		}
		return t.putJSON(bConflicts, []byte(c.ID), c)
	})
}

// Conflicts returns the conflicts of a case, or all of them for "".
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Conflicts(caseID app.ID) ([]Conflict, error) {
	var out []Conflict
	err := db.read(func(t txn) error {
		out = out[:0]
		return t.each(bConflicts, func(_, plain []byte) error {
			c, err := decodeConflict(plain)
			if err != nil {
				return errCorrupt(err)
			}
			if caseID == "" || c.Sag == caseID {
				out = append(out, *c)
			}
			return nil
		})
	})
	return out, err
}

// DeleteConflict removes a resolved conflict; an unknown id is no error.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) DeleteConflict(id app.ID) error {
	return db.update(func(t txn) error {
		plain, err := t.get(bConflicts, []byte(id))
		if err != nil || plain == nil {
			return err
		}
		c, err := decodeConflict(plain)
		if err != nil {
			return errCorrupt(err)
		}
		t.after(func() { db.idx.addConflicts(c.Sag, -1) })
		return t.del(bConflicts, []byte(id))
	})
}
