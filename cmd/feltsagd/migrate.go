package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"

	"feltsag.dk/feltsag/store/pgledger"
)

const migrateUsage = `Brug: feltsagd migrate -db postgres://… [-grant ROLLE]

Bringer PostgreSQL-databasens skema op til denne udgave af feltsagd (de indlejrede,
nummererede migreringer; hver køres én gang i sin egen transaktion). Kør som skemaets
ejer, ikke som serverens rolle; serveren starter ikke på et ældre skema.

  -db URL       databasen (postgres://bruger@vært/db?sslmode=…; standard $FELTSAGD_DB)
  -grant ROLLE  giv serverens rolle sine rettigheder bagefter: læse og skrive rækker,
                kun tilføje til revisionssporet, aldrig ændre eller slette tabeller
`

// runMigrate applies the PostgreSQL ledger's migrations.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, tx texts, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, migrateUsage) }
	db := fl.String("db", getenv("FELTSAGD_DB"), "")
	role := fl.String("grant", "", "")
	if err := fl.Parse(args); err != nil {
		return exitError{"bad flags"}
	}
	if *db == "" || fl.NArg() > 0 {
		fmt.Fprint(stderr, migrateUsage)
		return exitError{"bad flags"}
	}
	done, err := pgledger.Migrate(ctx, *db, pgledger.MigrateOptions{Grant: *role})
	for _, v := range done {
		fmt.Fprintf(stdout, "migrering %04d anvendt\n", v)
	}
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	fmt.Fprintf(stdout, "skemaet i %s er på version %d\n", redactDB(*db), pgledger.SchemaVersion())
	if *role != "" {
		fmt.Fprintf(stdout, "rollen %s har serverens rettigheder\n", *role)
	}
	return nil
}

// redactDB is a database URL fit for a log or a terminal: no password.
func redactDB(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.Scheme == "" {
		return "PostgreSQL-databasen"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
