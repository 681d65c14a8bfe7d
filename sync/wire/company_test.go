package wire_test

import (
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestPushCompanyCommand: a company's command travels in a push as a
// command whose kind names the record kind; its body is checked against
// the company command's type like a case command's.
func TestPushCompanyCommand(t *testing.T) {
	vc := app.VCommand{ID: "c-1", Virksomhed: "firma-1", Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "vk1"},
		At: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC), Body: &app.RegistrerVirksomhedskontakt{KontaktID: "k-1", Form: "besoeg", Formaal: "Praktik"}}
	in := wire.Frame{ID: "p1", Body: &wire.Push{Commands: []wire.PushCommand{{Seq: 1, Command: vc.Command(), Base: 3}}}}
	b, err := wire.Encode(in)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	f, err := wire.Decode(b)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	got := f.Body.(*wire.Push).Commands[0].Command
	if got.RecordKind() != app.RecordVirksomhed {
		t.Errorf("RecordKind = %q, want %q", got.RecordKind(), app.RecordVirksomhed)
	}
	if v, ok := got.Virksomhed(); !ok || v.Virksomhed != "firma-1" || v.Body.Kind() != "registrer_virksomhedskontakt" {
		t.Errorf("Virksomhed() = %+v, %v", v, ok)
	}
	bad := strings.Replace(string(b), `"formaal":"Praktik"`, `"formaal":"Praktik","nope":1`, 1)
	if _, err := wire.Decode([]byte(bad)); err == nil || app.AsError(err).Key != "wire.unknown_field" {
		t.Errorf("unknown field in a company body: %v, want wire.unknown_field", err)
	}
	unknown := strings.Replace(string(b), `"kind":"registrer_virksomhedskontakt"`, `"kind":"registrer_noget"`, 1)
	if _, err := wire.Decode([]byte(unknown)); err == nil || app.AsError(err).Key != "invalid.command_kind" {
		t.Errorf("unknown kind: %v, want invalid.command_kind", err)
	}
}
