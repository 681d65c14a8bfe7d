package main

import (
	"fmt"
	"io"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/sync/server"
)

// DemoPassword returns the demo password of a demo account. Demo
// passwords are deterministic so that `make demo` can sign a client in;
// they are printed at start and never used outside a demo ledger.
func DemoPassword(user string) string { return "demo-" + user }

// DemoAdmin is the demo ledger's administrator.
const DemoAdmin = "admin"

// seedDemo fills a fresh ledger with the demo population of seed and size
// as of today: one account per demo caseworker (user name = the
// caseworker's brugernavn), their cases assigned to them, and an admin.
// It prints the accounts and their passwords. The first caseworker finds
// a few conflicts waiting (seedDemoConflicts).
func seedDemo(srv *server.Server, led app.Ledger, seed int64, size int, stdout io.Writer) error {
	var n int
	if err := led.View(func(tx app.LedgerTx) error {
		accounts, err := tx.Accounts()
		n = len(accounts)
		return err
	}); err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "demo-ledgeren har allerede %d konti; demodata lægges ikke ind igen\n", n)
		return nil
	}
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		return err
	}
	today := app.DateOf(time.Now())
	pop, err := demo.Generate(rules, seed, size, today)
	if err != nil {
		return err
	}
	if err := srv.CreateAccount(DemoAdmin, "Demo-administrator", app.RoleAdmin, DemoPassword(DemoAdmin)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demodata: %d borgere, %d sagsbehandlere (seed %d, %s)\n", len(pop.Sager), len(pop.Sagsbehandlere), seed, today)
	fmt.Fprintf(stdout, "  %-10s %-16s %s\n", "bruger", "adgangskode", "navn")
	fmt.Fprintf(stdout, "  %-10s %-16s %s\n", DemoAdmin, DemoPassword(DemoAdmin), "Demo-administrator")
	for _, cw := range pop.Sagsbehandlere {
		if err := srv.CreateAccount(app.ID(cw.Brugernavn), cw.Navn, app.RoleCaseworker, DemoPassword(cw.Brugernavn)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-10s %-16s %s (%s)\n", cw.Brugernavn, DemoPassword(cw.Brugernavn), cw.Navn, cw.Organisation)
	}
	// The field kit (issue 11): the consultants, their team with the
	// first caseworker, and the companies. Companies puts the running
	// placements in the placed citizens' plans, so it runs before the cases
	// are imported; the companies are imported after them (a placed
	// citizen's caseworker becomes a reader of the company).
	fk, err := demo.Companies(rules, pop)
	if err != nil {
		return fmt.Errorf("demo companies: %w", err)
	}
	for _, k := range fk.Konsulenter {
		if err := srv.CreateAccount(app.ID(k.Brugernavn), k.Navn, app.RoleCaseworker, DemoPassword(k.Brugernavn)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-10s %-16s %s (virksomhedskonsulent, %s)\n", k.Brugernavn, DemoPassword(k.Brugernavn), k.Navn, fk.Team)
	}
	for _, m := range fk.Medlemmer {
		if err := srv.SetTeam(m, fk.Team); err != nil {
			return fmt.Errorf("demo team: %w", err)
		}
	}
	for i := range pop.Sager {
		s := &pop.Sager[i]
		owner := app.ID(pop.Sagsbehandlere[i/demo.CasesPerCaseworker].Brugernavn)
		s.Ansvarlig = owner
		if err := srv.ImportCase(s, owner); err != nil {
			return fmt.Errorf("demo case %d: %w", i, err)
		}
	}
	for _, v := range fk.Virksomheder {
		if err := srv.ImportCompany(v, v.Ansvarlig); err != nil {
			return fmt.Errorf("demo company %s: %w", v.Navn, err)
		}
	}
	fmt.Fprintf(stdout, "demodata: %d virksomheder hos hold %s\n", len(fk.Virksomheder), fk.Team)
	if len(pop.Sagsbehandlere) == 0 {
		return nil
	}
	first := app.ID(pop.Sagsbehandlere[0].Brugernavn)
	if _, err := seedDemoConflicts(srv, rules, first, pop.Sager[:min(demo.CasesPerCaseworker, len(pop.Sager))], time.Now()); err != nil {
		return fmt.Errorf("demo conflicts: %w", err)
	}
	return printDemoConflicts(srv, first, stdout)
}
