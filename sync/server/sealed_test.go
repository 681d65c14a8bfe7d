package server_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	mrand "math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/nacl/box"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

const replicaPassword = "lang nok adgangskode"

// serverKey decodes the sign-in answer's server_key.
func serverKey(t *testing.T, tok wire.Tokens) [32]byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(tok.ServerKey)
	if err != nil || len(b) != 32 {
		t.Fatalf("server_key %q: %v, want 32 bytes in base64", tok.ServerKey, err)
	}
	return [32]byte(b)
}

// erasedSidecar makes a real replica for device holding sag, seals its
// outbox to pub, commits cmds, crypto-erases it with wrong passwords and
// returns the entries of the sidecar the erase left (store.ReadSealed).
func erasedSidecar(t *testing.T, device app.ID, pub [32]byte, sag *app.Sag, cmds ...app.Command) [][]byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "feltsag-cw1-"+string(device)+".db")
	opts := store.Options{Engine: testkit.Engine(t), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		LockTimeout: 50 * time.Millisecond, MaxFailures: 10, Device: device, Sleep: func(time.Duration) {}}
	db, err := store.Create(path, replicaPassword, opts)
	if err != nil {
		t.Fatalf("store.Create: %v", err)
	}
	c := sag.Clone()
	c.Version, c.Ansvarlig = 1, "cw1"
	if err := db.SetServerKey(pub); err != nil {
		t.Fatalf("SetServerKey: %v", err)
	}
	if err := db.PutCase(c); err != nil {
		t.Fatalf("PutCase: %v", err)
	}
	for _, cmd := range cmds {
		if _, err := db.Commit(cmd); err != nil {
			t.Fatalf("Commit: %v", err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path, opts)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	defer db.Close()
	var last error
	for range opts.MaxFailures {
		last = db.Unlock("forkert adgangskode")
	}
	if e := app.AsError(last); e.Rule != store.RuleErased {
		t.Fatalf("after %d wrong passwords: %v, want the crypto-erase", opts.MaxFailures, last)
	}
	entries, err := store.ReadSealed(path)
	if err != nil || len(entries) != len(cmds) {
		t.Fatalf("ReadSealed: %d entries, %v; want %d", len(entries), err, len(cmds))
	}
	return entries
}

// deliver posts entries to /v1/sealed with token as bearer (none when "")
// and returns the status, the results and the refusal.
func (r *rig) deliver(token string, body []byte, hdr http.Header) (int, wire.SealedResults, wire.HTTPError) {
	r.t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.ts.URL+wire.PathSealed, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("POST %s: %v", wire.PathSealed, err)
	}
	defer resp.Body.Close()
	var res wire.SealedResults
	var e wire.HTTPError
	if resp.StatusCode == http.StatusOK {
		err = json.NewDecoder(resp.Body).Decode(&res)
	} else {
		err = json.NewDecoder(resp.Body).Decode(&e)
	}
	if err != nil {
		r.t.Fatalf("POST %s: %d, decode: %v", wire.PathSealed, resp.StatusCode, err)
	}
	return resp.StatusCode, res, e
}

func (r *rig) deliverEntries(tok wire.Tokens, entries [][]byte) []app.AckResult {
	r.t.Helper()
	body, _ := json.Marshal(wire.SealedRequest{Entries: entries})
	st, res, e := r.deliver(tok.AccessToken, body, nil)
	if st != http.StatusOK || len(res.Results) != len(entries) {
		r.t.Fatalf("deliver: %d %v, %d results for %d entries", st, e.Error, len(res.Results), len(entries))
	}
	return res.Results
}

func noteCmd(cw app.ID, sag app.ID, id app.ID, text string) app.Command {
	return app.Command{ID: id, Sag: sag, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: cw}, At: t0, Body: notat(text, "n-"+id)}
}

