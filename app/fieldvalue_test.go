package app_test

import (
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

func TestFieldValue(t *testing.T) {
	today := app.MustDate(2026, 3, 12)
	s := testkit.NewSag(t, today)
	s.Borger.Telefon = "12345678"
	s.Notater = []app.Notat{{ID: "n-1", Tekst: "hej"}}
	s.Samtaler = []app.Samtale{{ID: "m-1", Type: "jobsamtale", Dato: today, Status: app.SamtaleUdeblevet}}
	tests := []struct {
		field  string
		ok     bool
		has    string // a fragment of the JSON
		hasnot string
	}{
		{app.FieldBorger, true, `"telefon":"12345678"`, `"cpr"`},
		{app.FieldBorgerDoed, false, "", ""},
		{app.FieldKontaktgruppe, true, `"kg":1`, ""},
		{app.FieldTilmelding, true, `"status":"tilmeldt"`, ""},
		{app.FieldVisitation, true, `"kategori":"match1"`, ""},
		{"notat/n-1", true, `"tekst":"hej"`, ""},
		{"notat/n-2", false, "", ""},
		{"samtale/m-1", true, `"type":"jobsamtale"`, ""},
		{"samtale/m-1/udfald", true, `"status":"udeblevet"`, `"type"`},
		{"fravaer/f-1", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			got, ok, err := app.FieldValue(s, tt.field)
			if err != nil || ok != tt.ok {
				t.Fatalf("FieldValue = %s, %v, %v; want ok %v", got, ok, err, tt.ok)
			}
			if !strings.Contains(string(got), tt.has) || tt.hasnot != "" && strings.Contains(string(got), tt.hasnot) {
				t.Fatalf("FieldValue = %s; want %s in it and not %q", got, tt.has, tt.hasnot)
			}
		})
	}
	if _, _, err := app.FieldValue(s, "ukendt/felt"); app.ErrorCode(err) != app.CodeInvalid {
		t.Fatalf("unknown path: %v, want invalid", err)
	}
}

// TestVirksomhedFieldValue: every path a company's command changes has a
// value, and the parts of a record are told apart.
func TestVirksomhedFieldValue(t *testing.T) {
	day := app.MustDate(2026, 3, 10)
	f := newFirma(t, day, app.SektorPrivat, 10)
	s := testkit.NewSag(t, day, testkit.SagArgs{ID: "sag-1"})
	f.must(nil, &app.TilfoejKontaktperson{KontaktpersonID: "kp-1", Navn: "Åse Øberg", Rolle: "leder"})
	f.must(nil, &app.RegistrerVirksomhedskontakt{KontaktID: "vk-1", Form: "besoeg", Formaal: "Praktik"})
	f.must(nil, &app.GemJobordre{JobordreID: "jo-1", Titel: "Tømrer", Disco: "7115", Timer: 37, Antal: 1, Status: "aaben", Periode: app.Period{Start: day}})
	f.must(s, &app.Henvis{HenvisningID: "h-1", Sag: s.ID, JobordreID: "jo-1", Start: day.AddDays(7), Kanal: "skriftlig"})
	f.must(s, &app.RegistrerHenvisningsudfald{HenvisningID: "h-1", Udfald: "ansat"})
	f.must(s, &app.Placer{PlaceringID: "pl-1", Sag: s.ID, PladsID: app.ID(app.OrdningPraktik), Timer: 37, Periode: period(day, 28)})
	tests := []struct {
		field  string
		ok     bool
		has    string
		hasnot string
	}{
		{app.FieldVirksomhed, true, `"navn":"Østerå Tømrer ApS"`, `"pladser"`},
		{app.FieldVirksomhedAnsatte, true, `"seneste_maaned":20`, ""},
		{"enhed/" + pA, true, `"navn":"Værksted ` + pA + `"`, `"ansatte"`},
		{"enhed/" + pA + "/ansatte", true, `"ansatte":10`, `"navn"`},
		{"enhed/1000000023", false, "", ""},
		{"kontaktperson/kp-1", true, `"navn":"Åse Øberg"`, ""},
		{"virksomhedskontakt/vk-1", true, `"formaal":"Praktik"`, ""},
		{"jobordre/jo-1", true, `"disco":"7115"`, ""},
		{"plads/" + app.OrdningPraktik, true, `"titel":"Tømrer"`, ""},
		{"henvisning/h-1", true, `"kanal":"skriftlig"`, ""},
		{"henvisning/h-1/udfald", true, `"ansat"`, `"kanal"`},
		{"placering/pl-1", true, `"sag":"sag-1"`, ""},
		{"placering/pl-1/periode", true, `"start":"2026-03-10"`, `"sag"`},
		{"placering/pl-2/periode", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			got, ok, err := app.VirksomhedFieldValue(f.v, tt.field)
			if err != nil || ok != tt.ok {
				t.Fatalf("VirksomhedFieldValue = %s, %v, %v; want ok %v", got, ok, err, tt.ok)
			}
			if !strings.Contains(string(got), tt.has) || tt.hasnot != "" && strings.Contains(string(got), tt.hasnot) {
				t.Fatalf("VirksomhedFieldValue = %s; want %s in it and not %q", got, tt.has, tt.hasnot)
			}
		})
	}
	for _, bad := range []string{"tilmelding", "notat/n-1", "ukendt/felt"} {
		if _, _, err := app.VirksomhedFieldValue(f.v, bad); app.ErrorCode(err) != app.CodeInvalid {
			t.Errorf("%s: %v, want invalid", bad, err)
		}
	}
}
