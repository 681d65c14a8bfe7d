package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestPushEachCompanyCommand: a consultant pushes every company command
// kind; each is applied at the next version, protected and lww fields
// get their version, a placement's follow-up case command is not applied
// by the server (the client pushes it), and a pull shows the company.
func TestPushEachCompanyCommand(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("vk1", "d1")
	r.seed("sag-1", "vk1")
	p, w := r.connect(tok)
	day := app.DateOf(t0)
	steps := []struct {
		body  app.VBody
		field string // a field whose version the command sets ("" for append only)
	}{
		{&app.OpretVirksomhed{CVR: "13748136", Navn: "Østerå Tømrer ApS", Sektor: app.SektorPrivat}, app.FieldVirksomhed},
		{&app.OpdaterVirksomhed{Navn: "Østerå Tømrer og Snedker ApS", Sektor: app.SektorPrivat}, app.FieldVirksomhed},
		{&app.RegistrerEnhed{PNummer: pUnit, Navn: "Værkstedet"}, "enhed/" + pUnit},
		{&app.OpdaterAnsatte{PNummer: pUnit, Ansatte: 10}, "enhed/" + pUnit + "/ansatte"},
		{&app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20}, app.FieldVirksomhedAnsatte},
		{&app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Åse Øberg", Rolle: "leder"}, ""},
		{&app.RegistrerVirksomhedskontakt{KontaktID: "kl-1", Form: "besoeg", Formaal: "Praktikpladser"}, ""},
		{&app.GemJobordre{JobordreID: "jo-1", Titel: "Tømrer", Disco: "7115", Timer: 37, Antal: 1, Status: "aaben", Periode: app.Period{Start: day}}, "jobordre/jo-1"},
		{&app.GemPlads{PladsID: "praktik", Ordning: app.OrdningPraktik, PNummer: pUnit, Titel: "Tømrer", Antal: 5, Timer: 37, Periode: app.Period{Start: day.AddDays(-90)}}, "plads/praktik"},
		{&app.Henvis{HenvisningID: "h-1", Sag: "sag-1", JobordreID: "jo-1", Start: day.AddDays(7), Kanal: "skriftlig"}, ""},
		{&app.RegistrerHenvisningsudfald{HenvisningID: "h-1", Udfald: "soegt"}, "henvisning/h-1/udfald"},
		{&app.Placer{PlaceringID: "pl-1", Sag: "sag-1", PladsID: "praktik", Timer: 37, Periode: app.Period{Start: day, Slut: day.AddDays(27)}}, "placering/pl-1/periode"},
		{&app.AfslutPlacering{PlaceringID: "pl-1", Slut: day.AddDays(13)}, "placering/pl-1/periode"},
	}
	kinds := map[string]bool{}
	for i, st := range steps {
		kinds[st.body.Kind()] = true
		t.Run(st.body.Kind(), func(t *testing.T) {
			res := p.push(vcmd(uint64(i+1), app.ID("c-"+itoa(i+1)), "firma-1", "vk1", int64(i), st.body))
			wantStatus(t, res[0], app.AckApplied, "")
			if res[0].Version != int64(i+1) {
				t.Errorf("version %d, want %d", res[0].Version, i+1)
			}
			rec, v := r.companyRecord("firma-1")
			if rec.Version != int64(i+1) || v.Version != int64(i+1) || rec.Owner != "vk1" || v.Ansvarlig != "vk1" {
				t.Errorf("record v%d/%d owner %q ansvarlig %q, want v%d vk1", rec.Version, v.Version, rec.Owner, v.Ansvarlig, i+1)
			}
			if st.field != "" && v.Versions[st.field] != int64(i+1) {
				t.Errorf("field version of %s = %d, want %d (versions %v)", st.field, v.Versions[st.field], i+1, v.Versions)
			}
		})
	}
	for _, k := range app.VirksomhedKinds() {
		if !kinds[k] {
			t.Errorf("company command kind %s not pushed", k)
		}
	}
	if srec, s := r.record("sag-1"); srec.Version != 1 || len(s.Planer) != 0 {
		t.Errorf("case sag-1 v%d with %d plans: the server applied a follow-up command itself", srec.Version, len(s.Planer))
	}
	_, v := r.companyRecord("firma-1")
	if len(v.Placeringer) != 1 || v.Placeringer[0].Periode.Slut != day.AddDays(13) || len(v.KontaktLog) != 1 || v.KontaktLog[0].Hvem != "vk1" {
		t.Errorf("company %+v: want the placement ended on day 13 and the visit by vk1", v)
	}
	ch := p.pull(w.Cursor, 0)
	var got []string
	for _, rec := range ch.Records {
		got = append(got, rec.Kind+":"+string(rec.ID))
	}
	if strings.Join(got, ",") != "virksomhed:firma-1" {
		t.Errorf("pull = %v, want the company", got)
	}
}

