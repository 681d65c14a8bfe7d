package server_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

func wantStatus(t *testing.T, got app.AckResult, status, key string) {
	t.Helper()
	if got.Status != status {
		t.Fatalf("ack %+v (error %v): status %s, want %s", got, got.Error, got.Status, status)
	}
	if key != "" && (got.Error == nil || got.Error.Key != key) {
		t.Fatalf("ack %+v: error %v, want key %s", got, got.Error, key)
	}
}

func TestPushAppliesAndPullShowsIt(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, w := r.connect(tok)
	if w.Caseworker != "cw1" || w.Cursor.Seq != 1 || len(w.RuleSets) == 0 || len(w.RulesDigest) != 64 {
		t.Fatalf("welcome %+v", w)
	}
	before := r.ledger.Updates()
	res := p.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("Første notat", "n-1")), cmd(2, "c-2", "sag-1", "", 1, notat("Andet", "n-2")))
	wantStatus(t, res[0], app.AckApplied, "")
	wantStatus(t, res[1], app.AckApplied, "")
	if res[0].Version != 2 || res[1].Version != 3 || !res[0].At.Equal(t0) {
		t.Fatalf("versions %d, %d at %v; want 2, 3 at server time", res[0].Version, res[1].Version, res[0].At)
	}
	if n := r.ledger.Updates() - before; n != 1 {
		t.Fatalf("%d ledger updates for one push, want 1 (group commit per frame)", n)
	}
	rec, s := r.record("sag-1")
	if rec.Version != 3 || s.Version != 3 || len(s.Notater) != 2 || s.Notater[1].Forfatter != "cw1" {
		t.Fatalf("record v%d, sag v%d with notes %+v: want v3, two notes, the second by cw1 (actor filled from the session)", rec.Version, s.Version, s.Notater)
	}
	if len(s.Versions) != 0 {
		t.Fatalf("field versions %v: append fields keep none", s.Versions)
	}
	ch := p.pull(w.Cursor, 0)
	if len(ch.Records) != 1 || ch.Records[0].Version != 3 || ch.HasMore || ch.Cursor.Seq != rec.Seq {
		t.Fatalf("pull: %+v, want sag-1 at v3 and the head", ch.Page)
	}
	var d struct{ PushSeq uint64 }
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		dev, err := tx.Device("dev-1")
		d.PushSeq = dev.PushSeq
		return err
	})
	if d.PushSeq != 2 {
		t.Fatalf("device push seq %d, want 2", d.PushSeq)
	}
}

func TestReplay(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	c := cmd(1, "c-1", "sag-1", "cw1", 1, notat("Et notat", "n-1"))
	first := p.push(c)[0]
	wantStatus(t, first, app.AckApplied, "")
	for i := range 5 { // 1× and then 4× more
		got := p.push(c)[0]
		wantStatus(t, got, app.AckDuplicate, "")
		if got.Version != first.Version || !got.At.Equal(first.At) {
			t.Fatalf("replay %d: %+v, want the first answer %+v", i+1, got, first)
		}
	}
	// Twice in one frame.
	res := p.push(cmd(2, "c-2", "sag-1", "cw1", 2, notat("To", "n-2")), cmd(3, "c-2", "sag-1", "cw1", 2, notat("To", "n-2")))
	wantStatus(t, res[0], app.AckApplied, "")
	wantStatus(t, res[1], app.AckDuplicate, "")
	// The same id with another body.
	other := cmd(4, "c-1", "sag-1", "cw1", 1, notat("Et andet notat", "n-9"))
	wantStatus(t, p.push(other)[0], app.AckRejected, "invalid.sync.replay")
	_, s := r.record("sag-1")
	if len(s.Notater) != 2 || s.Notater[0].Tekst != "Et notat" {
		t.Fatalf("notes %+v: want exactly the two first notes, once each", s.Notater)
	}
	// After the rejection the first answer still stands.
	wantStatus(t, p.push(c)[0], app.AckDuplicate, "")
}

