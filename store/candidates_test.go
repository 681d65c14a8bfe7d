package store_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

// TestCandidates: the replica ranks its own caseload for a company's
// place from the profiles kept with the list lines: a citizen sick on the
// start day and one already placed there are left out, the rest come back
// best first; the search is logged with the ids it returned, and works
// the same after the replica is locked and opened again (the profiles are
// read from the stored lines). An unknown place is not_found.
func TestCandidates(t *testing.T) {
	path := t.TempDir() + "/feltsag-cw1-dev1.db"
	opts, _ := testOptions(t)
	db := MustCreate(t, path, opts)
	rules := testkit.Rules(t)
	id := newFirma(t, db)
	put := func(navn, cpr string, sick bool) *app.Sag {
		t.Helper()
		s := testkit.NewSag(t, firmaDay, testkit.SagArgs{ID: newID(t), KG: 2, Kategori: "aktivitetsparat", CPR: cpr, Navn: navn})
		if sick {
			s.Fravaer = append(s.Fravaer, app.Fravaer{ID: "f1", Type: "sygemelding", Periode: app.Period{Start: firmaDay.AddDays(-3)},
				Anmeldt: firmaDay.AddDays(-3), Registreret: firmaDay.AddDays(-3)})
		}
		s.Version = 1
		mustNoErr(t, db.PutCase(s), "PutCase")
		return s
	}
	ledig := put("Anna Ås", "0202851236", false)
	syg := put("Bo Bæk", "0303851237", true)
	placeret := put("Carl Ørn", "0404851238", false)
	mustCommitV(t, db, vcommand(t, id, &app.Placer{PlaceringID: "pl1", Sag: placeret.ID, PladsID: "praktik1", Timer: 20,
		Periode: app.Period{Start: firmaDay, Slut: firmaDay.AddDays(27)}}))

	check := func(db *store.DB, when string) {
		t.Helper()
		got, err := db.Candidates(id, "praktik1", caseworker, rules, firmaDay)
		mustNoErr(t, err, "Candidates %s", when)
		ids := map[app.ID]bool{}
		for _, k := range got {
			ids[k.Sag] = true
			if len(k.Grunde) == 0 {
				t.Errorf("%s: candidate %s without reasons", when, k.Navn)
			}
		}
		if !ids[ledig.ID] || ids[syg.ID] || ids[placeret.ID] {
			t.Errorf("%s: candidates %+v; want %s and neither the sick %s nor the placed %s", when, got, ledig.ID, syg.ID, placeret.ID)
		}
		rec := auditTail(t, db, 1)[0]
		if rec.Action != app.ActionSearched || rec.Kind != store.SearchCandidates || rec.Hits != len(got) {
			t.Errorf("%s: audit %+v, want a %q search with %d hits", when, rec, store.SearchCandidates, len(got))
		}
	}
	check(db, "first")
	mustNoErr(t, db.Close(), "Close")
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "Open")
	t.Cleanup(func() { _ = db.Close() })
	mustNoErr(t, db.Unlock(testPassword), "Unlock")
	check(db, "after reopening")

	if _, err := db.Candidates(id, "nope", caseworker, rules, firmaDay); app.AsError(err).Code != app.CodeNotFound {
		t.Errorf("unknown place: %v, want not_found", err)
	}
	if _, err := db.Candidates("unknown-company", "praktik1", caseworker, rules, firmaDay); app.AsError(err).Code != app.CodeNotFound {
		t.Errorf("unknown company: %v, want not_found", err)
	}
}
