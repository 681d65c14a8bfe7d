package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/ui"
)

// TestLanguageSwitchesAtOnce: choosing English in the settings keeps the
// choice, speaks English at once — the main window, the open case and the
// catalogue texts (ui.Language) — and Danish comes back the same way.
func TestLanguageSwitchesAtOnce(t *testing.T) {
	h := unlocked(t, threeCases(t))
	t.Cleanup(func() { _ = ui.SetLanguage("") })
	test.Type(h.c.SearchEntry(), "ida")
	h.c.SearchEntry().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	id, _ := h.c.OpenCase()
	if id == "" {
		t.Fatal("no case opened")
	}
	if got := ui.Language(); got != "da" {
		t.Fatalf("Language() before = %q, want da", got)
	}
	if !hasButton(h.w.Content(), "Lås") {
		t.Errorf("the Danish main window has no Lås button")
	}

	if err := h.c.ApplyLanguage("en"); err != nil {
		t.Fatalf("ApplyLanguage(en) = %v", err)
	}
	if got := h.prefs.language; got != "en" {
		t.Errorf("kept language = %q, want en", got)
	}
	if got := ui.Language(); got != "en" {
		t.Errorf("Language() = %q, want en", got)
	}
	if got := lang.L("lock.button"); got != "Lock" {
		t.Errorf(`lang.L("lock.button") = %q, want Lock`, got)
	}
	if !hasButton(h.w.Content(), "Lock") || hasButton(h.w.Content(), "Lås") {
		t.Errorf("the main window was not rebuilt in English")
	}
	if got, _ := h.c.OpenCase(); got != id {
		t.Errorf("open case after the switch = %q, want %q (it stays open)", got, id)
	}

	if err := h.c.ApplyLanguage(""); err != nil {
		t.Fatalf("ApplyLanguage(\"\") = %v", err)
	}
	if got := ui.Language(); got != "da" {
		t.Errorf("Language() back on the computer's = %q, want da", got)
	}
	if !hasButton(h.w.Content(), "Lås") {
		t.Errorf("the main window is not Danish again")
	}
}

// TestSetLanguageRefusesUnknown: only da, en and "" (the computer's).
func TestSetLanguageRefusesUnknown(t *testing.T) {
	setLocale(t, "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	if err := ui.SetLanguage("de"); err == nil {
		t.Error("SetLanguage(de) = nil, want an error")
	}
	if got := ui.Language(); got != "da" {
		t.Errorf("Language() after a refused switch = %q, want da", got)
	}
}

// TestOtherComputerLanguageShowsDanish: on a computer in a language Feltsag
// has no file for (German), the screens speak Danish, not untranslated keys.
func TestOtherComputerLanguageShowsDanish(t *testing.T) {
	setLocale(t, "de_DE.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		setLocale(t, "da_DK.UTF-8")
		_ = ui.LoadTranslations()
	})
	if got := lang.L("lock.button"); got != "Lås" {
		t.Errorf(`lang.L("lock.button") on a German computer = %q, want Lås`, got)
	}
	if got := ui.Language(); got != "da" {
		t.Errorf("Language() = %q, want da", got)
	}
}

// hasButton reports whether a visible button below o reads text.
func hasButton(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Visible() && b.Text == text {
			return true
		}
	}
	return false
}
