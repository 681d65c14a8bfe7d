package server_test

// TEST-ONLY in-memory ledger, until store/ledger (bbolt) lands on main;
// then the tests switch to it and this file goes. It keeps the promises of
// app.LedgerTx as app/ledger.go states them, simply: every Update works on
// a copy of the state and swaps it in on success.

import (
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
)

type memState struct {
	epoch, seq uint64
	records    map[string]app.LedgerRecord
	removals   map[app.ID]map[string]uint64 // owner → record key → position it left
	applied    map[app.ID]app.AppliedCommand
	conflicts  map[app.ID]app.Conflict
	audit      []app.LedgerAudit
	auditSeen  map[string]bool
	accounts   map[app.ID]app.Account
	devices    map[app.ID]app.Device
	sessions   map[string]app.Session
	meta       map[string][]byte
}

func (s *memState) clone() *memState {
	c := *s
	c.records = maps.Clone(s.records)
	c.removals = map[app.ID]map[string]uint64{}
	for k, v := range s.removals {
		c.removals[k] = maps.Clone(v)
	}
	c.applied = maps.Clone(s.applied)
	c.conflicts = maps.Clone(s.conflicts)
	c.audit = slices.Clip(s.audit)
	c.auditSeen = maps.Clone(s.auditSeen)
	c.accounts = maps.Clone(s.accounts)
	c.devices = maps.Clone(s.devices)
	c.sessions = maps.Clone(s.sessions)
	c.meta = maps.Clone(s.meta)
	return &c
}

// memLedger is the test-only in-memory app.Ledger.
type memLedger struct {
	mu      sync.RWMutex
	st      *memState
	updates int // how many Updates committed, for the one-Update-per-push check
}

func newMemLedger() *memLedger {
	return &memLedger{st: &memState{epoch: 1, records: map[string]app.LedgerRecord{}, removals: map[app.ID]map[string]uint64{},
		applied: map[app.ID]app.AppliedCommand{}, conflicts: map[app.ID]app.Conflict{}, auditSeen: map[string]bool{},
		accounts: map[app.ID]app.Account{}, devices: map[app.ID]app.Device{}, sessions: map[string]app.Session{}, meta: map[string][]byte{}}}
}

func (l *memLedger) View(fn func(app.LedgerTx) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return fn(&memTx{st: l.st})
}

func (l *memLedger) Update(fn func(app.LedgerTx) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.st.clone()
	if err := fn(&memTx{st: st, write: true}); err != nil {
		return err
	}
	l.st = st
	l.updates++
	return nil
}

func (l *memLedger) Updates() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.updates
}

func (l *memLedger) Close() error { return nil }

type memTx struct {
	st    *memState
	write bool
}

func notFound() error { return app.Errorf(app.CodeNotFound, "", "not_found.sync.conflict") }

func readOnly() error { return app.Internal(errReadOnly{}) }

type errReadOnly struct{}

func (errReadOnly) Error() string { return "write in a read-only transaction" }

func rkey(kind string, id app.ID) string { return kind + "/" + string(id) }

func (t *memTx) Head() (app.Cursor, error) { return app.Cursor{Epoch: t.st.epoch, Seq: t.st.seq}, nil }

func (t *memTx) NewEpoch() (app.Cursor, error) {
	if !t.write {
		return app.Cursor{}, readOnly()
	}
	t.st.epoch++
	return t.Head()
}

func (t *memTx) Record(kind string, id app.ID) (app.LedgerRecord, error) {
	r, ok := t.st.records[rkey(kind, id)]
	if !ok {
		return r, notFound()
	}
	return r, nil
}

func (t *memTx) PutRecord(r app.LedgerRecord) (uint64, error) {
	if !t.write {
		return 0, readOnly()
	}
	t.st.seq++
	k := rkey(r.Kind, r.ID)
	if old, ok := t.st.records[k]; ok && old.Owner != r.Owner && old.Owner != "" {
		m := maps.Clone(t.st.removals[old.Owner])
		if m == nil {
			m = map[string]uint64{}
		}
		m[k] = t.st.seq
		t.st.removals[old.Owner] = m
	}
	r.Seq = t.st.seq
	t.st.records[k] = r
	return r.Seq, nil
}

