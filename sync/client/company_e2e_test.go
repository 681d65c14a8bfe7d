package client_test

import (
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// companyRig is a real server on a bbolt ledger behind a real socket
// with the field kit's accounts: cw1 and cw2 are consultants of one team,
// cw3 is a caseworker outside it whose citizen (case sag-1) is placed at
// the company virk-1, owned by cw1. So cw2 reads and writes the company as
// a team mate, and cw3 only reads it, as a reader by placement.
type companyRig struct {
	srv *server.Server
	led *ledger.DB
	url string
}

const (
	rigPassword = "korrekt hest batteri hæfteklamme"
	rigCompany  = app.ID("virk-1")
	rigPUnit    = app.PNummer("1000000007")
)

func newCompanyRig(t *testing.T) *companyRig {
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
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	for _, id := range []app.ID{"cw1", "cw2", "cw3"} {
		if err := srv.CreateAccount(id, "Konsulent "+string(id), app.RoleCaseworker, rigPassword); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []app.ID{"cw1", "cw2"} {
		if err := srv.SetTeam(id, "team-1"); err != nil {
			t.Fatalf("SetTeam %s: %v", id, err)
		}
	}
	s := newSag(t, "sag-1", 1)
	s.Ansvarlig = "cw3"
	if err := srv.ImportCase(s, "cw3"); err != nil {
		t.Fatalf("ImportCase: %v", err)
	}
	if err := srv.ImportCompany(rigCompanyOf(t, "sag-1"), "cw1"); err != nil {
		t.Fatalf("ImportCompany: %v", err)
	}
	return &companyRig{srv: srv, led: led, url: ts.URL}
}

// rigCompanyOf builds the company through the engine: a P-unit, staff
// counts, a praktik place, and citizen sag placed there from a month ago
// for two more months (added as data: the scope is what is tested).
func rigCompanyOf(t *testing.T, sag app.ID) *app.Virksomhed {
	t.Helper()
	eng := testkit.Engine(t)
	now := time.Now()
	today := app.DateOf(now)
	var v *app.Virksomhed
	for _, body := range []app.VBody{
		&app.OpretVirksomhed{CVR: "DK-13 74 81 36", Navn: "Østerå Tømrer ApS", Sektor: app.SektorPrivat,
			Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}},
		&app.RegistrerEnhed{PNummer: string(rigPUnit), Navn: "Værkstedet"},
		&app.OpdaterAnsatte{PNummer: rigPUnit, Ansatte: 10},
		&app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20},
		&app.GemPlads{PladsID: "praktik", Ordning: app.OrdningPraktik, PNummer: rigPUnit, Titel: "Tømrer", Antal: 5, Timer: 37,
			Periode: app.Period{Start: today.AddDays(-90)}},
	} {
		res, err := eng.ExecuteVirksomhed(v, app.VCommand{ID: newID(t), Virksomhed: rigCompany,
			Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, At: now, Body: body}, nil)
		if err != nil {
			t.Fatalf("company: %s: %v", body.Kind(), err)
		}
		v = res.Virksomhed
	}
	v.Placeringer = append(v.Placeringer, app.Placering{ID: "placering-1", Sag: sag, Plads: "praktik", Ordning: app.OrdningPraktik,
		PNummer: rigPUnit, Periode: app.Period{Start: today.AddDays(-30), Slut: today.AddDays(60)}, Timer: 20, RegelSet: "2026-02"})
	return v
}

// record reads the company's ledger record and state.
func (r *companyRig) record(t *testing.T) (app.LedgerRecord, *app.Virksomhed) {
	t.Helper()
	var rec app.LedgerRecord
	if err := r.led.View(func(tx app.LedgerTx) (err error) { rec, err = tx.Record(app.RecordVirksomhed, rigCompany); return err }); err != nil {
		t.Fatal(err)
	}
	v, err := decodeCompany(rec)
	if err != nil {
		t.Fatal(err)
	}
	return rec, v
}

func decodeCompany(rec app.LedgerRecord) (*app.Virksomhed, error) {
	var v app.Virksomhed
	if err := app.DecodeStrict(rec.Data, &v); err != nil {
		return nil, err
	}
	v.Version = rec.Version
	return &v, nil
}

// actor is the device's user as the actor of what it saves.
func (d *device) actor() app.Actor { return app.Actor{Rolle: app.RolleSagsbehandler, ID: d.user} }

// vcommit saves a company command on the device's replica.
func (d *device) vcommit(body app.VBody) app.ID {
	d.t.Helper()
	cmd := app.VCommand{ID: newID(d.t), Virksomhed: rigCompany, Actor: d.actor(), At: time.Now(), Body: body}
	if _, err := d.db.CommitVirksomhed(cmd); err != nil {
		d.t.Fatalf("CommitVirksomhed %s on %s: %v", body.Kind(), d.user, err)
	}
	return cmd.ID
}

