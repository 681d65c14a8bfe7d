package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// Rule bundles from the server (issue 9 §9): the sync engine fetches the
// server's bundle when its digest differs from the client's and hands it
// to installRules, which loads it with the same loader as the built-in
// tables, keeps it sealed in the replica (store.DB.SetRuleBundle) and
// swaps the engine the replica executes commands with. A later unlock
// restores it before sync starts; a bundle that does not load is refused
// and the rules in use stay.

// rulesEngine is the replica's executor over the rules in force: the
// built-in tables or an installed bundle. Safe for concurrent use.
type rulesEngine struct{ cur atomic.Pointer[app.Engine] }

var (
	_ store.Executor        = (*rulesEngine)(nil)
	_ store.CompanyExecutor = (*rulesEngine)(nil)
)

func newRulesEngine(e *app.Engine) *rulesEngine {
	r := &rulesEngine{}
	r.cur.Store(e)
	return r
}

// Execute implements store.Executor with the rules in force.
func (r *rulesEngine) Execute(s *app.Sag, c app.Command) (*app.Result, error) {
	return r.cur.Load().Execute(s, c)
}

// Rules returns the rules in force.
func (r *rulesEngine) Rules() *app.Rules { return r.cur.Load().Rules() }

// ExecuteVirksomhed runs a company's command under the rules in force
// (store.CompanyExecutor: the replica's company commits and rebases).
func (r *rulesEngine) ExecuteVirksomhed(v *app.Virksomhed, c app.VCommand, sag *app.Sag) (*app.VResult, error) {
	return r.cur.Load().ExecuteVirksomhed(v, c, sag)
}

// Summary is a case's list line with its deadlines under the rules in
// force; the replica keeps it with the case (without it the store keeps
// lines without deadlines, and the case list shows none).
func (r *rulesEngine) Summary(s *app.Sag, on app.Date) app.CaseSummary {
	return r.cur.Load().Summary(s, on)
}

// keptBundle is what the replica keeps of an installed bundle.
type keptBundle struct {
	Digest   string             `json:"digest"`
	Versions []wire.RuleSetInfo `json:"versions"`
	Files    []wire.RuleFile    `json:"files"`
}

// loadBundle checks a bundle's digest and loads its tables.
func loadBundle(digest string, files []wire.RuleFile) (*app.Rules, error) {
	if wire.BundleDigest(files) != digest {
		return nil, app.Errorf(app.CodeInvalid, "", client.KeyRulesMismatch)
	}
	fsys := memFS{}
	for _, f := range files {
		fsys[f.Name] = f.Data
	}
	return app.LoadRules(fsys)
}

// installRules implements client.Options.OnRules.
func (a *account) installRules(b client.RuleBundle) error {
	rules, err := loadBundle(b.Digest, b.Files)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(keptBundle{Digest: b.Digest, Versions: b.Versions, Files: b.Files})
	if err != nil {
		return app.Internal(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.db == nil {
		return app.Errorf(app.CodeUnauthorized, store.RuleNotOpen, "unauthorized.local_data_locked")
	}
	if err := a.db.SetRuleBundle(raw); err != nil {
		return err
	}
	a.rules.cur.Store(app.NewEngine(rules))
	a.digest = b.Digest
	a.log.Info("rule bundle from the server installed", "digest", b.Digest, "files", len(b.Files))
	return nil
}

// restoreRules puts the bundle kept in the replica in force, or the
// built-in rules when none is kept (or it no longer loads). a.mu is held
// and a.db unlocked.
func (a *account) restoreRules() {
	a.rules.cur.Store(a.builtin)
	a.digest = a.builtinDigest
	raw, err := a.db.RuleBundle()
	if err != nil || raw == nil {
		return
	}
	var k keptBundle
	if err := json.Unmarshal(raw, &k); err != nil {
		a.log.Warn("kept rule bundle unreadable; the built-in rules are in force", "err", err)
		return
	}
	rules, err := loadBundle(k.Digest, k.Files)
	if err != nil {
		a.log.Warn("kept rule bundle does not load; the built-in rules are in force", "err", err)
		return
	}
	a.rules.cur.Store(app.NewEngine(rules))
	a.digest = k.Digest
}

// RulesInForce returns the rules the replica enforces now.
func (a *account) RulesInForce() *app.Rules { return a.rules.Rules() }

// memFS is a read-only file system of a bundle's files, for the rule
// loader.
type memFS map[string]string

// Open implements fs.FS.
func (m memFS) Open(name string) (fs.File, error) {
	data, ok := m[name]
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{name: name, r: strings.NewReader(data), size: int64(len(data))}, nil
}

type memFile struct {
	name string
	r    *strings.Reader
	size int64
}

func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name[strings.LastIndex(i.f.name, "/")+1:] }
func (i memInfo) Size() int64        { return i.f.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

var _ io.Reader = (*memFile)(nil)