func (t *memTx) Changes(owner app.ID, after uint64, limit int) ([]app.Record, error) {
	var out []app.Record
	for _, r := range t.st.records {
		if r.Owner == owner && owner != "" && r.Seq > after {
			out = append(out, app.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Seq: r.Seq, Data: r.Data})
		}
	}
	if after > 0 {
		for k, seq := range t.st.removals[owner] {
			r := t.st.records[k]
			if seq > after && r.Owner != owner {
				out = append(out, app.Record{Kind: r.Kind, ID: r.ID, Version: r.Version, Seq: seq, Removed: true})
			}
		}
	}
	slices.SortFunc(out, func(a, b app.Record) int { return int(a.Seq) - int(b.Seq) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (t *memTx) Scope(owner app.ID, kind string) ([]app.ID, error) {
	var out []app.ID
	for _, r := range t.st.records {
		if r.Owner == owner && r.Kind == kind {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (t *memTx) Applied(id app.ID) (app.AppliedCommand, error) {
	a, ok := t.st.applied[id]
	if !ok {
		return a, notFound()
	}
	return a, nil
}

func (t *memTx) PutApplied(a app.AppliedCommand) error {
	if !t.write {
		return readOnly()
	}
	t.st.applied[a.ID] = a
	return nil
}

func (t *memTx) PruneApplied(before time.Time) (int, error) {
	n := 0
	for id, a := range t.st.applied {
		if a.At.Before(before) {
			delete(t.st.applied, id)
			n++
		}
	}
	return n, nil
}

func (t *memTx) PutConflict(c app.Conflict) error {
	if !t.write {
		return readOnly()
	}
	t.st.conflicts[c.ID] = c
	return nil
}

func (t *memTx) Conflict(id app.ID) (app.Conflict, error) {
	c, ok := t.st.conflicts[id]
	if !ok {
		return c, notFound()
	}
	return c, nil
}

func (t *memTx) Conflicts(owner app.ID) ([]app.Conflict, error) {
	var out []app.Conflict
	for _, c := range t.st.conflicts {
		if owner == "" || c.Owner == owner {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b app.Conflict) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return cmpStr(string(a.ID), string(b.ID))
	})
	return out, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *memTx) DeleteConflict(id app.ID) error {
	if !t.write {
		return readOnly()
	}
	if _, ok := t.st.conflicts[id]; !ok {
		return notFound()
	}
	delete(t.st.conflicts, id)
	return nil
}

func (t *memTx) AppendAudit(recs ...app.LedgerAudit) (int, error) {
	if !t.write {
		return 0, readOnly()
	}
	n := 0
	for _, r := range recs {
		if r.Device != "" {
			k := string(r.Device) + "/" + strconv.FormatUint(r.Record.Seq, 10)
			if t.st.auditSeen[k] {
				continue
			}
			t.st.auditSeen[k] = true
		}
		r.Seq = uint64(len(t.st.audit) + 1)
		t.st.audit = append(t.st.audit, r)
		n++
	}
	return n, nil
}

func (t *memTx) AuditFor(id app.ID) ([]app.LedgerAudit, error) {
	var out []app.LedgerAudit
	for _, a := range t.st.audit {
		if a.Record.Concerns(id) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (t *memTx) PutAccount(a app.Account) error {
	if !t.write {
		return readOnly()
	}
	t.st.accounts[a.ID] = a
	return nil
}

func (t *memTx) Account(id app.ID) (app.Account, error) {
	a, ok := t.st.accounts[id]
	if !ok {
		return a, notFound()
	}
	return a, nil
}

func (t *memTx) Accounts() ([]app.Account, error) {
	out := slices.Collect(maps.Values(t.st.accounts))
	slices.SortFunc(out, func(a, b app.Account) int { return cmpStr(string(a.ID), string(b.ID)) })
	return out, nil
}

func (t *memTx) PutDevice(d app.Device) error {
	if !t.write {
		return readOnly()
	}
	t.st.devices[d.ID] = d
	return nil
}

func (t *memTx) Device(id app.ID) (app.Device, error) {
	d, ok := t.st.devices[id]
	if !ok {
		return d, notFound()
	}
	return d, nil
}

func (t *memTx) Devices(account app.ID) ([]app.Device, error) {
	var out []app.Device
	for _, d := range t.st.devices {
		if d.Account == account {
			out = append(out, d)
		}
	}
	return out, nil
}

func (t *memTx) PutSession(s app.Session) error {
	if !t.write {
		return readOnly()
	}
	t.st.sessions[hex.EncodeToString(s.Hash)] = s
	return nil
}

func (t *memTx) Session(hash []byte) (app.Session, error) {
	s, ok := t.st.sessions[hex.EncodeToString(hash)]
	if !ok {
		return s, notFound()
	}
	return s, nil
}

func (t *memTx) DeleteSessions(account, device app.ID) (int, error) {
	if !t.write {
		return 0, readOnly()
	}
	n := 0
	for k, s := range t.st.sessions {
		if s.Account == account && (device == "" || s.Device == device) {
			delete(t.st.sessions, k)
			n++
		}
	}
	return n, nil
}

func (t *memTx) Meta(key string) ([]byte, error) {
	b, ok := t.st.meta[key]
	if !ok {
		return nil, notFound()
	}
	return b, nil
}

func (t *memTx) PutMeta(key string, value []byte) error {
	if !t.write {
		return readOnly()
	}
	t.st.meta[key] = value
	return nil
}
