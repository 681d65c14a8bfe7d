package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestCompanyOfflineTeam: two consultants of one team change one company
// offline (both based on version 1). Contacts and visits from both are
// kept; a different employee count from both is a conflict routed to the
// company's owner, and so is a change of a placement's period; the
// server's value stands until the owner decides, and "mine" then applies
// the other consultant's value while "theirs" keeps the server's.
func TestCompanyOfflineTeam(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("vk1", "d1")
	t2 := r.caseworker("vk2", "d2")
	r.setTeam("nord", "vk1", "vk2")
	r.seed("sag-1", "vk1")
	day := app.DateOf(t0)
	r.seedCompany(placed(company(t, "firma-1"), "pl-1", "sag-1", app.Period{Start: day.AddDays(-10), Slut: day.AddDays(20)}), "vk1")
	p1, _ := r.connect(t1)
	p2, _ := r.connect(t2)

	res1 := p1.push(
		vcmd(1, "a-1", "firma-1", "vk1", 1, &app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Åse Øberg", Rolle: "leder"}),
		vcmd(2, "a-2", "firma-1", "vk1", 1, &app.RegistrerVirksomhedskontakt{KontaktID: "kl-1", Form: "besoeg", Formaal: "Praktik"}),
		vcmd(3, "a-3", "firma-1", "vk1", 1, &app.OpdaterAnsatte{SenesteMaaned: 22, Gns12Mdr: 21}),
		vcmd(4, "a-4", "firma-1", "vk1", 1, &app.AfslutPlacering{PlaceringID: "pl-1", Slut: day.AddDays(10)}),
	)
	for _, r := range res1 {
		wantStatus(t, r, app.AckApplied, "")
	}
	res2 := p2.push(
		vcmd(1, "b-1", "firma-1", "vk2", 1, &app.TilfoejKontaktperson{KontaktpersonID: "kp-2", Navn: "Bjørn Æbelø", Rolle: "hr"}),
		vcmd(2, "b-2", "firma-1", "vk2", 1, &app.RegistrerVirksomhedskontakt{KontaktID: "kl-2", Form: "telefon", Formaal: "Opfølgning"}),
		vcmd(3, "b-3", "firma-1", "vk2", 1, &app.OpdaterAnsatte{SenesteMaaned: 30, Gns12Mdr: 25}),
		vcmd(4, "b-4", "firma-1", "vk2", 1, &app.AfslutPlacering{PlaceringID: "pl-1", Slut: day.AddDays(5)}),
	)
	wantStatus(t, res2[0], app.AckApplied, "")
	wantStatus(t, res2[1], app.AckApplied, "")
	wantStatus(t, res2[2], app.AckConflict, "conflict.sync.protected")
	wantStatus(t, res2[3], app.AckConflict, "conflict.sync.protected")

	_, v := r.companyRecord("firma-1")
	if len(v.Kontakter) != 2 || len(v.KontaktLog) != 2 {
		t.Errorf("contacts %d, visits %d: want both consultants' kept", len(v.Kontakter), len(v.KontaktLog))
	}
	if v.Ansatte.SenesteMaaned != 22 || v.Placeringer[0].Periode.Slut != day.AddDays(10) {
		t.Errorf("ansatte %+v, period %+v: the server's values stand until resolved", v.Ansatte, v.Placeringer[0].Periode)
	}
	ks, err := r.srv.Conflicts("vk1")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]app.Conflict{}
	for _, k := range ks {
		fields[k.Field] = k
	}
	ansatte, periode := fields[app.FieldVirksomhedAnsatte], fields["placering/pl-1/periode"]
	if len(ks) != 2 || ansatte.ID != res2[2].Conflict || periode.ID != res2[3].Conflict {
		t.Fatalf("owner's conflicts %+v, want the two of vk2's push", ks)
	}
	for _, k := range ks {
		if k.Kind != app.RecordVirksomhed || k.Sag != "firma-1" || k.Owner != "vk1" || k.Policy != app.PolicyProtected || k.Theirs.Author.ID != "vk1" || k.Mine.Author.ID != "vk2" {
			t.Errorf("conflict %+v: want on company firma-1, routed to vk1, theirs by vk1, mine by vk2", k)
		}
	}
	var mine app.Ansatte
	if err := json.Unmarshal(ansatte.Mine.Value, &mine); err != nil || mine.SenesteMaaned != 30 {
		t.Errorf("mine %s, want vk2's count 30", ansatte.Mine.Value)
	}
	if got := p1.readType(wire.TypeConflict).Body.(*wire.ConflictNotice).Conflict; got.Owner != "vk1" {
		t.Errorf("notice to the owner %+v", got)
	}

	// The owner decides: vk2's count, and the server's period.
	before, _ := r.companyRecord("firma-1")
	p1.send("r1", &wire.Resolve{Conflict: ansatte.ID, Decision: app.ResolveTakeMine})
	if got := p1.readType(wire.TypeResolved).Body.(*wire.Resolved); got.Error != nil || got.Version != before.Version+1 {
		t.Fatalf("take mine: %+v, want applied at v%d", got, before.Version+1)
	}
	p1.send("r2", &wire.Resolve{Conflict: periode.ID, Decision: app.ResolveKeepTheirs})
	if got := p1.readType(wire.TypeResolved).Body.(*wire.Resolved); got.Error != nil {
		t.Fatalf("keep theirs: %+v", got)
	}
	rec, v := r.companyRecord("firma-1")
	if rec.Version != before.Version+1 || v.Ansatte.SenesteMaaned != 30 || v.Placeringer[0].Periode.Slut != day.AddDays(10) {
		t.Errorf("after resolve: v%d ansatte %+v period %+v; want vk2's count, the server's period", rec.Version, v.Ansatte, v.Placeringer[0].Periode)
	}
	if ks, _ := r.srv.Conflicts(""); len(ks) != 0 {
		t.Errorf("conflicts left: %+v", ks)
	}
	// "Mine" replaced the server's count: the old value is in the audit trail.
	var audit []app.LedgerAudit
	_ = r.ledger.View(func(tx app.LedgerTx) (err error) { audit, err = tx.AuditFor("firma-1"); return })
	found := false
	for _, a := range audit {
		if a.Field == app.FieldVirksomhedAnsatte && len(a.Overwritten) > 0 {
			var old app.Ansatte
			found = json.Unmarshal(a.Overwritten, &old) == nil && old.SenesteMaaned == 22
		}
	}
	if !found {
		t.Errorf("audit %+v: want the overwritten count 22", audit)
	}
}

