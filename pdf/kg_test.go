package pdf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// kgSag builds a case on kontaktgruppe def: an age the group allows, the
// categorisation its profile uses, registered where the group's duties
// say so, and a published plan — the follow-up agreement for the
// sygedagpenge groups, a job plan otherwise.
func kgSag(t *testing.T, def *app.KGDef) app.Sag {
	age := 40
	switch {
	case def.MaxAlder >= 0 && def.MaxAlder < 30:
		age = min(def.MaxAlder, 24)
	case def.MinAlder > age:
		age = def.MinAlder
	}
	start := today.AddDays(-60)
	s := app.Sag{ID: app.ID(fmt.Sprintf("sag-kg%d", def.ID)), Ansvarlig: caseworker.ID,
		Borger:        app.Borger{CPR: testkit.SynthCPR(t, today.AddYears(-age).AddDays(-100), def.ID), Navn: "Åse Bødker Nørgaard"},
		Kontaktgruppe: &app.KGForloeb{KG: def.ID, Periode: app.Period{Start: start}}}
	s.Borger.Adresse = app.Adresse{Vej: "Søndergade 3", Postnr: "7100", By: "Vejle"}
	s.Visitation.Kategori = map[string]string{"D": "match1", "K": "jobparat", "U": "aabenlyst_uddannelsesparat"}[def.Profil]
	switch {
	case def.Gruppe == "SDP":
		s.Visitation.Kategori = "sdp2"
	case def.LAB6 == 3 || def.LAB6 == 5:
		s.Visitation.Kategori = "aktivitetsparat"
	}
	if s.Visitation.Kategori != "" {
		s.Visitation.Dato = start
	}
	if slices.Contains([]string{"DP", "LY", "SF"}, def.Gruppe) || s.Visitation.Kategori == "jobparat" || s.Visitation.Kategori == "aabenlyst_uddannelsesparat" {
		s.Tilmelding = app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Siden: start, FoersteDato: start, CV: start}
	}
	p := jobplan(t, "plan-kg", start, 2)
	if def.Gruppe == "SDP" {
		p.Type = app.PlanSDPOpfoelgning
		p.SDP = &app.SDPAftale{Kategori: "sdp2", Tiltag: []string{"Gradvis tilbagevenden"}, NaesteOpfoelgning: today.AddDays(14)}
	}
	s.Planer = []app.Plan{p}
	return s
}

// TestEveryKontaktgruppe renders a plan for every kontaktgruppe of the rule
// set in force on the print date and checks, data-driven from the
// Overblik, that every duty and right of the group is printed, that none
// of their texts is empty, and that the rights section matches the text
// golden file testdata/rettigheder.txt (reviewable by a domain expert).
func TestEveryKontaktgruppe(t *testing.T) {
	rs, err := testkit.Rules(t).ForDate(today)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int, 0, len(rs.KG))
	for id := range rs.KG {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var gold strings.Builder
	for _, id := range ids {
		def := rs.KG[id]
		t.Run(fmt.Sprintf("KG%d", id), func(t *testing.T) {
			s := kgSag(t, def)
			ob, err := testkit.Rules(t).Overblik(&s, today)
			if err != nil {
				t.Fatal(err)
			}
			lines := dutyLines(t, ob)
			doc, _ := render(t, input(t, s, "da"))
			path := writeTemp(t, fmt.Sprintf("kg%d", id), doc)
			qpdfCheck(t, path)
			text := flat(pdfText(t, path, 0, 0))
			checkCPR(t, doc, text, s.Borger.CPR.Digits())
			for _, want := range append(lines, def.Navn) {
				if !strings.Contains(text, want) {
					t.Errorf("KG%d (%s): the text lacks %q", id, def.Navn, want)
				}
			}
			fmt.Fprintf(&gold, "KG%d %s (%s)\n%s\n\n", id, def.Navn, def.Gruppe, rightsSection(text))
		})
	}
	goldenText(t, "rettigheder.txt", gold.String())
}

// dutyLines returns the Danish line of every duty or right that applies
// in ob, failing t for an empty or code-only text in either language and
// for a group with nothing to print.
func dutyLines(t *testing.T, ob app.Overblik) []string {
	t.Helper()
	var out []string
	for _, p := range ob.Pligter {
		if p.Status == app.PligtIngen {
			continue
		}
		da, en := catalogue(t).Message("da", p.Line(), nil), catalogue(t).Message("en", p.Line(), nil)
		if da == "" || en == "" || strings.Contains(da, p.Pligt+": ") || strings.Contains(en, p.Pligt+": ") {
			t.Errorf("duty %s (%s) has no proper text: %q / %q", p.Pligt, p.Status, da, en)
		}
		out = append(out, da)
	}
	if len(out) == 0 {
		t.Errorf("KG%d: no duty or right at all: the rights section would be empty", ob.KG)
	}
	return out
}

// rightsSection cuts the rights-and-duties section out of a document's
// flattened text.
func rightsSection(text string) string {
	from := strings.Index(text, "Dine rettigheder og pligter")
	if from < 0 {
		return ""
	}
	rest := text[from:]
	for _, end := range []string{"Klagevejledning", "Underskrift"} {
		if i := strings.Index(rest, end); i > 0 {
			rest = rest[:i]
		}
	}
	// Drop the running header and footer a page break may have put inside.
	for _, cut := range []string{"Version ", "Min Plan – "} {
		for i := strings.Index(rest, cut); i > 0; i = strings.Index(rest, cut) {
			j := strings.Index(rest[i:], "XXXX")
			if j < 0 {
				break
			}
			rest = rest[:i] + rest[i+j+len("XXXX"):]
		}
	}
	return flat(rest)
}

// goldenText compares text with testdata/name; -update rewrites it.
func goldenText(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./pdf -run %s -update` to create it)", err, t.Name())
	}
	if string(want) != text {
		failed := filepath.Join("testdata", "failed", name)
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(text), 0o644)
		t.Errorf("%s differs from the golden file; the new text is in %s (diff them; -update accepts it)", name, failed)
	}
}
