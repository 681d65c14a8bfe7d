package scenario_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/scenario"
	"feltsag.dk/feltsag/assets"
)

var updateLovskift = flag.Bool("update-lovskift", false, "rewrite assets/rules/daekning/lovskift.csv from the rule tables, keeping the scenarios named")

// lovskiftFile is the list of every rule-table row that changes at a
// rule-set boundary, with the scenarios that try it on both days.
const lovskiftFile = "../../assets/rules/daekning/lovskift.csv"

// lovskiftKeys names, per rule table, the columns that identify a row
// (the "key" whose rows follow each other in time, docs/rules.md §2).
func lovskiftKeys() map[string][]string {
	return map[string][]string{
		"parametre.csv":             {"noegle"},
		"kontaktgrupper.csv":        {"kg"},
		"personkategorier.csv":      {"kode"},
		"fravaerstyper.csv":         {"kode"},
		"fravaer_effekter.csv":      {"fravaer", "gruppe"},
		"fravaer_kontaktgruppe.csv": {"fravaer"},
		"pligter.csv":               {"gruppe", "kategori"},
	}
}

// lovskiftIgnored are the columns whose change is no change of rule.
func lovskiftIgnored() []string {
	return []string{"navn", "navn_en", "enhed", "kilde", "gyldig_fra", "gyldig_til"}
}

// skift is one rule-table row that changes at a rule-set boundary: the
// first day of the new rule (the old one holds the day before).
type skift struct {
	tabel, noegle, dag, kolonner string
}

// lovskiftChanges reads every rule table and returns each key whose rule
// changes at a boundary: a row that follows another with a different
// value in a rule column, a key that begins after the first rule set, and
// a key that ends.
func lovskiftChanges(t *testing.T) []skift {
	t.Helper()
	var out []skift
	for tabel, keyCols := range lovskiftKeys() {
		b, err := fs.ReadFile(assets.Rules(), tabel)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(b))
		r.Comment = '#'
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tabel, err)
		}
		head := rows[0]
		col := func(name string) int { return slices.Index(head, name) }
		type row struct {
			fra, til string
			cells    []string
		}
		byKey := map[string][]row{}
		var order []string
		for _, rec := range rows[1:] {
			var k []string
			for _, c := range keyCols {
				k = append(k, rec[col(c)])
			}
			key := strings.Join(k, " ")
			if _, ok := byKey[key]; !ok {
				order = append(order, key)
			}
			byKey[key] = append(byKey[key], row{fra: rec[col("gyldig_fra")], til: rec[col("gyldig_til")], cells: rec})
		}
		for _, key := range order {
			rs := byKey[key]
			slices.SortFunc(rs, func(a, b row) int { return strings.Compare(a.fra, b.fra) })
			if rs[0].fra != "2024-01-01" {
				out = append(out, skift{tabel, key, rs[0].fra, "ny"})
			}
			for i := 1; i < len(rs); i++ {
				var diff []string
				for j, name := range head {
					if !slices.Contains(lovskiftIgnored(), name) && !slices.Contains(keyCols, name) && rs[i].cells[j] != rs[i-1].cells[j] {
						diff = append(diff, name)
					}
				}
				if len(diff) > 0 {
					out = append(out, skift{tabel, key, rs[i].fra, strings.Join(diff, " ")})
				}
			}
			if last := rs[len(rs)-1]; last.til != "" {
				d, err := app.ParseDate(last.til)
				if err != nil {
					t.Fatalf("%s %s: %v", tabel, key, err)
				}
				out = append(out, skift{tabel, key, d.AddDays(1).String(), "ophoerer"})
			}
		}
	}
	slices.SortFunc(out, func(a, b skift) int {
		return strings.Compare(a.dag+a.tabel+a.noegle, b.dag+b.tabel+b.noegle)
	})
	return out
}

// scenarioDays returns the days a scenario looks at: its i_dag, every
// handling's i_dag= or tid=, and every expectation's paa=.
func scenarioDays(s *scenario.Scenario) []string {
	days := []string{s.IDag.String()}
	add := func(l scenario.Line, key string) {
		for _, f := range l.Fields {
			v, _ := f.Value.(string)
			if f.Key != key || v == "" {
				continue
			}
			if key == "tid" && strings.Contains(v, "T") {
				if at, err := time.Parse(time.RFC3339, v); err == nil {
					days = append(days, app.DateOf(at).String())
				}
				continue
			}
			if d, err := app.ParseDate(v); err == nil {
				days = append(days, d.String())
			}
		}
	}
	for _, c := range s.Checks {
		add(c, "paa")
	}
	for _, st := range s.Steps {
		add(st.Handling, "i_dag")
		add(st.Handling, "tid")
		for _, c := range st.Checks {
			add(c, "paa")
		}
	}
	return days
}

