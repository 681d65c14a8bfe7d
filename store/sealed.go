package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"

	"feltsag.dk/feltsag/app"
)

// The sealed outbox (docs/store.md §"Sealed outbox"). Every outbox entry is
// also sealed to the server's public X25519 key, so that a crypto-erase
// after too many wrong passwords, which destroys the data key, does not
// destroy the work the caseworker saved and never sent: the erase first
// exports the sealed entries to <path>.sealed (sidecar.go), which only the
// server can open.
//
// One entry, as the server receives it:
//
//	0x01 ‖ key id (8) ‖ ephemeral public key (32) ‖ nonce (24) ‖ box
//
// key id = SHA-256(server public key)[:8]; box =
// box.SealAfterPrecomputation(plaintext, nonce, Precompute(server public,
// ephemeral private)); plaintext = JSON {"v":1,"device":…,"pending":…}
// with the outbox entry's own JSON as "pending".
//
// The ephemeral key pair is made when sealing starts (Unlock, or
// SetServerKey) and its private half is cleared at once: the device cannot
// open its own sealed entries, only the server can. The box authenticates
// nothing about the sender (anyone with the public key can seal); the
// server treats an entry exactly like a pushed command of the session that
// delivers it.
//
// In the replica the value under bucket "sealed", key = the outbox
// sequence, is the entry followed by HMAC-SHA256 under a key derived from
// the data key (over a label, the sequence and the entry): the value is
// plaintext on disk (the erase has no password), and the MAC lets Unlock
// find a damaged or missing entry and seal it again from the outbox.
const (
	sealedV1       = 0x01
	sealedKeyIDLen = 8
	sealedHead     = 1 + sealedKeyIDLen + 32 + 24
	// SealedMinLen is the shortest possible sealed entry: header and the
	// box's tag around an empty message.
	sealedMinLen = sealedHead + box.Overhead
	sealedMACLen = sha256.Size
	// sealedPlainV is the version of the sealed plaintext's JSON.
	sealedPlainV = 1
)

// sealer seals outbox entries to the server's key with one ephemeral key
// pair. It lives in the keyring: made at Unlock or SetServerKey, dropped
// with the keys at Lock and Close.
type sealer struct {
	server [32]byte // the server's public key
	keyID  [sealedKeyIDLen]byte
	ephPub [32]byte
	shared [32]byte // box.Precompute(server, ephemeral private)
	prefix []byte   // `{"v":1,"device":"…","pending":`
	rand   io.Reader
}

// serverKeyID is the id an entry carries of the key it is sealed to.
func serverKeyID(pub [32]byte) [sealedKeyIDLen]byte {
	sum := sha256.Sum256(pub[:])
	var id [sealedKeyIDLen]byte
	copy(id[:], sum[:])
	return id
}

// newSealer makes a fresh ephemeral key pair for sealing to server and
// clears its private half after the precomputation. A public key of low
// order (one that would make the shared secret all zeros) is refused.
func newSealer(server [32]byte, device app.ID, rand io.Reader) (*sealer, error) {
	pub, priv, err := box.GenerateKey(rand)
	if err != nil {
		return nil, err
	}
	defer clear(priv[:])
	if _, err := curve25519.X25519(priv[:], server[:]); err != nil {
		return nil, fmt.Errorf("server key: %w", err)
	}
	s := &sealer{server: server, keyID: serverKeyID(server), ephPub: *pub, rand: rand}
	box.Precompute(&s.shared, &server, priv)
	dev, err := json.Marshal(string(device))
	if err != nil {
		return nil, err
	}
	s.prefix = fmt.Appendf(nil, `{"v":%d,"device":%s,"pending":`, sealedPlainV, dev)
	return s, nil
}

func (s *sealer) wipe() { clear(s.shared[:]) }

