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
