package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

var docsNow = time.Date(2026, 9, 14, 10, 30, 0, 0, time.UTC)

// replicaWithPlan is a real replica with one case whose job plan is saved
// and published through the engine, as the Plan tab does.
func replicaWithPlan(t *testing.T) (*store.DB, *app.Sag, app.ID) {
	t.Helper()
	db, err := store.Create(filepath.Join(t.TempDir(), "feltsag-cw1-dev1.db"), serverPassword, store.Options{
		Engine: testkit.Engine(t), KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Sleep: func(time.Duration) {},
		Now: func() time.Time { return docsNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := testkit.NewSag(t, app.DateOf(docsNow))
	if err := db.PutConfirmed(s); err != nil {
		t.Fatal(err)
	}
	plan := app.ID("plan-1")
	for i, body := range []app.Body{
		&app.GemPlan{PlanID: plan, Type: app.PlanJob, Indhold: app.PlanIndhold{Jobmaal: []string{"Lagermedarbejder"},
			Jobsoegning: app.Jobsoegningskrav{AntalPrUge: 3}, NaesteKontakt: app.Kontakt{Dato: app.MustDate(2026, 10, 1), Form: "telefon"},
			Ansvarlig: app.Sagsbehandler{ID: "cw1", Navn: "Kåre Sørensen", Organisation: "Jobcenter Aarhus"}}},
		&app.OffentliggoerPlan{PlanID: plan},
	} {
		res, err := db.Commit(app.Command{ID: app.ID("cmd-" + string(rune('a'+i))), Sag: s.ID, Actor: caseworker, At: docsNow, Body: body})
		if err != nil {
			t.Fatalf("commit %s: %v", body.Kind(), err)
		}
		s = res.Sag
	}
	return db, s, plan
}

var caseworker = app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}

// newTestDocuments renders in Danish at docsNow and gives prints to
// handoff.
func newTestDocuments(t *testing.T, db *store.DB, handoff func(string) error) *documents {
	t.Helper()
	d := newDocuments(testkit.Catalogue(t), testkit.Rules(t), db, func() string { return "cw1" })
	d.now, d.lang, d.handoff = func() time.Time { return docsNow }, func() string { return "da" }, handoff
	t.Cleanup(d.Close)
	return d
}

// pageCount counts the page objects of a PDF.
func pageCount(b []byte) int { return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1)) }

// TestPrintAndSavePlan: a published plan is printed — the injected print
// handler receives a real PDF file with pages and the plan's text, and
// the replica's audit has the print with its document kind — and saved
// as PDF (an "exported" record). Both work without any network.
func TestPrintAndSavePlan(t *testing.T) {
	db, s, plan := replicaWithPlan(t)
	var printed []byte
	var printedPath string
	d := newTestDocuments(t, db, func(path string) error {
		printedPath = path
		var err error
		printed, err = os.ReadFile(path)
		return err
	})
	if err := d.Print(s, plan, caseworker); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if !bytes.HasPrefix(printed, []byte("%PDF")) || pageCount(printed) < 1 {
		t.Fatalf("the print handler got %d bytes, %d pages; starts %q", len(printed), pageCount(printed), printed[:min(8, len(printed))])
	}
	if strings.Contains(filepath.Base(printedPath), "Søndergaard") || filepath.Ext(printedPath) != ".pdf" {
		t.Errorf("print file %q", printedPath)
	}
	if info, err := os.Stat(printedPath); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("print file mode: %v %v", info, err)
	}
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(bin, printedPath, "-").Output()
		if err != nil || !strings.Contains(string(out), "Lagermedarbejder") || !strings.Contains(string(out), "Min Plan") {
			t.Errorf("pdftotext: %v\n%s", err, out)
		}
	}
	var saved bytes.Buffer
	if err := d.Save(s, plan, caseworker, &saved); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if !bytes.HasPrefix(saved.Bytes(), []byte("%PDF")) || pageCount(saved.Bytes()) != pageCount(printed) {
		t.Errorf("saved PDF: %d bytes, %d pages", saved.Len(), pageCount(saved.Bytes()))
	}
	hist, err := db.History(s.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range hist {
		got = append(got, r.Action+"/"+r.Kind+"/"+string(r.Actor.ID))
	}
	if want := []string{"exported/min_plan/cw1", "printed/min_plan/cw1", "changed/offentliggoer_plan/cw1"}; !slices.Equal(got, want) {
		t.Errorf("history = %q, want %q", got, want)
	}
	d.Close()
	if _, err := os.Stat(printedPath); !os.IsNotExist(err) {
		t.Errorf("the print file outlives Close: %v", err)
	}
}

