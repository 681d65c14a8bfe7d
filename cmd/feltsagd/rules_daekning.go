package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"text/tabwriter"

	"feltsag.dk/feltsag/app/scenario"
)

// Where "rules coverage" finds its inputs, relative to the repository
// root.
const (
	dirTables      = "assets/rules"
	dirScenarios   = "assets/rules/scenarios"
	dirGo          = "app"
	fileCatalogue  = "assets/rules/daekning/domaeneregler.csv"
	fileExceptions = "assets/rules/daekning/undtagelser.csv"
)

// coverageWords are the headings of "rules coverage" in Danish and
// English.
type coverageWords struct {
	title, rule, sources, impl, scenarios, withoutScenario, exception, exceptedBy, rulesWord,
	uncovered, stale, staleNoRule, staleCovered, unknown, summary, hint string
}

func wordsFor(lang string) coverageWords {
	if lang == "en" {
		return coverageWords{
			title: "Coverage of the sourced rules in DOMAIN.md", rule: "RULE", sources: "SOURCES", impl: "IMPLEMENTATION", scenarios: "SCENARIOS",
			withoutScenario: "Sourced rules without a scenario", exception: "exception", exceptedBy: "accepted by", rulesWord: "rules",
			uncovered:   "Uncovered rules: neither a scenario nor an exception",
			stale:       "Stale exceptions",
			staleNoRule: "the pattern matches no rule", staleCovered: "the rule has a scenario now; remove the exception",
			unknown: "Scenarios name rules that are not in the catalogue (regler:)",
			summary: "%d sourced rules: %d with a scenario, %d accepted by an exception, %d uncovered\n",
			hint:    "Tag a scenario that tests the rule (regler: ID in its header), or add the rule with a reason to " + fileExceptions + ".\n",
		}
	}
	return coverageWords{
		title: "Dækning af de kildebelagte regler i DOMAIN.md", rule: "REGEL", sources: "KILDER", impl: "IMPLEMENTERING", scenarios: "SCENARIER",
		withoutScenario: "Kildebelagte regler uden scenarie", exception: "undtagelse", exceptedBy: "undtaget af", rulesWord: "regler",
		uncovered:   "Udækkede regler: hverken scenarie eller undtagelse",
		stale:       "Forældede undtagelser",
		staleNoRule: "mønsteret passer ikke på nogen regel", staleCovered: "reglen har nu et scenarie; fjern undtagelsen",
		unknown: "Scenarier nævner regler, der ikke står i kataloget (regler:)",
		summary: "%d kildebelagte regler: %d med scenarie, %d undtaget, %d udækkede\n",
		hint:    "Mærk et scenarie, der tester reglen (regler: ID i hovedet), eller skriv reglen med en begrundelse i " + fileExceptions + ".\n",
	}
}

// rulesKatalog prints the rule catalogue extracted from the research
// notes: feltsagd rules katalog DOMAIN.md > assets/rules/daekning/domaeneregler.csv.
func rulesKatalog(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "Brug: feltsagd rules katalog DOMAIN.md > "+fileCatalogue)
		return exitError{"usage"}
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("open the research notes: %w", err)
	}
	defer f.Close()
	rules, err := scenario.ExtractDomainRules(f)
	if err != nil {
		return err
	}
	return scenario.WriteCatalogue(stdout, rules)
}

// rulesCoverage prints the coverage matrix of the repository at root and
// fails when a sourced rule has neither a scenario nor an exception, or
// an exception is stale.
func rulesCoverage(args []string, tx texts, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("rules coverage", flag.ContinueOnError)
	fset.SetOutput(stderr)
	root := fset.String("rod", ".", "repositoriets rod (mappen med assets/ og app/)")
	quiet := fset.Bool("q", false, "vis kun udækkede regler, forældede undtagelser og slutlinjen")
	if err := fset.Parse(args); err != nil {
		return exitError{err.Error()}
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "feltsagd rules coverage: uventet argument %q\n", fset.Arg(0))
		return exitError{"usage"}
	}
	cov, err := buildCoverage(os.DirFS(*root))
	if err != nil {
		return err
	}
	printCoverage(cov, wordsFor(tx.lang), *quiet, stdout)
	if !cov.OK() {
		return exitError{"uncovered rules"}
	}
	return nil
}

