package main

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

type smokeRecorder struct{ did []string }

func (r *smokeRecorder) OpenFirst()        { r.did = append(r.did, "open") }
func (r *smokeRecorder) ShowPlanPreview()  { r.did = append(r.did, "plan") }
func (r *smokeRecorder) ShowCompanyList()  { r.did = append(r.did, "companies") }
func (r *smokeRecorder) OpenFirstCompany() { r.did = append(r.did, "company") }

func TestDriveSmoke(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		warn     bool
	}{
		{name: "open then plan", in: "open\nplan\n", want: []string{"open", "plan"}},
		{name: "the companies", in: "plan\ncompanies\ncompany\n", want: []string{"plan", "companies", "company"}},
		{name: "blank lines and spaces", in: "\n  open  \n\n", want: []string{"open"}},
		{name: "unknown step is logged and skipped", in: "click 10 20\nplan\n", want: []string{"plan"}, warn: true},
		{name: "nothing", in: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec smokeRecorder
			var logged bytes.Buffer
			ran := 0
			do := func(f func()) { ran++; f() }
			driveSmoke(strings.NewReader(tt.in), &rec, do, slog.New(slog.NewTextHandler(&logged, nil)))
			if !slices.Equal(rec.did, tt.want) {
				t.Errorf("steps done = %q, want %q", rec.did, tt.want)
			}
			if ran != len(tt.want) {
				t.Errorf("steps run through do = %d, want %d (each on the Fyne goroutine)", ran, len(tt.want))
			}
			if got := strings.Contains(logged.String(), "unknown step"); got != tt.warn {
				t.Errorf("warned of an unknown step = %v, want %v; log:\n%s", got, tt.warn, logged.String())
			}
		})
	}
}
