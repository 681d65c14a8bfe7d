package ui_test

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/ui"
)

func TestMissedAndNext(t *testing.T) {
	today := app.MustDate(2026, 12, 7)
	cv := func(d app.Date) app.FristRef { return app.FristRef{Navn: app.FristCV, Dato: d} }
	tjob := func(d app.Date) app.FristRef { return app.FristRef{Navn: app.FristTjob, Dato: d} }
	for _, tc := range []struct {
		name       string
		sum        app.CaseSummary
		missed     app.FristRef // zero: none
		next       app.FristRef
		wantMissed bool
	}{
		{name: "no deadlines"},
		{name: "next ahead", sum: app.CaseSummary{Frist: cv(today.AddDays(9))}, next: cv(today.AddDays(9))},
		{name: "next today is not missed", sum: app.CaseSummary{Frist: cv(today)}, next: cv(today)},
		{name: "passed when summarised", sum: app.CaseSummary{Overskredet: cv(today.AddDays(-20)), Frist: tjob(today.AddDays(3))},
			missed: cv(today.AddDays(-20)), next: tjob(today.AddDays(3)), wantMissed: true},
		{name: "passed since", sum: app.CaseSummary{Frist: tjob(today.AddDays(-1))}, missed: tjob(today.AddDays(-1)), wantMissed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ui.Missed(&tc.sum, today)
			if got != tc.missed || ok != tc.wantMissed {
				t.Errorf("Missed = %+v, %v; want %+v, %v", got, ok, tc.missed, tc.wantMissed)
			}
			got, ok = ui.Next(&tc.sum, today)
			if got != tc.next || ok != !tc.next.IsZero() {
				t.Errorf("Next = %+v, %v; want %+v", got, ok, tc.next)
			}
		})
	}
}

func TestFilterOverdue(t *testing.T) {
	today := app.MustDate(2026, 12, 7)
	x := ui.NewCaseIndex([]app.CaseSummary{
		{ID: "a", Navn: "Anna", Overskredet: app.FristRef{Navn: app.FristCV, Dato: today.AddDays(-3)}},
		{ID: "b", Navn: "Bo", Frist: app.FristRef{Navn: app.FristCV, Dato: today.AddDays(3)}},
		{ID: "c", Navn: "Carl", Frist: app.FristRef{Navn: app.FristCV, Dato: today.AddDays(-1)}},
		{ID: "d", Navn: "Dorte"},
	})
	var got []string
	for _, c := range x.Filter("", ui.Filter{Overdue: true, Today: today}, nil) {
		got = append(got, c.Navn)
	}
	if want := []string{"Anna", "Carl"}; !slices.Equal(got, want) {
		t.Errorf("overdue = %q, want %q", got, want)
	}
}

// TestCaseRowsShowDeadlines: each row shows its next deadline, a missed
// one in its place as the badge, and the filter keeps the missed ones.
func TestCaseRowsShowDeadlines(t *testing.T) {
	today := app.DateOf(testNow)
	late := testkit.NewSag(t, today, testkit.SagArgs{ID: "sag-late", Navn: "Ida Sen", CPR: cprFor(0), Start: today.AddDays(-60)})
	fresh := testkit.NewSag(t, today, testkit.SagArgs{ID: "sag-fresh", Navn: "Bo Ny", CPR: cprFor(1), Start: today.AddDays(-3)})
	none := testkit.NewSag(t, today, testkit.SagArgs{ID: "sag-none", Navn: "Carl Uden", CPR: cprFor(2), NoKG: true, Unregistered: true})
	h := newHarness(t, &fakeAccount{left: 10}, newFakeCases(t, late, fresh, none), ui.SignInForm{})
	_, _, password, submit, _ := h.c.StartForm()
	test.Type(password, rightPassword)
	test.Tap(submit)
	// DP: the CV is due 14 days after the tilmelding (moved to a working day).
	cvLate, cvFresh := h.summary(late).Overskredet, h.summary(fresh).Frist
	if cvLate.Navn != app.FristCV || cvFresh.Navn != app.FristCV {
		t.Fatalf("fixture: late %+v, fresh %+v; want CV deadlines", cvLate, cvFresh)
	}
	for _, want := range []string{
		"Overskredet " + cvLate.Dato.Time().Format("02.01") + ": CV",
		"Frist " + cvFresh.Dato.Time().Format("02.01") + ": CV",
	} {
		if !labelled(h.w.Content(), want) {
			t.Errorf("no row shows %q; labels: %q", want, labelTexts(h.w.Content()))
		}
	}
	test.Tap(h.c.OverdueFilter())
	if got, want := h.c.Shown(), []string{"Ida Sen"}; !slices.Equal(got, want) {
		t.Errorf("with Frist overskredet: %q, want %q", got, want)
	}
	test.Tap(h.c.OverdueFilter())
	if got := len(h.c.Shown()); got != 3 {
		t.Errorf("filter off: %d cases, want 3", got)
	}
}

// summary is the case's list line as the fake caseload makes it.
func (h *harness) summary(s *app.Sag) app.CaseSummary {
	h.t.Helper()
	all, err := h.cases.List()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, c := range all {
		if c.ID == s.ID {
			return c
		}
	}
	h.t.Fatalf("%s not in the list", s.ID)
	return app.CaseSummary{}
}

func TestRowDate(t *testing.T) {
	test.NewTempApp(t)
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	today := app.MustDate(2026, 12, 7)
	for _, tc := range []struct {
		d    app.Date
		want string
	}{
		{app.MustDate(2026, 12, 9), "09.12"},
		{app.MustDate(2026, 1, 19), "19.01"},
		{app.MustDate(2027, 3, 24), "24.03.2027"}, // another year: in full
		{app.MustDate(2025, 11, 30), "30.11.2025"},
	} {
		if got := ui.RowDate(tc.d, today); got != tc.want {
			t.Errorf("RowDate(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
