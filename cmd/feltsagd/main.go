// Command feltsagd is Feltsag's central server. In this version it offers
// the tools for rule maintainers and demo data:
//
//	feltsagd rules check FILE...     run rule scenarios, print "N passed, M failed"
//	feltsagd rules show              list the rule sets
//	feltsagd rules coverage          print the coverage matrix of the sourced rules
//	feltsagd rules mutants           run the mutation check of the rule tables
//	feltsagd rules katalog DOMAIN.md extract the sourced rules of DOMAIN.md
//	feltsagd demo list [flags]       list the demo population
//	feltsagd demo plan [flags]       render the plan of a demo citizen as PDF
//
//	feltsagd serve [flags]           run the sync server (see feltsagd serve -h)
//	feltsagd migrate -db URL         bring a PostgreSQL ledger's schema up to date
//	feltsagd admin [flags] CMD       administer a running server (see feltsagd admin -h)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var exit exitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "feltsagd:", err)
		}
		os.Exit(1)
	}
}

// exitError is a failure already reported to the user (e.g. failed
// scenarios): exit non-zero without printing it again.
type exitError struct{ msg string }

func (e exitError) Error() string { return e.msg }

const usage = `Brug: feltsagd KOMMANDO [argumenter]

Kommandoer:
  rules check [-q] [-regler MAPPE] FIL...
                       kør regelscenarier: én linje pr. scenarie og "N passed, M failed"
                       (-q: kun fejl; -regler: brug regeltabeller fra en anden mappe)
  rules show           vis regelsættene og deres gyldighed
  rules coverage [-q]  vis dækningsmatricen: DOMAIN-regel → tabelrække/Go → scenarier
  rules mutants [-q] [-kun MØNSTER]
                       ændr hver tal- og ja/nej-celle i regeltabellerne ±1, én ad gangen,
                       og fejl, hvis intet scenarie opdager det
  rules katalog DOMAIN.md
                       udtræk de kildebelagte regler af DOMAIN.md som CSV
  demo list            vis demobefolkningen (se feltsagd demo list -h)
  demo plan            skriv en demoborgers plan som PDF (se feltsagd demo plan -h)
  serve [flag]         start synkroniseringsserveren (se feltsagd serve -h)
  migrate -db URL [-grant ROLLE]
                       bring PostgreSQL-databasens skema op til denne udgave
  export (-data FIL | -db URL) [-o DUMP]
                       skriv hele serverens ledger som en dump
  import (-data FIL | -db URL) [-i DUMP]
                       indlæs en dump i en tom datafil eller database
  compare A B          sammenlign to ledgere eller dumps tabel for tabel
  new-epoch (-data FIL | -db URL)
                       ny epoke efter en genindlæsning fra sikkerhedskopi
  admin [flag] KOMMANDO
                       konti, enheder, tildeling, konflikter, adgangslog og
                       sikkerhedskopi på en kørende server (se feltsagd admin -h)
`

// run is the whole program, testable end to end.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{"no command"}
	}
	tx, err := newTexts(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "rules":
		return runRules(ctx, args[1:], tx, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], tx, stdout, stderr)
	case "serve":
		return runServe(ctx, args[1:], getenv, tx, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, tx, stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, tx, stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], getenv, os.Stdin, tx, stdout, stderr)
	case "compare":
		return runCompare(ctx, args[1:], tx, stdout, stderr)
	case "new-epoch":
		return runNewEpoch(ctx, args[1:], getenv, tx, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args[1:], getenv, os.Stdin, tx, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "feltsagd: ukendt kommando %q\n\n%s", args[0], usage)
	return exitError{"unknown command"}
}
