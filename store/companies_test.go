package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

// The field kit's companies in the replica (issue 11): every company
// command committed offline, the follow-up case commands of a placement,
// pulled company records, rebase, removal, search and view with their
// audit records.

const (
	firmaCVR  = "13748136" // passes the modulus-11 check
	firmaNavn = "Østerå Tømrer ApS"
	enhedP    = "1000000007"
)

var (
	firmaDay = app.MustDate(2026, 3, 2)
	firmaAt  = time.Date(2026, 3, 2, 10, 0, 0, 0, app.Copenhagen())
)

// vcommand returns a company command by the test's caseworker.
func vcommand(tb testing.TB, company app.ID, body app.VBody) app.VCommand {
	tb.Helper()
	return app.VCommand{ID: newID(tb), Virksomhed: company, Actor: caseworker, At: firmaAt, Body: body}
}

func mustCommitV(tb testing.TB, db *store.DB, c app.VCommand) *app.VResult {
	tb.Helper()
	r, err := db.CommitVirksomhed(c)
	if err != nil {
		tb.Fatalf("CommitVirksomhed %s: %v", c.Body.Kind(), err)
	}
	return r
}

func opret(navn, cvr string, adr app.Adresse) *app.OpretVirksomhed {
	return &app.OpretVirksomhed{CVR: cvr, Navn: navn, Sektor: app.SektorPrivat, Adresse: adr}
}

