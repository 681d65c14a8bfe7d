package store

import (
	"feltsag.dk/feltsag/app"
)

// Keys of the meta bucket.
const (
	metaDevice = "device"
	metaCursor = "cursor"
	metaHLC    = "hlc"
	// metaSnapshot is present while a paged snapshot is being applied.
	metaSnapshot = "snapshot"
	// metaServerKey is the server's public X25519 key the outbox is sealed
	// to (sealed.go), present once SetServerKey was called.
	metaServerKey = "server-key"
)

// PutConflict stores or replaces a conflict record for the sync layer. A
// decision already recorded for it (Resolve) is kept.
//
// Errors: invalid for a malformed conflict or case id; unauthorized
// (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) PutConflict(c app.Conflict) error {
	if err := c.ID.Validate(); err != nil {
		return app.AsError(err).WithField("id")
	}
	if err := c.Sag.Validate(); err != nil {
		return app.AsError(err).WithField("sag")
	}
	return db.update(func(t txn) error {
		old, err := t.get(bConflicts, []byte(c.ID))
		if err != nil {
			return err
		}
		if old == nil {
			t.after(func() { db.idx.addConflicts(c.Sag, 1) })
		}
		v, err := keepDecision(old, c)
		if err != nil {
			return err
		}
		return t.putJSON(bConflicts, []byte(c.ID), v)
	})
}

// Conflicts returns the conflicts of a case, or all of them for "".
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Conflicts(caseID app.ID) ([]app.Conflict, error) {
	var out []app.Conflict
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