func TestAuthorisation(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	r.seed("sag-2", "cw2")
	r.seed("sag-0", "")
	p, _ := r.connect(tok)
	tests := []struct {
		name   string
		c      wire.PushCommand
		status string
		key    string
	}{
		{"unassigned case", cmd(1, "c-1", "sag-0", "cw1", 1, notat("x", "n-1")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"nonexistent case", cmd(2, "c-2", "sag-404", "cw1", 1, notat("x", "n-1")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"another caseworker's case", cmd(3, "c-3", "sag-2", "cw1", 1, notat("x", "n-1")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"forged actor", cmd(4, "c-4", "sag-1", "cw2", 1, notat("x", "n-1")), app.AckRejected, "unauthorized.sync.actor"},
		{"forged role", func() wire.PushCommand {
			c := cmd(5, "c-5", "sag-1", "cw1", 1, notat("x", "n-1"))
			c.Command.Actor.Rolle = app.RolleSystem
			return c
		}(), app.AckRejected, "unauthorized.sync.actor"},
		{"own case", cmd(6, "c-6", "sag-1", "cw1", 1, notat("x", "n-1")), app.AckApplied, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, p.push(tt.c)[0], tt.status, tt.key)
		})
	}
	for _, id := range []app.ID{"sag-0", "sag-2"} {
		if rec, _ := r.record(id); rec.Version != 1 {
			t.Errorf("%s changed to v%d", id, rec.Version)
		}
	}
}

func TestHLCAYearAheadIsClampedAndFlagged(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	other, _ := r.connect(r.mustLogin("cw1", password, "dev-2"))
	c := cmd(1, "c-1", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match2"})
	c.HLC = app.HLC{Wall: t0.AddDate(1, 0, 0).UnixMilli(), Device: "forged-dev"}
	wantStatus(t, p.push(c)[0], app.AckApplied, "")
	// A concurrent change (another device's: the same device's next
	// command would follow its first) shows the stored (clamped) stamp as
	// theirs.
	c2 := cmd(1, "c-2", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match3"})
	res := other.push(c2)[0]
	wantStatus(t, res, app.AckConflict, "conflict.sync.protected")
	ks, _ := r.srv.Conflicts("cw1")
	if len(ks) != 1 {
		t.Fatalf("%d conflicts, want 1", len(ks))
	}
	th := ks[0].Theirs
	if th.HLC.Wall != t0.UnixMilli() || th.HLC.Device != "dev-1" || th.Command != "c-1" {
		t.Fatalf("theirs %+v: want the first command's HLC clamped to server time and the session's device", th)
	}
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		d, _ := tx.Device("dev-1")
		if !d.SkewFlagged {
			t.Error("device not flagged")
		}
		return nil
	})
	if r.srv.Stats().SkewFlagged != 1 {
		t.Errorf("stats %+v", r.srv.Stats())
	}
}

// TestConcurrentChangesMergeByPolicy: two devices of the owner change the
// same case from the same base: append keeps both, lww applies the later
// and audits the loser, protected opens a conflict and keeps the server's
// value.
func TestConcurrentChangesMergeByPolicy(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.mustLogin("cw1", password, "dev-2")
	r.seed("sag-1", "cw1")
	a, _ := r.connect(t1)
	b, _ := r.connect(t2)

	// append
	wantStatus(t, a.push(cmd(1, "a-1", "sag-1", "cw1", 1, notat("fra a", "n-a")))[0], app.AckApplied, "")
	wantStatus(t, b.push(cmd(1, "b-1", "sag-1", "cw1", 1, notat("fra b", "n-b")))[0], app.AckApplied, "")

	// lww
	_, s := r.record("sag-1")
	base := s.Version
	oldName := s.Borger.Navn
	addr := app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"}
	ca := cmd(2, "a-2", "sag-1", "cw1", base, &app.OpdaterBorger{Navn: "Navn A", Adresse: addr})
	cb := cmd(2, "b-2", "sag-1", "cw1", base, &app.OpdaterBorger{Navn: "Navn B", Adresse: addr})
	ca.BaseFields = map[string]int64{app.FieldBorger: 0}
	cb.BaseFields = map[string]int64{app.FieldBorger: 0}
	wantStatus(t, a.push(ca)[0], app.AckApplied, "")
	wantStatus(t, b.push(cb)[0], app.AckApplied, "")
	_, s = r.record("sag-1")
	if s.Borger.Navn != "Navn B" || len(s.Notater) != 2 {
		t.Fatalf("name %q, %d notes; want the later name and both notes", s.Borger.Navn, len(s.Notater))
	}
	var audit []app.LedgerAudit
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		var err error
		audit, err = tx.AuditFor("sag-1")
		return err
	})
	if len(audit) != 1 || audit[0].Field != app.FieldBorger || !strings.Contains(string(audit[0].Overwritten), `"Navn A"`) || audit[0].Record.Command != "b-2" {
		t.Fatalf("audit %+v: want the overwritten \"Navn A\" under borger, by b-2", audit)
	}
	if strings.Contains(string(audit[0].Overwritten), oldName) {
		t.Fatal("the audit holds the first name, not the one b overwrote")
	}

	// protected
	_, s = r.record("sag-1")
	base = s.Version
	wantStatus(t, a.push(cmd(3, "a-3", "sag-1", "cw1", base, &app.Visiter{Kategori: "match2"}))[0], app.AckApplied, "")
	res := b.push(cmd(3, "b-3", "sag-1", "cw1", base, &app.Visiter{Kategori: "match3"}))[0]
	wantStatus(t, res, app.AckConflict, "conflict.sync.protected")
	_, s = r.record("sag-1")
	if s.Visitation.Kategori != "match2" {
		t.Fatalf("visitation %q: the server's value must stand", s.Visitation.Kategori)
	}
	// The owner's devices hear of it.
	for _, p := range []*peer{a, b} {
		f := p.readType(wire.TypeConflict)
		k := f.Body.(*wire.ConflictNotice).Conflict
		if k.ID != res.Conflict || k.Field != app.FieldVisitation || k.Owner != "cw1" ||
			!strings.Contains(string(k.Mine.Value), "match3") || !strings.Contains(string(k.Theirs.Value), "match2") ||
			k.Theirs.Command != "a-3" || k.Theirs.Device != "dev-1" || k.Mine.Device != "dev-2" {
			t.Fatalf("conflict %+v", k)
		}
	}
	// A reconnecting device gets the open conflict after welcome.
	c, _ := r.connect(r.mustLogin("cw1", password, "dev-3"))
	if f := c.readType(wire.TypeConflict); f.Body.(*wire.ConflictNotice).ID != res.Conflict {
		t.Fatal("open conflict not sent after welcome")
	}
	st := r.srv.Stats()
	if st.Applied != 5 || st.Conflicts != 1 || st.LWWOverwrites != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestRuleRefusalDoesNotBlock(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	p, _ := r.connect(tok)
	res := p.push(
		cmd(1, "c-1", "sag-1", "cw1", 1, &app.Visiter{Kategori: "jobparat"}), // 4656 on KG1
		cmd(2, "c-2", "sag-1", "cw1", 1, notat("efter", "n-1")),
		cmd(3, "c-3", "sag-1", "cw1", 1, &app.SaetKontaktgruppe{KG: 2}), // 4644: a KG is open
		cmd(4, "c-4", "sag-1", "cw1", 1, notat("sidst", "n-2")),
	)
	wantStatus(t, res[0], app.AckRejected, "")
	if res[0].Error.Code != app.CodeRule || res[0].Error.Rule != "4656" {
		t.Fatalf("first: %+v, want rule 4656", res[0].Error)
	}
	wantStatus(t, res[1], app.AckApplied, "")
	if res[2].Status != app.AckRejected || res[2].Error.Rule != "4644" {
		t.Fatalf("third: %+v, want rule 4644", res[2])
	}
	wantStatus(t, res[3], app.AckApplied, "")
	// The refusal is remembered: a replay gets it again.
	again := p.push(cmd(1, "c-1", "sag-1", "cw1", 1, &app.Visiter{Kategori: "jobparat"}))[0]
	if again.Status != app.AckRejected || again.Error.Rule != "4656" {
		t.Fatalf("replayed refusal: %+v", again)
	}
}

