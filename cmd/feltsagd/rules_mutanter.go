package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"time"

	"feltsag.dk/feltsag/app/scenario"
)

// fileSurvivors lists the surviving mutants that are accepted, with a
// reason each.
const fileSurvivors = "assets/rules/daekning/mutant_overlevere.csv"

// mutantWords are the texts of "rules mutants" in Danish and English.
type mutantWords struct {
	killedBy, refused, survived, accepted, notAccepted, survivors, stale, staleWhy, summary, hint string
}

func mutantWordsFor(lang string) mutantWords {
	if lang == "en" {
		return mutantWords{
			killedBy: "killed by", refused: "refused by the loader", survived: "SURVIVED",
			accepted: "accepted", notAccepted: "NOT ACCEPTED",
			survivors: "Surviving mutants", stale: "Stale entries in the list of accepted survivors", staleWhy: "matches no surviving mutant; remove it",
			summary: "%d mutants: %d killed by scenarios, %d refused by the loader, %d survived (%d accepted) in %s\n",
			hint:    "Write a scenario that notices the change, or add the mutant with a reason to " + fileSurvivors + ".\n",
		}
	}
	return mutantWords{
		killedBy: "dræbt af", refused: "afvist af indlæsningen", survived: "OVERLEVEDE",
		accepted: "accepteret", notAccepted: "IKKE ACCEPTERET",
		survivors: "Overlevende mutanter", stale: "Forældede rækker i listen over accepterede overlevere", staleWhy: "passer ikke på nogen overlevende mutant; fjern rækken",
		summary: "%d mutanter: %d dræbt af scenarier, %d afvist af indlæsningen, %d overlevede (%d accepteret) på %s\n",
		hint:    "Skriv et scenarie, der opdager ændringen, eller skriv mutanten med en begrundelse i " + fileSurvivors + ".\n",
	}
}

// rulesMutants runs the mutation check of the rule tables: each numeric
// and yes/no cell changed on its own, every scenario run against it. It
// fails when a mutant survives that the list of accepted survivors does
// not name, or an entry of that list is stale.
func rulesMutants(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("rules mutants", flag.ContinueOnError)
	fset.SetOutput(stderr)
	root := fset.String("rod", ".", "repositoriets rod (mappen med assets/)")
	quiet := fset.Bool("q", false, "vis kun ikke-accepterede overlevere, forældede rækker og slutlinjen")
	only := fset.String("kun", "", "kør kun mutanter, hvis id passer på mønsteret (fx 'parametre.csv:*')")
	workers := fset.Int("j", runtime.GOMAXPROCS(0), "antal samtidige kørsler")
	if err := fset.Parse(args); err != nil {
		return exitError{err.Error()}
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "feltsagd rules mutants: uventet argument %q\n", fset.Arg(0))
		return exitError{"usage"}
	}
	if _, err := path.Match(*only, ""); err != nil {
		fmt.Fprintf(stderr, "feltsagd rules mutants: -kun %q er ikke et gyldigt mønster\n", *only)
		return exitError{"usage"}
	}
	start := time.Now()
	fsys := os.DirFS(*root)
	tables, err := fs.Sub(fsys, dirTables)
	if err != nil {
		return err
	}
	scenarios, err := readScenarioDir(fsys)
	if err != nil {
		return err
	}
	f, err := fsys.Open(fileSurvivors)
	if err != nil {
		return fmt.Errorf("the accepted survivors: %w", err)
	}
	accepted, err := scenario.ReadSurvivors(f)
	f.Close()
	if err != nil {
		return err
	}
	all, err := scenario.Mutants(tables)
	if err != nil {
		return err
	}
	var mutants []scenario.Mutant
	for _, m := range all {
		if ok, _ := path.Match(*only, m.ID); *only == "" || ok {
			mutants = append(mutants, m)
		}
	}
	results, err := scenario.RunMutants(ctx, tables, scenarios, mutants, *workers)
	if err != nil {
		return err
	}
	w := mutantWordsFor(tx.lang)
	ok, notOK, stale := scenario.Judge(results, accepted, *only == "")
	killed, refused := 0, 0
	for _, r := range results {
		switch {
		case r.Killer != nil:
			killed++
			if !*quiet {
				fmt.Fprintf(stdout, "%-70s %s %s:%d\n", r.Mutant.ID, w.killedBy, r.Killer.File, r.Killer.Line)
			}
		case r.Refused != nil:
			refused++
			if !*quiet {
				fmt.Fprintf(stdout, "%-70s %s\n", r.Mutant.ID, w.refused)
			}
		}
	}
	// The survivors: all of them, or with -q only those not accepted.
	survived := len(results) - killed - refused
	if shown := survived - len(ok)*boolInt(*quiet); shown > 0 {
		fmt.Fprintf(stdout, "\n%s (%d):\n", w.survivors, shown)
		for _, r := range results {
			s := ok[r.Mutant.ID]
			if r.Killed() || *quiet && s != nil {
				continue
			}
			verdict := w.notAccepted
			if s != nil {
				verdict = w.accepted + ": " + s.Begrundelse
			}
			fmt.Fprintf(stdout, "  %s (%s → %s) %s\n", r.Mutant.ID, r.Mutant.Fra, r.Mutant.Til, verdict)
		}
	}
	if len(notOK) > 0 {
		fmt.Fprint(stdout, w.hint)
	}
	if len(stale) > 0 {
		fmt.Fprintf(stdout, "\n%s (%d):\n", w.stale, len(stale))
		for _, s := range stale {
			fmt.Fprintf(stdout, "  %s:%d %s: %s\n", path.Base(fileSurvivors), s.Linje, s.Mutant, w.staleWhy)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, w.summary, len(results), killed, refused, survived, len(ok), time.Since(start).Round(100*time.Millisecond))
	if len(notOK) > 0 || len(stale) > 0 {
		return exitError{"surviving mutants"}
	}
	return nil
}

// readScenarioDir parses every scenario file of the repository in fsys.
func readScenarioDir(fsys fs.FS) ([]*scenario.Scenario, error) {
	files, err := fs.Glob(fsys, path.Join(dirScenarios, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scenario files in %s", dirScenarios)
	}
	var out []*scenario.Scenario
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		ss, err := scenario.Parse(path.Base(file), strings.NewReader(string(b)))
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