// seal returns the entry for one outbox entry's JSON.
func (s *sealer) seal(pending []byte) ([]byte, error) {
	plain := make([]byte, 0, len(s.prefix)+len(pending)+1)
	plain = append(append(append(plain, s.prefix...), pending...), '}')
	out := make([]byte, sealedHead, sealedHead+len(plain)+box.Overhead+sealedMACLen)
	out[0] = sealedV1
	copy(out[1:], s.keyID[:])
	copy(out[1+sealedKeyIDLen:], s.ephPub[:])
	var nonce [24]byte
	if _, err := io.ReadFull(s.rand, nonce[:]); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	copy(out[1+sealedKeyIDLen+32:], nonce[:])
	out = box.SealAfterPrecomputation(out, plain, &nonce, &s.shared)
	clear(plain)
	return out, nil
}

// sealedMAC binds a stored entry to its outbox sequence under the data key.
func (k *keyring) sealedMAC(seq, entry []byte) []byte {
	m := hmac.New(sha256.New, k.sealMAC)
	m.Write([]byte("feltsag/v1/sealed\x00"))
	m.Write(seq)
	m.Write(entry)
	return m.Sum(nil)
}

// sealedEntry splits a stored value into the entry and its MAC; ok is false
// when it is too short or not a version-1 entry.
func sealedEntry(v []byte) (entry, mac []byte, ok bool) {
	if len(v) < sealedMinLen+sealedMACLen || v[0] != sealedV1 {
		return nil, nil, false
	}
	return v[:len(v)-sealedMACLen], v[len(v)-sealedMACLen:], true
}

// sealedValid reports whether the stored value at seq is an intact entry
// sealed to the sealer's current key.
func (k *keyring) sealedValid(seq, v []byte) bool {
	entry, mac, ok := sealedEntry(v)
	return ok && k.sealer != nil && bytes.Equal(entry[1:1+sealedKeyIDLen], k.sealer.keyID[:]) &&
		hmac.Equal(mac, k.sealedMAC(seq, entry))
}

// putSealed stores the sealed copy of the outbox entry at key k, whose JSON
// is pending. Without a server key there is nothing to seal to.
func (t txn) putSealed(k, pending []byte) error {
	s := t.keys.sealer
	if s == nil {
		return nil
	}
	entry, err := s.seal(pending)
	if err != nil {
		return err
	}
	b, err := t.bucket(bSealed)
	if err != nil {
		return err
	}
	return b.Put(k, append(entry, t.keys.sealedMAC(k, entry)...))
}

// putOutbox writes an outbox entry and its sealed copy.
func (t txn) putOutbox(k []byte, e *app.PendingCommand) error {
	plain, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := t.put(bOutbox, k, plain); err != nil {
		return err
	}
	return t.putSealed(k, plain)
}

// delOutbox removes an outbox entry and its sealed copy.
func (t txn) delOutbox(k []byte) error {
	if err := t.del(bOutbox, k); err != nil {
		return err
	}
	return t.del(bSealed, k)
}

// SetServerKey stores the server's public X25519 key (delivered at
// sign-in) and from then on seals every outbox entry to it, starting with
// those already in the outbox, in one transaction. Setting the key that is
// already stored changes nothing; a new key (the server rotated it) seals
// every entry again.
//
// Errors: invalid for an all-zero or low-order key; unauthorized
// (RuleNotOpen) while locked; internal (RuleFull, RuleDamaged).
func (db *DB) SetServerKey(pub [32]byte) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.bolt == nil || db.keys == nil {
		return errNotOpen()
	}
	if s := db.keys.sealer; s != nil && s.server == pub {
		return nil
	}
	s, err := newSealer(pub, db.device, db.opts.Rand)
	if err != nil {
		return errServerKey(err)
	}
	keys := *db.keys
	keys.sealer = s
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		t := txn{tx: tx, keys: &keys}
		if err := t.put(bMeta, []byte(metaServerKey), pub[:]); err != nil {
			return err
		}
		_, err := t.reconcileSealed()
		return err
	})
	if err != nil {
		s.wipe()
		return writeErr(err)
	}
	if db.keys.sealer != nil {
		db.keys.sealer.wipe()
	}
	db.keys.sealer = s
	return nil
}

// ServerKey returns the stored server key; ok is false when none is set.
//
// Errors: unauthorized (RuleNotOpen); internal (RuleDamaged).
func (db *DB) ServerKey() (pub [32]byte, ok bool, err error) {
	err = db.read(func(t txn) error {
		pub, ok, err = loadServerKey(t)
		return err
	})
	return pub, ok, err
}