// TestLovskift checks issue 8 item 2: every rule-table row that changes
// at a rule-set boundary is listed in assets/rules/daekning/lovskift.csv,
// and the scenarios listed for it (by navn, separated by " | ") look at
// the last day of the old rule and the first day of the new one. A row
// without scenarios needs a reason in begrundelse. Run
//
//	go test -tags migrated_fynedo ./app/scenario -run TestLovskift -update-lovskift
//
// to rewrite the list from the tables; the scenarios and reasons already
// named are kept.
func TestLovskift(t *testing.T) {
	changes := lovskiftChanges(t)
	byName := map[string]*scenario.Scenario{}
	fsys := assets.Scenarios()
	files, _ := fs.Glob(fsys, "*.txt")
	for _, file := range files {
		b, _ := fs.ReadFile(fsys, file)
		ss, err := scenario.Parse(file, bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, s := range ss {
			byName[s.Navn] = s
		}
	}
	b, err := os.ReadFile(lovskiftFile)
	if err != nil && !*updateLovskift {
		t.Fatal(err)
	}
	type entry struct{ scenarier, begrundelse string }
	listed := map[skift]entry{}
	var listedOrder []skift
	if err == nil {
		r := csv.NewReader(bytes.NewReader(b))
		r.Comment = '#'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("lovskift.csv: %v", err)
		}
		for _, rec := range rows[1:] {
			k := skift{rec[0], rec[1], rec[2], rec[3]}
			listed[k] = entry{rec[4], rec[5]}
			listedOrder = append(listedOrder, k)
		}
	}
	if *updateLovskift {
		var buf bytes.Buffer
		buf.WriteString("# Hver regel i regeltabellerne, der skifter ved et regelsæts grænse, og de scenarier, der prøver den\n")
		buf.WriteString("# den sidste dag i det gamle regelsæt og den første i det nye (issue 8 pkt. 2).\n")
		buf.WriteString("# Genereret: go test -tags migrated_fynedo ./app/scenario -run TestLovskift -update-lovskift\n")
		buf.WriteString("# (tabel, noegle, dag og kolonner kommer fra tabellerne; scenarier og begrundelse skrives i hånden og bevares).\n")
		buf.WriteString("# dag = den nye regels første dag; kolonner = de ændrede kolonner, ny (nøglen begynder) eller ophoerer (nøglen slutter).\n")
		buf.WriteString("# scenarier = scenariernes navn: adskilt af \" | \"; begrundelse = hvorfor et skift ikke har scenarier.\n")
		w := csv.NewWriter(&buf)
		_ = w.Write([]string{"tabel", "noegle", "dag", "kolonner", "scenarier", "begrundelse"})
		for _, c := range changes {
			e := listed[c]
			_ = w.Write([]string{c.tabel, c.noegle, c.dag, c.kolonner, e.scenarier, e.begrundelse})
		}
		w.Flush()
		if err := os.WriteFile(lovskiftFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !slices.Equal(changes, listedOrder) {
		t.Errorf("lovskift.csv does not list the changes of the rule tables (%d in the tables, %d listed); run the command in this test's comment", len(changes), len(listedOrder))
	}
	for _, c := range changes {
		e, ok := listed[c]
		if !ok {
			t.Errorf("%s %s %s (%s): not listed", c.tabel, c.noegle, c.dag, c.kolonner)
			continue
		}
		names := strings.Split(e.scenarier, " | ")
		if e.scenarier == "" {
			if e.begrundelse == "" {
				t.Errorf("%s %s %s (%s): no scenario and no reason", c.tabel, c.noegle, c.dag, c.kolonner)
			}
			continue
		}
		dag, _ := app.ParseDate(c.dag)
		want := []string{dag.AddDays(-1).String(), c.dag}
		var days []string
		for _, n := range names {
			s := byName[strings.TrimSpace(n)]
			if s == nil {
				t.Errorf("%s %s %s: no scenario is named %q", c.tabel, c.noegle, c.dag, n)
				continue
			}
			days = append(days, scenarioDays(s)...)
		}
		for _, d := range want {
			if !slices.Contains(days, d) {
				t.Errorf("%s %s %s (%s): the scenarios %s do not look at %s", c.tabel, c.noegle, c.dag, c.kolonner, fmt.Sprintf("%q", names), d)
			}
		}
	}
}