// TestCompanyLWW: a concurrent change of a lww field (the register data)
// is overwritten by the later push and the loser kept in the audit trail.
func TestCompanyLWW(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("vk1", "d1")
	t2 := r.caseworker("vk2", "d2")
	r.setTeam("nord", "vk1", "vk2")
	r.seedCompany(company(t, "firma-1"), "vk1")
	p1, _ := r.connect(t1)
	p2, _ := r.connect(t2)
	wantStatus(t, p1.push(vcmd(1, "a-1", "firma-1", "vk1", 1, &app.OpdaterVirksomhed{Navn: "Første Navn ApS", Sektor: app.SektorPrivat}))[0], app.AckApplied, "")
	wantStatus(t, p2.push(vcmd(1, "b-1", "firma-1", "vk2", 1, &app.OpdaterVirksomhed{Navn: "Andet Navn ApS", Sektor: app.SektorPrivat}))[0], app.AckApplied, "")
	if _, v := r.companyRecord("firma-1"); v.Navn != "Andet Navn ApS" {
		t.Errorf("navn %q, want the last writer's", v.Navn)
	}
	var audit []app.LedgerAudit
	_ = r.ledger.View(func(tx app.LedgerTx) (err error) { audit, err = tx.AuditFor("firma-1"); return })
	if len(audit) != 1 || audit[0].Field != app.FieldVirksomhed || audit[0].Record.Actor.ID != "vk2" || !json.Valid(audit[0].Overwritten) ||
		!strings.Contains(string(audit[0].Overwritten), "Første Navn ApS") {
		t.Errorf("audit %+v, want the overwritten name by vk2's command", audit)
	}
	if got := r.srv.Stats().LWWOverwrites; got != 1 {
		t.Errorf("lww overwrites %d, want 1", got)
	}
}