// company returns the company's list line on the device, and false when
// the device does not hold it.
func (d *device) company() (app.VirksomhedSummary, bool) {
	d.t.Helper()
	list, err := d.db.Companies()
	if err != nil {
		d.t.Fatalf("Companies: %v", err)
	}
	i := slices.IndexFunc(list, func(s app.VirksomhedSummary) bool { return s.ID == rigCompany })
	if i < 0 {
		return app.VirksomhedSummary{}, false
	}
	return list[i], true
}

// viewCompany opens the company on the device.
func (d *device) viewCompany() *app.Virksomhed {
	d.t.Helper()
	v, err := d.db.ViewCompany(rigCompany, d.actor())
	if err != nil {
		d.t.Fatalf("ViewCompany on %s: %v", d.user, err)
	}
	return v
}

func (d *device) holdsCase(id app.ID) bool {
	d.t.Helper()
	list, err := d.db.List()
	if err != nil {
		d.t.Fatalf("List: %v", err)
	}
	return slices.ContainsFunc(list, func(c app.CaseSummary) bool { return c.ID == id })
}

// atServer waits until the device holds the server's version of the
// company with nothing pending.
func (d *device) atServer(rec app.LedgerRecord) {
	d.t.Helper()
	d.h.e.Retry()
	d.until(string(d.user)+" at the server's version of the company", func() bool {
		s, ok := d.company()
		return ok && s.Version == rec.Version && s.Pending == 0
	})
}

func hasVisit(v *app.Virksomhed, formaal string, by app.ID) bool {
	return slices.ContainsFunc(v.KontaktLog, func(k app.Virksomhedskontakt) bool { return k.Formaal == formaal && k.Hvem == by })
}

