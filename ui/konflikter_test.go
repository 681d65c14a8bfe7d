package ui_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// decisionCases is a caseload with conflicts and rejected commands: the
// replica's side of ui.Decisions in memory.
type decisionCases struct {
	*fakeCases
	conflicts map[app.ID][]app.Conflict
	decided   []app.Resolution
	rejected  []app.Acked
	dismissed []app.ID
}

// Conflicts returns the case's conflicts, or all for "" (as the store).
func (d *decisionCases) Conflicts(id app.ID) ([]app.Conflict, error) {
	if id != "" {
		return slices.Clone(d.conflicts[id]), nil
	}
	var all []app.Conflict
	for _, ks := range d.conflicts {
		all = append(all, ks...)
	}
	return all, nil
}

func (d *decisionCases) Resolve(r app.Resolution) error {
	if slices.ContainsFunc(d.decided, func(x app.Resolution) bool { return x.Conflict == r.Conflict }) {
		return app.Errorf(app.CodeConflict, "store-konflikt-afgjort", "store.conflict_decided")
	}
	d.decided = append(d.decided, r)
	return nil
}

func (d *decisionCases) Resolutions() ([]app.Resolution, error) { return slices.Clone(d.decided), nil }

func (d *decisionCases) Rejected() ([]app.Acked, error) {
	var out []app.Acked
	for _, a := range d.rejected {
		if !slices.Contains(d.dismissed, a.Command) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (d *decisionCases) Dismiss(id app.ID) error {
	d.dismissed = append(d.dismissed, id)
	return nil
}

// closeConflict is the server's resolved reaching the replica.
func (d *decisionCases) closeConflict(sag, id app.ID) {
	d.conflicts[sag] = slices.DeleteFunc(d.conflicts[sag], func(k app.Conflict) bool { return k.ID == id })
	d.decided = slices.DeleteFunc(d.decided, func(r app.Resolution) bool { return r.Conflict == id })
	d.conflict[sag] = len(d.conflicts[sag])
}

func unlockedWith(t *testing.T, cases ui.Caseload) *harness {
	t.Helper()
	h := newHarness(t, &fakeAccount{left: 10}, cases, ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	if !h.c.Unlocked() {
		t.Fatal("not unlocked")
	}
	return h
}

// buttonIn returns the visible button below o whose text is text.
func buttonIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Visible() && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q in %q", text, labelTexts(o))
	return nil
}

func visitationValue(t *testing.T, kategori string, dato app.Date) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(map[string]any{"kategori": kategori, "dato": dato})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestResolveAConflict: the Konflikter tab shows the conflict's base,
// mine and theirs with who, from where and when; it takes ONE decision
// with a note (asking for both), records it and tells sync; when the
// server's resolved has closed it the tab and the status line's count
// are empty.
func TestResolveAConflict(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{}}
	cases.conflict["sag-a"] = 1
	mineAt := time.Date(2026, 9, 10, 9, 15, 0, 0, time.Local)
	theirsAt := time.Date(2026, 9, 11, 14, 5, 0, 0, time.Local)
	cases.conflicts["sag-a"] = []app.Conflict{{
		ID: "k-1", Sag: "sag-a", Field: "visitation", Policy: app.PolicyProtected, Owner: "cw1",
		Base:    app.ConflictSide{Value: visitationValue(t, "match1", app.MustDate(2026, 9, 1)), Version: 3},
		Mine:    app.ConflictSide{Value: visitationValue(t, "match2", app.MustDate(2026, 9, 10)), Version: 3, Command: "c-mine", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Device: "dev-a", At: mineAt},
		Theirs:  app.ConflictSide{Value: visitationValue(t, "match3", app.MustDate(2026, 9, 11)), Version: 4, Command: "c-theirs", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}, Device: "dev-b", At: theirsAt},
		Created: theirsAt,
	}}
	h := unlockedWith(t, cases)
	conflicts, _ := h.c.StatusCounts()
	if !conflicts.Visible() || conflicts.Text != "1 konflikt venter" {
		t.Errorf("status line's conflicts: %q (visible %v), want 1 konflikt venter", conflicts.Text, conflicts.Visible())
	}
	test.Tap(conflicts)
	if got := h.c.Shown(); !slices.Equal(got, []string{"Duc Krogh Schrøder"}) {
		t.Errorf("after tapping the count the list shows %q, want the case with the conflict", got)
	}
	h.c.CaseList().Select(0)
	h.c.ShowConflictsTab()
	title, content := h.c.ConflictsTab()
	if title != "Konflikter (1)" {
		t.Errorf("tab title %q, want Konflikter (1)", title)
	}
	for _, want := range []string{
		"Konflikt om visitation", "Opstået 11.09.2026 kl. 14:05",
		"Før (fælles udgangspunkt)", "Din ændring", "Serverens værdi (gælder nu)",
		"kategori: Match 1", "kategori: Match 2", "kategori: Match 3", "dato: 10.09.2026",
		"cw1 · enhed dev-a · 10.09.2026 kl. 09:15 · version 3",
		"cw2 · enhed dev-b · 11.09.2026 kl. 14:05 · version 4",
	} {
		if !labelled(content, want) {
			t.Errorf("no %q in the tab: %q", want, labelTexts(content))
		}
	}

	choice, note, decide, message := h.c.ConflictCard(0)
	test.Tap(decide)
	if !strings.Contains(message.Text, "Vælg først") || len(cases.decided) != 0 {
		t.Errorf("decide without a choice: message %q, decided %v", message.Text, cases.decided)
	}
	choice.SetSelected("Brug min ændring")
	test.Tap(decide)
	if !strings.Contains(message.Text, "begrundelse") || len(cases.decided) != 0 {
		t.Errorf("decide without a note: message %q, decided %v", message.Text, cases.decided)
	}
	test.Type(note, "Borgeren har fremvist lægeerklæring")
	test.Tap(decide)
	want := app.Resolution{Conflict: "k-1", Sag: "sag-a", Decision: app.ResolveTakeMine, Note: "Borgeren har fremvist lægeerklæring",
		Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, At: testNow}
	if len(cases.decided) != 1 || cases.decided[0] != want {
		t.Fatalf("decided %+v, want %+v", cases.decided, want)
	}
	if h.sync.kicks != 1 {
		t.Errorf("sync kicked %d times, want 1", h.sync.kicks)
	}
	title, content = h.c.ConflictsTab()
	if title != "Konflikter" || !labelled(content, "Afgjort: Brug min ændring") || !labelled(content, "sendes ved næste synkronisering") {
		t.Errorf("after deciding: title %q, tab %q", title, labelTexts(content))
	}
	if choice, _, _, _ := h.c.ConflictCard(0); choice != nil {
		t.Error("a decided conflict still offers a choice")
	}

	// The server's resolved closes it; the next status update shows that
	// and reads the case again (a "mine" changed it), once.
	views := len(cases.views)
	cases.closeConflict("sag-a", "k-1")
	h.c.SetStatus(ui.SyncStatus{Online: true, LastSync: testNow})
	h.c.SetStatus(ui.SyncStatus{Online: true, LastSync: testNow})
	if got := len(cases.views) - views; got != 1 {
		t.Errorf("the case was read %d times after its conflict closed, want once", got)
	}
	if _, content := h.c.ConflictsTab(); !labelled(content, "Ingen åbne konflikter") {
		t.Errorf("after resolved: tab %q", labelTexts(content))
	}
	if conflicts.Visible() {
		t.Errorf("after resolved the status line still shows %q", conflicts.Text)
	}
}

