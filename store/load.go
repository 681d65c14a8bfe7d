package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
)

// loadLocked authenticates every sealed value in the file and builds the
// in-memory case index. A value that fails is damage: the outbox is
// salvaged, the file quarantined and the DB closed.
func (db *DB) loadLocked(keys *keyring) error {
	var idx *caseIndex
	var device app.ID
	var last app.HLC
	err := safely(func() error {
		return db.bolt.View(func(tx *bolt.Tx) (err error) {
			t := txn{tx: tx, keys: keys}
			if idx, last, err = loadIndex(t, app.DateOf(db.now())); err != nil {
				return err
			}
			if device, err = loadDevice(t); err != nil {
				return err
			}
			if err = loadClock(t, &last); err != nil {
				return err
			}
			return authenticateRest(t)
		})
	})
	if err != nil {
		return db.damagedLocked(keys, err)
	}
	db.keys, db.idx, db.device = keys, idx, device
	db.clock = app.NewClock(device, db.now, last)
	db.cache.reset()
	db.stats.Cases = idx.len()
	return nil
}

// loadIndex reads the summaries of every view, the counts of pending
// commands and conflicts per case and the cases leaving scope. It also
// returns the latest HLC an outbox entry carries.
func loadIndex(t txn, today app.Date) (*caseIndex, app.HLC, error) {
	var last app.HLC
	idx := newCaseIndex()
	err := t.each(bView, func(k, plain []byte) error {
		s, err := decodeViewSummary(plain)
		if err != nil {
			return err
		}
		if string(k) != string(s.ID) {
			return fmt.Errorf("%w: view key and case id differ", errRecord)
		}
		idx.put(s)
		return nil
	})
	if err == nil { // a consultant's companies: their lines depend on the day, so they are computed here
		err = t.each(bCompanyView, func(k, plain []byte) error {
			s, err := t.companyLineOf(app.ID(k), plain, today)
			if err == nil {
				idx.putCompany(s)
			}
			return err
		})
	}
	if err == nil {
		err = eachOutbox(t, func(e *app.PendingCommand) error {
			idx.addPending(e.Command.Sag, 1, rejected(e))
			if e.HLC.Compare(last) > 0 {
				last = e.HLC
			}
			return nil
		})
	}
	if err == nil {
		leaving := map[app.ID]bool{}
		err = t.each(bLeaving, func(k, _ []byte) error { leaving[app.ID(k)] = true; return nil })
		idx.setLeaving(leaving)
	}
	if err == nil {
		err = t.each(bConflicts, func(_, plain []byte) error {
			c, err := decodeConflict(plain)
			if err == nil {
				idx.addConflicts(c.Sag, 1)
			}
			return err
		})
	}
	return idx, last, err
}

// loadClock raises last to the HLC stored in the meta bucket.
func loadClock(t txn, last *app.HLC) error {
	b, err := t.get(bMeta, []byte(metaHLC))
	switch {
	case err != nil || b == nil:
		return err
	case len(b) != 8:
		return fmt.Errorf("%w: hlc of %d bytes", errRecord, len(b))
	}
	if h := app.UnpackHLC(binary.BigEndian.Uint64(b), ""); h.Wall > last.Wall || h.Wall == last.Wall && h.Logical > last.Logical {
		*last = h
	}
	return nil
}

func rejected(e *app.PendingCommand) int {
	if e.Status == app.StatusRejected {
		return 1
	}
	return 0
}

func loadDevice(t txn) (app.ID, error) {
	b, err := t.get(bMeta, []byte(metaDevice))
	if err != nil {
		return "", err
	}
	id := app.ID(b)
	if err := id.Validate(); err != nil {
		return "", fmt.Errorf("%w: device id", errRecord)
	}
	return id, nil
}

// authenticateRest opens every value of the buckets loadIndex did not
// read, so a damaged record is found now and not in the middle of work.
func authenticateRest(t txn) error {
	for _, name := range []string{bConfirmed, bOutboxIDs, bResults, bMeta, bIndex, bAudit, bSnapshot, bRecords, bCompanies} {
		if err := t.each(name, func(_, _ []byte) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// eachOutbox calls fn with every outbox entry in order.
func eachOutbox(t txn, fn func(e *app.PendingCommand) error) error {
	return t.each(bOutbox, func(k, plain []byte) error {
		e, err := decodeOutbox(plain)
		if err != nil {
			return errCorrupt(err)
		}
		if seq, ok := parseSeq(k); !ok || seq != e.Seq {
			return errCorrupt(fmt.Errorf("%w: outbox key and sequence differ", errRecord))
		}
		return fn(e)
	})
}

// damagedLocked handles damage found at Unlock: salvage what the outbox
// still yields, close, quarantine.
func (db *DB) damagedLocked(keys *keyring, cause error) error {
	var ae *app.Error
	if errors.As(cause, &ae) && ae.Rule != RuleDamaged && !errors.Is(cause, errPanic) {
		return ae
	}
	d := &Damaged{Reason: cause.Error()}
	d.Salvaged, d.Complete = salvageOutbox(db.bolt, keys)
	if !d.Complete {
		d.Salvaged = mergeRaw(db.path, keys, d.Salvaged)
	}
	_ = db.bolt.Close()
	db.bolt = nil
	keys.wipe()
	err := quarantineErr(db.path, db.opts.Now(), d)
	db.release() // the DB is dead: let the caller Create a new file at once
	return err
}

// salvageOutbox reads every outbox entry it can, skipping those that fail,
// and never panics.
func salvageOutbox(bdb *bolt.DB, keys *keyring) (out []app.PendingCommand, complete bool) {
	complete = true
	err := safely(func() error {
		return bdb.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte(bOutbox))
			if b == nil {
				return errors.New("no outbox")
			}
			return b.ForEach(func(k, v []byte) error {
				if e, err := openOutbox(keys, k, v); err == nil {
					out = append(out, *e)
				} else {
					complete = false
				}
				return nil
			})
		})
	})
	if err != nil {
		complete = false
	}
	return out, complete
}

func openOutbox(keys *keyring, k, v []byte) (*app.PendingCommand, error) {
	if v == nil {
		return nil, errRecord
	}
	plain, err := keys.open(bOutbox, k, v)
	if err != nil {
		return nil, err
	}
	return decodeOutbox(plain)
}
