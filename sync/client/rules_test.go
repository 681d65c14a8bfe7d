package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// installer records the bundles OnRules is given and loads each with the
// real rule loader, as cmd/feltsag does.
type installer struct {
	mu  sync.Mutex
	got []client.RuleBundle
}

func (in *installer) install(b client.RuleBundle) error {
	in.mu.Lock()
	in.got = append(in.got, b)
	in.mu.Unlock()
	fsys := fstest.MapFS{}
	for _, f := range b.Files {
		fsys[f.Name] = &fstest.MapFile{Data: []byte(f.Data)}
	}
	_, err := app.LoadRules(fsys)
	return err
}

func (in *installer) calls() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.got)
}

// TestRuleBundleInstalled: against the real server serving the real rule
// tables, a client that runs another bundle asks for the server's, hands
// it to OnRules with the server's digest, and from then on says that
// digest in hello (a reconnect asks for nothing).
func TestRuleBundleInstalled(t *testing.T) {
	files, err := wire.RuleFilesOf(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{Ledger: led, Engine: testkit.Engine(t),
		Password: server.PasswordParams{Memory: 64, Time: 1, Threads: 1}, RuleFiles: files})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, sealedPassword); err != nil {
		t.Fatal(err)
	}
	sess, err := client.Login(context.Background(), nil, ts.URL, "cw1", sealedPassword, testDevice, "laptop")
	if err != nil {
		t.Fatal(err)
	}
	old := wire.BundleDigest(files[:1])
	in := &installer{}
	e := client.New(client.Options{Replica: newReplica(t), URL: ts.URL, Caseworker: "cw1", RulesDigest: old, OnRules: in.install,
		Auth: client.NewTokens(ts.URL, sess, client.TokensOptions{}), BackoffBase: time.Millisecond, BackoffMax: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() { cancel(); <-done }()
	h := &harness{t: t, e: e, done: done}
	want := wire.BundleDigest(files)
	st := h.until("the bundle installed and a sync", func(st client.Status) bool { return synced(st) && st.RulesDigest == want })
	if st.RulesRefused != nil {
		t.Errorf("RulesRefused = %v", st.RulesRefused)
	}
	if in.calls() != 1 || len(in.got[0].Files) != len(files) || in.got[0].Digest != want || len(in.got[0].Versions) == 0 {
		t.Fatalf("OnRules got %d bundles, want one of %d files with digest %s and the versions", in.calls(), len(files), want)
	}
}

// TestRuleBundleRefused: a bundle that is not the one announced, whose
// files do not match its digest, or that the rule loader refuses, is not
// installed: the old digest stays, the refusal is in the status, sync
// goes on, and the same digest is not asked for again in this run.
func TestRuleBundleRefused(t *testing.T) {
	good, err := wire.RuleFilesOf(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	broken := []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}
	other := append([]wire.RuleFile(nil), good...)
	other[0].Data += "\n"
	versions := []wire.RuleSetInfo{{Version: "2026-02", From: app.MustDate(2026, 2, 1)}}
	tests := []struct {
		name      string
		announced string                // the welcome's digest
		parts     func() []wire.Message // the answer to rules_request
		installs  int                   // OnRules calls
		wantKey   string
	}{
		{"another bundle than announced", wire.BundleDigest(good), func() []wire.Message {
			return messages(t, versions, other, "")
		}, 0, client.KeyRulesMismatch},
		{"files that do not match the digest", wire.BundleDigest(good), func() []wire.Message {
			return messages(t, versions, other, wire.BundleDigest(good))
		}, 0, "wire.rules_digest"},
		{"tables the loader refuses", wire.BundleDigest(broken), func() []wire.Message {
			return messages(t, versions, broken, "")
		}, 1, "table.at.column"},
		{"an error answer", wire.BundleDigest(good), func() []wire.Message {
			return []wire.Message{&wire.Error{Error: *app.Errorf(app.CodeInternal, "", "internal.sync.server")}}
		}, 0, ""},
	}
	welcome := func(c *srvConn, announced string) *wire.Hello {
		id, h := c.hello()
		c.send(id, &wire.Welcome{Caseworker: "cw1", ServerTime: time.Now().UTC(), AppVersion: "test",
			Cursor: app.Cursor{Epoch: 1}, RuleSets: versions, RulesDigest: announced})
		return h
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := play(func(c *srvConn) {
				welcome(c, tc.announced)
				rr := c.expect(wire.TypeRulesRequest)
				for _, m := range tc.parts() {
					c.send(rr.ID, m)
				}
				id := c.pull(app.Cursor{Epoch: 1})
				c.send(id, &wire.Changes{Page: app.Page{Records: []app.Record{}, Cursor: app.Cursor{Epoch: 1}}})
				// The connection ends: the client comes back.
			})
			second := play(func(c *srvConn) {
				if h := welcome(c, tc.announced); h.RulesDigest != "" {
					c.fail("hello after a refused bundle says digest %q, want the old (none)", h.RulesDigest)
				}
				if tc.wantKey == "" { // not refused, only not served: asked again
					rr := c.expect(wire.TypeRulesRequest)
					for _, m := range messages(t, versions, good, "") {
						c.send(rr.ID, m)
					}
				}
				c.idle() // a rules_request here fails the script
			})
			srv := newFakeServer(t, first, second)
			in := &installer{}
			h := start(t, newReplica(t), srv, client.Options{OnRules: in.install})
			h.until("the second connection", func(st client.Status) bool { return srv.attempts() >= 2 })
			// A pull asked for now reaches the server after whatever the
			// client sent on welcome (a rules_request would fail the script).
			h.e.Retry()
			st := h.until("a pull on the second connection", func(client.Status) bool {
				return countOf(srv.frameTypes(), wire.TypePull) >= 2
			})
			if tc.wantKey == "" {
				if st.RulesDigest != wire.BundleDigest(good) || in.calls() != 1 {
					t.Errorf("after an error answer and a good bundle: RulesDigest %q, %d installs; want the good one, once", st.RulesDigest, in.calls())
				}
				return
			}
			if st.RulesRefused == nil || st.RulesRefused.Key != tc.wantKey {
				t.Errorf("RulesRefused = %v, want key %s", st.RulesRefused, tc.wantKey)
			}
			if st.RulesDigest != "" {
				t.Errorf("RulesDigest = %q, want the old (none)", st.RulesDigest)
			}
			if in.calls() != tc.installs {
				t.Errorf("OnRules called %d times, want %d", in.calls(), tc.installs)
			}
		})
	}
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// messages returns the parts of a bundle of files; digest, when set,
// replaces the parts' digest.
func messages(t *testing.T, versions []wire.RuleSetInfo, files []wire.RuleFile, digest string) []wire.Message {
	t.Helper()
	parts, err := wire.SplitRules(versions, files)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]wire.Message, len(parts))
	for i, p := range parts {
		if digest != "" {
			p.Digest = digest
		}
		out[i] = p
	}
	return out
}
