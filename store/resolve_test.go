package store_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// conflictOn returns a protected-field conflict on s whose mine side is
// the command cmd.
func conflictOn(s *app.Sag, id, cmd app.ID) app.Conflict {
	return app.Conflict{ID: id, Sag: s.ID, Field: "kontaktgruppe", Policy: app.PolicyProtected, Owner: "cw1",
		Base:    app.ConflictSide{Value: []byte("1"), Version: 1},
		Mine:    app.ConflictSide{Value: []byte("2"), Version: 1, Command: cmd, Author: caseworker, Device: "dev1"},
		Theirs:  app.ConflictSide{Value: []byte("3"), Version: 2, Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}},
		Created: eventTime}
}

func conflictsListed(tb testing.TB, db *store.DB, id app.ID) int {
	tb.Helper()
	sum, ok := listed(tb, db, id)
	if !ok {
		tb.Fatalf("case %s not listed", id)
	}
	return sum.Conflicts
}

// TestResolveIsKeptInOutboxOrderUntilClosed: a decision is recorded with
// its conflict, durably, at its place among the commands saved before and
// after it; the conflict notice the server sends again after a welcome
// does not lose it; it is made once; the server's resolved removes both.
func TestResolveIsKeptInOutboxOrderUntilClosed(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	mustNoErr(t, db.PutConflict(conflictOn(s, "k1", "cmd-mine")), "PutConflict")
	mustCommit(t, db, notat(t, s.ID, "før"))
	dec := app.Resolution{Conflict: "k1", Decision: app.ResolveTakeMine, Note: "Aftalt med borgeren", Actor: caseworker, At: eventTime}
	mustNoErr(t, db.Resolve(dec), "Resolve")
	mustCommit(t, db, notat(t, s.ID, "efter"))
	recs, err := db.Audit(0, 100)
	mustNoErr(t, err, "Audit")
	if !slices.ContainsFunc(recs, func(a app.AuditRecord) bool {
		return a.Action == app.ActionChanged && a.Sag == s.ID && a.Command == "cmd-mine" && a.Kind == "resolve_mine" && a.Actor == caseworker
	}) {
		t.Errorf("audit log %+v: want the decision (changed, resolve_mine, the conflicting command)", recs)
	}

	pend, err := db.Pending()
	mustNoErr(t, err, "Pending")
	db = func() *store.DB { mustNoErr(t, db.Close(), "Close"); return MustReopen(t, path, opts) }()
	got, err := db.Resolutions()
	mustNoErr(t, err, "Resolutions")
	if len(got) != 1 || len(pend) != 2 {
		t.Fatalf("Resolutions = %+v with %d pending; want one decision between two commands", got, len(pend))
	}
	r := got[0]
	if r.Conflict != "k1" || r.Sag != s.ID || r.Decision != app.ResolveTakeMine || r.Note != dec.Note || r.Actor != caseworker || !r.At.Equal(eventTime) {
		t.Errorf("decision = %+v, want %+v with the case filled in", r, dec)
	}
	if !(pend[0].Seq < r.Seq && r.Seq < pend[1].Seq) {
		t.Errorf("decision seq %d, commands %d and %d: want it between them", r.Seq, pend[0].Seq, pend[1].Seq)
	}

	// The server sends every open conflict again after each welcome.
	mustNoErr(t, db.PutConflict(conflictOn(s, "k1", "cmd-mine")), "PutConflict again")
	if got, _ := db.Resolutions(); len(got) != 1 {
		t.Fatalf("after the notice came again: Resolutions = %+v, want the decision kept", got)
	}
	if k, _ := db.Conflicts(s.ID); len(k) != 1 || k[0].Mine.Command != "cmd-mine" {
		t.Errorf("Conflicts = %+v", k)
	}
	if n := conflictsListed(t, db, s.ID); n != 1 {
		t.Errorf("listed conflicts = %d, want 1", n)
	}

	tests := []struct {
		name       string
		r          app.Resolution
		code, rule string
	}{
		{"twice", app.Resolution{Conflict: "k1", Decision: app.ResolveKeepTheirs}, app.CodeConflict, store.RuleDecided},
		{"not open", app.Resolution{Conflict: "k9", Decision: app.ResolveKeepTheirs}, app.CodeNotFound, store.RuleConflictUnknown},
		{"no decision", app.Resolution{Conflict: "k1", Decision: "both"}, app.CodeInvalid, ""},
		{"note too long", app.Resolution{Conflict: "k1", Decision: app.ResolveTakeMine, Note: strings.Repeat("æ", app.MaxResolveNote/2+1)}, app.CodeInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRule(t, db.Resolve(tt.r), tt.code, tt.rule)
		})
	}

	mustNoErr(t, db.CloseConflict("k1", nil), "CloseConflict")
	if got, _ := db.Resolutions(); len(got) != 0 {
		t.Errorf("after resolved: Resolutions = %+v, want none", got)
	}
	if k, _ := db.Conflicts(""); len(k) != 0 {
		t.Errorf("after resolved: Conflicts = %+v, want none", k)
	}
	if n := conflictsListed(t, db, s.ID); n != 0 {
		t.Errorf("after resolved: listed conflicts = %d, want 0", n)
	}
	mustNoErr(t, db.CloseConflict("k1", nil), "CloseConflict of a closed conflict")
}