func TestPullPagingAndSnapshot(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	for i := range 5 {
		r.seed(app.ID("sag-"+itoa(i)), "cw1")
	}
	r.seed("sag-x", "cw2")
	p, w := r.connect(tok)
	var cur app.Cursor
	seen := map[app.ID]bool{}
	for page := 0; ; page++ {
		ch := p.pull(cur, 2)
		if ch.Snapshot != (page == 0) {
			t.Fatalf("page %d: snapshot %v", page, ch.Snapshot)
		}
		for _, rec := range ch.Records {
			seen[rec.ID] = true
		}
		if ch.Cursor.Epoch != w.Cursor.Epoch || !cur.Before(ch.Cursor) && page > 0 {
			t.Fatalf("page %d: cursor %v after %v", page, ch.Cursor, cur)
		}
		cur = ch.Cursor
		if !ch.HasMore {
			break
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 5 || seen["sag-x"] || cur != w.Cursor {
		t.Fatalf("saw %v ending at %v: want the five of cw1 and the head %v", seen, cur, w.Cursor)
	}
	// Another epoch, or a cursor past the head: a fresh snapshot.
	for _, c := range []app.Cursor{{Epoch: w.Cursor.Epoch + 7, Seq: 3}, {Epoch: w.Cursor.Epoch, Seq: w.Cursor.Seq + 100}} {
		ch := p.pull(c, 0)
		if !ch.Snapshot || len(ch.Records) != 5 {
			t.Fatalf("pull from %v: snapshot %v, %d records; want a 5-record snapshot", c, ch.Snapshot, len(ch.Records))
		}
	}
	// Up to date: nothing.
	if ch := p.pull(cur, 0); len(ch.Records) != 0 || ch.HasMore || ch.Snapshot {
		t.Fatalf("pull at head: %+v", ch.Page)
	}
}

func TestPokeAcrossConnections(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.mustLogin("cw1", password, "dev-2")
	t3 := r.caseworker("cw2", "dev-3")
	r.seed("sag-1", "cw1")
	a, wa := r.connect(t1)
	b, _ := r.connect(t2)
	other, _ := r.connect(t3)
	wantStatus(t, a.push(cmd(1, "c-1", "sag-1", "cw1", 1, notat("x", "n-1")))[0], app.AckApplied, "")
	f := b.read()
	poke, ok := f.Body.(*wire.Poke)
	rec, _ := r.record("sag-1")
	if !ok || poke.Cursor.Seq != rec.Seq {
		t.Fatalf("dev-2 got %s %+v, want a poke at %d", f.Body.Type(), f.Body, rec.Seq)
	}
	// The pusher gets its ack, not a poke; cw2 nothing. Ping shows the
	// queues hold nothing else.
	for _, p := range []*peer{a, other} {
		p.send("z", &wire.Ping{})
		if f := p.read(); f.Body.Type() != wire.TypePong {
			t.Fatalf("got %s before the pong", f.Body.Type())
		}
	}
	// Reassignment pokes both caseworkers; the old owner's next pull
	// shows the case removed.
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	a.readType(wire.TypePoke)
	other.readType(wire.TypePoke)
	ch := a.pull(app.Cursor{Epoch: wa.Cursor.Epoch, Seq: rec.Seq}, 0) // the ledger's epoch is random
	if len(ch.Records) != 1 || !ch.Records[0].Removed {
		t.Fatalf("old owner's pull: %+v, want sag-1 removed", ch.Records)
	}
	// A command dev-1 made before the handover is still accepted; one
	// based on a later version is not.
	wantStatus(t, a.push(cmd(2, "c-2", "sag-1", "cw1", rec.Version, notat("fra før", "n-2")))[0], app.AckApplied, "")
	after, _ := r.record("sag-1")
	wantStatus(t, a.push(cmd(3, "c-3", "sag-1", "cw1", after.Version, notat("efter", "n-3")))[0], app.AckRejected, "unauthorized.sync.not_assigned")
}

func TestResolve(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.mustLogin("cw1", password, "dev-2")
	r.seed("sag-1", "cw1")
	a, _ := r.connect(t1)
	b, _ := r.connect(t2)
	open := func(n int, kat string) app.ID {
		t.Helper()
		_, s := r.record("sag-1")
		other := map[string]string{"match2": "match3", "match3": "match2"}[kat]
		wantStatus(t, a.push(cmd(uint64(n), app.ID("a-"+itoa(n)), "sag-1", "cw1", s.Version, &app.Visiter{Kategori: other}))[0], app.AckApplied, "")
		res := b.push(cmd(uint64(n), app.ID("b-"+itoa(n)), "sag-1", "cw1", s.Version, &app.Visiter{Kategori: kat}))[0]
		wantStatus(t, res, app.AckConflict, "")
		return res.Conflict
	}
	k1 := open(1, "match3")
	b.send("r1", &wire.Resolve{Conflict: k1, Decision: app.ResolveKeepTheirs})
	res := b.readType(wire.TypeResolved).Body.(*wire.Resolved)
	if res.Error != nil || res.Decision != app.ResolveKeepTheirs {
		t.Fatalf("resolved %+v", res)
	}
	if got := a.readType(wire.TypeResolved).Body.(*wire.Resolved); got.Conflict != k1 {
		t.Fatalf("other device got %+v", got)
	}
	if _, s := r.record("sag-1"); s.Visitation.Kategori != "match2" {
		t.Fatalf("theirs: visitation %q", s.Visitation.Kategori)
	}
	k2 := open(2, "match2") // server now match3, mine match2
	b.send("r2", &wire.Resolve{Conflict: k2, Decision: app.ResolveTakeMine})
	res = b.readType(wire.TypeResolved).Body.(*wire.Resolved)
	rec, s := r.record("sag-1")
	if res.Error != nil || res.Version != rec.Version || s.Visitation.Kategori != "match2" {
		t.Fatalf("mine: %+v, case v%d %q", res, rec.Version, s.Visitation.Kategori)
	}
	if ks, _ := r.srv.Conflicts("cw1"); len(ks) != 0 {
		t.Fatalf("%d conflicts still open", len(ks))
	}
	// Resolved twice, or someone else's: not found.
	b.send("r3", &wire.Resolve{Conflict: k2, Decision: app.ResolveTakeMine})
	f := b.readType(wire.TypeError)
	if e := f.Body.(*wire.Error); f.ID != "r3" || e.Code != app.CodeNotFound {
		t.Fatalf("second resolve: %+v", e)
	}
}

func TestAuditUpload(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, _ := r.connect(tok)
	var recs []app.AuditRecord
	var prev []byte
	for i := 1; i <= 5; i++ {
		a := app.AuditRecord{Seq: uint64(i), At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Action: app.ActionViewed, Sag: "sag-1", Prev: prev}
		h, err := a.ChainHash()
		if err != nil {
			t.Fatal(err)
		}
		a.Hash, prev = h, h
		recs = append(recs, a)
	}
	upload := func(id app.ID, rs ...app.AuditRecord) *wire.AuditAck {
		t.Helper()
		p.send(id, &wire.AuditUpload{Device: "dev-1", Records: rs})
		return p.readType(wire.TypeAuditAck).Body.(*wire.AuditAck)
	}
	if ack := upload("u1", recs[0], recs[1]); ack.Through != 2 || len(ack.Gaps) != 0 {
		t.Fatalf("ack %+v, want through 2", ack)
	}
	if ack := upload("u2", recs[1], recs[3], recs[4]); ack.Through != 2 || len(ack.Gaps) != 1 || ack.Gaps[0] != (wire.SeqRange{From: 3, To: 3}) {
		t.Fatalf("ack %+v, want through 2 with gap 3–3", ack)
	}
	if ack := upload("u3", recs[2:]...); ack.Through != 5 {
		t.Fatalf("ack %+v, want through 5", ack)
	}
	var n int
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		a, err := tx.AuditFor("sag-1")
		n = len(a)
		return err
	})
	if n != 5 || r.srv.Stats().AuditBroken != 0 {
		t.Fatalf("%d stored, stats %+v: want 5, none broken", n, r.srv.Stats())
	}
	p.send("u4", &wire.AuditUpload{Device: "dev-9", Records: recs[:1]})
	if f := p.readType(wire.TypeError); f.Body.(*wire.Error).Code != app.CodeUnauthorized {
		t.Fatalf("another device's upload: %+v", f.Body)
	}
}