// newFirma creates a company on the device with one P-unit of 10 FTE and
// a praktik place.
func newFirma(tb testing.TB, db *store.DB) app.ID {
	tb.Helper()
	id := newID(tb)
	mustCommitV(tb, db, vcommand(tb, id, opret(firmaNavn, "DK-13 74 81 36", app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"})))
	mustCommitV(tb, db, vcommand(tb, id, &app.RegistrerEnhed{PNummer: enhedP, Navn: "Værksted"}))
	mustCommitV(tb, db, vcommand(tb, id, &app.OpdaterAnsatte{PNummer: enhedP, Ansatte: 10}))
	mustCommitV(tb, db, vcommand(tb, id, &app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20}))
	mustCommitV(tb, db, vcommand(tb, id, &app.GemPlads{PladsID: "praktik1", Ordning: app.OrdningPraktik, PNummer: enhedP,
		Titel: "Tømrer", Antal: 2, Timer: 37, Periode: app.Period{Start: firmaDay.AddDays(-30)}}))
	return id
}

// borgerSag puts an aktivitetsparat citizen's case (KG 2) on the device.
func borgerSag(tb testing.TB, db *store.DB) *app.Sag {
	tb.Helper()
	s := testkit.NewSag(tb, firmaDay, testkit.SagArgs{ID: newID(tb), KG: 2, Kategori: "aktivitetsparat", CPR: "0202851236", Navn: "Borger Placeret"})
	s.Version = 1
	mustNoErr(tb, db.PutCase(s), "PutCase")
	return s
}

func companyRecord(tb testing.TB, v *app.Virksomhed, version int64, seq uint64) app.Record {
	tb.Helper()
	c := v.Clone()
	c.Version = version
	b, err := json.Marshal(c)
	mustNoErr(tb, err, "marshal company")
	return app.Record{Kind: app.RecordVirksomhed, ID: v.ID, Version: version, Seq: seq, Data: b}
}

func companyListed(tb testing.TB, db *store.DB, id app.ID) (app.VirksomhedSummary, bool) {
	tb.Helper()
	list, err := db.Companies()
	mustNoErr(tb, err, "Companies")
	for _, s := range list {
		if s.ID == id {
			return s, true
		}
	}
	return app.VirksomhedSummary{}, false
}

func auditTail(tb testing.TB, db *store.DB, n int) []app.AuditRecord {
	tb.Helper()
	recs, err := db.Audit(0, 0)
	mustNoErr(tb, err, "Audit")
	if len(recs) < n {
		tb.Fatalf("audit has %d records, want at least %d", len(recs), n)
	}
	return recs[len(recs)-n:]
}

// TestCommitVirksomhedEveryKind commits each of the twelve company command
// kinds offline: each is in the outbox as a company command (in order),
// has its "changed" record, and the local view shows its effect.
func TestCommitVirksomhedEveryKind(t *testing.T) {
	db := MustOpen(t)
	s := borgerSag(t, db)
	id := newID(t)
	steps := []struct {
		body  app.VBody
		check func(v *app.Virksomhed) bool
	}{
		{opret(firmaNavn, firmaCVR, app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}), func(v *app.Virksomhed) bool { return v.Navn == firmaNavn }},
		{&app.OpdaterVirksomhed{Navn: firmaNavn + " II", Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}, Sektor: app.SektorPrivat},
			func(v *app.Virksomhed) bool { return v.Navn == firmaNavn+" II" }},
		{&app.RegistrerEnhed{PNummer: enhedP, Navn: "Værksted"}, func(v *app.Virksomhed) bool { return len(v.Enheder) == 1 }},
		{&app.OpdaterAnsatte{PNummer: enhedP, Ansatte: 10}, func(v *app.Virksomhed) bool { return v.Enheder[0].Ansatte == 10 }},
		{&app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Karen Ågård", Rolle: "leder"}, func(v *app.Virksomhed) bool { return len(v.Kontakter) == 1 }},
		{&app.RegistrerVirksomhedskontakt{KontaktID: "b1", Dato: firmaDay, Form: "besoeg", Formaal: "Praktik", Udfald: "Aftalt"},
			func(v *app.Virksomhed) bool { return len(v.KontaktLog) == 1 }},
		{&app.GemJobordre{JobordreID: "j1", Titel: "Tømrer", Disco: "711510", Timer: 37, Antal: 1, Periode: app.Period{Start: firmaDay.AddDays(7)}, Status: "aaben"},
			func(v *app.Virksomhed) bool { return len(v.Jobordrer) == 1 }},
		{&app.GemPlads{PladsID: "praktik1", Ordning: app.OrdningPraktik, PNummer: enhedP, Titel: "Tømrer", Antal: 2, Timer: 37, Periode: app.Period{Start: firmaDay.AddDays(-30)}},
			func(v *app.Virksomhed) bool { return len(v.Pladser) == 1 }},
		{&app.Henvis{HenvisningID: "h1", Sag: s.ID, JobordreID: "j1", Start: firmaDay.AddDays(2), Kanal: "skriftlig", Oplyst: true},
			func(v *app.Virksomhed) bool { return len(v.Henvisninger) == 1 }},
		{&app.RegistrerHenvisningsudfald{HenvisningID: "h1", Udfald: "afslaaet"}, func(v *app.Virksomhed) bool { return v.Henvisninger[0].Udfald == "afslaaet" }},
		{&app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20, Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}},
			func(v *app.Virksomhed) bool { return len(v.Placeringer) == 1 }},
		{&app.AfslutPlacering{PlaceringID: "pl1", Slut: firmaDay.AddDays(13)}, func(v *app.Virksomhed) bool { return v.Placeringer[0].Periode.Slut == firmaDay.AddDays(13) }},
	}
	var kinds []string
	for _, st := range steps {
		kinds = append(kinds, st.body.Kind())
	}
	if !slices.Equal(slices.Sorted(slices.Values(kinds)), slices.Sorted(slices.Values(app.VirksomhedKinds()))) {
		t.Fatalf("the test covers %v, the domain has %v", kinds, app.VirksomhedKinds())
	}
	for _, st := range steps {
		t.Run(st.body.Kind(), func(t *testing.T) {
			c := vcommand(t, id, st.body)
			mustCommitV(t, db, c)
			p, err := db.Pending()
			mustNoErr(t, err, "Pending")
			var last app.PendingCommand
			for _, e := range p {
				if e.Command.ID == c.ID {
					last = e
				}
			}
			if last.Command.RecordKind() != app.RecordVirksomhed || last.Command.Sag != id || last.Status != app.StatusPending || last.HLC.IsZero() {
				t.Fatalf("outbox entry %+v", last)
			}
			if vc, ok := last.Command.Virksomhed(); !ok || vc.Body.Kind() != st.body.Kind() {
				t.Fatalf("outbox entry is not the company command: %+v", last.Command)
			}
			v, err := db.ViewCompany(id, caseworker)
			mustNoErr(t, err, "ViewCompany")
			if !st.check(v) {
				t.Fatalf("view after %s: %+v", st.body.Kind(), v)
			}
			recs, err := db.Audit(0, 0)
			mustNoErr(t, err, "Audit")
			var changed *app.AuditRecord
			for i := range recs {
				if recs[i].Command == c.ID {
					changed = &recs[i]
				}
			}
			if changed == nil || changed.Action != app.ActionChanged || changed.Sag != id || changed.Kind != st.body.Kind() {
				t.Errorf("changed record %+v", changed)
			}
			if got := recs[len(recs)-1]; got.Action != app.ActionViewed || got.Sag != id {
				t.Errorf("viewed record %+v", got)
			}
		})
	}
	sum, ok := companyListed(t, db, id)
	pend, _ := db.Pending()
	if !ok || sum.Pending != len(pend)-1 || sum.CVR != firmaCVR { // the placement's plan is the case's
		t.Fatalf("list line %+v (listed %v), outbox %d", sum, ok, len(pend))
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

// TestPlacerQueuesFollowUpInOrder: a placement queues the company command
// and, right after it, the gem_plan command on the citizen's case, in one
// transaction; the case's view shows the tilbud and both are audited.
func TestPlacerQueuesFollowUpInOrder(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	s := borgerSag(t, db)
	before := len(pendingIDs(t, db))
	c := vcommand(t, id, &app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20, Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}})
	r := mustCommitV(t, db, c)
	if len(r.Foelger) != 1 {
		t.Fatalf("follow-ups %+v", r.Foelger)
	}
	p, err := db.Pending()
	mustNoErr(t, err, "Pending")
	if len(p) != before+2 {
		t.Fatalf("outbox has %d entries, want %d", len(p), before+2)
	}
	got, plan := p[before], p[before+1]
	if got.Command.ID != c.ID || got.Command.RecordKind() != app.RecordVirksomhed {
		t.Errorf("entry %d = %+v, want the placement", before, got.Command)
	}
	if plan.Command.ID != c.ID+"-plan" || plan.Command.Sag != s.ID || plan.Command.RecordKind() != app.RecordSag || plan.Base != s.Version || plan.Seq != got.Seq+1 {
		t.Errorf("entry %d = %+v (base %d), want the case's gem_plan right after", before+1, plan.Command, plan.Base)
	}
	v, err := db.View(s.ID, caseworker)
	mustNoErr(t, err, "View")
	if len(v.Planer) != 1 || len(v.Planer[0].Aktiviteter) != 1 || v.Planer[0].Aktiviteter[0].Udbyder != firmaNavn {
		t.Fatalf("case plans %+v", v.Planer)
	}
	rec := auditTail(t, db, 3)
	if rec[0].Sag != id || rec[0].Command != c.ID || rec[1].Sag != s.ID || rec[1].Command != plan.Command.ID || rec[1].Kind != "gem_plan" {
		t.Errorf("audit %+v", rec[:2])
	}
	if sum, ok := listed(t, db, s.ID); !ok || sum.Pending != 1 {
		t.Errorf("case line %+v", sum)
	}
}