// TestNoRecordNoPrint: with the replica locked the print is not logged,
// so it is not handed to the printer either; a failing printer is
// reported in the UI's words.
func TestNoRecordNoPrint(t *testing.T) {
	db, s, plan := replicaWithPlan(t)
	calls := 0
	d := newTestDocuments(t, db, func(string) error { calls++; return errors.New("lp: no default destination") })
	err := d.Print(s, plan, caseworker)
	if e := app.AsError(err); e == nil || e.Key != "internal.print_failed" || calls != 1 {
		t.Errorf("Print to a failing printer = %v (%d calls)", err, calls)
	}
	db.Lock()
	err = d.Print(s, plan, caseworker)
	if e := app.AsError(err); e == nil || e.Rule != store.RuleNotOpen || calls != 1 {
		t.Errorf("Print with the replica locked = %v, handler called %d times", err, calls)
	}
	var w bytes.Buffer
	if err := d.Save(s, plan, caseworker, &w); err == nil || w.Len() != 0 {
		t.Errorf("Save with the replica locked = %v, %d bytes written", err, w.Len())
	}
}

// TestPreviewPages: the preview draws the same document's pages (when
// pdftoppm is installed) and leaves no file behind.
func TestPreviewPages(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm is not installed")
	}
	db, s, plan := replicaWithPlan(t)
	d := newTestDocuments(t, db, func(string) error { return nil })
	start := time.Now()
	imgs, err := d.Preview(s, plan, caseworker)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("preview: %d pages in %v", len(imgs), time.Since(start))
	if len(imgs) < 1 || imgs[0].Bounds().Dx() < 600 || imgs[0].Bounds().Dy() <= imgs[0].Bounds().Dx() {
		t.Fatalf("preview = %d pages, first %v", len(imgs), imgs[0].Bounds())
	}
	left, _ := filepath.Glob(filepath.Join(d.tmp, "*"))
	if len(left) != 0 {
		t.Errorf("the preview left %q", left)
	}
}

func TestPrintCommands(t *testing.T) {
	tests := []struct {
		goos string
		want []string // the programs tried, in order
	}{
		{"linux", []string{"lp", "xdg-open"}},
		{"freebsd", []string{"lp", "xdg-open"}},
		{"darwin", []string{"lp", "open"}},
		{"windows", []string{"powershell", "rundll32"}},
	}
	for _, tt := range tests {
		t.Run(tt.goos, func(t *testing.T) {
			var got []string
			for _, c := range printCommands(tt.goos, "/tmp/x/min-plan-1.pdf") {
				got = append(got, c[0])
				if !strings.Contains(strings.Join(c[1:], " "), "min-plan-1.pdf") {
					t.Errorf("%q does not name the file", c)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("programs = %q, want %q", got, tt.want)
			}
		})
	}
	if c := printCommands("windows", `C:\Temp\o'brien.pdf`)[0]; !strings.Contains(c[4], `'C:\Temp\o''brien.pdf' -Verb Print`) {
		t.Errorf("windows command = %q", c)
	}
}

// TestPrintFileFallsBack: lp first; the open handler when lp is missing
// or fails (no printer); an error naming both when neither works.
func TestPrintFileFallsBack(t *testing.T) {
	tests := []struct {
		name      string
		installed []string
		failing   []string
		wantRun   []string
		wantErr   bool
	}{
		{"lp prints", []string{"lp", "xdg-open"}, nil, []string{"lp"}, false},
		{"no lp", []string{"xdg-open"}, nil, []string{"xdg-open"}, false},
		{"no printer", []string{"lp", "xdg-open"}, []string{"lp"}, []string{"lp", "xdg-open"}, false},
		{"nothing works", []string{"lp"}, []string{"lp"}, []string{"lp"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran []string
			look := func(name string) (string, error) {
				if slices.Contains(tt.installed, name) {
					return "/usr/bin/" + name, nil
				}
				return "", exec.ErrNotFound
			}
			run := func(bin string, args ...string) error {
				name := filepath.Base(bin)
				ran = append(ran, name)
				if slices.Contains(tt.failing, name) {
					return errors.New("failed")
				}
				return nil
			}
			err := printFile("linux", "/tmp/p.pdf", look, run)
			if (err != nil) != tt.wantErr || !slices.Equal(ran, tt.wantRun) {
				t.Errorf("printFile = %v, ran %q; want error %v, ran %q", err, ran, tt.wantErr, tt.wantRun)
			}
		})
	}
}
