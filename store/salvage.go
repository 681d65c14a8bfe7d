package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// Salvage reads the pending commands out of a quarantined (or any damaged)
// replica file, read-only: the file is never written. It returns the
// entries it could read, in order, and whether that was all of them. A
// wrong password is not counted against the file's failure limit (the file
// is evidence, not in use), but it takes the full Argon2id time.
//
// When bbolt cannot open the file or read its header, or cannot read all
// of the outbox, the raw pages are scanned for outbox entries that
// authenticate under the data key (see rawsalvage.go); such a salvage is
// never reported complete.
//
// Errors: unauthorized (RulePassword) for a wrong password; not_found
// (RuleMissing) when path does not exist; internal (RuleDamaged) when not
// even the header can be found: nothing can be salvaged.
func Salvage(path, password string, opts Options) ([]app.PendingCommand, bool, error) {
	opts = opts.withDefaults()
	if !exists(path) {
		return nil, false, errMissing()
	}
	// Work on a private copy: the evidence stays untouched, and a lock that
	// a panicking bbolt left on the damaged file (its memory map keeps it
	// alive) cannot get in the way.
	cp, err := copyFile(path)
	if err != nil {
		return nil, false, writeErr(err)
	}
	defer scrubRemove(cp, nil)
	bdb, err := openBolt(cp, opts, true)
	var ae *app.Error
	if errors.As(err, &ae) {
		return nil, false, ae
	}
	if err != nil { // both meta pages damaged, say: read the raw pages
		out, err := salvageRaw(cp, password, opts)
		return out, false, err
	}
	defer bdb.Close()
	var h *header
	err = safely(func() error {
		return bdb.View(func(tx *bolt.Tx) (err error) { h, err = readHeader(tx); return err })
	})
	if err != nil {
		out, err := salvageRaw(cp, password, opts)
		return out, false, err
	}
	kek, _ := deriveKEK(password, h.Salt, h.KDF)
	dk, err := unwrapKey(kek, h.Wrapped, h.Salt)
	clear(kek)
	if err != nil {
		return nil, false, errWrongSalvagePassword()
	}
	keys, err := newKeyring(dk, opts.Rand)
	if err != nil {
		return nil, false, app.Internal(err)
	}
	defer keys.wipe()
	out, complete := salvageOutbox(bdb, keys)
	if !complete {
		out = mergeRaw(cp, keys, out)
	}
	return out, complete, nil
}

// AdoptSalvaged puts salvaged commands into this file's outbox, in the given
// order, so the next sync sends them; they are not applied to any view (the
// case arrives with the next pull, and PutConfirmed re-applies them). An
// entry whose command id is already in the outbox or has a recorded result
// is skipped. It returns how many were added, all in one transaction.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) AdoptSalvaged(entries []app.PendingCommand) (int, error) {
	n := 0
	err := db.update(func(t txn) error {
		added, companies := map[app.ID]int{}, map[app.ID]bool{}
		n = 0
		for _, e := range entries {
			if known, err := t.knownCommand(e.Command.ID); err != nil || known {
				if err != nil {
					return err
				}
				continue
			}
			e.Status, e.Error = app.StatusPending, nil
			if _, err := t.appendOutbox(e); err != nil {
				return err
			}
			added[e.Command.Sag]++
			if e.Command.RecordKind() == app.RecordVirksomhed {
				companies[e.Command.Sag] = true
			}
			n++
		}
		// A company's commands are replayed at once (a company created on
		// the lost device is back in the list); cases wait for PutCase.
		rbc, err := t.rebaseCompanies(db.companyEngine(), companies, app.DateOf(db.now()))
		if err != nil {
			return err
		}
		t.after(func() {
			for id, k := range added {
				db.idx.addPending(id, k, 0)
			}
			db.applyCompanyRebased(rbc)
		})
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// copyFile copies path to a new file beside it and returns the copy's path.
func copyFile(path string) (string, error) {
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".salvage-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = scrubRemove(dst.Name(), nil)
		return "", err
	}
	return dst.Name(), nil
}
