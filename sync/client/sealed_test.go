package client_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// storeSealed is the sealed outbox beside the replica at path, as
// cmd/feltsag passes it.
type storeSealed struct{ path string }

func (s storeSealed) Entries() ([][]byte, error) { return store.ReadSealed(s.path) }
func (s storeSealed) Delivered(d [][]byte) error { return store.RemoveSealed(s.path, d) }

// sealedRig is a real server behind a recorder that can refuse the first
// sealed deliveries with 503.
type sealedRig struct {
	t    *testing.T
	srv  *server.Server
	url  string
	path string // the replica's path
	opts store.Options

	mu      sync.Mutex
	refuse  int      // sealed deliveries still to refuse
	seen    []string // "sealed 503", "sealed 200", "sync"
	onFirst func()   // called at the first sealed delivery that passes
}

const sealedPassword = "korrekt hest batteri hæfteklamme"

func newSealedRig(t *testing.T) *sealedRig {
	t.Helper()
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{
		Ledger: led, Engine: testkit.Engine(t),
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &sealedRig{t: t, srv: srv, path: filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")}
	r.opts = store.Options{Engine: testkit.Engine(t), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
		LockTimeout: 50 * time.Millisecond, MaxFailures: 3, Device: testDevice, Sleep: func(time.Duration) {}}
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case wire.PathSealed:
			r.mu.Lock()
			refuse := r.refuse > 0
			if refuse {
				r.refuse--
				r.seen = append(r.seen, "sealed 503")
			} else {
				r.seen = append(r.seen, "sealed 200")
			}
			first := r.onFirst
			if !refuse {
				r.onFirst = nil
			}
			r.mu.Unlock()
			if refuse {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			if first != nil {
				first()
			}
		case wire.PathSync:
			r.mu.Lock()
			r.seen = append(r.seen, "sync")
			r.mu.Unlock()
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	r.url = ts.URL
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, sealedPassword); err != nil {
		t.Fatal(err)
	}
	if err := srv.ImportCase(newSag(t, "sag-1", 1), "cw1"); err != nil {
		t.Fatal(err)
	}
	return r
}

// login signs dev-1 in and returns the session.
func (r *sealedRig) login() client.Session {
	r.t.Helper()
	sess, err := client.Login(context.Background(), nil, r.url, "cw1", sealedPassword, testDevice, "laptop")
	if err != nil {
		r.t.Fatalf("Login: %v", err)
	}
	return sess
}

// run starts an engine over db until the returned stop is called.
func (r *sealedRig) run(db *store.DB, sess client.Session, o client.Options) (*harness, func()) {
	r.t.Helper()
	o.Replica, o.URL, o.Caseworker = db, r.url, "cw1"
	o.Auth = client.NewTokens(r.url, sess, client.TokensOptions{})
	if o.BackoffBase == 0 {
		o.BackoffBase, o.BackoffMax = time.Millisecond, 5*time.Millisecond
	}
	e := client.New(o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	h := &harness{t: r.t, e: e, done: done}
	return h, func() { cancel(); <-done }
}

// TestSealedOutboxAfterErase: a replica with unsent edits is crypto-erased
// by wrong passwords; the caseworker signs in again on the same device and
// the engine delivers the sealed entries before the new replica's first
// push, the server applies them, and the sidecar is forgotten only after
// the server answered — a refused delivery keeps every entry.
func TestSealedOutboxAfterErase(t *testing.T) {
	r := newSealedRig(t)
	sess := r.login()
	pub, err := base64.StdEncoding.DecodeString(sess.ServerKey)
	if err != nil || len(pub) != 32 {
		t.Fatalf("server_key %q: %v", sess.ServerKey, err)
	}

	// The first replica: synced once, then two edits made offline.
	db, err := store.Create(r.path, testPassword, r.opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetServerKey([32]byte(pub)); err != nil {
		t.Fatal(err)
	}
	h, stop := r.run(db, sess, client.Options{})
	h.until("the first sync", func(st client.Status) bool { return synced(st) && !st.Syncing })
	stop()
	edits := []app.ID{commitNote(t, db, "sag-1", "første uafsendte"), commitNote(t, db, "sag-1", "anden uafsendte")}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Three wrong passwords: the replica is erased, the sealed outbox kept.
	db, err = store.Open(r.path, r.opts)
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for range r.opts.MaxFailures {
		last = db.Unlock("forkert adgangskode")
	}
	if e := app.AsError(last); e.Rule != store.RuleErased {
		t.Fatalf("after %d wrong passwords: %v, want the erase", r.opts.MaxFailures, last)
	}
	_ = db.Close()
	if got, err := store.ReadSealed(r.path); err != nil || len(got) != len(edits) {
		t.Fatalf("sidecar after the erase: %d entries, %v; want %d", len(got), err, len(edits))
	}

	// Signed in again: a new replica at the same path. The first delivery
	// is refused (503); the second finds every entry still there.
	r.mu.Lock()
	r.refuse, r.seen = 1, nil
	r.onFirst = func() {
		if got, err := store.ReadSealed(r.path); err != nil || len(got) != len(edits) {
			t.Errorf("sidecar after a refused delivery: %d entries, %v; want %d", len(got), err, len(edits))
		}
	}
	r.mu.Unlock()
	sess = r.login()
	db, err = store.Create(r.path, testPassword, r.opts)
	if err != nil {
		t.Fatalf("store.Create after the erase: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.SetServerKey([32]byte(pub)); err != nil {
		t.Fatal(err)
	}
	h, stop = r.run(db, sess, client.Options{Sealed: storeSealed{r.path}})
	defer stop()
	st := h.until("the sealed entries delivered and a sync", func(st client.Status) bool {
		return synced(st) && !st.Syncing && st.SealedDelivered == len(edits)
	})
	if st.Sealed != 0 || st.SealedRejected != 0 {
		t.Errorf("status %+v, want nothing sealed left and nothing rejected", st)
	}
	if got, err := store.ReadSealed(r.path); err != nil || len(got) != 0 {
		t.Errorf("sidecar after the delivery: %d entries, %v; want none", len(got), err)
	}
	r.mu.Lock()
	seen := slices.Clone(r.seen)
	r.mu.Unlock()
	if i := slices.Index(seen, "sealed 200"); i < 0 || slices.Index(seen, "sync") < i || seen[0] != "sealed 503" {
		t.Errorf("requests %v, want a refused delivery, then the delivery, and only then the sync connection", seen)
	}
	// The edits made before the erase are on the server, and back in the
	// new replica.
	h.until("both notes in the new replica", func(client.Status) bool {
		list, err := db.List()
		return err == nil && slices.ContainsFunc(list, func(c app.CaseSummary) bool { return c.ID == "sag-1" && c.Version >= 3 })
	})
	v, err := db.View("sag-1", caseworker)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, n := range v.Notater {
		texts = append(texts, n.Tekst)
	}
	slices.Sort(texts)
	if want := []string{"anden uafsendte", "første uafsendte"}; !slices.Equal(texts, want) {
		t.Errorf("notes %q, want %q", texts, want)
	}
}

// TestDeliverSealedRateLimited: a 429 from the server gives its own error
// and the wait it asked for; the entries stay with the caller.
func TestDeliverSealedRateLimited(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"code":"unauthorized","key":"unauthorized.sync.sealed_rate","params":{"sekunder":"7"}}}`))
	}))
	defer ts.Close()
	_, retry, err := client.DeliverSealed(context.Background(), nil, ts.URL, "tok", [][]byte{{1}})
	if keyOf(err) != "unauthorized.sync.sealed_rate" || retry != 7*time.Second {
		t.Errorf("DeliverSealed = %v, retry %v; want the server's sealed_rate and 7 s", err, retry)
	}
}