func TestRulesBundle(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, w := r.connect(tok)
	p.send("rr", &wire.RulesRequest{})
	f := p.readType(wire.TypeRulesBundle)
	b := f.Body.(*wire.RulesBundle)
	files, err := wire.Assemble([]*wire.RulesBundle{b})
	if err != nil || f.ID != "rr" || b.Digest != w.RulesDigest || len(files) != 1 {
		t.Fatalf("bundle %+v: %v", b, err)
	}
}

func TestImportedCaseJSON(t *testing.T) {
	r := newRig(t)
	r.caseworker("cw1", "dev-1")
	r.seed("sag-1", "cw1")
	rec, s := r.record("sag-1")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(rec.Data, &raw); err != nil || rec.Version != 1 || s.Ansvarlig != "cw1" {
		t.Fatalf("imported %+v: %v", s, err)
	}
	if err := r.srv.Assign("sag-1", "nobody"); app.ErrorCode(err) != app.CodeNotFound {
		t.Fatalf("assign to an unknown account: %v", err)
	}
	_ = time.Second
}

// TestHandoverFlagged: a pending command of the previous owner that lands
// after the case was reassigned is applied and flagged for the new owner:
// in the ack (also when replayed) and as a server audit record of the
// case naming the new owner. The new owner's own commands are not flagged.
func TestHandoverFlagged(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	a, _ := r.connect(t1)
	b, _ := r.connect(t2)
	made := cmd(1, "c-old", "sag-1", "cw1", 1, notat("skrevet før omfordelingen", "n-1"))
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	b.readType(wire.TypePoke)
	res := a.push(made)[0]
	wantStatus(t, res, app.AckApplied, "")
	if res.Handover != "cw2" {
		t.Fatalf("ack %+v: want it flagged for cw2", res)
	}
	if again := a.push(made)[0]; again.Status != app.AckDuplicate || again.Handover != "cw2" {
		t.Fatalf("replayed: %+v, want a duplicate still flagged for cw2", again)
	}
	b.readType(wire.TypePoke) // the new owner's scope changed
	wantStatus(t, b.push(cmd(1, "c-new", "sag-1", "cw2", 3, notat("den nye ejers", "n-2")))[0], app.AckApplied, "")
	var flagged []app.LedgerAudit
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		all, err := tx.AuditFor("sag-1")
		for _, x := range all {
			if x.Handover != "" {
				flagged = append(flagged, x)
			}
		}
		return err
	})
	if len(flagged) != 1 {
		t.Fatalf("%d flagged audit records, want 1: %+v", len(flagged), flagged)
	}
	f := flagged[0]
	if f.Handover != "cw2" || f.Device != "" || f.Record.Command != "c-old" || f.Record.Actor.ID != "cw1" ||
		f.Record.Action != app.ActionChanged || f.Record.Sag != "sag-1" || f.Record.Kind != "tilfoej_notat" {
		t.Fatalf("flag %+v, want cw1's c-old on sag-1 flagged for cw2 by the server", f)
	}
}