// TestSeeARejectedCommand: the status line counts the rejected commands;
// their list says which case, what, when and why (the rule's text in
// Danish); "Åbn sagen" opens the case, "Læst" dismisses it.
func TestSeeARejectedCommand(t *testing.T) {
	cases := &decisionCases{fakeCases: threeCases(t), conflicts: map[app.ID][]app.Conflict{
		"sag-a": {{ID: "k-1", Sag: "sag-a", Field: "visitation", Created: testNow}, {ID: "k-2", Sag: "sag-a", Field: "tilmelding", Created: testNow}},
	}}
	cases.rejected = []app.Acked{{
		AckResult: app.AckResult{Command: "c-1", Status: app.AckRejected, At: time.Date(2026, 9, 14, 8, 2, 0, 0, time.Local),
			Error: app.Errorf(app.CodeRule, "tilbagedatering-kommentar", "rule.tilbagedatering-kommentar")},
		Sag: "sag-bb", Kind: "registrer_fravaer",
	}}
	h := unlockedWith(t, cases)
	conflicts, rejected := h.c.StatusCounts()
	if !rejected.Visible() || rejected.Text != "1 afvist af serveren" {
		t.Fatalf("status line's rejections: %q (visible %v), want 1 afvist af serveren", rejected.Text, rejected.Visible())
	}
	// Both counts appear together: laid out side by side, not on top of
	// each other.
	if c, r := conflicts, rejected; !c.Visible() || c.Position().X+c.Size().Width > r.Position().X || r.Size().Width < r.MinSize().Width {
		t.Errorf("conflicts %q at %v size %v, rejections at %v size %v: overlapping", c.Text, c.Position(), c.Size(), r.Position(), r.Size())
	}
	test.Tap(rejected)
	list := h.c.RejectedList()
	if list == nil {
		t.Fatal("tapping the count shows no list")
	}
	for _, want := range []string{"Ida Søndergaard · Registrering af fravær · sendt 14.09.2026 kl. 08:02", "Skriv en kommentar, når fraværet tilbagedateres."} {
		if !labelled(list, want) {
			t.Errorf("no %q in the list: %q", want, labelTexts(list))
		}
	}
	test.Tap(buttonIn(t, list, "Åbn sagen"))
	if id, _ := h.c.OpenCase(); id != "sag-bb" {
		t.Errorf("open case %q, want sag-bb", id)
	}
	if h.c.RejectedList() != nil {
		t.Error("the list stays open over the case")
	}

	test.Tap(rejected)
	test.Tap(buttonIn(t, h.c.RejectedList(), "Læst"))
	if !slices.Equal(cases.dismissed, []app.ID{"c-1"}) {
		t.Errorf("dismissed %v, want [c-1]", cases.dismissed)
	}
	if rejected.Visible() {
		t.Errorf("after reading it the status line still shows %q", rejected.Text)
	}
	if list := h.c.RejectedList(); list == nil || !labelled(list, "Ingen afviste ændringer") {
		t.Errorf("the open list after dismissing: %v", labelTexts(list))
	}
}

// TestEveryKindHasARejectedName: the list of rejected commands names what
// each did; every command kind has its name in both languages.
func TestEveryKindHasARejectedName(t *testing.T) {
	for _, l := range languages {
		file := readTranslations(t, l)
		for _, k := range app.Kinds() {
			if _, ok := file["rejected.kind."+k]; !ok {
				t.Errorf("%s.json has no rejected.kind.%s", l, k)
			}
		}
	}
}
