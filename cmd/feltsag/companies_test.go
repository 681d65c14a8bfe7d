package main

import (
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// TestAccountCompanies: the account gives the screens the replica's
// companies through ui.Companies, over the executor the client really
// wires (the rules in force), and refuses while the replica is locked.
func TestAccountCompanies(t *testing.T) {
	a := newTestAccount(t, t.TempDir())
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
	if _, err := a.Companies(); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("Companies without a replica: %v", err)
	}
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db"), "korrekt-hest-batteri", a.storeOpts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	a.mu.Lock()
	a.db = db
	a.mu.Unlock()

	id, _ := app.NewID(rand.Reader)
	cid, _ := app.NewID(rand.Reader)
	cmd := app.VCommand{ID: cid, Virksomhed: id, Actor: actor, At: time.Now(),
		Body: &app.OpretVirksomhed{CVR: "DK 13 74 81 36", Navn: "Østerå Tømrer ApS", Sektor: app.SektorPrivat,
			Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}}}
	if _, err := a.CommitCompany(cmd); err != nil {
		t.Fatalf("CommitCompany: %v", err)
	}
	list, err := a.Companies()
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Pending != 1 {
		t.Fatalf("Companies = %+v, %v", list, err)
	}
	found, err := a.SearchCompanies("13748136", actor)
	if err != nil || len(found) != 1 {
		t.Fatalf("SearchCompanies = %+v, %v", found, err)
	}
	v, err := a.ViewCompany(id, actor)
	if err != nil || v.Navn != "Østerå Tømrer ApS" {
		t.Fatalf("ViewCompany = %+v, %v", v, err)
	}
	if c, err := a.CompanyConflicts(id); err != nil || len(c) != 0 {
		t.Fatalf("CompanyConflicts = %+v, %v", c, err)
	}
	if k, err := a.Candidates(id, "j1", actor); app.AsError(err).Code != app.CodeNotFound {
		t.Fatalf("Candidates for an opening the company does not have = %+v, %v; want not_found", k, err)
	}
	recs, err := db.Audit(0, 0)
	if err != nil || len(recs) != 3 || recs[0].Action != app.ActionChanged || recs[1].Action != app.ActionSearched || recs[2].Action != app.ActionViewed {
		t.Fatalf("audit %+v, %v", recs, err)
	}
	a.Lock()
	if _, err := a.ViewCompany(id, actor); app.AsError(err).Rule != store.RuleNotOpen {
		t.Fatalf("ViewCompany after Lock: %v", err)
	}
}
