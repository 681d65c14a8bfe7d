package main

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
)

// TestDemoFieldKit: the demo ledger holds the field kit's companies, and
// the first caseworker (the account `make demo` signs in as, in the
// consultants' team) and every consultant have all of them in scope, so
// the demo client shows the Virksomheder screens with data.
func TestDemoFieldKit(t *testing.T) {
	_, led, _ := demoLedger(t, 1, 45)
	first := app.ID(demo.Caseworker(1, 0).Brugernavn)
	var members []app.ID
	members = append(members, first)
	for k := range demo.AntalKonsulenter {
		members = append(members, app.ID(demo.Konsulent(1, k).Brugernavn))
	}
	err := led.View(func(tx app.LedgerTx) error {
		var all int
		for _, m := range members {
			ids, err := tx.Scope(m, app.RecordVirksomhed)
			if err != nil {
				return err
			}
			if all == 0 {
				all = len(ids)
			}
			if len(ids) < 8 || len(ids) != all {
				t.Errorf("%s has %d companies in scope, want the team's %d (at least 8)", m, len(ids), all)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