func loadServerKey(t txn) (pub [32]byte, ok bool, err error) {
	b, err := t.get(bMeta, []byte(metaServerKey))
	switch {
	case err != nil || b == nil:
		return pub, false, err
	case len(b) != len(pub):
		return pub, false, errCorrupt(fmt.Errorf("%w: server key of %d bytes", errRecord, len(b)))
	}
	copy(pub[:], b)
	return pub, true, nil
}

// startSealing runs at Unlock: with a stored server key it makes the
// session's sealer, then makes the sealed bucket match the outbox. It
// returns how many entries it had to seal again or remove.
func (db *DB) startSealing() (int, error) {
	var pub [32]byte
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		pub, ok, err = loadServerKey(txn{tx: tx, keys: db.keys})
		return err
	})
	if err != nil {
		return 0, err
	}
	if ok {
		if db.keys.sealer, err = newSealer(pub, db.device, db.opts.Rand); err != nil {
			return 0, errCorrupt(err) // it was valid when it was stored
		}
	}
	var n int
	err = db.bolt.View(func(tx *bolt.Tx) (err error) {
		n, err = txn{tx: tx, keys: db.keys}.checkSealed()
		return err
	})
	if err != nil || n == 0 {
		return 0, err
	}
	err = db.bolt.Update(func(tx *bolt.Tx) (err error) {
		n, err = txn{tx: tx, keys: db.keys}.reconcileSealed()
		return err
	})
	return n, writeErr(err)
}

// checkSealed counts what reconcileSealed would change, reading only.
func (t txn) checkSealed() (int, error) {
	return t.syncSealed(func([]byte) error { return nil }, func([]byte) error { return nil })
}

// reconcileSealed makes the sealed bucket match the outbox: every entry
// that is missing, damaged or sealed to another key is sealed again from
// the outbox, and a sealed entry without an outbox entry is removed.
// Without a server key the bucket is emptied.
func (t txn) reconcileSealed() (int, error) {
	reseal := func(k []byte) error {
		plain, err := t.get(bOutbox, k)
		if err != nil {
			return err
		}
		return t.putSealed(k, plain)
	}
	return t.syncSealed(reseal, func(k []byte) error { return t.del(bSealed, k) })
}

// syncSealed calls reseal for each outbox key whose sealed entry is not
// valid and drop for each sealed key without an outbox entry. Keys are
// collected first: a bucket must not change under its cursor.
func (t txn) syncSealed(reseal, drop func(k []byte) error) (int, error) {
	sb, err := t.bucket(bSealed)
	if err != nil {
		return 0, err
	}
	ob, err := t.bucket(bOutbox)
	if err != nil {
		return 0, err
	}
	var bad, gone [][]byte
	if t.keys.sealer != nil {
		err = ob.ForEach(func(k, _ []byte) error {
			if !t.keys.sealedValid(k, sb.Get(k)) {
				bad = append(bad, bytes.Clone(k))
			}
			return nil
		})
	}
	if err == nil {
		err = sb.ForEach(func(k, _ []byte) error {
			if t.keys.sealer == nil || ob.Get(k) == nil {
				gone = append(gone, bytes.Clone(k))
			}
			return nil
		})
	}
	for _, k := range bad {
		if err == nil {
			err = reseal(k)
		}
	}
	for _, k := range gone {
		if err == nil {
			err = drop(k)
		}
	}
	return len(bad) + len(gone), err
}

// sealedEntries returns every entry of the sealed bucket in outbox order,
// without the MACs. It needs no keys: the erase reads it after the last
// wrong password. A value too short to be an entry is left out.
func sealedEntries(bdb *bolt.DB) ([][]byte, error) {
	var out [][]byte
	err := safely(func() error {
		return bdb.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte(bSealed))
			if b == nil { // a file from before schema 4, not yet migrated
				return nil
			}
			return b.ForEach(func(_, v []byte) error {
				if entry, _, ok := sealedEntry(v); ok {
					out = append(out, bytes.Clone(entry))
				}
				return nil
			})
		})
	})
	return out, err
}
