package app_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

func at(d app.Date) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 10, 0, 0, 0, app.Copenhagen())
}

func command(id string, sag *app.Sag, role string, day app.Date, body app.Body) app.Command {
	return app.Command{ID: app.ID(id), Sag: sag.ID, Actor: app.Actor{Rolle: role, ID: "cw-1"}, At: at(day), Body: body}
}

func TestExecuteEnvelope(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	today := app.MustDate(2026, 3, 12)
	sag := testkit.NewSag(t, today)
	note := &app.TilfoejNotat{NotatID: "n1", Tekst: "Samtale om jobsøgning"}
	tests := []struct {
		name string
		cmd  app.Command
		want string
	}{
		{"ok", command("c1", sag, app.RolleSagsbehandler, today, note), ""},
		{"forged id with CPR shape", command("0101901001", sag, app.RolleSagsbehandler, today, note), app.CodeInvalid},
		{"id with slash", command("../etc", sag, app.RolleSagsbehandler, today, note), app.CodeInvalid},
		{"other case", app.Command{ID: "c2", Sag: "other", Actor: app.Actor{Rolle: app.RolleSagsbehandler}, At: at(today), Body: note}, app.CodeInvalid},
		{"citizen writes a journal note", command("c3", sag, app.RolleBorger, today, note), app.CodeUnauthorized},
		{"unknown role", command("c4", sag, "admin", today, note), app.CodeUnauthorized},
		{"no time", app.Command{ID: "c5", Sag: sag.ID, Actor: app.Actor{Rolle: app.RolleSagsbehandler}, Body: note}, app.CodeInvalid},
		{"no body", app.Command{ID: "c6", Sag: sag.ID, Actor: app.Actor{Rolle: app.RolleSagsbehandler}, At: at(today)}, app.CodeInvalid},
		{"before any rule set", command("c7", sag, app.RolleSagsbehandler, app.MustDate(2023, 12, 31), note), app.CodeNotFound},
		{"note too long", command("c8", sag, app.RolleSagsbehandler, today, &app.TilfoejNotat{NotatID: "n2", Tekst: strings.Repeat("æ", 10001)}), app.CodeInvalid},
		{"note with control character", command("c9", sag, app.RolleSagsbehandler, today, &app.TilfoejNotat{NotatID: "n3", Tekst: "a\x00b"}), app.CodeInvalid},
		{"empty note", command("c10", sag, app.RolleSagsbehandler, today, &app.TilfoejNotat{NotatID: "n4"}), app.CodeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := json.Marshal(sag)
			_, err := eng.Execute(sag, tc.cmd)
			if got := app.ErrorCode(err); got != tc.want {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.want)
			}
			if err != nil && errText(t, err, "da") == "" {
				t.Error("error without a Danish message")
			}
			after, _ := json.Marshal(sag)
			if string(before) != string(after) {
				t.Error("Execute modified its input case")
			}
		})
	}
}

// TestDeterministicReplay: same state + same command + same rules = same
// result, also after the command travelled as JSON.
func TestDeterministicReplay(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	today := app.MustDate(2026, 3, 12)
	sag := testkit.NewSag(t, today)
	cmd := command("c1", sag, app.RolleSagsbehandler, today, &app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding", Start: today, Kommentar: "Influenza"})
	wire, err := json.Marshal(cmd)
	if err != nil {
		t.Fatal(err)
	}
	var decoded app.Command
	if err := json.Unmarshal(wire, &decoded); err != nil {
		t.Fatal(err)
	}
	r1, err := eng.Execute(sag, cmd)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := eng.Execute(sag, decoded)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r1, r2) {
		t.Errorf("results differ:\n%+v\n%+v", r1, r2)
	}
	if r1.RegelSet != "2026-02" {
		t.Errorf("RegelSet = %s, want 2026-02", r1.RegelSet)
	}
	if !r1.HasEffect("afmeldt") {
		t.Error("sygemelding did not derive afmelding")
	}
	found := false
	for _, c := range r1.Changes {
		if c.Field == "tilmelding" && c.Policy == app.PolicyProtected {
			found = true
		}
	}
	if !found {
		t.Errorf("changes %v lack the protected tilmelding field", r1.Changes)
	}
}

func TestCommandDecodeStrict(t *testing.T) {
	tests := []struct {
		name, json string
	}{
		{"unknown kind", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"slet_alt","body":{}}`},
		{"unknown field", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"tilfoej_notat","body":{"notat_id":"n1","tekst":"x","admin":true}}`},
		{"impossible date", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"registrer_fravaer","body":{"fravaer_id":"f1","type":"ferie","start":"2026-04-31"}}`},
		{"29 February in a non-leap year", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"registrer_fravaer","body":{"fravaer_id":"f1","type":"ferie","start":"2027-02-29"}}`},
		{"missing body", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"tilfoej_notat"}`},
		{"trailing data", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"tilfoej_notat","body":{"notat_id":"n1","tekst":"x"}} {}`},
		{"number overflow", `{"id":"c1","sag":"s","actor":{"rolle":"sagsbehandler"},"at":"2026-03-12T10:00:00Z","kind":"saet_kontaktgruppe","body":{"kg":99999999999999999999}}`},
		{"not json", `{"id":`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c app.Command
			err := json.Unmarshal([]byte(tc.json), &c)
			if err == nil {
				t.Fatal("decoded a bad command")
			}
			if msg := errText(t, err, "da"); strings.Contains(msg, "json:") || strings.Contains(msg, "Go ") || msg == "" {
				t.Errorf("message %q leaks Go's decoder text or is empty", msg)
			}
		})
	}
}

// TestFravaerBadInput covers impossible periods and durations.
func TestFravaerBadInput(t *testing.T) {
	eng := app.NewEngine(testkit.Rules(t))
	today := app.MustDate(2026, 3, 12)
	sag := testkit.NewSag(t, today)
	tests := []struct {
		name string
		body *app.RegistrerFravaer
		want string
	}{
		{"end before start", &app.RegistrerFravaer{FravaerID: "f1", Type: "midlertidigt_arbejde", Start: today, Slut: today.AddDays(-1)}, "rule:1003"},
		{"absurd duration", &app.RegistrerFravaer{FravaerID: "f1", Type: "uddannelse", Start: today, Slut: app.MustDate(9999, 12, 31)}, app.CodeInvalid},
		{"start far in the past", &app.RegistrerFravaer{FravaerID: "f1", Type: "uddannelse", Start: app.MustDate(1800, 1, 1), Slut: today}, app.CodeInvalid},
		{"unknown type", &app.RegistrerFravaer{FravaerID: "f1", Type: "hygge", Start: today}, app.CodeInvalid},
		{"no start", &app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding"}, app.CodeInvalid},
		{"notification in the future", &app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding", Start: today, Anmeldt: today.AddDays(1)}, app.CodeInvalid},
		{"comment over 1500 characters", &app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding", Start: today, Kommentar: strings.Repeat("x", 1501)}, app.CodeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eng.Execute(sag, command("c1", sag, app.RolleSagsbehandler, today, tc.body))
			if got := app.ErrorCode(err); got != tc.want {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.want)
			}
		})
	}
}

func TestEveryKindRoundTrips(t *testing.T) {
	for _, kind := range app.Kinds() {
		b, err := app.NewBody(kind)
		if err != nil {
			t.Fatal(err)
		}
		if b.Kind() != kind {
			t.Errorf("NewBody(%q).Kind() = %q", kind, b.Kind())
		}
	}
	if len(app.Kinds()) < 20 {
		t.Errorf("only %d command kinds registered", len(app.Kinds()))
	}
}