// TestOwnEarlierEditIsNotConcurrent: a device that changes a field twice
// while offline sends both commands with the confirmed version as base;
// the second follows the first on the device, so it is not concurrent
// with it (no conflict with oneself, no audit of one's own value as
// overwritten). A change by another device in between still is: A edits,
// B edits on top of that, A's second edit with the old base conflicts
// with (protected) or overwrites and audits (lww) B's.
func TestOwnEarlierEditIsNotConcurrent(t *testing.T) {
	visit := func(k string) app.Body { return &app.Visiter{Kategori: k} }
	name := func(n string) app.Body {
		return &app.OpdaterBorger{Navn: n, Adresse: app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"}}
	}
	// step is one command: by device a or b, on the case's first version
	// (stale) or on the current one (seen), with its outbox seq and the
	// ack status wanted.
	type step struct {
		dev    string
		seq    uint64
		id     app.ID
		body   app.Body
		seen   bool
		status string
	}
	tests := []struct {
		name      string
		steps     []step
		onePush   bool   // a's commands in one push frame
		kategori  string // the visitation afterwards ("" = not checked)
		navn      string // the citizen's name afterwards ("" = not checked)
		notes     int
		conflicts int
		theirs    app.ID   // the open conflict's theirs command
		audited   []string // overwritten values in the audit, in order
	}{
		{name: "protected, own sequence", steps: []step{
			{"a", 1, "a-1", visit("match2"), false, app.AckApplied},
			{"a", 2, "a-2", visit("match3"), false, app.AckApplied},
		}, kategori: "match3"},
		{name: "protected, own sequence in one push", onePush: true, steps: []step{
			{"a", 1, "a-1", visit("match2"), false, app.AckApplied},
			{"a", 2, "a-2", visit("match3"), false, app.AckApplied},
		}, kategori: "match3"},
		{name: "lww, own sequence", steps: []step{
			{"a", 1, "a-1", name("Navn A1"), false, app.AckApplied},
			{"a", 2, "a-2", name("Navn A2"), false, app.AckApplied},
			{"a", 3, "a-3", name("Navn A3"), false, app.AckApplied},
		}, navn: "Navn A3"},
		{name: "protected, a b a", steps: []step{
			{"a", 1, "a-1", visit("match2"), false, app.AckApplied},
			{"b", 1, "b-1", visit("match3"), true, app.AckApplied},
			{"a", 2, "a-2", visit("match2"), false, app.AckConflict},
		}, kategori: "match3", conflicts: 1, theirs: "b-1"},
		{name: "lww, a b a", steps: []step{
			{"a", 1, "a-1", name("Navn A1"), false, app.AckApplied},
			{"b", 1, "b-1", name("Navn B"), true, app.AckApplied},
			{"a", 2, "a-2", name("Navn A2"), false, app.AckApplied},
			{"a", 3, "a-3", name("Navn A3"), false, app.AckApplied},
		}, navn: "Navn A3", audited: []string{"Navn B"}},
		{name: "lww, b concurrent with a's first", steps: []step{
			{"a", 1, "a-1", name("Navn A1"), false, app.AckApplied},
			{"b", 1, "b-1", name("Navn B"), false, app.AckApplied},
			{"a", 2, "a-2", name("Navn A2"), false, app.AckApplied},
		}, navn: "Navn A2", audited: []string{"Navn A1", "Navn B"}},
		{name: "protected, own later command arrived first", steps: []step{
			{"a", 2, "a-2", visit("match3"), false, app.AckApplied},
			{"a", 1, "a-1", visit("match2"), false, app.AckConflict},
		}, kategori: "match3", conflicts: 1, theirs: "a-2"},
		{name: "append unaffected", steps: []step{
			{"a", 1, "a-1", notat("a1", "n-a1"), false, app.AckApplied},
			{"b", 1, "b-1", notat("b1", "n-b1"), false, app.AckApplied},
			{"a", 2, "a-2", notat("a2", "n-a2"), false, app.AckApplied},
		}, notes: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			t1 := r.caseworker("cw1", "dev-1")
			t2 := r.mustLogin("cw1", password, "dev-2")
			r.seed("sag-1", "cw1")
			a, _ := r.connect(t1)
			b, _ := r.connect(t2)
			peers := map[string]*peer{"a": a, "b": b}
			pc := func(st step) wire.PushCommand {
				base := int64(1)
				if st.seen {
					rec, _ := r.record("sag-1")
					base = rec.Version
				}
				c := cmd(st.seq, st.id, "sag-1", "cw1", base, st.body)
				if !st.seen {
					c.BaseFields = map[string]int64{app.FieldBorger: 0, app.FieldVisitation: 0}
				}
				return c
			}
			if tt.onePush {
				var cs []wire.PushCommand
				for _, st := range tt.steps {
					cs = append(cs, pc(st))
				}
				for i, res := range a.push(cs...) {
					wantStatus(t, res, tt.steps[i].status, "")
				}
			} else {
				for _, st := range tt.steps {
					wantStatus(t, peers[st.dev].push(pc(st))[0], st.status, "")
				}
			}
			_, s := r.record("sag-1")
			if tt.kategori != "" && s.Visitation.Kategori != tt.kategori {
				t.Errorf("visitation %q, want %q", s.Visitation.Kategori, tt.kategori)
			}
			if tt.navn != "" && s.Borger.Navn != tt.navn {
				t.Errorf("name %q, want %q", s.Borger.Navn, tt.navn)
			}
			if len(s.Notater) != tt.notes {
				t.Errorf("%d notes, want %d", len(s.Notater), tt.notes)
			}
			ks, err := r.srv.Conflicts("cw1")
			if err != nil {
				t.Fatal(err)
			}
			if len(ks) != tt.conflicts {
				t.Fatalf("%d conflicts %+v, want %d", len(ks), ks, tt.conflicts)
			}
			if tt.conflicts > 0 && ks[0].Theirs.Command != tt.theirs {
				t.Errorf("theirs %+v, want command %s", ks[0].Theirs, tt.theirs)
			}
			var audit []app.LedgerAudit
			_ = r.ledger.View(func(tx app.LedgerTx) error {
				var err error
				audit, err = tx.AuditFor("sag-1")
				return err
			})
			var got []string
			for _, x := range audit {
				if x.Field != "" {
					var v struct{ Navn string }
					_ = json.Unmarshal(x.Overwritten, &v)
					got = append(got, v.Navn)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.audited, "|") {
				t.Errorf("overwritten in the audit %q, want %q", got, tt.audited)
			}
			// A ping answered after the acks: each push's counters are in.
			a.alive("sync-a")
			b.alive("sync-b")
			if n := r.srv.Stats().LWWOverwrites; n != int64(len(tt.audited)) {
				t.Errorf("%d lww overwrites counted, want %d", n, len(tt.audited))
			}
		})
	}
}
