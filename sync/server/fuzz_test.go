package server_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// Fuzz targets for what the server decodes from the network outside the
// websocket codec (wire.Decode has FuzzDecode): the sign-in, refresh,
// sealed and admin request bodies, and the sealed entries. Their seed
// corpora run as tests in make test.

// fuzzRig is a server on a real ledger, driven in process (no socket).
type fuzzRig struct {
	srv      *server.Server
	h        http.Handler
	cw1, adm wire.Tokens
	ref      wire.Tokens // cw7 on dev-r: its refresh token is the refresh seed's
	pub      [32]byte
}

func newFuzzRig(f *testing.F) *fuzzRig {
	f.Helper()
	db, err := ledger.Open(filepath.Join(f.TempDir(), "l.db"), ledger.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = db.Close() })
	srv, err := server.New(server.Options{
		Ledger: db, Engine: testkit.Engine(f), Now: (&clock{t: t0}).Now, Rand: seeded{mrand.NewChaCha8([32]byte{9})},
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
		// The fuzzer posts thousands of sealed deliveries a second: the
		// per-device limit (sealedrate_test.go tests it) would answer 429.
		SealedRate: 1e9, SealedBurst: 1 << 30,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	r := &fuzzRig{srv: srv, h: srv.Handler()}
	for _, a := range []struct {
		id    app.ID
		rolle string
	}{{"cw1", app.RoleCaseworker}, {"cw7", app.RoleCaseworker}, {"cw8", app.RoleCaseworker}, {"adm", app.RoleAdmin}} {
		if err := srv.CreateAccount(a.id, "Konto", a.rolle, fuzzPassword(a.id)); err != nil {
			f.Fatal(err)
		}
	}
	r.cw1 = r.login(f, "cw1", "dev-1")
	r.adm = r.login(f, "adm", "feltsagd-admin-adm")
	r.ref = r.login(f, "cw7", "dev-r")
	r.pub = serverKeyTB(f, r.cw1)
	s := testkit.NewSag(f, app.DateOf(t0), testkit.SagArgs{ID: "sag-1"})
	if err := srv.ImportCase(s, "cw1"); err != nil {
		f.Fatal(err)
	}
	if err := srv.ImportCompany(company(f, "firma-1"), "cw1"); err != nil {
		f.Fatal(err)
	}
	return r
}

// fuzzPassword is an account's password. Only cw7's is in the seeds: a
// mutated login must not end the sessions of cw1 or adm, which the fuzz
// targets use.
func fuzzPassword(id app.ID) string {
	if id == "cw7" || id == "cw8" {
		return password
	}
	return password + " " + string(id)
}

func serverKeyTB(tb testing.TB, tok wire.Tokens) [32]byte {
	tb.Helper()
	raw, err := base64.StdEncoding.DecodeString(tok.ServerKey)
	if err != nil || len(raw) != 32 {
		tb.Fatalf("server_key %q: %v", tok.ServerKey, err)
	}
	return [32]byte(raw)
}

func (r *fuzzRig) login(tb testing.TB, user, device app.ID) wire.Tokens {
	tb.Helper()
	st, raw := r.do(http.MethodPost, wire.PathLogin, "", mustJSON(tb, wire.LoginRequest{User: user, Password: fuzzPassword(user), Device: device}))
	var tok wire.Tokens
	if st != http.StatusOK || json.Unmarshal(raw, &tok) != nil {
		tb.Fatalf("login %s: %d %s", user, st, raw)
	}
	return tok
}

// do serves one request in process and returns the status and body.
func (r *fuzzRig) do(method, path, token string, body []byte) (int, []byte) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	r.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// codeOfStatus is the error code each refusal status must carry.
var codeOfStatus = map[int][]string{
	http.StatusBadRequest:            {app.CodeInvalid},
	http.StatusUnauthorized:          {app.CodeUnauthorized},
	http.StatusForbidden:             {app.CodeUnauthorized},
	http.StatusNotFound:              {app.CodeNotFound},
	http.StatusConflict:              {app.CodeConflict},
	http.StatusRequestEntityTooLarge: {app.CodeInvalid},
}

// checkRefusal asserts an HTTP refusal: a status the endpoint may give and
// a body that is exactly {"error": app.Error} with a key and the status's
// code.
func checkRefusal(t *testing.T, what string, st int, raw []byte) {
	t.Helper()
	var e wire.HTTPError
	if err := app.DecodeStrict(raw, &e); err != nil || e.Error == nil || e.Error.Key == "" {
		t.Fatalf("%s: %d with body %q, want {\"error\": …} with a key", what, st, raw)
	}
	if !slices.Contains(codeOfStatus[st], e.Error.Code) {
		t.Fatalf("%s: %d with code %s (%s)", what, st, e.Error.Code, e.Error.Key)
	}
}

// FuzzHTTPBodies posts arbitrary bodies to every endpoint that reads one.
// The answer is never 500: it is the endpoint's success, or a refusal with
// its catalogue key and the status that matches the key's code.
func FuzzHTTPBodies(f *testing.F) {
	r := newFuzzRig(f)
	type endpoint struct {
		path, token string
		ok          int
		allowed     []int
	}
	eps := []endpoint{
		{wire.PathLogin, "", http.StatusOK, []int{400, 401, 403}},
		{wire.PathRefresh, "", http.StatusOK, []int{400, 401, 403}},
		{wire.PathSealed, r.cw1.AccessToken, http.StatusOK, []int{400, 413}},
		{wire.PathAdmin + "accounts", r.adm.AccessToken, http.StatusCreated, []int{400, 409}},
		{wire.PathAdmin + "accounts/cw8/password", r.adm.AccessToken, http.StatusOK, []int{400, 404}},
		{wire.PathAdmin + "assign", r.adm.AccessToken, http.StatusOK, []int{400, 404}},
		{wire.PathAdmin + "accounts/cw8/team", r.adm.AccessToken, http.StatusOK, []int{400, 404}},
		{wire.PathAdmin + "assign", r.adm.AccessToken, http.StatusOK, []int{400, 404}},
	}
	seeds := [][]byte{
		mustJSON(f, wire.LoginRequest{User: "cw7", Password: password, Device: "dev-7", DeviceName: "bærbar"}),
		mustJSON(f, wire.RefreshRequest{Device: "dev-r", RefreshToken: r.ref.RefreshToken}),
		mustJSON(f, wire.SealedRequest{Entries: [][]byte{bytes.Repeat([]byte{1}, 100)}}),
		mustJSON(f, server.AdminAccount{ID: "cw9", Navn: "Ny", Rolle: app.RoleCaseworker, Password: "x"}),
		mustJSON(f, server.AdminPassword{Password: password}),
		mustJSON(f, server.AdminAssign{Sag: "sag-1", Owner: "cw7"}),
		mustJSON(f, server.AdminTeam{Team: "nord"}),
		mustJSON(f, server.AdminAssign{Virksomhed: "firma-1", Owner: "cw8"}),
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
		for _, bad := range [][]byte{
			append(slices.Clone(s[:len(s)-1]), `,"x":1}`...),                     // unknown member
			append(slices.Clone(s), ` {}`...),                                    // trailing data
			bytes.Replace(s, []byte(`"`), []byte(`'`), 1),                        // not JSON
			append([]byte(`{"user":1,`), s[1:]...),                               // wrong type
			append(append([]byte(`{"entries":null,`), s[1:len(s)-1]...), "}"...), // null, or a duplicate
			bytes.Repeat([]byte("["), 5000),
			{0xff, 0xfe},
		} {
			f.Add(uint8(i), bad)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ep := eps[int(which)%len(eps)]
		st, raw := r.do(http.MethodPost, ep.path, ep.token, body)
		switch {
		case st == ep.ok:
		case slices.Contains(ep.allowed, st):
			checkRefusal(t, ep.path, st, raw)
			return
		default:
			t.Fatalf("%s answered %d %q to %q", ep.path, st, raw, body)
		}
		switch ep.path {
		case wire.PathLogin, wire.PathRefresh:
			var tok wire.Tokens
			if err := app.DecodeStrict(raw, &tok); err != nil || tok.AccessToken == "" || tok.RefreshToken == "" || tok.Caseworker.Validate() != nil {
				t.Fatalf("%s: 200 with %q", ep.path, raw)
			}
		case wire.PathSealed:
			var req wire.SealedRequest
			var res wire.SealedResults
			if err := app.DecodeStrict(body, &req); err != nil {
				t.Fatalf("sealed accepted a body its decoder refuses: %v", err)
			}
			if err := app.DecodeStrict(raw, &res); err != nil || len(res.Results) != len(req.Entries) {
				t.Fatalf("sealed: %d results for %d entries: %q", len(res.Results), len(req.Entries), raw)
			}
		}
	})
}

// FuzzRequestBodies decodes arbitrary bytes into each request body type as
// the handlers do (app.DecodeStrict). A refusal is an invalid *app.Error
// with a key; what is accepted encodes to JSON that decodes to the same
// value and encodes to the same bytes.
func FuzzRequestBodies(f *testing.F) {
	types := []func() any{
		func() any { return new(wire.LoginRequest) },
		func() any { return new(wire.RefreshRequest) },
		func() any { return new(wire.SealedRequest) },
		func() any { return new(server.AdminAccount) },
		func() any { return new(server.AdminPassword) },
		func() any { return new(server.AdminAssign) },
		func() any { return new(server.AdminTeam) },
	}
	for i, s := range []string{
		`{"user":"cw1","password":"p","device":"dev-1","device_name":"bærbar"}`,
		`{"device":"dev-1","refresh_token":"abc"}`,
		`{"entries":["AQID","BAUG"]}`,
		`{"id":"cw9","navn":"Ny","rolle":"admin","password":"x"}`,
		`{"password":"\u00e6\ud83d\ude00"}`,
		`{"sag":"sag-1","owner":""}`,
		`{"USER":"cw1","user":"cw2"}`,
		`{"entries":["not base64"]}`,
		`{"sag":"0101901234","owner":"cw1"}`,
	} {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		mk := types[int(which)%len(types)]
		v := mk()
		if err := app.DecodeStrict(data, v); err != nil {
			var e *app.Error
			if !errors.As(err, &e) || e.Code != app.CodeInvalid || e.Key == "" {
				t.Fatalf("DecodeStrict(%T) error %T %v, want an invalid *app.Error with a key", v, err, err)
			}
			return
		}
		b1, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", data, err)
		}
		w := mk()
		if err := app.DecodeStrict(b1, w); err != nil {
			t.Fatalf("decode(encode(decode(%q))) = %v\nencoded: %s", data, err, b1)
		}
		if !reflect.DeepEqual(v, w) {
			t.Fatalf("round trip changed %+v into %+v", v, w)
		}
		if b2, _ := json.Marshal(w); !bytes.Equal(b1, b2) {
			t.Fatalf("not stable:\n%s\n%s", b1, b2)
		}
	})
}

