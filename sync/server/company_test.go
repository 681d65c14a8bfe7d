package server_test

import (
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
)

// TestImportCompany: a company is seeded into its owner's scope at
// version 1 with Ansvarlig set, and again at the next version.
func TestImportCompany(t *testing.T) {
	r := newRig(t)
	r.caseworker("vk1", "d1")
	v := company(t, "firma-1")
	r.seedCompany(v, "vk1")
	rec, got := r.companyRecord("firma-1")
	if rec.Kind != app.RecordVirksomhed || rec.Owner != "vk1" || rec.Version != 1 || got.Version != 1 || got.Ansvarlig != "vk1" {
		t.Errorf("record %s owner %q version %d/%d ansvarlig %q, want virksomhed vk1 1/1 vk1", rec.Kind, rec.Owner, rec.Version, got.Version, got.Ansvarlig)
	}
	if got.Navn != v.Navn || len(got.Pladser) != 1 {
		t.Errorf("data %+v, want the company imported", got)
	}
	r.seedCompany(v, "vk1")
	if rec, got := r.companyRecord("firma-1"); rec.Version != 2 || got.Version != 2 {
		t.Errorf("second import: version %d/%d, want 2", rec.Version, got.Version)
	}
	var ids []app.ID
	if err := r.ledger.View(func(tx app.LedgerTx) (err error) { ids, err = tx.Scope("vk1", app.RecordVirksomhed); return }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []app.ID{"firma-1"}) {
		t.Errorf("scope of vk1 = %v, want [firma-1]", ids)
	}
	if err := r.srv.ImportCompany(&app.Virksomhed{ID: "Bad Id"}, "vk1"); app.AsError(err).Code != app.CodeInvalid {
		t.Errorf("ImportCompany without a valid id: %v, want invalid", err)
	}
}

// TestImportCompanyReaders: the Readers are the owner's team and the
// owners of the cases placed at the company whose placement has not
// ended.
func TestImportCompanyReaders(t *testing.T) {
	r := newRig(t)
	for _, id := range []app.ID{"vk1", "vk2", "vk3", "cw1", "cw2"} {
		r.caseworker(id, app.ID("d-"+string(id)))
	}
	r.setTeam("nord", "vk1", "vk2")
	r.setTeam("syd", "vk3")
	r.seed("sag-1", "cw1")
	r.seed("sag-2", "cw2")
	day := app.DateOf(t0)
	v := placed(company(t, "firma-1"), "pl-1", "sag-1", app.Period{Start: day.AddDays(-10), Slut: day.AddDays(10)})
	v = placed(v, "pl-2", "sag-2", app.Period{Start: day.AddDays(-40), Slut: day.AddDays(-1)}) // ended
	r.seedCompany(v, "vk1")
	rec, _ := r.companyRecord("firma-1")
	if want := []app.ID{"cw1", "vk2"}; !slices.Equal(rec.Readers, want) {
		t.Errorf("Readers = %v, want %v", rec.Readers, want)
	}
}
