package app_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

func TestSummaryDeadlines(t *testing.T) {
	r := testkit.Rules(t)
	today := app.MustDate(2026, 12, 7)
	for _, tc := range []struct {
		name              string
		start             app.Date // tilmelding and kontaktgruppe start
		cv                bool     // the CV is on Jobnet
		wantFrist, wantOv string   // deadline names, "" for none
	}{
		{name: "cv deadline ahead", start: today.AddDays(-3), wantFrist: app.FristCV},
		{name: "cv deadline passed", start: today.AddDays(-60), wantOv: app.FristCV},
		{name: "cv on jobnet", start: today.AddDays(-60), cv: true, wantOv: app.FristFoersteSamtale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testkit.NewSag(t, today, testkit.SagArgs{Start: tc.start})
			if tc.cv {
				s.Tilmelding.CV = tc.start
			}
			got := r.Summary(s, today)
			if got.ID != s.ID || got.Navn != s.Borger.Navn || got.KG != 1 {
				t.Errorf("summary = %+v, want the list line of %s", got, s.ID)
			}
			o, err := r.Overblik(s, today)
			if err != nil {
				t.Fatal(err)
			}
			var want, wantOv app.FristRef
			for _, f := range o.Frister {
				ref := app.FristRef{Navn: f.Navn, Dato: f.Dato}
				if f.Dato.Before(today) && wantOv.IsZero() {
					wantOv = ref
				} else if !f.Dato.Before(today) && want.IsZero() {
					want = ref
				}
			}
			if got.Frist != want || got.Overskredet != wantOv {
				t.Errorf("Frist, Overskredet = %+v, %+v; want %+v, %+v (Overblik %+v)", got.Frist, got.Overskredet, want, wantOv, o.Frister)
			}
			if tc.wantFrist != "" && got.Frist.Navn != tc.wantFrist {
				t.Errorf("Frist = %+v, want %s", got.Frist, tc.wantFrist)
			}
			if tc.wantOv != "" && got.Overskredet.Navn != tc.wantOv {
				t.Errorf("Overskredet = %+v, want %q", got.Overskredet, tc.wantOv)
			}
			if tc.cv && (got.Frist.Navn == app.FristCV || got.Overskredet.Navn == app.FristCV) {
				t.Errorf("a CV on Jobnet still gives a CV deadline: %+v", got)
			}
		})
	}
}

func TestSummaryNeverFails(t *testing.T) {
	today := app.MustDate(2026, 12, 7)
	s := testkit.NewSag(t, today, testkit.SagArgs{Start: today.AddDays(-60)})
	var none *app.Rules
	if got, want := none.Summary(s, today), app.SummaryOf(s); got != want {
		t.Errorf("nil rules: %+v, want %+v", got, want)
	}
	old := app.MustDate(1990, 1, 1) // before every rule set
	if got, want := testkit.Rules(t).Summary(s, old), app.SummaryOf(s); got != want {
		t.Errorf("no rule set in force: %+v, want %+v", got, want)
	}
}
