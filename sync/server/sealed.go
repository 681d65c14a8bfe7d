package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// The sealed outbox, server side (issue 9 §6; the entry format is
// docs/store.md §"Sealed outbox"). The server holds an X25519 key pair; its
// public key goes out with every sign-in (Tokens.ServerKey) and the device
// seals each outbox entry to it. After a crypto-erase the device delivers
// the sealed entries of its sidecar with POST /v1/sealed; the server opens
// each and treats it exactly as a command pushed by the delivering
// session.
//
// Key storage: Options.SealingKey, or else the ledger's own key, made at
// the first start and kept in its Meta as "sealing/key/<key id>" (the
// private key, 32 bytes) with "sealing/current" naming the key id in use.
// Keys are found by the id an entry carries, so a key that is retired later
// still opens the entries sealed to it. Whoever holds the ledger file
// holds the key: the file is as sensitive as the key (docs/protocol.md
// §1.2).

const (
	sealedV1    = 0x01
	keyIDLen    = 8
	sealedHead  = 1 + keyIDLen + 32 + 24
	sealedMin   = sealedHead + box.Overhead
	sealedPlain = 1 // version of the plaintext JSON

	metaSealingCurrent = "sealing/current"
	metaSealingKey     = "sealing/key/" // + hex key id
)

// Catalogue keys of refused entries and deliveries.
const (
	keySealed       = "invalid.sync.sealed"              // not an entry, or its box does not open
	keySealedKey    = "invalid.sync.sealed_key"          // sealed to a key this server never had
	keySealedDevice = "unauthorized.sync.sealed_device"  // sealed by another device than the session's
	keySealedLarge  = "invalid.sync.sealed_too_large"    // the request body is over MaxSealedBody
	keyRevoked      = "unauthorized.sync.device_revoked" // the session's device is revoked
)

// sealingKey is one X25519 key pair of the server.
type sealingKey struct {
	id   [keyIDLen]byte
	pub  [32]byte
	priv [32]byte
}

func keyID(pub [32]byte) [keyIDLen]byte {
	sum := sha256.Sum256(pub[:])
	var id [keyIDLen]byte
	copy(id[:], sum[:])
	return id
}

// newSealingKey completes a key pair from its private half.
func newSealingKey(priv [32]byte) (*sealingKey, error) {
	pub, err := curve25519.X25519(priv[:], curve25519.Basepoint)
	if err != nil {
		return nil, err
	}
	k := &sealingKey{priv: priv}
	copy(k.pub[:], pub)
	k.id = keyID(k.pub)
	return k, nil
}

// loadSealingKey sets the server's current key: Options.SealingKey, or the
// ledger's, made and stored at the first start.
func (s *Server) loadSealingKey() error {
	if s.opts.SealingKey != nil {
		k, err := newSealingKey(*s.opts.SealingKey)
		if err != nil {
			return fmt.Errorf("server: Options.SealingKey: %w", err)
		}
		s.sealing = k
		return nil
	}
	var fresh [32]byte
	if _, err := io.ReadFull(rand.Reader, fresh[:]); err != nil { // never the injected source: a test seed must not make a guessable key
		return fmt.Errorf("server: sealing key: %w", err)
	}
	defer clear(fresh[:])
	var k *sealingKey
	err := s.ledger.Update(func(tx app.LedgerTx) error {
		k = nil
		cur, err := tx.Meta(metaSealingCurrent)
		switch {
		case err == nil:
			id, err := hex.DecodeString(string(cur))
			if err != nil || len(id) != keyIDLen {
				return app.Internal(errors.New("the ledger's current sealing key id is malformed"))
			}
			k, err = sealingKeyByID(tx, [keyIDLen]byte(id))
			if err == nil && k == nil {
				return app.Internal(errors.New("the ledger names a sealing key it does not hold"))
			}
			return err
		case !isNotFound(err):
			return err
		}
		if k, err = newSealingKey(fresh); err != nil {
			return app.Internal(err)
		}
		name := hex.EncodeToString(k.id[:])
		if err := tx.PutMeta(metaSealingKey+name, k.priv[:]); err != nil {
			return err
		}
		return tx.PutMeta(metaSealingCurrent, []byte(name))
	})
	if err != nil {
		return err
	}
	s.sealing = k
	return nil
}

// sealingKeyByID reads a key of the ledger; nil when it holds none by id.
func sealingKeyByID(tx app.LedgerTx, id [keyIDLen]byte) (*sealingKey, error) {
	b, err := tx.Meta(metaSealingKey + hex.EncodeToString(id[:]))
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) != 32 {
		return nil, app.Internal(errors.New("a sealing key in the ledger is not 32 bytes"))
	}
	k, err := newSealingKey([32]byte(b))
	clear(b)
	if err != nil || k.id != id {
		return nil, app.Internal(errors.New("a sealing key in the ledger does not match its id"))
	}
	return k, nil
}

// ServerKey returns the server's public sealing key in standard base64, as
// sign-in hands it out.
func (s *Server) ServerKey() string { return base64.StdEncoding.EncodeToString(s.sealing.pub[:]) }

// keyFor returns the private key an entry is sealed to, or nil.
func (s *Server) keyFor(id [keyIDLen]byte) (*sealingKey, error) {
	if id == s.sealing.id {
		return s.sealing, nil
	}
	if s.opts.SealingKey != nil {
		return nil, nil // a key given by the caller: no others
	}
	var k *sealingKey
	err := s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		k, err = sealingKeyByID(tx, id)
		return err
	})
	return k, err
}

