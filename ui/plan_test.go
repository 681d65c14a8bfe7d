package ui_test

import (
	"bytes"
	"image"
	"io"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// fakeDocs records what the Plan tab asks Documents for; cmd/feltsag's
// tests render and print real PDFs.
type fakeDocs struct {
	prints, saves, previews []app.ID // plan ids
	printedVersion          []int
}

func (d *fakeDocs) Print(s *app.Sag, planID app.ID, _ app.Actor) error {
	d.prints = append(d.prints, planID)
	d.printedVersion = append(d.printedVersion, s.Planer[s.FindPlan(planID)].Version)
	return nil
}

func (d *fakeDocs) Save(_ *app.Sag, planID app.ID, _ app.Actor, w io.Writer) error {
	d.saves = append(d.saves, planID)
	_, err := io.WriteString(w, "%PDF-1.7 fake")
	return err
}

func (d *fakeDocs) Preview(_ *app.Sag, planID app.ID, _ app.Actor) ([]image.Image, error) {
	d.previews = append(d.previews, planID)
	return []image.Image{image.NewGray(image.Rect(0, 0, 210, 297)), image.NewGray(image.Rect(0, 0, 210, 297))}, nil
}

// nopCloser is a file the fake save dialog hands out.
type nopCloser struct {
	bytes.Buffer
	closed bool
}

func (n *nopCloser) Close() error { n.closed = true; return nil }

// openPlan unlocks, opens Ida's case and shows its Plan tab.
func openPlan(t *testing.T) (*harness, *fakeCases, *fakeDocs, ui.PlanForm) {
	t.Helper()
	cases := threeCases(t)
	h := unlocked(t, cases)
	docs := &fakeDocs{}
	h.c.SetDocuments(docs)
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if id, _ := h.c.OpenCase(); id != "sag-bb" {
		t.Fatalf("open case = %q", id)
	}
	return h, cases, docs, h.c.Plan()
}

// TestPlanRefusalInline: publishing a plan without a responsible
// caseworker is refused by the dry run, in Danish, and nothing is saved.
func TestPlanRefusalInline(t *testing.T) {
	_, cases, docs, p := openPlan(t)
	if !strings.Contains(p.Title.Text, "ingen plan") {
		t.Errorf("title without a plan = %q", p.Title.Text)
	}
	if !p.Print.Disabled() {
		t.Error("print is enabled without a plan")
	}
	test.Type(p.Jobmaal, "Lagermedarbejder")
	test.Tap(p.Publish)
	if want := "Planen skal have en ansvarlig sagsbehandler."; p.Message.Text != want {
		t.Errorf("refusal = %q, want %q", p.Message.Text, want)
	}
	if len(cases.commits) != 0 {
		t.Errorf("a refused publish saved %d commands", len(cases.commits))
	}
	test.Type(p.KontaktDato, "31.02.2026")
	test.Tap(p.Check)
	if !strings.Contains(p.Message.Text, "findes ikke") {
		t.Errorf("a bad date: %q", p.Message.Text)
	}
	if len(docs.prints) != 0 {
		t.Errorf("prints = %v", docs.prints)
	}
}

// TestPlanPublishPrintAndSave: a new plan is checked (the dry run says it
// can be published), published as GemPlan + OffentliggoerPlan, printed
// with Ctrl+P and saved as PDF through the file dialog; the preview
// shows the pages.
func TestPlanPublishPrintAndSave(t *testing.T) {
	h, cases, docs, p := openPlan(t)
	test.Type(p.Jobmaal, "Lagermedarbejder\nChauffør")
	test.Type(p.Antal, "3")
	test.Type(p.KontaktDato, "01.10.2026")
	test.Type(p.Ansvarlig, "Kåre Sørensen")
	test.Type(p.Jobcenter, "Jobcenter Aarhus")
	test.Tap(p.Check)
	if !labelled(p.Result, "Planen kan offentliggøres.") || len(cases.commits) != 0 {
		t.Fatalf("check: %q, %q; %d commits", p.Message.Text, labelTexts(p.Result), len(cases.commits))
	}
	test.Tap(p.Publish)
	var kinds []string
	for _, c := range cases.commits {
		kinds = append(kinds, c.Body.Kind())
	}
	if !slices.Equal(kinds, []string{"gem_plan", "offentliggoer_plan"}) {
		t.Fatalf("commits = %q; message %q", kinds, p.Message.Text)
	}
	g := cases.commits[0].Body.(*app.GemPlan)
	if g.Type != app.PlanJob || !slices.Equal(g.Indhold.Jobmaal, []string{"Lagermedarbejder", "Chauffør"}) ||
		g.Indhold.Jobsoegning.AntalPrUge != 3 || g.Indhold.NaesteKontakt.Dato.Dansk() != "01.10.2026" ||
		g.Indhold.Ansvarlig.Navn != "Kåre Sørensen" || g.Indhold.Ansvarlig.ID != "cw1" {
		t.Errorf("GemPlan = %+v", g)
	}
	if !strings.HasPrefix(p.Message.Text, "Planen er offentliggjort") || !strings.Contains(p.Title.Text, "offentliggjort 14.09.2026") {
		t.Errorf("after publishing: %q / %q", p.Message.Text, p.Title.Text)
	}
	if h.sync.kicks != 1 {
		t.Errorf("kicks = %d", h.sync.kicks)
	}
	test.Tap(p.Publish)
	if len(cases.commits) != 2 || !strings.HasPrefix(p.Message.Text, "Ingen ændringer") {
		t.Errorf("publishing again: %d commits, %q", len(cases.commits), p.Message.Text)
	}

	ctrlP := &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	h.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlP)
	if !slices.Equal(docs.prints, []app.ID{g.PlanID}) || docs.printedVersion[0] != 1 {
		t.Fatalf("Ctrl+P printed %v (versions %v), want %s", docs.prints, docs.printedVersion, g.PlanID)
	}
	if p.Message.Text != "Planen er sendt til udskrivning." {
		t.Errorf("after printing: %q", p.Message.Text)
	}

	file := &nopCloser{}
	var asked string
	h.c.SetSaveDialog(func(name string, done func(io.WriteCloser, error)) { asked = name; done(file, nil) })
	test.Tap(p.SavePDF)
	if asked != "Min plan 14.09.2026.pdf" || !strings.HasPrefix(file.String(), "%PDF") || !file.closed {
		t.Errorf("save as PDF: name %q, file %q, closed %v", asked, file.String(), file.closed)
	}
	if !slices.Equal(docs.saves, []app.ID{g.PlanID}) || p.Message.Text != "Planen er gemt som PDF." {
		t.Errorf("saves = %v, message %q", docs.saves, p.Message.Text)
	}

	h.c.ShowPlanPreview()
	if !slices.Equal(docs.previews, []app.ID{g.PlanID}) || !labelled(p.Pages, "Side 2 af 2") {
		t.Errorf("preview: %v, %q", docs.previews, labelTexts(p.Pages))
	}
	h.c.Plan() // away to the edit form and back: the same version is not drawn again
	h.c.ShowPlanEdit()
	h.c.ShowPlanPreview()
	if len(docs.previews) != 1 || !labelled(p.Pages, "Side 2 af 2") {
		t.Errorf("previews after coming back = %v, %q", docs.previews, labelTexts(p.Pages))
	}
}

