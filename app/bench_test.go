package app_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// BenchmarkValidateCommand measures how many commands the engine validates
// per second on one core (target ≥ 100,000/s so the server can re-validate
// every command cheaply). Each iteration clones the case, runs every rule
// of a sygemelding (matrix, backdating, overlap, derived afmelding and
// sygedagpenge) and builds the result.
func BenchmarkValidateCommand(b *testing.B) {
	eng := app.NewEngine(testkit.Rules(b))
	today := app.MustDate(2026, 3, 12)
	sag := testkit.NewSag(b, today)
	for i := range 5 {
		d := today.AddDays(-200 + 30*i)
		sag.Fravaer = append(sag.Fravaer, app.Fravaer{ID: app.ID("old" + string(rune('a'+i))), Type: "ferie",
			Periode: app.Period{Start: d, Slut: d.AddDays(6)}, Anmeldt: d.AddDays(-20)})
	}
	cmds := map[string]app.Command{
		"sygemelding": command("c1", sag, app.RolleSagsbehandler, today, &app.RegistrerFravaer{FravaerID: "f1", Type: "sygemelding", Start: today}),
		"ferie":       command("c2", sag, app.RolleBorger, today, &app.RegistrerFravaer{FravaerID: "f2", Type: "ferie", Start: today.AddDays(20), Slut: today.AddDays(24)}),
		"notat":       command("c3", sag, app.RolleSagsbehandler, today, &app.TilfoejNotat{NotatID: "n1", Tekst: "Kort notat"}),
		"visiter":     command("c4", sag, app.RolleSagsbehandler, today, &app.Visiter{Kategori: "match2"}),
	}
	for name, cmd := range cmds {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eng.Execute(sag, cmd); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
		})
	}
}