// sealedBody is the plaintext of one entry.
type sealedBody struct {
	V       int                `json:"v"`
	Device  app.ID             `json:"device"`
	Pending app.PendingCommand `json:"pending"`
}

// openEntry opens one sealed entry for session p and returns the command
// it carries as a push would, or the refusal of the entry. err is only for
// the server's own failures.
func (s *Server) openEntry(p principal, entry []byte) (wire.PushCommand, *app.Error, error) {
	if len(entry) < sealedMin || entry[0] != sealedV1 {
		return wire.PushCommand{}, app.Errorf(app.CodeInvalid, "", keySealed), nil
	}
	k, err := s.keyFor([keyIDLen]byte(entry[1 : 1+keyIDLen]))
	if err != nil {
		return wire.PushCommand{}, nil, err
	}
	if k == nil {
		return wire.PushCommand{}, app.Errorf(app.CodeInvalid, "", keySealedKey), nil
	}
	var eph [32]byte
	var nonce [24]byte
	copy(eph[:], entry[1+keyIDLen:])
	copy(nonce[:], entry[1+keyIDLen+32:])
	plain, ok := box.Open(nil, entry[sealedHead:], &nonce, &eph, &k.priv)
	if !ok {
		return wire.PushCommand{}, app.Errorf(app.CodeInvalid, "", keySealed), nil
	}
	var body sealedBody
	if err := app.DecodeStrict(plain, &body); err != nil || body.V != sealedPlain {
		return wire.PushCommand{}, app.Errorf(app.CodeInvalid, "", keySealed), nil
	}
	if body.Device != p.device {
		return wire.PushCommand{}, app.Errorf(app.CodeUnauthorized, "", keySealedDevice), nil
	}
	// The command goes through the same strict checks as a pushed one:
	// encoded as a one-command push frame and decoded by the wire codec.
	pc := wire.PushCommandOf(body.Pending)
	frame, err := wire.Encode(wire.Frame{Body: &wire.Push{Commands: []wire.PushCommand{pc}}})
	if err == nil {
		var f wire.Frame
		if f, err = wire.Decode(frame); err == nil {
			return f.Body.(*wire.Push).Commands[0], nil, nil
		}
	}
	e := app.AsError(err)
	if e.Code != app.CodeInvalid {
		e = app.Errorf(app.CodeInvalid, "", keySealed)
	}
	return wire.PushCommand{}, e, nil
}

// handleSealed serves POST /v1/sealed.
func (s *Server) handleSealed(w http.ResponseWriter, r *http.Request) {
	if wait, ok := s.sealedLim.addr.allow(remoteHost(r)); !ok {
		s.writeRateLimited(w, wait)
		return
	}
	if !s.originAllowed(r) {
		s.stats.authFailures.Add(1)
		s.writeHTTPError(w, errOrigin())
		return
	}
	p, e := s.authenticate(r)
	if e != nil {
		s.stats.authFailures.Add(1)
		s.writeHTTPError(w, e)
		return
	}
	if p.revoked {
		s.writeHTTPError(w, app.Errorf(app.CodeUnauthorized, "", keyRevoked))
		return
	}
	if wait, ok := s.sealedLim.device.allow(string(p.device)); !ok {
		s.writeRateLimited(w, wait)
		return
	}
	if r.ContentLength > wire.MaxSealedBody {
		s.writeHTTPError(w, errSealedTooLarge())
		return
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, wire.MaxSealedBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.writeHTTPError(w, errSealedTooLarge())
		return
	case err != nil:
		s.writeHTTPError(w, errRequest())
		return
	}
	var req wire.SealedRequest
	if err := app.DecodeStrict(b, &req); err != nil || len(req.Entries) == 0 || len(req.Entries) > wire.MaxSealedEntries {
		s.writeHTTPError(w, errRequest())
		return
	}
	results, err := s.deliverSealed(p, req.Entries)
	if err != nil {
		s.stats.internalErrors.Add(1)
		s.writeHTTPError(w, app.AsError(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(wire.SealedResults{Results: results})
}

func errSealedTooLarge() *app.Error {
	return app.Errorf(app.CodeInvalid, "", keySealedLarge, "max", itoa64(wire.MaxSealedBody))
}

// deliverSealed opens the entries and merges the commands of those it
// accepts as one push of session p (one ledger transaction, in the
// entries' order); a refused entry gets its refusal and is not
// remembered. It returns one result per entry.
func (s *Server) deliverSealed(p principal, entries [][]byte) ([]app.AckResult, error) {
	now := s.now()
	results := make([]app.AckResult, len(entries))
	var cmds []wire.PushCommand
	var at []int // index of each command's entry
	for i, entry := range entries {
		pc, refusal, err := s.openEntry(p, entry)
		if err != nil {
			return nil, err
		}
		if refusal != nil {
			s.stats.rejected.Add(1)
			results[i] = app.AckResult{Status: app.AckRejected, Error: refusal, At: now}
			continue
		}
		cmds, at = append(cmds, pc), append(at, i)
	}
	s.stats.sealedEntries.Add(int64(len(entries)))
	if len(cmds) == 0 {
		return results, nil
	}
	out, err := s.push(p, cmds)
	if err != nil {
		return nil, err
	}
	s.afterPush(nil, p, out)
	for j, r := range out.results {
		results[at[j]] = r
	}
	return results, nil
}
