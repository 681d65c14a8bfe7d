package pdf_test

import (
	"fmt"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/pdf"
)

// TestDemoPopulation renders the latest plan of every citizen of a demo
// population (every kontaktgruppe, long plans, sygemeldinger, ferie,
// drafts, English for every fifth) and checks each document with qpdf and
// pdftotext: the plan tool works for any demo citizen.
func TestDemoPopulation(t *testing.T) {
	const n = 60
	pop, err := demo.Generate(testkit.Rules(t), 5, n, today)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[pdf.Kind]int{}
	long := 0
	for i, s := range pop.Sager {
		t.Run(fmt.Sprintf("borger%02d", i+1), func(t *testing.T) {
			cw := demo.CaseworkerOf(5, i)
			lang := "da"
			if i%5 == 4 {
				lang = "en"
			}
			in := pdf.Input{Sag: s, PlanID: s.Planer[len(s.Planer)-1].ID, Rules: testkit.Rules(t), Printed: printed, Lang: lang,
				PrintedBy: app.Sagsbehandler{Navn: cw.Navn, Organisation: cw.Organisation}, Jobcenter: cw.Organisation}
			doc, info := render(t, in)
			kinds[info.Kind]++
			if info.Pages >= 3 {
				long++
			}
			path := writeTemp(t, "demo", doc)
			qpdfCheck(t, path)
			text := pdfText(t, path, 0, 0)
			checkCPR(t, doc, text, s.Borger.CPR.Digits())
			if !strings.Contains(flat(text), flat(s.Borger.Navn)) {
				t.Errorf("the text lacks the citizen's name %q", s.Borger.Navn)
			}
		})
	}
	if len(kinds) != 3 || long == 0 {
		t.Errorf("document kinds %v and %d plans of three pages or more; want all three kinds and some long ones", kinds, long)
	}
}
