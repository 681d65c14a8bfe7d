package server_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// BenchmarkPushCompany pushes frames of 100 visit commands, each on
// another company of a team of 10 consultants in a ledger of 1,000
// accounts, through PushAs (the real merge and ledger commit without the
// socket), and reports the time per command: the company's Readers are
// computed again at every write (the team from the accounts, the owners
// of the placed citizens' cases). Compare BenchmarkPushCompanyNoTeam.
func BenchmarkPushCompany(b *testing.B) { benchPushCompany(b, "nord") }

// BenchmarkPushCompanyNoTeam is BenchmarkPushCompany with an owner
// without a team (no accounts are read).
func BenchmarkPushCompanyNoTeam(b *testing.B) { benchPushCompany(b, "") }

func benchPushCompany(b *testing.B, team app.ID) {
	const perFrame, companies, accounts = 100, 1000, 1000
	led, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{Ledger: led, Engine: testkit.Engine(b), Password: server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	err = led.Update(func(tx app.LedgerTx) error {
		for i := range accounts {
			a := app.Account{ID: app.ID(fmt.Sprintf("vk%d", i)), Navn: "Konsulent", Rolle: app.RoleCaseworker, Created: time.Now()}
			if i < 10 {
				a.Team = team
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	v := company(b, "firma-0")
	for i := range companies {
		c := v.Clone()
		c.ID = app.ID(fmt.Sprintf("firma-%d", i))
		if err := srv.ImportCompany(c, "vk0"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		cmds := make([]wire.PushCommand, perFrame)
		for j := range cmds {
			n++
			cmds[j] = vcmd(uint64(n), app.ID(fmt.Sprintf("c-%d", n)), app.ID(fmt.Sprintf("firma-%d", n%companies)), "vk0", 1,
				&app.RegistrerVirksomhedskontakt{KontaktID: app.ID(fmt.Sprintf("k-%d", n)), Form: "telefon", Formaal: "Opfølgning"})
		}
		res, err := srv.PushAs("vk0", "dev-0", cmds)
		if err != nil {
			b.Fatal(err)
		}
		if res[0].Status != app.AckApplied {
			b.Fatalf("ack %+v", res[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e3, "µs/command")
}
