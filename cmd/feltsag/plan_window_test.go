package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/ui"
)

// window drives the client's test window from the test goroutine (the
// test driver's Fyne side; fyne.DoAndWait keeps that true with any driver).
type window struct {
	t *testing.T
	w fyne.Window
}

// must fails the test unless ok holds: the client's work runs in place,
// so whatever a tap or a key started has finished when it returns.
func (win window) must(what string, ok func() bool) {
	win.t.Helper()
	if !ok() {
		win.t.Fatalf("no %s; the window shows %q", what, win.labels())
	}
}

func (win window) objects() []fyne.CanvasObject { return test.LaidOutObjects(win.w.Content()) }

func (win window) labels() []string {
	var out []string
	fyne.DoAndWait(func() {
		for _, o := range win.objects() {
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
				out = append(out, l.Text)
			}
		}
	})
	return out
}

// hasLabel reports (on the Fyne side) whether a visible label contains s.
func (win window) hasLabel(s string) bool {
	for _, o := range win.objects() {
		if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(l.Text, s) {
			return true
		}
	}
	return false
}

// tab selects the tab named name in whichever tab container has it.
func (win window) tab(name string) bool {
	for _, o := range win.objects() {
		if at, ok := o.(*container.AppTabs); ok {
			for i, it := range at.Items {
				if it.Text == name {
					at.SelectIndex(i)
					return true
				}
			}
		}
	}
	return false
}

// formEntry types text into the entry of the form row labelled label.
func (win window) formEntry(label, text string) {
	win.t.Helper()
	found := false
	fyne.DoAndWait(func() {
		for _, o := range win.objects() {
			if f, ok := o.(*widget.Form); ok {
				for _, it := range f.Items {
					if e := textEntries(it.Widget); len(e) == 1 && it.Text == label {
						e[0].SetText(text)
						found = true
					}
				}
			}
		}
	})
	if !found {
		win.t.Fatalf("no form row %q", label)
	}
}

// formPassword types into the visible password field.
func (win window) formPassword(pw string) {
	win.t.Helper()
	for _, e := range textEntries(win.w.Content()) {
		if e.Password && e.Visible() {
			e.SetText(pw)
			return
		}
	}
	win.t.Fatalf("no password field; the window shows %q", win.labels())
}

// quietSync is the account as ui.Sync without its updates: the test
// drives the window from one goroutine.
type quietSync struct{ *account }

func (quietSync) Updates() <-chan struct{} { return nil }

// tapButton taps the visible button whose text starts with text.
func (win window) tapButton(text string) {
	win.t.Helper()
	found := false
	fyne.DoAndWait(func() {
		for _, o := range win.objects() {
			if b, ok := o.(*widget.Button); ok && b.Visible() && strings.HasPrefix(b.Text, text) {
				test.Tap(b)
				found = true
				return
			}
		}
	})
	if !found {
		win.t.Fatalf("no button %q", text)
	}
}

// TestPlanPrintedFromTheWindow wires the client as main does — the real
// account over a real replica synced from a real server on a socket, the
// real documents over the pdf package — and, with sync stopped (offline),
// fills in a plan in the Plan tab, publishes it, prints it with Ctrl+P and
// finds the print in the replica's audit and in the Historik tab. The
// print handler is injected: it receives a real PDF file.
func TestPlanPrintedFromTheWindow(t *testing.T) {
	url := newServer(t, 2)
	test.NewTempApp(t)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LANG", "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	a := newTestAccount(t, t.TempDir())
	if err := a.SignIn(context.Background(), url, "cw1", serverPassword); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, a, "first sync", func(st ui.SyncStatus) bool { return !st.LastSync.IsZero() })
	a.Lock()
	printed := make(chan []byte, 1)
	docs := newDocuments(testkit.Catalogue(t), testkit.Rules(t), a, a.User)
	docs.lang = func() string { return "da" }
	docs.handoff = func(path string) error {
		b, err := os.ReadFile(path)
		printed <- b
		return err
	}
	t.Cleanup(docs.Close)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 760))
	// Fyne's test driver runs fyne.Do on the calling goroutine, so the
	// client's work runs in place and the sync engine's updates are not
	// followed: everything happens on the test goroutine.
	c := ui.New(ui.Options{Window: w, Account: a, Cases: a, Sync: quietSync{a}, Documents: docs,
		Rules: testkit.Rules(t), Texts: testkit.Catalogue(t), Go: func(f func()) { f() }})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c.Start(ctx)
	win0 := window{t: t, w: w}
	win0.formPassword(serverPassword)
	win0.tapButton("Lås op")
	a.halt() // offline from here: nothing below needs the server
	win := window{t: t, w: w}

	var list *widget.List
	win.must("the case list", func() bool {
		for _, o := range win.objects() {
			if l, ok := o.(*widget.List); ok && l.Length() == 2 {
				list = l
			}
		}
		return list != nil
	})
	fyne.DoAndWait(func() { list.Select(0) })
	win.must("the case view", func() bool { return win.tab("Plan") })
	win.must("the Plan tab", func() bool { return win.hasLabel("ingen plan endnu") })

	win.formEntry("Jobmål", "Lagermedarbejder\nTruckfører")
	win.formEntry("Ansøgninger pr. uge", "3")
	win.formEntry("Ansvarlig sagsbehandler", "Kåre Sørensen")
	win.formEntry("Jobcenter", "Jobcenter Aarhus")
	win.tapButton("Offentliggør")
	win.must("the published plan", func() bool { return win.hasLabel("Planen er offentliggjort") })
	if !slicesHas(win.labels(), "Jobplan · version 1 · offentliggjort "+app.DateOf(time.Now()).Dansk()) {
		t.Errorf("the tab's title after publishing: %q", win.labels())
	}

	fyne.DoAndWait(func() {
		ctrlP := &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
		w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlP)
	})
	var pdfBytes []byte
	select {
	case pdfBytes = <-printed:
	default:
		t.Fatalf("Ctrl+P printed nothing; the window shows %q", win.labels())
	}
	if !bytes.HasPrefix(pdfBytes, []byte("%PDF")) || pageCount(pdfBytes) < 1 {
		t.Fatalf("the print handler got %d bytes with %d pages", len(pdfBytes), pageCount(pdfBytes))
	}
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		cmd := exec.Command(bin, "-", "-")
		cmd.Stdin = bytes.NewReader(pdfBytes)
		out, err := cmd.Output()
		if err != nil || !strings.Contains(string(out), "Truckfører") || !strings.Contains(string(out), "Kåre Sørensen") {
			t.Errorf("the printed plan's text (%v):\n%s", err, out)
		}
	}
	win.must("the print's confirmation", func() bool { return win.hasLabel("Planen er sendt til udskrivning.") })

	hist, err := a.History("sag-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range hist {
		got = append(got, r.Action+"/"+r.Kind)
	}
	if want := []string{"printed/min_plan", "changed/offentliggoer_plan", "changed/gem_plan", "viewed/"}; !slicesPrefix(got, want) {
		t.Errorf("the replica's history of sag-1 = %q, want it to start %q", got, want)
	}
	win.must("the Historik tab", func() bool { return win.tab("Historik") })
	win.must("the print in Historik", func() bool {
		return win.hasLabel("Sendt til udskrivning: Min Plan (jobplan)") && win.hasLabel("Ændring: Plan offentliggjort · Ikke sendt")
	})
}

func slicesHas(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func slicesPrefix(got, want []string) bool {
	if len(got) < len(want) {
		return false
	}
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
