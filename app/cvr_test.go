package app_test

import (
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
)

// TestParseCVR: DOMAIN B9 nr. 1–5 [S135][S143] and the forms people write.
func TestParseCVR(t *testing.T) {
	tests := []struct {
		name, in string
		want     app.CVR
		key      string // catalogue key of the refusal, "" when accepted
	}{
		{"worked example: sum 126, check digit 6", "13748136", "13748136", ""},
		{"valid library vector", "24256790", "24256790", ""},
		{"last digit off by one", "24256791", "", "invalid.cvr.check"},
		{"remainder 1: no check digit exists (0)", "10000050", "", "invalid.cvr.no_check_digit"},
		{"remainder 1: no check digit exists (9)", "10000059", "", "invalid.cvr.no_check_digit"},
		{"passes the checksum but is not issued", "00000000", "", "invalid.cvr.not_issued"},
		{"DK, dashes and spaces are normalised", " DK-13 74 81 36 ", "13748136", ""},
		{"lower-case dk", "dk13748136", "13748136", ""},
		{"seven digits", "1374813", "", "invalid.cvr.length"},
		{"nine digits", "137481360", "", "invalid.cvr.length"},
		{"a letter", "1374813A", "", "invalid.cvr.char"},
		{"empty", "  ", "", "invalid.cvr.missing"},
		{"full-width digit is not a digit", "１3748136", "", "invalid.cvr.char"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := app.ParseCVR(tc.in)
			if tc.key == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseCVR(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			e := app.AsError(err)
			if err == nil || e.Code != app.CodeInvalid || e.Key != tc.key || e.Field != "cvr" {
				t.Fatalf("ParseCVR(%q) = %q, %v; want invalid %s on cvr", tc.in, got, err, tc.key)
			}
		})
	}
}

// TestParseCVREveryCheckDigit: for a prefix with a check digit exactly one
// of the ten endings is valid; for a prefix with remainder 1 none is.
func TestParseCVREveryCheckDigit(t *testing.T) {
	for _, prefix := range []string{"1374813", "2425679", "1000005", "9999999"} {
		valid := 0
		for d := '0'; d <= '9'; d++ {
			if _, err := app.ParseCVR(prefix + string(d)); err == nil {
				valid++
			}
		}
		want := 1
		if prefix == "1000005" {
			want = 0
		}
		if valid != want {
			t.Errorf("prefix %s: %d valid endings, want %d", prefix, valid, want)
		}
	}
}

// TestParsePNummer: DOMAIN B9 nr. 6: 10 digits; a failing check only warns.
func TestParsePNummer(t *testing.T) {
	tests := []struct {
		name, in string
		want     app.PNummer
		checkOK  bool
		key      string
	}{
		{"passes modulus 11", "1000000007", "1000000007", true, ""},
		{"fails modulus 11: kept, warning", "1000000008", "1000000008", false, ""},
		{"spaces", "10 0000 0007", "1000000007", true, ""},
		{"9 digits", "100000000", "", false, "invalid.pnummer.length"},
		{"11 digits", "10000000070", "", false, "invalid.pnummer.length"},
		{"letter", "10000000x7", "", false, "invalid.pnummer.char"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := app.ParsePNummer(tc.in)
			if tc.key != "" {
				if e := app.AsError(err); err == nil || e.Key != tc.key || e.Field != "p_nummer" {
					t.Fatalf("ParsePNummer(%q) = %q, %v; want %s", tc.in, got, err, tc.key)
				}
				return
			}
			if err != nil || got != tc.want || ok != tc.checkOK {
				t.Fatalf("ParsePNummer(%q) = %q, %v, %v; want %q, %v", tc.in, got, ok, err, tc.want, tc.checkOK)
			}
		})
	}
}

// FuzzParseCVR: a parsed CVR is 8 digits, not starting with 0, with the
// weighted sum divisible by 11, parses to itself, and the error never
// repeats the input.
func FuzzParseCVR(f *testing.F) {
	for _, s := range []string{"13748136", " DK-13 74 81 36 ", "00000000", "10000050", "dk", "-", "１"} {
		f.Add(s)
	}
	w := []int{2, 7, 6, 5, 4, 3, 2, 1}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := app.ParseCVR(s)
		if err != nil {
			if len(s) >= 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error repeats the input: %v", err)
			}
			return
		}
		if len(c) != 8 || c[0] == '0' {
			t.Fatalf("ParseCVR(%q) = %q", s, c)
		}
		sum := 0
		for i := range 8 {
			if c[i] < '0' || c[i] > '9' {
				t.Fatalf("non-digit in %q", c)
			}
			sum += int(c[i]-'0') * w[i]
		}
		if sum%11 != 0 {
			t.Fatalf("ParseCVR(%q) = %q fails modulus 11", s, c)
		}
		if again, err := app.ParseCVR(string(c)); err != nil || again != c {
			t.Fatalf("not idempotent: %q → %q, %v", c, again, err)
		}
	})
}
