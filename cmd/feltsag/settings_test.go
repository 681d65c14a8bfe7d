package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsKeepTheLanguage: a choice survives a restart; a missing file
// is the computer's language; a damaged file or an unknown language is
// reported and the defaults are used, so the client still starts.
func TestSettingsKeepTheLanguage(t *testing.T) {
	dir := t.TempDir()
	s, err := loadSettings(dir)
	if err != nil || s.Language() != "" {
		t.Fatalf("no file: loadSettings = %q, %v; want \"\", nil", s.Language(), err)
	}
	if err := s.SetLanguage("en"); err != nil {
		t.Fatal(err)
	}
	again, err := loadSettings(dir)
	if err != nil || again.Language() != "en" {
		t.Errorf("after SetLanguage(en) and a restart: %q, %v", again.Language(), err)
	}
	if err := s.SetLanguage("sv"); err == nil {
		t.Error("SetLanguage(sv) = nil, want an error")
	}
	if got := s.Language(); got != "en" {
		t.Errorf("a refused choice changed the language to %q", got)
	}

	tests := []struct{ name, body, want string }{
		{"damaged", `{"language":`, "damaged"},
		{"unknown language", `{"language":"xx"}`, "unknown language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, settingsName), []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := loadSettings(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadSettings = %v, want an error about %q", err, tt.want)
			}
			if s == nil || s.Language() != "" {
				t.Fatalf("settings after the error = %+v, want the defaults", s)
			}
			if err := s.SetLanguage("da"); err != nil {
				t.Errorf("choosing again after a damaged file: %v", err)
			}
		})
	}
}