// TestSealedDelivery: the outbox a crypto-erase left is delivered after a
// new sign-in, applied once; a second delivery gets duplicates; another
// device cannot deliver it.
func TestSealedDelivery(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	sag := r.seed("sag-1", "cw1")
	other, _ := r.connect(r.mustLogin("cw1", password, "dev-2")) // cw1's other laptop, online
	entries := erasedSidecar(t, "dev-1", serverKey(t, tok), sag,
		noteCmd("cw1", "sag-1", "c-1", "skrevet før sletningen"), noteCmd("cw1", "sag-1", "c-2", "også"), noteCmd("cw1", "sag-1", "c-3", "og denne"))

	tok = r.mustLogin("cw1", password, "dev-1") // signed in again after the erase
	res := r.deliverEntries(tok, entries)
	for i, want := range []app.ID{"c-1", "c-2", "c-3"} {
		wantStatus(t, res[i], app.AckApplied, "")
		if res[i].Command != want || res[i].Version != int64(i+2) {
			t.Fatalf("result %d: %+v, want %s applied at v%d", i, res[i], want, i+2)
		}
	}
	rec, s := r.record("sag-1")
	if rec.Version != 4 || len(s.Notater) != 3 || s.Notater[0].Forfatter != "cw1" {
		t.Fatalf("case v%d with notes %+v: want v4 with the three notes by cw1", rec.Version, s.Notater)
	}
	if f := other.readType(wire.TypePoke); f.Body.(*wire.Poke).Cursor.Seq != rec.Seq {
		t.Fatalf("poke %+v, want the head %d", f.Body, rec.Seq)
	}

	// Delivered again (the ack was lost): duplicates with the first answers.
	again := r.deliverEntries(tok, entries)
	for i := range again {
		wantStatus(t, again[i], app.AckDuplicate, "")
		if again[i].Version != res[i].Version {
			t.Fatalf("duplicate %d: %+v, want version %d", i, again[i], res[i].Version)
		}
	}
	// From another device of the same caseworker: refused, not merged.
	for _, got := range r.deliverEntries(r.mustLogin("cw1", password, "dev-2"), entries) {
		wantStatus(t, got, app.AckRejected, "unauthorized.sync.sealed_device")
	}
	if rec, _ := r.record("sag-1"); rec.Version != 4 {
		t.Fatalf("case v%d after the replays, want v4", rec.Version)
	}
	st := r.srv.Stats()
	if st.SealedEntries != 9 || st.Applied != 3 || st.Duplicates != 3 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSealedIdentityFromSession: an entry's command is authorised like a
// push of the delivering session: another caseworker's device delivering
// cw1's commands is refused.
func TestSealedIdentityFromSession(t *testing.T) {
	r := newRig(t)
	r.caseworker("cw1", "dev-1")
	tok2 := r.caseworker("cw2", "dev-3")
	sag := r.seed("sag-1", "cw1")
	entries := erasedSidecar(t, "dev-3", serverKey(t, tok2), sag,
		noteCmd("cw1", "sag-1", "c-1", "i cw1's navn"), noteCmd("cw2", "sag-1", "c-2", "på cw1's sag"))
	res := r.deliverEntries(tok2, entries)
	wantStatus(t, res[0], app.AckRejected, "unauthorized.sync.actor")
	wantStatus(t, res[1], app.AckRejected, "unauthorized.sync.not_assigned")
	if rec, _ := r.record("sag-1"); rec.Version != 1 {
		t.Fatalf("case changed to v%d", rec.Version)
	}
}

// sealTo builds an entry of plaintext sealed to pub, as a device would.
func sealTo(t *testing.T, pub [32]byte, plain []byte) []byte {
	t.Helper()
	ephPub, ephPriv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := sha256.Sum256(pub[:])
	var nonce [24]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		t.Fatal(err)
	}
	out := append([]byte{0x01}, id[:8]...)
	out = append(out, ephPub[:]...)
	out = append(out, nonce[:]...)
	return box.Seal(out, plain, &nonce, &pub, ephPriv)
}

// TestSealedGarbage: each bad entry is refused on its own; a good one in
// the same request is applied.
func TestSealedGarbage(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	sag := r.seed("sag-1", "cw1")
	pub := serverKey(t, tok)
	good := erasedSidecar(t, "dev-1", pub, sag, noteCmd("cw1", "sag-1", "c-1", "god"))[0]
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	noise := make([]byte, 300)
	if _, err := rand.Read(noise); err != nil {
		t.Fatal(err)
	}
	id := sha256.Sum256(pub[:])
	noise[0] = 0x01
	copy(noise[1:], id[:8])
	cmdJSON := `{"id":"c-9","sag":"sag-1","actor":{"rolle":"sagsbehandler","id":"cw1"},"at":"2026-03-12T09:30:00Z","kind":"tilfoej_notat","body":{"notat_id":"n-9","tekst":"x"}}`
	plain := func(v int, device, kind string) []byte {
		return []byte(`{"v":` + itoa(v) + `,"device":"` + device + `","pending":{"seq":1,"command":` +
			strings.Replace(cmdJSON, "tilfoej_notat", kind, 1) + `,"base":1,"status":"pending","saved":"2026-03-12T09:30:00Z"}}`)
	}
	tests := []struct {
		name  string
		entry []byte
		key   string
	}{
		{"three bytes", []byte{1, 2, 3}, "invalid.sync.sealed"},
		{"version 2", flip(0), "invalid.sync.sealed"},
		{"another server's key", flip(3), "invalid.sync.sealed_key"},
		{"ephemeral key flipped", flip(20), "invalid.sync.sealed"},
		{"box flipped", flip(len(good) - 1), "invalid.sync.sealed"},
		{"random bytes under the right key id", noise, "invalid.sync.sealed"},
		{"plaintext not JSON", sealTo(t, pub, []byte("ikke json")), "invalid.sync.sealed"},
		{"plaintext version 2", sealTo(t, pub, plain(2, "dev-1", "tilfoej_notat")), "invalid.sync.sealed"},
		{"unknown member", sealTo(t, pub, bytes.Replace(plain(1, "dev-1", "tilfoej_notat"), []byte(`"v":1,`), []byte(`"v":1,"x":1,`), 1)), "invalid.sync.sealed"},
		{"unknown command kind", sealTo(t, pub, plain(1, "dev-1", "slet_alt")), ""},
		{"another device", sealTo(t, pub, plain(1, "dev-9", "tilfoej_notat")), "unauthorized.sync.sealed_device"},
		{"the good one", good, ""},
	}
	var entries [][]byte
	for _, tt := range tests {
		entries = append(entries, tt.entry)
	}
	res := r.deliverEntries(tok, entries)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.name == "the good one":
				wantStatus(t, res[i], app.AckApplied, "")
			case tt.key == "":
				wantStatus(t, res[i], app.AckRejected, "")
				if res[i].Error.Code != app.CodeInvalid {
					t.Fatalf("%+v, want invalid", res[i].Error)
				}
			default:
				wantStatus(t, res[i], app.AckRejected, tt.key)
			}
		})
	}
	if rec, s := r.record("sag-1"); rec.Version != 2 || len(s.Notater) != 1 {
		t.Fatalf("case v%d with %d notes: want only the good entry applied", rec.Version, len(s.Notater))
	}
}

