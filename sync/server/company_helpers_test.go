package server_test

import (
	"encoding/json"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/sync/wire"
)

// pUnit is a P-unit that passes the modulus-11 check.
const pUnit = "1000000007"

// company builds a company with id through the engine, as of t0: one
// P-unit with 10 FTE, CVR-level staff 20/20 and a praktik place "praktik".
func company(t testing.TB, id app.ID) *app.Virksomhed {
	t.Helper()
	eng := testkit.Engine(t)
	var v *app.Virksomhed
	for i, body := range []app.VBody{
		&app.OpretVirksomhed{CVR: "DK-13 74 81 36", Navn: "Østerå Tømrer ApS", Sektor: app.SektorPrivat,
			Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}},
		&app.RegistrerEnhed{PNummer: pUnit, Navn: "Værkstedet"},
		&app.OpdaterAnsatte{PNummer: pUnit, Ansatte: 10},
		&app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20},
		&app.GemPlads{PladsID: "praktik", Ordning: app.OrdningPraktik, PNummer: pUnit, Titel: "Tømrer", Antal: 5, Timer: 37,
			Periode: app.Period{Start: app.DateOf(t0).AddDays(-90)}},
	} {
		res, err := eng.ExecuteVirksomhed(v, app.VCommand{ID: app.ID("seed-" + itoa(i)), Virksomhed: id,
			Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "seed"}, At: t0, Body: body}, nil)
		if err != nil {
			t.Fatalf("company %s: %s: %v", id, body.Kind(), err)
		}
		v = res.Virksomhed
	}
	return v
}

// placed returns v with citizen sag placed on the praktik place for the
// period per (added without the rules: the scope is what is tested).
func placed(v *app.Virksomhed, id, sag app.ID, per app.Period) *app.Virksomhed {
	v = v.Clone()
	v.Placeringer = append(v.Placeringer, app.Placering{ID: id, Sag: sag, Plads: "praktik", Ordning: app.OrdningPraktik,
		PNummer: pUnit, Periode: per, Timer: 37, RegelSet: "2026-02"})
	return v
}

// seedCompany imports a company owned by owner.
func (r *rig) seedCompany(v *app.Virksomhed, owner app.ID) {
	r.t.Helper()
	if err := r.srv.ImportCompany(v, owner); err != nil {
		r.t.Fatalf("ImportCompany: %v", err)
	}
}

// companyRecord reads a company's ledger record and state.
func (r *rig) companyRecord(id app.ID) (app.LedgerRecord, *app.Virksomhed) {
	r.t.Helper()
	var rec app.LedgerRecord
	err := r.ledger.View(func(tx app.LedgerTx) error {
		var err error
		rec, err = tx.Record(app.RecordVirksomhed, id)
		return err
	})
	if err != nil {
		r.t.Fatalf("Record %s: %v", id, err)
	}
	var v app.Virksomhed
	if err := json.Unmarshal(rec.Data, &v); err != nil {
		r.t.Fatal(err)
	}
	return rec, &v
}

// setTeam puts accounts in team through the ledger (the admin path is
// tested on its own).
func (r *rig) setTeam(team app.ID, accounts ...app.ID) {
	r.t.Helper()
	err := r.ledger.Update(func(tx app.LedgerTx) error {
		for _, id := range accounts {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			a.Team = team
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		r.t.Fatalf("set team: %v", err)
	}
}

// vcmd builds a pushed company command by cw on company v.
func vcmd(seq uint64, id, v, cw app.ID, base int64, body app.VBody) wire.PushCommand {
	vc := app.VCommand{ID: id, Virksomhed: v, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: cw}, At: t0, Body: body}
	return wire.PushCommand{Seq: seq, Command: vc.Command(), Base: base}
}