// sealedPlain is the plaintext of a sealed entry (docs/store.md), as the
// fuzz oracle reads it.
type sealedPlain struct {
	V       int                `json:"v"`
	Device  app.ID             `json:"device"`
	Pending app.PendingCommand `json:"pending"`
}

// FuzzSealedEntry delivers one sealed entry: raw bytes as they come (the
// opener's header and box checks), or, with seal set, bytes sealed to the
// server's key as a device would (its plaintext parser, the command's
// strict decode and the merge). The answer is always 200 with one result;
// an entry whose plaintext is not a strict {"v":1,"device","pending"} is
// rejected invalid.sync.sealed, another device's is
// unauthorized.sync.sealed_device, and every rejection has a key.
func FuzzSealedEntry(f *testing.F) {
	r := newFuzzRig(f)
	pend := app.PendingCommand{Seq: 1, Command: noteCmd("cw1", "sag-1", "c-1", "forseglet"), Base: 1}
	good := mustJSON(f, sealedPlain{V: 1, Device: "dev-1", Pending: pend})
	f.Add(true, good)
	f.Add(true, mustJSON(f, sealedPlain{V: 1, Device: "dev-2", Pending: pend}))
	f.Add(true, mustJSON(f, sealedPlain{V: 2, Device: "dev-1", Pending: pend}))
	f.Add(true, append(slices.Clone(good[:len(good)-1]), `,"x":1}`...))
	f.Add(true, bytes.Replace(good, []byte(`tilfoej_notat`), []byte(`slet_alt`), 1))
	f.Add(true, bytes.Replace(good, []byte(`"sag-1"`), []byte(`"sag-2"`), 1))
	f.Add(true, []byte(`null`))
	f.Add(false, bytes.Repeat([]byte{1}, 81))
	f.Add(false, []byte{1})
	f.Add(false, []byte{})
	f.Fuzz(func(t *testing.T, seal bool, data []byte) {
		entry := data
		if seal {
			entry = sealTo(t, r.pub, data)
		}
		st, raw := r.do(http.MethodPost, wire.PathSealed, r.cw1.AccessToken, mustJSON(t, wire.SealedRequest{Entries: [][]byte{entry}}))
		if st == http.StatusRequestEntityTooLarge {
			return
		}
		var res wire.SealedResults
		if st != http.StatusOK || app.DecodeStrict(raw, &res) != nil || len(res.Results) != 1 {
			t.Fatalf("%d %q, want 200 with one result", st, raw)
		}
		got := res.Results[0]
		if got.Status == app.AckRejected && (got.Error == nil || got.Error.Key == "") {
			t.Fatalf("rejected without a key: %+v", got)
		}
		want := ""
		var p sealedPlain
		switch {
		case !seal:
			want = "any" // a box nobody sealed to this key does not open (but a seed may be a valid entry)
		case app.DecodeStrict(data, &p) != nil || p.V != 1:
			want = "invalid.sync.sealed"
		case p.Device != "dev-1":
			want = "unauthorized.sync.sealed_device"
		}
		if want != "" && want != "any" && (got.Status != app.AckRejected || got.Error.Key != want) {
			t.Fatalf("entry %q: %+v, want rejected %s", data, got, want)
		}
		if !seal && len(data) < 81 && (got.Status != app.AckRejected || got.Error.Key != "invalid.sync.sealed") {
			t.Fatalf("entry of %d bytes: %+v, want rejected invalid.sync.sealed", len(data), got)
		}
	})
}