// TestSealedRequestRefusals: the endpoint's own refusals, before any entry
// is read.
func TestSealedRequestRefusals(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	rev := r.caseworker("cw3", "dev-3")
	if err := r.srv.RevokeDevice("dev-3"); err != nil {
		t.Fatal(err)
	}
	one, _ := json.Marshal(wire.SealedRequest{Entries: [][]byte{{1, 2, 3}}})
	many, _ := json.Marshal(wire.SealedRequest{Entries: make([][]byte, wire.MaxSealedEntries+1)})
	huge, _ := json.Marshal(wire.SealedRequest{Entries: [][]byte{make([]byte, wire.MaxSealedBody)}})
	tests := []struct {
		name   string
		token  string
		body   []byte
		origin string
		status int
		key    string
	}{
		{"no token", "", one, "", http.StatusUnauthorized, "unauthorized.sync.session"},
		{"refresh token", tok.RefreshToken, one, "", http.StatusUnauthorized, "unauthorized.sync.session"},
		{"foreign origin", tok.AccessToken, one, "https://evil.example", http.StatusForbidden, "unauthorized.sync.origin"},
		{"revoked device", rev.AccessToken, one, "", http.StatusForbidden, "unauthorized.sync.device_revoked"},
		{"not JSON", tok.AccessToken, []byte("hej"), "", http.StatusBadRequest, "invalid.sync.request"},
		{"unknown member", tok.AccessToken, []byte(`{"entries":["AQID"],"x":1}`), "", http.StatusBadRequest, "invalid.sync.request"},
		{"no entries", tok.AccessToken, []byte(`{"entries":[]}`), "", http.StatusBadRequest, "invalid.sync.request"},
		{"too many entries", tok.AccessToken, many, "", http.StatusBadRequest, "invalid.sync.request"},
		{"over 1 MiB", tok.AccessToken, huge, "", http.StatusRequestEntityTooLarge, "invalid.sync.sealed_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			st, _, e := r.deliver(tt.token, tt.body, h)
			if st != tt.status || e.Error == nil || e.Error.Key != tt.key {
				t.Fatalf("%d %+v, want %d %s", st, e.Error, tt.status, tt.key)
			}
		})
	}
	if n := r.srv.Stats().SealedEntries; n != 0 {
		t.Fatalf("%d entries read from refused requests", n)
	}
}

// TestSealingKeyKept: the key made at the first start is the ledger's: a
// server started again on the same file hands out the same key; a key
// given in Options is used instead.
func TestSealingKeyKept(t *testing.T) {
	l := openLedger(t)
	start := func(key *[32]byte) (*server.Server, string) {
		t.Helper()
		srv, err := server.New(server.Options{Ledger: l, Engine: testkit.Engine(t), Now: func() time.Time { return t0 },
			Rand: seeded{mrand.NewChaCha8([32]byte{9})}, Password: server.PasswordParams{Memory: 64, Time: 1, Threads: 1}, SealingKey: key, PruneEvery: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		return srv, srv.ServerKey()
	}
	a, k1 := start(nil)
	_ = a.Close()
	_, k2 := start(nil)
	if k1 == "" || k1 != k2 {
		t.Fatalf("keys %q and %q: want the same key after a restart", k1, k2)
	}
	priv := [32]byte{1, 2, 3}
	_, k3 := start(&priv)
	if k3 == k1 {
		t.Fatal("a key given in Options is not used")
	}
	// The private key is in the ledger (as documented: the file is as
	// sensitive as the key), and nowhere in the public answer.
	var cur []byte
	if err := l.View(func(tx app.LedgerTx) (err error) { cur, err = tx.Meta("sealing/current"); return err }); err != nil || len(cur) != 16 {
		t.Fatalf("sealing/current = %q, %v", cur, err)
	}
}