// TestRefusedFollowUpKeepsNothing: when the citizen's case refuses the
// placement's follow-up (here: its command id was already saved), the
// whole commit is refused and nothing is kept: no outbox entry, no
// company change, no audit record.
func TestRefusedFollowUpKeepsNothing(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	s := borgerSag(t, db)
	c := vcommand(t, id, &app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20, Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}})
	taken := notat(t, s.ID, "første")
	taken.ID = c.ID + "-plan"
	mustCommit(t, db, taken)
	pend := pendingIDs(t, db)
	recs, _ := db.Audit(0, 0)
	_, err := db.CommitVirksomhed(c)
	wantRule(t, err, app.CodeConflict, store.RuleDuplicate)
	if got := pendingIDs(t, db); !slices.Equal(got, pend) {
		t.Fatalf("outbox %v, want %v", got, pend)
	}
	if after, _ := db.Audit(0, 0); len(after) != len(recs) {
		t.Fatalf("audit grew from %d to %d records", len(recs), len(after))
	}
	v, err := db.ViewCompany(id, caseworker)
	mustNoErr(t, err, "ViewCompany")
	if len(v.Placeringer) != 0 {
		t.Fatalf("placement kept: %+v", v.Placeringer)
	}
	if sum, _ := companyListed(t, db, id); sum.Pending != len(pend)-1 {
		t.Errorf("pending count %d, want %d", sum.Pending, len(pend)-1)
	}
}

