package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
)

// appendAudit adds r to the audit log in t: next sequence, Prev = the last
// record's hash, Hash over both. A write that must be logged calls it in
// its own transaction, so there is never a change or a display without its
// record.
//
// The previous hash comes from the tip DB.update keeps (the last record it
// committed) when the bucket's last key is still that record, so a commit
// does not decrypt and decode it; otherwise, and outside DB.update, the
// record is read.
func (t txn) appendAudit(r app.AuditRecord) error {
	prev := make([]byte, sha256.Size)
	b, err := t.bucket(bAudit)
	if err != nil {
		return err
	}
	if k, v := b.Cursor().Last(); k != nil {
		if prev = t.tipHash(k); prev == nil {
			plain, err := t.keys.open(bAudit, k, v)
			if err != nil {
				return errCorrupt(err)
			}
			last, err := decodeAudit(plain)
			if err != nil {
				return errCorrupt(err)
			}
			prev = last.Hash
		}
	}
	if r.Seq, err = t.nextSeq(bAudit); err != nil {
		return err
	}
	r.At, r.Prev, r.Uploaded = r.At.UTC(), prev, time.Time{}
	if r.Hash, err = r.ChainHash(); err != nil {
		return err
	}
	if t.fx != nil {
		t.fx.tip = &auditTip{seq: r.Seq, hash: r.Hash}
	}
	return t.putJSON(bAudit, seqKey(r.Seq), r)
}

// tipHash returns the hash of the audit record with key k if this
// transaction or the last committed one appended it, else nil.
func (t txn) tipHash(k []byte) []byte {
	if t.fx == nil {
		return nil
	}
	seq, ok := parseSeq(k)
	if !ok {
		return nil
	}
	for _, tip := range []*auditTip{t.fx.tip, t.cache.auditTip()} {
		if tip != nil && tip.seq == seq {
			return tip.hash
		}
	}
	return nil
}

// Log appends an audit record for something the store does not see
// itself: a printed plan (app.ActionPrinted) or an export (app.ActionExported).
//
// Errors: invalid for an empty action or a malformed case id;
// unauthorized (RuleNotOpen); internal (RuleFull or generic).
func (db *DB) Log(actor app.Actor, action string, caseID app.ID) error {
	if action == "" {
		return app.Errorf(app.CodeInvalid, "", "invalid.action_log_missing").WithField("action")
	}
	if caseID != "" {
		if err := caseID.Validate(); err != nil {
			return err
		}
	}
	return db.update(func(t txn) error {
		return t.appendAudit(app.AuditRecord{At: db.now(), Actor: actor, Action: action, Sag: caseID})
	})
}

// LogKind is Log with a kind: the document a print or a saved PDF was
// (pdf's Kind, e.g. "min_plan"), so the case's history says what left the
// computer.
//
// Errors: as Log; invalid for a kind longer than 64 bytes (the sync
// protocol's limit).
func (db *DB) LogKind(actor app.Actor, action string, caseID app.ID, kind string) error {
	if action == "" {
		return app.Errorf(app.CodeInvalid, "", "invalid.action_log_missing").WithField("action")
	}
	if len(kind) > 64 {
		return app.Errorf(app.CodeInvalid, "", "invalid.text.too_long", "felt", "kind", "antal", strconv.Itoa(len(kind)), "max", "64").WithField("kind")
	}
	if caseID != "" {
		if err := caseID.Validate(); err != nil {
			return err
		}
	}
	return db.update(func(t txn) error {
		return t.appendAudit(app.AuditRecord{At: db.now(), Actor: actor, Action: action, Sag: caseID, Kind: kind})
	})
}