// TestCompanyAuthorisation: only the owner and the owner's team write a
// company; an unknown (forged) company, another consultant's company, a
// citizen's case the pusher does not own and a case command on a
// company's id are not_assigned; a refusal does not block later
// commands; a replay gets its first answer.
func TestCompanyAuthorisation(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("vk1", "d1")
	t2 := r.caseworker("vk2", "d2")
	t3 := r.caseworker("vk3", "d3")
	r.caseworker("cw1", "d4")
	r.setTeam("nord", "vk1", "vk2")
	r.setTeam("syd", "vk3")
	r.seed("sag-1", "cw1")
	r.seed("sag-3", "vk3")
	r.seedCompany(company(t, "firma-1"), "vk1")
	visit := func(id string) app.VBody {
		return &app.RegistrerVirksomhedskontakt{KontaktID: app.ID(id), Form: "telefon", Formaal: "Opfølgning"}
	}
	p1, _ := r.connect(t1)
	p2, _ := r.connect(t2)
	p3, _ := r.connect(t3)
	tests := []struct {
		name   string
		p      *peer
		pc     wire.PushCommand
		status string
		key    string
	}{
		{"owner", p1, vcmd(1, "a-1", "firma-1", "vk1", 1, visit("k-1")), app.AckApplied, ""},
		{"team member", p2, vcmd(1, "a-2", "firma-1", "vk2", 1, visit("k-2")), app.AckApplied, ""},
		{"other team", p3, vcmd(1, "a-3", "firma-1", "vk3", 1, visit("k-3")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"forged company id", p1, vcmd(2, "a-4", "firma-x", "vk1", 1, visit("k-4")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"opret over another's company", p3, vcmd(2, "a-5", "firma-1", "vk3", 0, &app.OpretVirksomhed{CVR: "13748136", Navn: "X", Sektor: app.SektorPrivat}), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"henvis another's citizen", p1, vcmd(3, "a-6", "firma-1", "vk1", 1, &app.Henvis{HenvisningID: "h-1", Sag: "sag-1", PladsID: "praktik", Start: app.DateOf(t0).AddDays(7), Kanal: "skriftlig"}), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"placer a citizen of another team's consultant", p2, vcmd(2, "a-7", "firma-1", "vk2", 1, &app.Placer{PlaceringID: "pl-1", Sag: "sag-3", PladsID: "praktik", Timer: 37, Periode: app.Period{Start: app.DateOf(t0), Slut: app.DateOf(t0).AddDays(13)}}), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"case command on a company id", p1, cmd(4, "a-8", "firma-1", "vk1", 1, notat("x", "n-1")), app.AckRejected, "unauthorized.sync.not_assigned"},
		{"domain refusal", p1, vcmd(5, "a-9", "firma-1", "vk1", 1, visit("k-1")), app.AckRejected, "conflict.id_already_used"},
		{"later command goes on", p1, vcmd(6, "a-10", "firma-1", "vk1", 1, visit("k-5")), app.AckApplied, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tt.p.push(tt.pc)[0], tt.status, tt.key)
		})
	}
	t.Run("replay", func(t *testing.T) {
		for _, i := range []int{0, 2} {
			got := tests[i].p.push(tests[i].pc)[0]
			want := app.AckDuplicate
			if tests[i].status == app.AckRejected {
				want = app.AckRejected
			}
			wantStatus(t, got, want, tests[i].key)
		}
	})
	_, v := r.companyRecord("firma-1")
	if len(v.KontaktLog) != 3 {
		t.Errorf("contact log %+v, want k-1, k-2, k-5", v.KontaktLog)
	}
}

// TestSealedCompanyCommand: a company command in the sealed outbox of an
// erased replica is delivered and merged like a pushed one: applied for
// the owner, not_assigned on another's company.
func TestSealedCompanyCommand(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("vk1", "d1")
	r.caseworker("vk2", "d2")
	r.seedCompany(company(t, "firma-1"), "vk1")
	r.seedCompany(company(t, "firma-2"), "vk2")
	entry := func(seq uint64, id, v app.ID) []byte {
		pc := vcmd(seq, id, v, "vk1", 1, &app.RegistrerVirksomhedskontakt{KontaktID: app.ID("k-" + string(id)), Form: "besoeg", Formaal: "Besøg"})
		pend := app.PendingCommand{Seq: seq, Command: pc.Command, Base: 1}
		plain, err := json.Marshal(map[string]any{"v": 1, "device": "d1", "pending": pend})
		if err != nil {
			t.Fatal(err)
		}
		return sealTo(t, serverKey(t, tok), plain)
	}
	res := r.deliverEntries(tok, [][]byte{entry(1, "s-1", "firma-1"), entry(2, "s-2", "firma-2")})
	wantStatus(t, res[0], app.AckApplied, "")
	wantStatus(t, res[1], app.AckRejected, "unauthorized.sync.not_assigned")
	if rec, v := r.companyRecord("firma-1"); rec.Version != 2 || len(v.KontaktLog) != 1 {
		t.Errorf("firma-1 v%d with %d visits, want v2 with the sealed visit", rec.Version, len(v.KontaktLog))
	}
}