// TestRejectedUntilDismissed: a rejected command is listed with its case,
// kind and error until the caseworker dismisses it, across a restart; a
// decided "mine" that a rule now refuses turns its command's result into
// a rejection the caseworker sees.
func TestRejectedUntilDismissed(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	s := seed(t, db, canaryCPR, canaryName)
	ok, bad, mine := notat(t, s.ID, "godkendt"), sygemelding(t, s.ID, "afvist"), notat(t, s.ID, "i konflikt")
	for _, c := range []app.Command{ok, bad, mine} {
		mustCommit(t, db, c)
	}
	refusal := app.Errorf(app.CodeRule, "4685", "rule.4685", "dato", "dato:2026-03-12")
	mustNoErr(t, db.Ack(
		app.AckResult{Command: ok.ID, Status: app.AckApplied, Version: 2, At: eventTime},
		app.AckResult{Command: bad.ID, Status: app.AckRejected, Error: refusal, At: eventTime},
		app.AckResult{Command: mine.ID, Status: app.AckConflict, Conflict: "k1", At: eventTime},
	), "Ack")
	mustNoErr(t, db.PutConflict(conflictOn(s, "k1", mine.ID)), "PutConflict")

	ids := func() []app.ID {
		t.Helper()
		rej, err := db.Rejected()
		mustNoErr(t, err, "Rejected")
		var out []app.ID
		for _, a := range rej {
			if a.Sag != s.ID || a.Error == nil || a.Kind == "" {
				t.Errorf("rejected %+v: want its case, kind and error", a)
			}
			out = append(out, a.Command)
		}
		return out
	}
	if got := ids(); !slices.Equal(got, []app.ID{bad.ID}) {
		t.Fatalf("Rejected = %v, want [%s]", got, bad.ID)
	}
	mustNoErr(t, db.Dismiss(bad.ID), "Dismiss")
	wantRule(t, db.Dismiss("never-saved"), app.CodeNotFound, store.RuleCommandUnknown)
	db = func() *store.DB { mustNoErr(t, db.Close(), "Close"); return MustReopen(t, path, opts) }()
	if got := ids(); len(got) != 0 {
		t.Fatalf("after Dismiss and a restart: Rejected = %v, want none", got)
	}
	if r, found, err := db.Result(bad.ID); err != nil || !found || r.Status != app.AckRejected {
		t.Errorf("Result of the dismissed command = %+v %v %v; want it kept", r, found, err)
	}

	mustNoErr(t, db.CloseConflict("k1", refusal), "CloseConflict with the server's refusal")
	if got := ids(); !slices.Equal(got, []app.ID{mine.ID}) {
		t.Errorf("after a refused mine: Rejected = %v, want [%s]", got, mine.ID)
	}
}
