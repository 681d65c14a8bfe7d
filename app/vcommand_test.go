package app_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// TestCompanyCommandTravelsAsCommand: a company's command is queued,
// pushed and remembered as an app.Command (the outbox, the wire and the
// server's applied ids are generic); its JSON is the VCommand's, its
// record kind is the company's, and it converts back unchanged. The case
// engine refuses it.
func TestCompanyCommandTravelsAsCommand(t *testing.T) {
	day := app.MustDate(2026, 3, 10)
	vc := vcmd("c-1", "v-1", day, &app.RegistrerVirksomhedskontakt{Dato: day, Form: "besoeg", Formaal: "Praktikpladser"})
	c := vc.Command()
	if got := c.RecordKind(); got != app.RecordVirksomhed {
		t.Errorf("RecordKind = %q, want %q", got, app.RecordVirksomhed)
	}
	vb, err := json.Marshal(vc)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(vb) != string(cb) {
		t.Errorf("JSON differs:\nVCommand %s\nCommand  %s", vb, cb)
	}
	var back app.Command
	if err := json.Unmarshal(cb, &back); err != nil {
		t.Fatalf("decode as Command: %v", err)
	}
	got, ok := back.Virksomhed()
	gb, _ := json.Marshal(got)
	if !ok || string(gb) != string(vb) || !reflect.DeepEqual(got.Body, vc.Body) {
		t.Errorf("Virksomhed() = %s, %v; want %s", gb, ok, vb)
	}
	if _, ok := (app.Command{Body: &app.TilfoejNotat{Tekst: "x"}}).Virksomhed(); ok {
		t.Error("a case's command converted to a company's")
	}
	// Strict as ever: an unknown field in a company body is refused.
	bad := []byte(`{"id":"c-2","sag":"v-1","actor":{"rolle":"sagsbehandler"},"at":"2026-03-10T09:00:00Z","kind":"registrer_virksomhedskontakt","body":{"dato":"2026-03-10","nope":1}}`)
	if err := json.Unmarshal(bad, &back); err == nil {
		t.Error("unknown field in a company body accepted")
	}
	sag := testkit.NewSag(t, day, testkit.SagArgs{ID: "v-1"})
	_, err = app.NewEngine(testkit.Rules(t)).Execute(sag, c)
	if e := app.AsError(err); err == nil || e.Code != app.CodeInvalid {
		t.Errorf("Execute of a company command on a case: %v, want invalid", err)
	}
}