// buildCoverage reads the catalogue, the exceptions, the tables, the Go
// code and the scenarios from the repository in fsys.
func buildCoverage(fsys fs.FS) (scenario.Coverage, error) {
	var cov scenario.Coverage
	f, err := fsys.Open(fileCatalogue)
	if err != nil {
		return cov, fmt.Errorf("the rule catalogue: %w", err)
	}
	rules, err := scenario.ReadCatalogue(f)
	f.Close()
	if err != nil {
		return cov, err
	}
	f, err = fsys.Open(fileExceptions)
	if err != nil {
		return cov, fmt.Errorf("the exceptions: %w", err)
	}
	exceptions, err := scenario.ReadExceptions(f)
	f.Close()
	if err != nil {
		return cov, err
	}
	tables, err := fs.Sub(fsys, dirTables)
	if err != nil {
		return cov, err
	}
	impls, err := scenario.TableImpls(tables)
	if err != nil {
		return cov, err
	}
	goImpls, err := scenario.GoImpls(fsys, dirGo, dirGo)
	if err != nil {
		return cov, err
	}
	impls = append(impls, goImpls...)
	scenarios, err := readScenarioDir(fsys)
	if err != nil {
		return cov, err
	}
	return scenario.BuildCoverage(rules, impls, scenarios, exceptions), nil
}

// printCoverage writes the matrix (unless quiet), the rules without a
// scenario, the stale exceptions and the closing counts.
func printCoverage(cov scenario.Coverage, w coverageWords, quiet bool, stdout io.Writer) {
	if !quiet {
		fmt.Fprintf(stdout, "%s\n\n", w.title)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.rule, w.sources, w.impl, w.scenarios)
		for _, r := range cov.Rules {
			var sc []string
			for _, s := range r.Scenarios {
				sc = append(sc, s.File+":"+strconv.Itoa(s.Line))
			}
			scen := firstN(sc, 4)
			if scen == "" {
				scen = "–"
			}
			impl := firstN(r.Impl, 3)
			if impl == "" {
				impl = "–"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Rule.ID, strings.Join(r.Rule.Kilder, ""), impl, scen)
		}
		tw.Flush()
		fmt.Fprintf(stdout, "\n%s:\n", w.withoutScenario)
		byPattern := map[string]int{}
		var patterns []*scenario.Exception
		for _, r := range cov.Rules {
			switch {
			case len(r.Scenarios) > 0 || r.Undtagelse == nil:
			case strings.ContainsAny(r.Undtagelse.Regel, "*?["):
				if byPattern[r.Undtagelse.Regel] == 0 {
					patterns = append(patterns, r.Undtagelse)
				}
				byPattern[r.Undtagelse.Regel]++
			default:
				fmt.Fprintf(stdout, "  %-10s %s — %s: %s\n", r.Rule.ID, r.Rule.Titel, w.exception, r.Undtagelse.Begrundelse)
			}
		}
		for _, e := range patterns {
			fmt.Fprintf(stdout, "  %d %s %s »%s«: %s\n", byPattern[e.Regel], w.rulesWord, w.exceptedBy, e.Regel, e.Begrundelse)
		}
	}
	total, tested, excepted, uncovered := cov.Counts()
	if uncovered > 0 {
		fmt.Fprintf(stdout, "\n%s (%d):\n", w.uncovered, uncovered)
		for _, r := range cov.Rules {
			if r.Uncovered() {
				fmt.Fprintf(stdout, "  %-10s %s  %s (DOMAIN.md:%d)\n", r.Rule.ID, strings.Join(r.Rule.Kilder, ""), r.Rule.Titel, r.Rule.Linje)
			}
		}
		fmt.Fprint(stdout, w.hint)
	}
	if len(cov.Stale) > 0 {
		fmt.Fprintf(stdout, "\n%s (%d):\n", w.stale, len(cov.Stale))
		for _, e := range cov.Stale {
			why := w.staleCovered
			if strings.ContainsAny(e.Regel, "*?[") || !covered(cov, e.Regel) {
				why = w.staleNoRule
			}
			fmt.Fprintf(stdout, "  %s:%d %s: %s\n", path.Base(fileExceptions), e.Linje, e.Regel, why)
		}
	}
	if len(cov.Unknown) > 0 {
		fmt.Fprintf(stdout, "\n%s (%d):\n", w.unknown, len(cov.Unknown))
		for _, u := range cov.Unknown {
			fmt.Fprintf(stdout, "  %s\n", u)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, w.summary, total, tested, excepted, uncovered)
}

// covered reports whether the rule id exists and has a scenario.
func covered(cov scenario.Coverage, id string) bool {
	for _, r := range cov.Rules {
		if r.Rule.ID == id {
			return len(r.Scenarios) > 0
		}
	}
	return false
}

// firstN joins at most n items and says how many more there are.
func firstN(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(", … (+%d)", len(items)-n)
}