// TestCompanyEndToEnd: three devices with real store files sync a
// company through a real server on a real socket.
//
//  1. A visit a team mate (cw2) records offline arrives, once it is
//     synced, on the owner's (cw1) device, and on the placed citizen's
//     caseworker's (cw3) as a reader.
//  2. The owner and the team mate change the employee count offline; the
//     first to sync is applied, the second is a conflict that the owner
//     sees (live, on the company's line) and resolves with the team
//     mate's count; both devices end at the server's state.
//  3. The reader by placement pulls the company, but a visit saved on
//     its device is rejected not_assigned: the replica shows the
//     rejection and its view drops the visit again.
func TestCompanyEndToEnd(t *testing.T) {
	r := newCompanyRig(t)
	a := newDevice(t, r.url, "cw1", rigPassword, "dev-a")
	b := newDevice(t, r.url, "cw2", rigPassword, "dev-b")
	c := newDevice(t, r.url, "cw3", rigPassword, "dev-c")
	for _, d := range []*device{a, b, c} {
		d.online()
		if _, ok := d.company(); !ok {
			t.Fatalf("%s's device lacks the company after its first sync", d.user)
		}
		d.offline()
	}
	if !c.holdsCase("sag-1") || a.holdsCase("sag-1") || b.holdsCase("sag-1") {
		t.Fatalf("sag-1 on cw1 %v, cw2 %v, cw3 %v; want only on cw3's device", a.holdsCase("sag-1"), b.holdsCase("sag-1"), c.holdsCase("sag-1"))
	}

	// 1. A team mate's visit, saved offline.
	const formaal = "Opfølgning på praktikken"
	visit := b.vcommit(&app.RegistrerVirksomhedskontakt{KontaktID: newID(t), Form: "besoeg", Formaal: formaal})
	if s, _ := b.company(); s.Pending != 1 {
		t.Errorf("cw2's company line offline: %d pending, want 1", s.Pending)
	}
	b.online()
	b.until("the server's answer to the visit", func() bool { return b.status(visit) != "" })
	if got := b.status(visit); got != app.AckApplied {
		t.Fatalf("the team mate's visit: %s, want applied", got)
	}
	rec, _ := r.record(t)
	a.online()
	c.online()
	for _, d := range []*device{a, b, c} {
		d.atServer(rec)
		if v := d.viewCompany(); !hasVisit(v, formaal, "cw2") {
			t.Errorf("%s's device: contact log %+v, want cw2's visit", d.user, v.KontaktLog)
		}
	}

	// 2. The employee count changed on two devices offline.
	a.offline()
	b.offline()
	theirs := a.vcommit(&app.OpdaterAnsatte{SenesteMaaned: 21, Gns12Mdr: 20})
	mine := b.vcommit(&app.OpdaterAnsatte{SenesteMaaned: 25, Gns12Mdr: 22})
	a.online()
	a.until("the server's answer to the owner's count", func() bool { return a.status(theirs) != "" })
	b.online()
	b.until("the server's answer to the team mate's count", func() bool { return b.status(mine) != "" })
	if got, want := []string{a.status(theirs), b.status(mine)}, []string{app.AckApplied, app.AckConflict}; !slices.Equal(got, want) {
		t.Fatalf("the owner's and the team mate's counts: %v, want %v", got, want)
	}
	a.until("the conflict on the owner's device", func() bool { return len(a.conflicts()) == 1 })
	k := a.conflicts()[0]
	if k.RecordKind() != app.RecordVirksomhed || k.Sag != rigCompany || k.Field != app.FieldVirksomhedAnsatte ||
		k.Mine.Command != mine || k.Theirs.Command != theirs || k.Owner != "cw1" {
		t.Fatalf("conflict %+v: want the company's staff count, cw2's command as mine, cw1's as theirs, for cw1", k)
	}
	if s, _ := a.company(); s.Conflicts != 1 {
		t.Errorf("the owner's company line shows %d conflicts, want 1", s.Conflicts)
	}
	if got := b.conflicts(); len(got) != 0 {
		t.Errorf("the team mate's device holds conflicts %+v; the owner decides", got)
	}
	if _, v := r.record(t); v.Ansatte.SenesteMaaned != 21 {
		t.Errorf("server count %v while in conflict, want the owner's 21 to stand", v.Ansatte.SenesteMaaned)
	}

	a.offline()
	const note = "Tallet fra lønsystemet er det rigtige"
	if err := a.db.Resolve(app.Resolution{Conflict: k.ID, Decision: app.ResolveTakeMine, Note: note, Actor: a.actor(), At: time.Now()}); err != nil {
		t.Fatalf("Resolve offline: %v", err)
	}
	a.online()
	a.until("the decision sent and the conflict closed", func() bool {
		got, _ := a.db.Resolutions()
		return len(got) == 0 && len(a.conflicts()) == 0
	})
	if ks, err := r.srv.Conflicts("cw1"); err != nil || len(ks) != 0 {
		t.Errorf("server conflicts = %+v, %v; want none", ks, err)
	}
	rec, v := r.record(t)
	if v.Ansatte.SenesteMaaned != 25 || v.Ansatte.Gns12Mdr != 22 {
		t.Errorf("server count %+v after take mine, want cw2's 25/22", v.Ansatte)
	}
	for _, d := range []*device{a, b} {
		d.atServer(rec)
		if got := d.viewCompany().Ansatte; got.SenesteMaaned != 25 || got.Gns12Mdr != 22 {
			t.Errorf("%s's device: count %+v, want the decided 25/22", d.user, got)
		}
		if s, _ := d.company(); s.Conflicts != 0 {
			t.Errorf("%s's company line: %d conflicts after the decision", d.user, s.Conflicts)
		}
	}

	// 3. The reader by placement reads, and may not write.
	c.atServer(rec)
	if got := c.viewCompany().Ansatte; got.SenesteMaaned != 25 {
		t.Errorf("the reader's count %+v, want the server's", got)
	}
	c.offline()
	const readerFormaal = "Besøg hos borgerens praktiksted"
	refused := c.vcommit(&app.RegistrerVirksomhedskontakt{KontaktID: newID(t), Form: "besoeg", Formaal: readerFormaal})
	if v := c.viewCompany(); !hasVisit(v, readerFormaal, "cw3") {
		t.Fatalf("the reader's own visit is not in its view offline: %+v", v.KontaktLog)
	}
	c.online()
	c.until("the server's answer to the reader's visit", func() bool { return c.status(refused) != "" })
	res, ok, err := c.db.Result(refused)
	if err != nil || !ok || res.Error == nil || res.Error.Key != "unauthorized.sync.not_assigned" || res.Sag != rigCompany {
		t.Errorf("Result = %+v, %v, %v; want rejected not_assigned on the company", res, ok, err)
	}
	rej, err := c.db.Rejected()
	if err != nil || !slices.ContainsFunc(rej, func(x app.Acked) bool {
		return x.Command == refused && x.Error != nil && x.Error.Key == "unauthorized.sync.not_assigned"
	}) {
		t.Errorf("Rejected = %+v, %v; want the visit with not_assigned", rej, err)
	}
	c.atServer(rec)
	if v := c.viewCompany(); hasVisit(v, readerFormaal, "cw3") {
		t.Errorf("the rejected visit is still in the reader's view: %+v", v.KontaktLog)
	}
	if rec2, v := r.record(t); rec2.Version != rec.Version || hasVisit(v, readerFormaal, "cw3") {
		t.Errorf("server at v%d (want v%d), reader's visit there %v", rec2.Version, rec.Version, hasVisit(v, readerFormaal, "cw3"))
	}
}
