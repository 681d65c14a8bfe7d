package app_test

import (
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// TestDateRoundTrip converts every day from 1800 to 9999 to a Date and back,
// and prints it as YYYY-MM-DD.
func TestDateRoundTrip(t *testing.T) {
	prev := app.Date{}
	for day := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() <= 9999; day = day.AddDate(0, 0, 1) {
		d, err := app.NewDate(day.Year(), day.Month(), day.Day())
		if err != nil {
			t.Fatalf("NewDate(%s): %v", day.Format(time.DateOnly), err)
		}
		y, m, dd := d.YMD()
		if y != day.Year() || m != day.Month() || dd != day.Day() || d.Weekday() != day.Weekday() {
			t.Fatalf("%s round-trips to %04d-%02d-%02d", day.Format(time.DateOnly), y, m, dd)
		}
		if txt, _ := d.MarshalText(); d.String() != day.Format(time.DateOnly) || string(txt) != d.String() {
			t.Fatalf("%s prints as %q, text %q", day.Format(time.DateOnly), d.String(), txt)
		}
		if !prev.IsZero() && prev.AddDays(1) != d {
			t.Fatalf("%s is not the day after %s", d, prev)
		}
		prev = d
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"2026-03-12", "2026-03-12", false},
		{"12.03.2026", "2026-03-12", false},
		{"2024-02-29", "2024-02-29", false},
		{"2025-02-29", "", true}, // not a leap year
		{"2026-04-31", "", true}, // 31 April
		{"2026-13-01", "", true},
		{"2026-00-10", "", true},
		{"2026-3-12", "", true},
		{"２０２６-03-12", "", true}, // full-width digits
		{"", "", true},
		{"1799-12-31", "", true},
		{"+026-03-12", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := app.ParseDate(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %s, want error", tc.in, got)
				}
				if app.ErrorCode(err) != app.CodeInvalid {
					t.Errorf("code = %s, want invalid", app.ErrorCode(err))
				}
				return
			}
			if err != nil || got.String() != tc.want {
				t.Fatalf("ParseDate(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestDateOfCopenhagen(t *testing.T) {
	// 23:30 UTC on 31 March 2026 is already 1 April in Copenhagen (CEST).
	at := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	if got, want := app.DateOf(at), app.MustDate(2026, 4, 1); got != want {
		t.Errorf("DateOf(%s) = %s, want %s", at, got, want)
	}
}

func TestAddMonthsClamps(t *testing.T) {
	if got, want := app.MustDate(2026, 1, 31).AddMonths(1), app.MustDate(2026, 2, 28); got != want {
		t.Errorf("31 Jan + 1 month = %s, want %s", got, want)
	}
	if got, want := app.MustDate(2024, 2, 29).AddYears(1), app.MustDate(2025, 2, 28); got != want {
		t.Errorf("29 Feb 2024 + 1 year = %s, want %s", got, want)
	}
}

func TestPeriod(t *testing.T) {
	p := app.Period{Start: app.MustDate(2026, 3, 1), Slut: app.MustDate(2026, 3, 10)}
	open := app.Period{Start: app.MustDate(2026, 3, 11)}
	if !p.Contains(app.MustDate(2026, 3, 10)) || p.Contains(app.MustDate(2026, 3, 11)) {
		t.Error("Contains is wrong at the end boundary")
	}
	if p.Overlaps(open) {
		t.Error("adjacent periods must not overlap")
	}
	if !open.Overlaps(app.Period{Start: app.MustDate(2030, 1, 1)}) {
		t.Error("two open periods overlap")
	}
	if p.Days() != 10 {
		t.Errorf("Days = %d, want 10", p.Days())
	}
}
