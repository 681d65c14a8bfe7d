package app_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

func TestShippedRulesLoad(t *testing.T) {
	r := testkit.Rules(t)
	if got := len(r.Sets); got < 2 {
		t.Fatalf("rule sets = %d, want at least 2 (before and after 1 Jul 2026)", got)
	}
	for _, tc := range []struct {
		day  app.Date
		want string
	}{
		{app.MustDate(2026, 6, 30), "2026-02"},
		{app.MustDate(2026, 7, 1), "2026-07"},
		{app.MustDate(2025, 6, 30), "2025-01"},
		{app.MustDate(2024, 12, 31), "2024-01"},
		{app.MustDate(2025, 1, 1), "2025-01"},
		{app.MustDate(2025, 7, 1), "2025-07"},
		{app.MustDate(2027, 1, 1), "2027-01"},
	} {
		rs, err := r.ForDate(tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if rs.Version != tc.want {
			t.Errorf("ForDate(%s) = %s, want %s", tc.day, rs.Version, tc.want)
		}
	}
	if _, err := r.ForDate(app.MustDate(2023, 12, 31)); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("ForDate before the first rule set: err = %v, want not_found", err)
	}
}

// TestRuleTableErrors checks that a damaged table is refused with an error
// naming the file, line and column.
func TestRuleTableErrors(t *testing.T) {
	base := map[string]string{}
	for name, b := range shippedTables(t) {
		base[name] = string(b)
	}
	tests := []struct {
		name, file, old, new, want string
	}{
		{"unknown fravaer in matrix", "fravaer_kontaktgruppe.csv", "\nferie,D,", "\nferiee,D,", "fravaer_kontaktgruppe.csv:"},
		{"bad cell", "fravaer_kontaktgruppe.csv", "\nferie,D,K,", "\nferie,D,X,", "kolonne KG2"},
		{"missing cell column", "fravaer_kontaktgruppe.csv", "", "", "KG29"},
		{"short row", "fravaer_kontaktgruppe.csv", "\nferie,D,K,", "\nferie,K,", "felter"},
		{"impossible date", "parametre.csv", "notat.max,10000,tegn,2024-01-01", "notat.max,10000,tegn,2024-02-30", "parametre.csv:"},
		{"overlap", "parametre.csv", "uddannelsespaalaeg,0,ja/nej,2027-01-01", "uddannelsespaalaeg,0,ja/nej,2026-07-01", "overlapper"},
		{"gap", "regelsaet.csv", "2026-07,Beskæftigelsesreform fase 1 (1. juli): fleksible kontaktforløb,2026-07-01", "2026-07,Beskæftigelsesreform fase 1 (1. juli): fleksible kontaktforløb,2026-07-02", "hul"},
		{"unaligned period", "parametre.csv", "notat.max,10000,tegn,2024-01-01", "notat.max,10000,tegn,2024-01-02", "ikke starten på et regelsæt"},
		{"unknown kg group", "kontaktgrupper.csv", "1,Dagpengemodtager,Unemployment benefit recipient,DP,", "1,Dagpengemodtager,Unemployment benefit recipient,XX,", "kolonne gruppe"},
		{"missing English name", "kontaktgrupper.csv", "1,Dagpengemodtager,Unemployment benefit recipient,DP,", "1,Dagpengemodtager,,DP,", "navn_en"},
		{"missing source", "parametre.csv", "notat.max,10000,tegn,2024-01-01,,(A)", "notat.max,10000,tegn,2024-01-01,,", "kolonne kilde"},
		{"missing parameter", "parametre.csv", "notat.max,10000,tegn,2024-01-01,,(A)\n", "", "notat.max"},
		{"broken csv quote", "pligter.csv", "DP,*,P", "DP,\"*,P", "pligter.csv:"},
		{"not a number", "parametre.csv", "notat.max,10000,", "notat.max,ti tusind,", "kolonne vaerdi"},
		{"unknown effect value", "fravaer_effekter.csv", "ferie,KH,G,G,F", "ferie,KH,G,G,Q", "kolonne raadighed"},
		{"empty file", "regelsaet.csv", "", "", "tom"},
		{"semicolons", "pligter.csv", "", "", "semikolon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range base {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			body := base[tc.file]
			switch {
			case tc.name == "empty file":
				body = ""
			case tc.name == "missing cell column":
				body = dropColumn(body, 28)
			case tc.name == "semicolons":
				body = strings.ReplaceAll(body, ",", ";")
			}
			if tc.old != "" && !strings.Contains(body, tc.old) {
				t.Fatalf("fixture: %q not found in %s", tc.old, tc.file)
			}
			fsys[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(body, tc.old, tc.new, 1))}
			_, err := app.LoadRules(fsys)
			if err == nil {
				t.Fatal("LoadRules accepted a damaged table")
			}
			if got := errText(t, err, "da"); !strings.Contains(got, tc.want) {
				t.Errorf("error = %q, want it to mention %q", got, tc.want)
			}
			if en := errText(t, err, "en"); en == errText(t, err, "da") && !strings.Contains(en, "scenario") {
				t.Logf("English = Danish: %q", en) // file names and values only
			}
			if app.ErrorCode(err) != app.CodeInvalid {
				t.Errorf("code = %q, want invalid", app.ErrorCode(err))
			}
		})
	}
}

// dropColumn removes field i from every non-comment line of a CSV text.
func dropColumn(body string, i int) string {
	lines := strings.Split(body, "\n")
	for n, l := range lines {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		if len(f) > i {
			lines[n] = strings.Join(append(f[:i], f[i+1:]...), ",")
		}
	}
	return strings.Join(lines, "\n")
}

// TestRuleTableWithBOM: a table saved as "CSV UTF-8" by a spreadsheet
// starts with a byte-order mark and must still load.
func TestRuleTableWithBOM(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, b := range shippedTables(t) {
		fsys[name] = &fstest.MapFile{Data: append([]byte("\xef\xbb\xbf"), b...)}
	}
	if _, err := app.LoadRules(fsys); err != nil {
		t.Fatalf("tables with a byte-order mark: %v", err)
	}
}

// shippedTables reads the CSV rule tables of assets/rules by file name.
func shippedTables(tb testing.TB) map[string][]byte {
	tb.Helper()
	entries, err := os.ReadDir("../assets/rules")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".csv") {
			b, err := os.ReadFile("../assets/rules/" + e.Name())
			if err != nil {
				tb.Fatal(err)
			}
			out[e.Name()] = b
		}
	}
	return out
}

// TestAfmelderMatchesEffects keeps the two places that say an absence
// deregisters consistent: fravaerstyper.csv's afmelder column (which the
// commands use) and the tilmelding column of fravaer_effekter.csv (which
// the overview shows).
func TestAfmelderMatchesEffects(t *testing.T) {
	for _, rs := range testkit.Rules(t).Sets {
		for code, ft := range rs.Fravaer {
			afmelder := ft.Afmelder != "nej"
			for gruppe, e := range rs.Effekter[code] {
				if got := e.Effekt["tilmelding"] == "A"; got != afmelder {
					t.Errorf("%s: %s/%s: tilmelding %q, but afmelder is %q", rs.Version, code, gruppe, e.Effekt["tilmelding"], ft.Afmelder)
				}
			}
		}
	}
}