// History returns the audit records that concern the case (AuditRecord.
// Concerns: its views, changes, prints and exports, and the searches that
// found it), newest first, at most limit of them (limit <= 0: all).
//
// It reads them through an index in memory (auditIndex): the first call
// after an unlock reads the whole log once to build it, every later call
// reads only the records appended since, then decrypts the case's own
// records (docs/store.md, "History"). Reading the history writes no
// record: it shows ids, times and actions, no citizen data.
//
// Errors: invalid (a malformed case id); unauthorized (RuleNotOpen);
// internal (RuleDamaged).
func (db *DB) History(caseID app.ID, limit int) ([]app.AuditRecord, error) {
	if err := caseID.Validate(); err != nil {
		return nil, err
	}
	var out []app.AuditRecord
	err := db.read(func(t txn) error {
		b, err := t.bucket(bAudit)
		if err != nil {
			return err
		}
		ix := db.cache.auditIndex()
		ix.mu.Lock()
		defer ix.mu.Unlock()
		c := b.Cursor()
		for k, v := c.Seek(seqKey(ix.seq + 1)); k != nil; k, v = c.Next() {
			r, err := openAudit(t, k, v)
			if err != nil {
				return err
			}
			ix.add(r)
		}
		seqs := ix.byCase[caseID]
		for i := len(seqs) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
			k := seqKey(seqs[i])
			v := b.Get(k)
			if v == nil {
				continue // indexed by a newer read than this one
			}
			r, err := openAudit(t, k, v)
			if err != nil {
				return err
			}
			out = append(out, *r)
		}
		return nil
	})
	return out, err
}

// Audit returns up to limit audit records with a sequence above after, in
// order (limit <= 0: all), for upload by sync.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) Audit(after uint64, limit int) ([]app.AuditRecord, error) {
	var out []app.AuditRecord
	err := db.read(func(t txn) error {
		b, err := t.bucket(bAudit)
		if err != nil {
			return err
		}
		c := b.Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			r, err := openAudit(t, k, v)
			if err != nil {
				return err
			}
			out = append(out, *r)
		}
		return nil
	})
	return out, err
}

func openAudit(t txn, k, v []byte) (*app.AuditRecord, error) {
	plain, err := t.keys.open(bAudit, k, v)
	if err != nil {
		return nil, errCorrupt(err)
	}
	r, err := decodeAudit(plain)
	if err != nil {
		return nil, errCorrupt(err)
	}
	return r, nil
}

// MarkUploaded sets the upload time of every record up to and including
// seq that has none yet. The hash chain does not cover the upload time.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleFull, RuleDamaged).
func (db *DB) MarkUploaded(seq uint64, at time.Time) error {
	return db.update(func(t txn) error {
		b, err := t.bucket(bAudit)
		if err != nil {
			return err
		}
		var todo []app.AuditRecord
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r, err := openAudit(t, k, v)
			if err != nil {
				return err
			}
			if r.Seq > seq {
				break
			}
			if r.Uploaded.IsZero() {
				r.Uploaded = at.UTC()
				todo = append(todo, *r)
			}
		}
		for _, r := range todo {
			if err := t.putJSON(bAudit, seqKey(r.Seq), r); err != nil {
				return err
			}
		}
		return nil
	})
}

// VerifyAudit checks the whole chain: sequences without gaps, every Prev
// equal to the previous Hash, every Hash recomputed. The first record's Prev
// is 32 zero bytes.
//
// Errors: internal (RuleDamaged) naming the first bad sequence;
// unauthorized (RuleNotOpen).
func (db *DB) VerifyAudit() error {
	return db.read(func(t txn) error {
		prev := make([]byte, sha256.Size)
		var want uint64 = 1
		return t.each(bAudit, func(k, plain []byte) error {
			r, err := decodeAudit(plain)
			if err != nil {
				return errCorrupt(err)
			}
			h, err := r.ChainHash()
			switch {
			case err != nil:
				return errCorrupt(err)
			case r.Seq != want:
				return errCorrupt(fmt.Errorf("audit: sequence %d where %d was expected", r.Seq, want))
			case !bytes.Equal(r.Prev, prev):
				return errCorrupt(fmt.Errorf("audit %d: chain broken", r.Seq))
			case !bytes.Equal(r.Hash, h):
				return errCorrupt(fmt.Errorf("audit %d: hash mismatch", r.Seq))
			}
			prev, want = r.Hash, want+1
			return nil
		})
	})
}
