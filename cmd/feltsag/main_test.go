package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/ui"
)

func TestRunFlagsWithoutWindow(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    bool
		wantStdout string
		wantStderr string
	}{
		{name: "version", args: []string{"-version"}, wantStdout: version + "\n"},
		{name: "help", args: []string{"-h"}, wantStderr: "-version"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: true, wantStderr: "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"feltsag"}, tt.args...)
			err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("run(%q) error = %v, want error: %v", tt.args, err, tt.wantErr)
			}
			if tt.wantStdout != "" && stdout.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestAboutIsTranslated(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		t.Fatal(err)
	}
	got := about("1.2.3", rules, app.MustDate(2026, 7, 1))
	if want := "Version 1.2.3 · I dag (01.07.2026) gælder regelsæt 2026-07"; got != want {
		t.Errorf("about() = %q, want %q", got, want)
	}
}

// TestAppIDMatchesFyneAppToml guards the one value main.go repeats from
// FyneApp.toml: Fyne keys preferences and storage by the app ID.
func TestAppIDMatchesFyneAppToml(t *testing.T) {
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ID\s*=\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("FyneApp.toml has no ID")
	}
	if got := string(m[1]); got != appID {
		t.Errorf("FyneApp.toml ID = %q, main.appID = %q", got, appID)
	}
}
