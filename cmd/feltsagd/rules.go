package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
)

// runRules runs "feltsagd rules check|show|coverage|mutants|katalog"; errors are shown in the
// language of tx.
func runRules(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitError{"no rules subcommand"}
		}
		return nil
	}
	switch args[0] {
	case "katalog":
		return rulesKatalog(args[1:], stdout, stderr)
	case "coverage":
		return rulesCoverage(args[1:], tx, stdout, stderr)
	case "mutants":
		return rulesMutants(ctx, args[1:], tx, stdout, stderr)
	}
	fset := flag.NewFlagSet("rules "+args[0], flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("regler", "", "mappe med regeltabeller (standard: de indbyggede)")
	quiet := fset.Bool("q", false, "vis kun fejlede scenarier og slutlinjen")
	if err := fset.Parse(args[1:]); err != nil {
		return exitError{err.Error()}
	}
	rules, err := loadRules(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "feltsagd: regeltabellerne kan ikke indlæses:", tx.err(err, nil))
		return exitError{"rules"}
	}
	switch args[0] {
	case "check":
		return rulesCheck(ctx, app.NewEngine(rules), tx, fset.Args(), *quiet, stdout, stderr)
	case "show":
		return rulesShow(rules, stdout)
	}
	fmt.Fprintf(stderr, "feltsagd rules: ukendt underkommando %q\n\n%s", args[0], usage)
	return exitError{"unknown rules subcommand"}
}

func loadRules(dir string) (*app.Rules, error) {
	var fsys fs.FS = assets.Rules()
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	return app.LoadRules(fsys)
}

// rulesCheck runs every scenario in files and prints one line per
// scenario and a closing "N passed, M failed"; it fails unless all pass.
func rulesCheck(ctx context.Context, eng *app.Engine, tx texts, files []string, quiet bool, stdout, stderr io.Writer) error {
	if len(files) == 0 {
		fmt.Fprintln(stderr, "feltsagd rules check: angiv en eller flere scenariefiler, fx assets/rules/scenarios/*.txt")
		return exitError{"no files"}
	}
	passed, failed := 0, 0
	for _, file := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		scenarios, err := readScenarios(file)
		if err != nil {
			fmt.Fprintf(stdout, "FEJL %s\n", tx.err(err, eng.Rules()))
			failed++
			continue
		}
		for _, s := range scenarios {
			res := scenario.Run(eng, s)
			if res.Passed() {
				passed++
				if !quiet {
					fmt.Fprintf(stdout, "ok   %s:%d %s\n", s.File, s.Line, s.Navn)
				}
				continue
			}
			failed++
			fmt.Fprintf(stdout, "FEJL %s:%d %s\n", s.File, s.Line, s.Navn)
			for _, f := range res.Failures {
				fmt.Fprintf(stdout, "       %s\n", f)
			}
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return exitError{"scenarios failed"}
	}
	return nil
}

func readScenarios(file string) ([]*scenario.Scenario, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, app.Errorf(app.CodeNotFound, "", "cli.scenario.file_missing", "fil", file)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		return nil, app.Errorf(app.CodeInvalid, "", "cli.scenario.folder", "fil", file)
	}
	return scenario.Parse(file, f)
}

func rulesShow(rules *app.Rules, stdout io.Writer) error {
	for _, s := range rules.Sets {
		til := s.Periode.Slut.Dansk()
		if til == "" {
			til = "indtil videre"
		}
		fmt.Fprintf(stdout, "%-8s %s – %-13s %s  %s\n", s.Version, s.Periode.Start.Dansk(), til, s.Navn, s.Kilde)
		fmt.Fprintf(stdout, "         %d kontaktgrupper, %d fraværstyper, %d personkategorier, %d parametre\n",
			len(s.KG), len(s.Fravaer), len(s.Kategorier), len(s.Params))
	}
	return nil
}