// TestCommitVirksomhedRefusals: the engine's refusals and the store's
// own write nothing.
func TestCommitVirksomhedRefusals(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	s := borgerSag(t, db)
	dup := vcommand(t, id, &app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Karen", Rolle: "leder"})
	mustCommitV(t, db, dup)
	tests := []struct {
		name       string
		cmd        app.VCommand
		code, rule string
	}{
		{"unknown company", vcommand(t, newID(t), &app.RegistrerEnhed{PNummer: enhedP, Navn: "x"}), app.CodeNotFound, ""},
		{"create twice", vcommand(t, id, opret("Igen", firmaCVR, app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"})), app.CodeConflict, ""},
		{"a case's id", vcommand(t, s.ID, opret("Sag", firmaCVR, app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"})), app.CodeConflict, ""},
		{"same command id", dup, app.CodeConflict, store.RuleDuplicate},
		{"citizen not on the device", vcommand(t, id, &app.Placer{PlaceringID: "pl9", Sag: newID(t), PladsID: "praktik1", Timer: 20,
			Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}}), app.CodeNotFound, ""},
		{"bad CVR", vcommand(t, newID(t), opret("Ny", "13748137", app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"})), app.CodeInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pend := pendingIDs(t, db)
			_, err := db.CommitVirksomhed(tt.cmd)
			if app.ErrorCode(err) != tt.code || tt.rule != "" && app.AsError(err).Rule != tt.rule {
				t.Fatalf("error %v, want %s %s", err, tt.code, tt.rule)
			}
			if got := pendingIDs(t, db); !slices.Equal(got, pend) {
				t.Fatalf("outbox changed: %v", got)
			}
		})
	}
}

// TestCompaniesListSearchView: the list is sorted by name with counts;
// a search by name, CVR number (however written), street, postcode or
// town finds the company and is logged with the kind of query and the
// companies found, never the query.
func TestCompaniesListSearchView(t *testing.T) {
	db := MustOpen(t)
	a := newFirma(t, db)
	b, c := newID(t), newID(t)
	mustCommitV(t, db, vcommand(t, b, opret("Bageriet Ålborg A/S", "10000009", app.Adresse{Vej: "Bredgade 7", Postnr: "9000", By: "Aalborg"})))
	mustCommitV(t, db, vcommand(t, c, opret("Cykelsmeden ApS", "10000017", app.Adresse{Vej: "Åboulevarden 9", Postnr: "8000", By: "Aarhus C"})))
	list, err := db.Companies()
	mustNoErr(t, err, "Companies")
	var names []string
	for _, s := range list {
		names = append(names, s.Navn)
	}
	if want := []string{"Bageriet Ålborg A/S", "Cykelsmeden ApS", firmaNavn}; !slices.Equal(names, want) {
		t.Fatalf("list %v, want %v", names, want)
	}
	if list[2].Pending != 5 || list[2].Pladser != 2 || list[0].Pending != 1 {
		t.Errorf("counts %+v", list)
	}
	tests := []struct {
		q    string
		kind string
		want []app.ID
	}{
		{"østerå", store.SearchCompanyText, []app.ID{a}},
		{"OESTERAA tømrer", store.SearchCompanyText, []app.ID{a}},
		{firmaCVR, store.SearchCompanyCVR, []app.ID{a}},
		{"DK-13 74 81 36", store.SearchCompanyCVR, []app.ID{a}},
		{"dk 1374", store.SearchCompanyText, []app.ID{a}},
		{"8000", store.SearchCompanyText, []app.ID{c, a}},
		{"åboulevarden", store.SearchCompanyText, []app.ID{c, a}},
		{"aalborg", store.SearchCompanyText, []app.ID{b}},
		{"bredgade 7", store.SearchCompanyText, []app.ID{b}},
		{"ingen", store.SearchCompanyText, nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := db.SearchCompanies(tt.q, caseworker)
			mustNoErr(t, err, "SearchCompanies")
			var ids []app.ID
			for _, s := range got {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("found %v, want %v", ids, tt.want)
			}
			r := auditTail(t, db, 1)[0]
			if r.Action != app.ActionSearched || r.Kind != tt.kind || r.Hits != len(tt.want) || r.Actor != caseworker {
				t.Fatalf("record %+v", r)
			}
			switch len(tt.want) {
			case 0:
				if r.Sag != "" || r.Sager != nil {
					t.Errorf("record names %v %v", r.Sag, r.Sager)
				}
			case 1:
				if r.Sag != tt.want[0] {
					t.Errorf("record names %v", r.Sag)
				}
			default:
				if !slices.Equal(r.Sager, tt.want) {
					t.Errorf("record names %v", r.Sager)
				}
			}
		})
	}
	n, _ := db.Audit(0, 0)
	if _, err := db.SearchCompanies("  ", caseworker); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Audit(0, 0); len(m) != len(n) {
		t.Errorf("an empty query was logged")
	}
	_, err = db.ViewCompany(newID(t), caseworker)
	wantRule(t, err, app.CodeNotFound, store.RuleCompanyUnknown)
	if m, _ := db.Audit(0, 0); len(m) != len(n) {
		t.Errorf("a view of an unknown company was logged")
	}
	h, err := db.History(a, 0)
	mustNoErr(t, err, "History")
	if len(h) == 0 || h[0].Action != app.ActionSearched {
		t.Errorf("the company's history %+v", h)
	}
}

// TestCompanyPageRebaseAndRejection: a pulled company becomes the
// confirmed state; pending commands are replayed on it; one that no
// longer applies is marked rejected (and still sent), and applies again
// when a later state allows it. Base versions come from the confirmed
// company.
func TestCompanyPageRebaseAndRejection(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	conf, err := db.ViewCompany(id, caseworker)
	mustNoErr(t, err, "ViewCompany")
	conf.Versions = map[string]int64{"kontakt/k1": 4}
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{companyRecord(t, conf, 5, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
	// The server's state now has everything the device created: ack those.
	var acks []app.AckResult
	for _, cmd := range pendingIDs(t, db) {
		acks = append(acks, app.AckResult{Command: cmd, Status: app.AckApplied, Version: 5})
	}
	mustNoErr(t, db.Ack(acks...), "Ack")

	enhed := vcommand(t, id, &app.TilfoejKontaktperson{KontaktpersonID: "k3", Navn: "Vagn", Rolle: "mentor", PNummer: enhedP})
	mustCommitV(t, db, enhed)
	k := vcommand(t, id, &app.TilfoejKontaktperson{KontaktpersonID: "k2", Navn: "Ole", Rolle: "leder"})
	mustCommitV(t, db, k)
	p, _ := db.Pending()
	if len(p) != 2 || p[0].Base != 5 || p[1].Base != 5 {
		t.Fatalf("outbox %+v", p)
	}

	// The server's company has no such P-unit (another consultant's
	// correction): the contact at it no longer applies.
	theirs := conf.Clone()
	theirs.Enheder = nil
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{companyRecord(t, theirs, 6, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "ApplyPage 2")
	p, _ = db.Pending()
	if len(p) != 2 || p[0].Status != app.StatusRejected || app.ErrorCode(p[0].Error) != app.CodeNotFound || p[1].Status != app.StatusPending {
		t.Fatalf("outbox after the page: %+v", p)
	}
	v, err := db.ViewCompany(id, caseworker)
	mustNoErr(t, err, "ViewCompany")
	if v.Version != 6 || len(v.Enheder) != 0 || len(v.Kontakter) != 1 || v.Kontakter[0].Navn != "Ole" {
		t.Fatalf("view %+v", v)
	}
	if sum, _ := companyListed(t, db, id); sum.Pending != 2 || sum.Version != 6 {
		t.Errorf("line %+v", sum)
	}
	// A replayed older page changes nothing.
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{companyRecord(t, conf, 5, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "replayed page")
	if v, _ := db.ViewCompany(id, caseworker); v.Version != 6 {
		t.Fatalf("an older record replaced the confirmed state: version %d", v.Version)
	}
	// The unit is gone again on the server: the command applies again.
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{companyRecord(t, conf, 7, 3)}, Cursor: app.Cursor{Epoch: 1, Seq: 3}}), "ApplyPage 3")
	if p, _ = db.Pending(); p[0].Status != app.StatusPending {
		t.Fatalf("outbox after the third page: %+v", p)
	}
	// The server rejects the contact: the view loses it.
	mustNoErr(t, db.Ack(app.AckResult{Command: k.ID, Status: app.AckRejected, Error: app.Errorf(app.CodeUnauthorized, "", "unauthorized.role", "rolle", "x", "handling", "y")}), "Ack rejected")
	v, _ = db.ViewCompany(id, caseworker)
	if len(v.Kontakter) != 1 || v.Kontakter[0].Navn != "Vagn" || len(v.Enheder) != 1 {
		t.Fatalf("view after the rejection %+v", v)
	}
	rej, err := db.Rejected()
	mustNoErr(t, err, "Rejected")
	if len(rej) != 1 || rej[0].Command != k.ID || rej[0].Sag != id || rej[0].Kind != "tilfoej_kontaktperson" {
		t.Fatalf("rejected %+v", rej)
	}
}

// TestRejectedCreationRemovesTheCompany: a company created here whose
// creation the server refuses leaves the list; the refusal is shown.
func TestRejectedCreationRemovesTheCompany(t *testing.T) {
	db := MustOpen(t)
	id := newID(t)
	c := vcommand(t, id, opret(firmaNavn, firmaCVR, app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"}))
	mustCommitV(t, db, c)
	mustNoErr(t, db.Ack(app.AckResult{Command: c.ID, Status: app.AckRejected, Error: app.Errorf(app.CodeConflict, "", "conflict.id_already_used")}), "Ack")
	if _, ok := companyListed(t, db, id); ok {
		t.Fatal("the refused company is still listed")
	}
	_, err := db.ViewCompany(id, caseworker)
	wantRule(t, err, app.CodeNotFound, store.RuleCompanyUnknown)
	if rej, _ := db.Rejected(); len(rej) != 1 || rej[0].Command != c.ID {
		t.Fatalf("rejected %+v", rej)
	}
}

// TestCompanyLeavesScope: a removed company with nothing pending is purged
// at once; one with unsent commands turns read-only (a new command is
// refused) and is purged when its last command is acknowledged. A
// finished snapshot that does not deliver a company removes it too.
func TestCompanyLeavesScope(t *testing.T) {
	db := MustOpen(t)
	path := db.Path()
	mk := func(navn string) *app.Virksomhed {
		return &app.Virksomhed{ID: newID(t), Navn: navn, CVR: firmaCVR, Sektor: app.SektorPrivat,
			Adresse: app.Adresse{Vej: "Vej 1", Postnr: "8000", By: "Aarhus C"}}
	}
	idle, busy, kept, unsent := mk("Idle ApS"), mk("Busy ApS"), mk("Kept ApS"), mk("Unsent ApS")
	var recs []app.Record
	for i, v := range []*app.Virksomhed{idle, busy, kept, unsent} {
		recs = append(recs, companyRecord(t, v, 1, uint64(i+1)))
	}
	mustNoErr(t, db.ApplyPage(app.Page{Records: recs, Cursor: app.Cursor{Epoch: 1, Seq: 4}}), "ApplyPage")
	c := vcommand(t, busy.ID, &app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Kanarie Kontakt", Rolle: "leder"})
	mustCommitV(t, db, c)
	c2 := vcommand(t, unsent.ID, &app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Ny", Rolle: "leder"})
	mustCommitV(t, db, c2)

	removed := []app.Record{
		{Kind: app.RecordVirksomhed, ID: idle.ID, Seq: 5, Removed: true},
		{Kind: app.RecordVirksomhed, ID: busy.ID, Seq: 6, Removed: true},
	}
	mustNoErr(t, db.ApplyPage(app.Page{Records: removed, Cursor: app.Cursor{Epoch: 1, Seq: 6}}), "ApplyPage removals")
	if _, ok := companyListed(t, db, idle.ID); ok {
		t.Fatal("the idle company was not purged")
	}
	sum, ok := companyListed(t, db, busy.ID)
	if !ok || !sum.ReadOnly || sum.Pending != 1 {
		t.Fatalf("busy company %+v (listed %v), want read-only with 1 pending", sum, ok)
	}
	_, err := db.CommitVirksomhed(vcommand(t, busy.ID, &app.TilfoejKontaktperson{KontaktpersonID: "k2", Navn: "x", Rolle: "leder"}))
	wantRule(t, err, app.CodeUnauthorized, store.RuleReadOnly)
	if _, err := db.ViewCompany(busy.ID, caseworker); err != nil {
		t.Fatalf("a read-only company cannot be read: %v", err)
	}
	mustNoErr(t, db.Ack(app.AckResult{Command: c.ID, Status: app.AckApplied, Version: 2}), "Ack")
	if _, ok := companyListed(t, db, busy.ID); ok {
		t.Fatal("the busy company was not purged after its ack")
	}
	_, err = db.ViewCompany(busy.ID, caseworker)
	wantRule(t, err, app.CodeNotFound, store.RuleCompanyUnknown)

	// A snapshot that delivers only "kept": "unsent" turns read-only.
	snap := app.Page{Records: []app.Record{companyRecord(t, kept, 1, 3)}, Cursor: app.Cursor{Epoch: 2, Seq: 3}, Snapshot: true}
	mustNoErr(t, db.ApplyPage(snap), "snapshot")
	if sum, ok := companyListed(t, db, kept.ID); !ok || sum.ReadOnly {
		t.Fatalf("kept %+v %v", sum, ok)
	}
	if sum, ok := companyListed(t, db, unsent.ID); !ok || !sum.ReadOnly {
		t.Fatalf("unsent %+v %v", sum, ok)
	}
	mustNoErr(t, db.Ack(app.AckResult{Command: c2.ID, Status: app.AckApplied, Version: 2}), "Ack 2")
	if _, ok := companyListed(t, db, unsent.ID); ok {
		t.Fatal("the undelivered company was not purged after its ack")
	}
	mustNoErr(t, db.Close(), "Close")
	raw, err := os.ReadFile(path)
	mustNoErr(t, err, "read file")
	if bytes.Contains(raw, []byte("Kanarie Kontakt")) || bytes.Contains(raw, []byte("Busy ApS")) {
		t.Fatal("a purged company's text is in the file")
	}
}

// TestCompaniesNeedTheKey: the companies are sealed on disk; a locked
// replica or a wrong password reads none of them; after a reopen the list
// and its counts are rebuilt.
func TestCompaniesNeedTheKey(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	id := newFirma(t, db)
	db.Lock()
	if _, err := db.Companies(); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("Companies on a locked replica: %v", err)
	}
	if _, err := db.ViewCompany(id, caseworker); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("ViewCompany on a locked replica: %v", err)
	}
	if _, err := db.SearchCompanies("østerå", caseworker); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("SearchCompanies on a locked replica: %v", err)
	}
	if _, err := db.CommitVirksomhed(vcommand(t, id, &app.RegistrerEnhed{PNummer: "1000000015", Navn: "x"})); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("CommitVirksomhed on a locked replica: %v", err)
	}
	if err := db.Unlock("forkert-adgangskode"); app.AsError(err).Rule != store.RulePassword {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := db.Companies(); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("Companies after a wrong password: %v", err)
	}
	mustNoErr(t, db.Close(), "Close")
	raw, err := os.ReadFile(path)
	mustNoErr(t, err, "read file")
	for _, s := range []string{"Østerå", "Åboulevarden", firmaCVR, "Værksted"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q is in the file in plaintext", s)
		}
	}
	db = MustReopen(t, path, opts)
	sum, ok := companyListed(t, db, id)
	if !ok || sum.Navn != firmaNavn || sum.Pending != 5 || sum.Pladser != 2 {
		t.Fatalf("after reopen: %+v (listed %v)", sum, ok)
	}
}

// TestMigrateCompaniesFromSchema5: a replica that kept company records
// uninterpreted (schema 5) has them as confirmed companies after the
// upgrade, and the records bucket no longer holds them.
func TestMigrateCompaniesFromSchema5(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	v := &app.Virksomhed{ID: newID(t), Navn: firmaNavn, CVR: firmaCVR, Sektor: app.SektorPrivat}
	mustNoErr(t, db.DowngradeToV5(companyRecord(t, v, 3, 1)), "DowngradeToV5")
	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts)
	sum, ok := companyListed(t, db, v.ID)
	if !ok || sum.Version != 3 || sum.Navn != firmaNavn {
		t.Fatalf("after the migration: %+v (listed %v)", sum, ok)
	}
	n, _, err := db.OpenAll(false, "records")
	mustNoErr(t, err, "OpenAll")
	if n != 0 {
		t.Fatalf("%d records left uninterpreted", n)
	}
}

// TestCompanyCommandsInTheSealedOutbox: a company's commands and a
// placement's follow-up are sealed to the server's key like a case's, and
// a crypto-erase keeps them for the server, in outbox order.
func TestCompanyCommandsInTheSealedOutbox(t *testing.T) {
	srv := newServerKeys(t)
	opts, _ := testOptions(t)
	opts.MaxFailures = 3
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	mustNoErr(t, db.SetServerKey(*srv.pub), "SetServerKey")
	id := newFirma(t, db)
	s := borgerSag(t, db)
	mustCommitV(t, db, vcommand(t, id, &app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20,
		Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}}))
	want, err := db.Pending()
	mustNoErr(t, err, "Pending")
	dev := db.Device()
	samePending(t, openAll(t, storedEntries(t, db), srv, dev), want)
	mustNoErr(t, db.Close(), "Close")

	eraseByWrongPasswords(t, path, opts)
	entries, err := store.ReadSealed(path)
	mustNoErr(t, err, "ReadSealed")
	got := openAll(t, entries, srv, dev)
	samePending(t, got, want)
	if n := len(got); n != 7 || got[n-2].Command.RecordKind() != app.RecordVirksomhed || got[n-1].Command.Sag != s.ID {
		t.Fatalf("sealed outbox %+v", got)
	}
}

// TestCaseChangeRebasesPendingPlacement: a pulled new state of the
// citizen's case re-runs the pending placement at the company: without an
// open kontaktgruppe it no longer applies (rejected locally, still sent),
// and with it back it applies again.
func TestCaseChangeRebasesPendingPlacement(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	s := borgerSag(t, db)
	c := vcommand(t, id, &app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20, Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}})
	mustCommitV(t, db, c)
	status := func() app.PendingCommand {
		t.Helper()
		p, err := db.Pending()
		mustNoErr(t, err, "Pending")
		for _, e := range p {
			if e.Command.ID == c.ID {
				return e
			}
		}
		t.Fatal("the placement left the outbox")
		return app.PendingCommand{}
	}
	closed := s.Clone()
	closed.Kontaktgruppe = nil
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, closed, 2, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
	if e := status(); e.Status != app.StatusRejected || e.Error == nil || e.Error.Rule != "8060" {
		t.Fatalf("placement after the case closed its group: %+v", e)
	}
	if v, _ := db.ViewCompany(id, caseworker); len(v.Placeringer) != 0 {
		t.Fatalf("the refused placement is still in the view: %+v", v.Placeringer)
	}
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{caseRecord(t, s, 3, 2)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}), "ApplyPage 2")
	if e := status(); e.Status != app.StatusPending {
		t.Fatalf("placement after the group was back: %+v", e)
	}
	if v, _ := db.ViewCompany(id, caseworker); len(v.Placeringer) != 1 {
		t.Fatalf("the placement is not back in the view: %+v", v.Placeringer)
	}
}