// TestHistoryListsChangeAndView: the Historik tab shows the case's view
// and a change, newest first, with who, when and from where (the fake
// has no outbox: cmd/feltsag's test sees "Ikke sendt" over the real one).
func TestHistoryListsChangeAndView(t *testing.T) {
	h, _, _, p := openPlan(t)
	test.Type(p.Jobmaal, "Lagermedarbejder")
	test.Tap(p.Save)
	if !strings.HasPrefix(p.Message.Text, "Udkastet er gemt") {
		t.Fatalf("save: %q", p.Message.Text)
	}
	intro, rows := h.c.History()
	want := [][2]string{
		{"14.09.2026 kl. 10:30 · cw1 · denne computer", "Ændring: Plan gemt"},
		{"14.09.2026 kl. 10:30 · cw1 · denne computer", "Sagen vist"},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("history rows = %q, want %q", rows, want)
	}
	if !strings.HasPrefix(intro, "2 hændelser") {
		t.Errorf("intro = %q", intro)
	}
}

// outboxCases is a fake caseload whose every saved command is still in
// the outbox.
type outboxCases struct{ *fakeCases }

func (o outboxCases) Pending() ([]app.PendingCommand, error) {
	out := make([]app.PendingCommand, len(o.commits))
	for i, c := range o.commits {
		out[i] = app.PendingCommand{Seq: uint64(i + 1), Command: c, Status: app.StatusPending}
	}
	return out, nil
}

// TestHistoryMarksUnsentChanges: a change still in the outbox says
// "Ikke sendt" in the Historik tab, and the rows name this computer.
func TestHistoryMarksUnsentChanges(t *testing.T) {
	cases := threeCases(t)
	h := newHarness(t, &fakeAccount{left: 10}, outboxCases{cases}, ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	entry, add, _ := h.c.Journal()
	test.Type(entry, "Ringede om CV")
	test.Tap(add)
	h.c.SetDeviceName("laptop-KS-03")
	_, rows := h.c.History()
	if len(rows) != 2 || rows[0][1] != "Ændring: Notat tilføjet · Ikke sendt" || rows[1][1] != "Sagen vist" ||
		!strings.HasSuffix(rows[0][0], "· cw1 · denne computer (laptop-KS-03)") {
		t.Errorf("history rows = %q", rows)
	}
}

// TestSecondPlan: "Ny plan …" empties the form and asks for the type; the
// new plan is saved with a new id next to the first, and the form then
// edits it.
func TestSecondPlan(t *testing.T) {
	_, cases, _, p := openPlan(t)
	test.Type(p.Jobmaal, "Lagermedarbejder")
	test.Type(p.Ansvarlig, "Kåre Sørensen")
	test.Tap(p.Save)
	if len(cases.commits) != 1 || p.TypeRow.Visible() {
		t.Fatalf("first plan: %d commits, type row visible %v; %q", len(cases.commits), p.TypeRow.Visible(), p.Message.Text)
	}
	first := cases.commits[0].Body.(*app.GemPlan).PlanID
	if got := p.Plans.Options; len(got) != 2 || got[1] != "Ny plan …" || p.Plans.SelectedIndex() != 0 {
		t.Fatalf("plans = %q, selected %d", got, p.Plans.SelectedIndex())
	}
	p.Plans.SetSelectedIndex(1)
	if p.Jobmaal.Text != "" || !p.TypeRow.Visible() || !strings.HasPrefix(p.Title.Text, "Ny plan") {
		t.Fatalf("after Ny plan: jobmål %q, type visible %v, title %q", p.Jobmaal.Text, p.TypeRow.Visible(), p.Title.Text)
	}
	p.Type.SetSelected("Uddannelsesplan")
	test.Type(p.Jobmaal, "Pædagogmedhjælper")
	test.Tap(p.Save)
	if len(cases.commits) != 2 {
		t.Fatalf("commits = %d; %q", len(cases.commits), p.Message.Text)
	}
	g := cases.commits[1].Body.(*app.GemPlan)
	if g.PlanID == first || g.Type != app.PlanUddannelse {
		t.Errorf("second GemPlan = %+v", g)
	}
	if !strings.HasPrefix(p.Title.Text, "Uddannelsesplan · version 1 · udkast") || len(p.Plans.Options) != 3 || p.Jobmaal.Text != "Pædagogmedhjælper" {
		t.Errorf("after saving: title %q, plans %q, jobmål %q", p.Title.Text, p.Plans.Options, p.Jobmaal.Text)
	}
}