// TestNoPlacementOfACitizenLeavingScope: a citizen whose case left this
// caseworker's scope (read-only until its outbox is sent) is neither
// referred nor placed from this device.
func TestNoPlacementOfACitizenLeavingScope(t *testing.T) {
	db := MustOpen(t)
	id := newFirma(t, db)
	mustCommitV(t, db, vcommand(t, id, &app.GemJobordre{JobordreID: "j1", Titel: "Tømrer", Disco: "711510", Timer: 37, Antal: 1,
		Periode: app.Period{Start: firmaDay.AddDays(7)}, Status: "aaben"}))
	s := borgerSag(t, db)
	mustCommit(t, db, notat(t, s.ID, "usendt"))
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{removedRecord(s.ID, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
	for _, body := range []app.VBody{
		&app.Henvis{HenvisningID: "h1", Sag: s.ID, JobordreID: "j1", Start: firmaDay.AddDays(2), Kanal: "skriftlig", Oplyst: true},
		&app.Placer{PlaceringID: "pl1", Sag: s.ID, PladsID: "praktik1", Timer: 20, Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}},
	} {
		_, err := db.CommitVirksomhed(vcommand(t, id, body))
		wantRule(t, err, app.CodeUnauthorized, store.RuleReadOnly)
	}
}

// TestCompanyLineAtUnlock: the list line Unlock computes from the part of
// a company it decodes is the line app.VirksomhedSummaryOf gives for the
// whole company on the same day (open openings, places and placements in
// force, the latest visit, the next follow-up).
func TestCompanyLineAtUnlock(t *testing.T) {
	opts, _ := testOptions(t)
	opts.Now = func() time.Time { return firmaAt }
	path := filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db")
	db := MustCreate(t, path, opts)
	d := firmaDay
	v := &app.Virksomhed{ID: newID(t), Version: 4, Ansvarlig: "cw1", CVR: firmaCVR, Navn: firmaNavn, Branchekode: "433200", Sektor: app.SektorPrivat,
		Adresse:   app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"},
		Jobordrer: []app.Jobordre{{ID: "j1", Status: "aaben"}, {ID: "j2", Status: "lukket"}, {ID: "j3", Status: "aaben"}},
		Pladser: []app.Plads{{ID: "p1", Antal: 3, Periode: app.Period{Start: d.AddDays(-10)}}, {ID: "p2", Antal: 5, Periode: app.Period{Start: d.AddDays(5)}},
			{ID: "p3", Antal: 2, Periode: app.Period{Start: d.AddDays(-60), Slut: d.AddDays(-1)}}},
		Placeringer: []app.Placering{{ID: "a", Periode: app.Period{Start: d, Slut: d.AddDays(10)}}, {ID: "b", Periode: app.Period{Start: d.AddDays(-30), Slut: d.AddDays(-2)}}},
		KontaktLog: []app.Virksomhedskontakt{{ID: "k1", Dato: d.AddDays(-20), Opfoelgning: d.AddDays(-1)}, {ID: "k2", Dato: d.AddDays(-3), Opfoelgning: d.AddDays(14)},
			{ID: "k3", Dato: d.AddDays(-9), Opfoelgning: d.AddDays(7), Udfald: "Lang tekst"}},
	}
	mustNoErr(t, db.ApplyPage(app.Page{Records: []app.Record{companyRecord(t, v, 4, 1)}, Cursor: app.Cursor{Epoch: 1, Seq: 1}}), "ApplyPage")
	mustNoErr(t, db.Close(), "Close")
	db = MustReopen(t, path, opts)
	want := app.VirksomhedSummaryOf(v, d)
	if want.AabneJobordrer != 2 || want.Pladser != 3 || want.AktivePlaceringer != 1 || want.Opfoelgning != d.AddDays(7) || want.SenesteKontakt != d.AddDays(-3) {
		t.Fatalf("the fixture does not exercise the line: %+v", want)
	}
	got, ok := companyListed(t, db, v.ID)
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("line at unlock\n got %+v\nwant %+v", got, want)
	}
}
