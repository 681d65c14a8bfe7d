package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
)

// mkDate is MustDate for test tables.
func mkDate(y int, m time.Month, d int) app.Date { return app.MustDate(y, m, d) }

func TestParseCPRValid(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  app.CPR
		birth app.Date
	}{
		{"plain", "0101901234", "0101901234", mkDate(1990, 1, 1)},
		{"hyphen", "010190-1234", "0101901234", mkDate(1990, 1, 1)},
		{"surrounding space", " \t010190-1234\r\n ", "0101901234", mkDate(1990, 1, 1)},
		{"fails mod 11 but valid since 2007", "0101907358", "0101907358", mkDate(1890, 1, 1)},
		{"passes mod 11", "0101901238", "0101901238", mkDate(1990, 1, 1)},
		// 7th digit 0–3: always 1900+YY.
		{"digit 0 YY 00", "010100-0000", "0101000000", mkDate(1900, 1, 1)},
		{"digit 3 YY 99", "311299-3999", "3112993999", mkDate(1999, 12, 31)},
		{"digit 2 YY 36", "010136-2000", "0101362000", mkDate(1936, 1, 1)},
		// 7th digit 4 and 9: 2000+YY up to 36, 1900+YY from 37.
		{"digit 4 YY 36", "010136-4000", "0101364000", mkDate(2036, 1, 1)},
		{"digit 4 YY 37", "010137-4000", "0101374000", mkDate(1937, 1, 1)},
		{"digit 9 YY 36", "010136-9000", "0101369000", mkDate(2036, 1, 1)},
		{"digit 9 YY 37", "010137-9000", "0101379000", mkDate(1937, 1, 1)},
		{"digit 4 YY 00", "010100-4000", "0101004000", mkDate(2000, 1, 1)},
		// 7th digit 5–8: 2000+YY up to 57, 1800+YY from 58.
		{"digit 5 YY 57", "010157-5000", "0101575000", mkDate(2057, 1, 1)},
		{"digit 5 YY 58", "010158-5000", "0101585000", mkDate(1858, 1, 1)},
		{"digit 6 YY 57", "010157-6000", "0101576000", mkDate(2057, 1, 1)},
		{"digit 6 YY 58", "010158-6000", "0101586000", mkDate(1858, 1, 1)},
		{"digit 7 YY 57", "010157-7000", "0101577000", mkDate(2057, 1, 1)},
		{"digit 7 YY 58", "010158-7000", "0101587000", mkDate(1858, 1, 1)},
		{"digit 8 YY 57", "010157-8000", "0101578000", mkDate(2057, 1, 1)},
		{"digit 8 YY 58", "010158-8000", "0101588000", mkDate(1858, 1, 1)},
		// 29 February exists only in the leap birth year the century rule gives.
		{"29 Feb 2000 (digit 4)", "290200-4000", "2902004000", mkDate(2000, 2, 29)},
		{"29 Jan 1900 (digit 0) exists", "290100-0123", "2901000123", mkDate(1900, 1, 29)},
		{"29 Feb 1996", "290296-1234", "2902961234", mkDate(1996, 2, 29)},
		{"29 Feb 1860 (digit 5)", "290260-5000", "2902605000", mkDate(1860, 2, 29)},
		{"29 Feb 2056 (digit 5)", "290256-5000", "2902565000", mkDate(2056, 2, 29)},
		{"30 April", "300490-1234", "3004901234", mkDate(1990, 4, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.ParseCPR(tt.in)
			if err != nil {
				t.Fatalf("ParseCPR(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseCPR(%q) = %s, want %s", tt.in, got.Full(), tt.want.Full())
			}
			if got, want := got.BirthDate(), tt.birth; got != want {
				t.Errorf("BirthDate() = %v, want %v", got, want)
			}
			if got.Ukendt() {
				t.Errorf("Ukendt() = true, want false")
			}
		})
	}
}

func TestParseCPRInvalid(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantMsg string // substring of the Danish message
	}{
		{"empty", "", "mangler"},
		{"only space", "   \t", "mangler"},
		{"letter O for zero", "01019O1234", "bogstavet 'O'"},
		{"letters only", "abcdefghij", "bogstavet 'a'"},
		{"full-width digits", "０１０１９０１２３４", "Kun cifrene 0–9 er tilladt"},
		{"Arabic-Indic digit", "010190123٤", "Kun cifrene 0–9 er tilladt"},
		{"en dash", "010190–1234", "almindelig bindestreg"},
		{"inner space", "010190 1234", "mellemrum"},
		{"no-break space", "010190\u00a01234", "mellemrum"},
		{"slash", "010190/1234", "hverken et ciffer"},
		{"invalid UTF-8", "\xff0101901234", "ikke gyldig tekst"},
		{"hyphen after 5", "01019-01234", "Bindestregen"},
		{"hyphen after 7", "0101901-234", "Bindestregen"},
		{"two hyphens", "010190--1234", "Bindestregen"},
		{"leading hyphen", "-0101901234", "Bindestregen"},
		{"trailing hyphen", "0101901234-", "Bindestregen"},
		{"9 digits", "010190123", "har 9 cifre"},
		{"9 digits with hyphen", "010190-123", "har 9 cifre"},
		{"11 digits", "01019012345", "har 11 cifre"},
		{"11 digits with hyphen", "010190-12345", "har 11 cifre"},
		{"31 April", "310490-1234", "31.04.1990"},
		{"day 00", "000190-1234", "00.01.1990"},
		{"day 32", "320190-1234", "findes ikke"},
		{"month 00", "010090-1234", "Måned 00"},
		{"month 13", "011390-1234", "Måned 13"},
		{"29 Feb 1900 (digit 0)", "290200-0123", "29.02.1900"},
		{"29 Feb 1997", "290297-1234", "29.02.1997"},
		{"29 Feb 1858 (digit 5)", "290258-5000", "29.02.1858"},
		{"29 Feb 1937 (YY 37, digit 4)", "290237-4000", "29.02.1937"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.ParseCPR(tt.in)
			if err == nil {
				t.Fatalf("ParseCPR(%q) = %s, want an error", tt.in, got.Full())
			}
			if got != "" {
				t.Errorf("ParseCPR(%q) returned %q with its error, want \"\"", tt.in, got.Digits())
			}
			e := checkCPRError(t, err)
			da := errText(t, e, "da")
			if !strings.Contains(da, tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", da, tt.wantMsg)
			}
			// The error may be logged: it must not repeat the number (the
			// example in the hint aside).
			msg := strings.ReplaceAll(e.Error()+da, "010190-1234", "")
			if in := strings.TrimSpace(tt.in); len(in) >= 6 && strings.Contains(msg, in) {
				t.Errorf("error repeats the input %q: %q / %q", in, da, e.Error())
			}
		})
	}
}

// checkCPRError checks the shape every ParseCPR error has.
func checkCPRError(t testing.TB, err error) *app.Error {
	t.Helper()
	var e *app.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not *app.Error", err, err)
	}
	if got, want := e.Code, app.CodeInvalid; got != want {
		t.Errorf("Code = %q, want %q", got, want)
	}
	if got, want := e.Field, "cpr"; got != want {
		t.Errorf("Field = %q, want %q", got, want)
	}
	da, en := errText(t, e, "da"), errText(t, e, "en")
	// Every message says what a valid number looks like.
	if !strings.Contains(da, "DDMMÅÅ") || !strings.Contains(en, "DDMMYY") {
		t.Errorf("message does not show the expected form: %q / %q", da, en)
	}
	return e
}

func TestCPRUkendt(t *testing.T) {
	for _, in := range []string{"0000000000", "000000-0000", " 0000000000 "} {
		t.Run(in, func(t *testing.T) {
			got := testkit.CPR(t, in)
			if got != app.CPRUkendt {
				t.Fatalf("ParseCPR(%q) = %q, want CPRUkendt", in, got.Digits())
			}
			if !got.Ukendt() {
				t.Error("Ukendt() = false, want true")
			}
			if !got.BirthDate().IsZero() {
				t.Errorf("BirthDate() = %v, want zero", got.BirthDate())
			}
			if got, want := got.Age(mkDate(2026, 1, 1)), -1; got != want {
				t.Errorf("Age() = %d, want %d", got, want)
			}
			if got.Female() {
				t.Error("Female() = true, want false (sex unknown)")
			}
			if got, want := got.Masked(), "000000-XXXX"; got != want {
				t.Errorf("Masked() = %q, want %q", got, want)
			}
		})
	}
}

func TestCPRMod11IsInformationOnly(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0101901238", true},
		{"0101907358", false},
		{"0101901234", false},
		{"0000000000", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c := testkit.CPR(t, tt.in) // accepted either way
			if got := c.Mod11(); got != tt.want {
				t.Errorf("Mod11() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCPRAccessors(t *testing.T) {
	c := testkit.CPR(t, "010190-7358")
	tests := []struct{ name, got, want string }{
		{"Digits", c.Digits(), "0101907358"},
		{"Full", c.Full(), "010190-7358"},
		{"Masked", c.Masked(), "010190-XXXX"},
		{"String", c.String(), "010190-XXXX"},
		{"GoString", c.GoString(), `app.CPR("010190-XXXX")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestCPRFemale(t *testing.T) {
	for last := '0'; last <= '9'; last++ {
		in := "010190-123" + string(last)
		t.Run(in, func(t *testing.T) {
			got, want := testkit.CPR(t, in).Female(), (last-'0')%2 == 0
			if got != want {
				t.Errorf("Female() = %v, want %v", got, want)
			}
		})
	}
}

// TestCPRMalformedValues covers CPR values made by conversion, not ParseCPR:
// no method may panic or print digits it should not.
func TestCPRMalformedValues(t *testing.T) {
	for _, c := range []app.CPR{"", "123", "3104901234", "01019012345", "０１０１９０１２３４", "abcdefghij"} {
		t.Run(string(c), func(t *testing.T) {
			if !c.BirthDate().IsZero() {
				t.Errorf("BirthDate() = %v, want zero", c.BirthDate())
			}
			if got := c.Age(mkDate(2026, 1, 1)); got != -1 {
				t.Errorf("Age() = %d, want -1", got)
			}
			_ = c.Female()
			_ = c.Mod11()
			if len(c) == 10 && c.Digits() == string(c) {
				return // 10 ASCII digits with an impossible date: formats as digits
			}
			if c.Digits() != "" || c.Full() != "" {
				t.Errorf("Digits() = %q, Full() = %q, want \"\"", c.Digits(), c.Full())
			}
			if c != "" && c.Masked() != "XXXXXX-XXXX" {
				t.Errorf("Masked() = %q, want XXXXXX-XXXX", c.Masked())
			}
		})
	}
}

// TestCPRNeverPrintsSerial: however a CPR reaches fmt or slog, the serial
// (last four digits) is masked (CPR-loven § 54, DESIGN §3 "never in logs").
func TestCPRNeverPrintsSerial(t *testing.T) {
	c := testkit.CPR(t, "010190-7358")
	const serial = "7358"
	type borger struct {
		Navn string
		CPR  app.CPR
	}
	var textLog, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("opslag", "cpr", c, "borger", borger{"A", c})
	// Only a top-level CPR: the JSON handler marshals a struct with
	// encoding/json, which writes a nested CPR in full (documented on CPR).
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("opslag", "cpr", c)
	outputs := map[string]string{
		"Sprint":        fmt.Sprint(c),
		"Sprintln":      fmt.Sprintln(c),
		"%v":            fmt.Sprintf("%v", c),
		"%s":            fmt.Sprintf("%s", c),
		"%q":            fmt.Sprintf("%q", c),
		"%#v":           fmt.Sprintf("%#v", c),
		"%+v":           fmt.Sprintf("%+v", c),
		"%d":            fmt.Sprintf("%d", c),
		"%x":            fmt.Sprintf("%x", c),
		"%X":            fmt.Sprintf("%X", c),
		"%c":            fmt.Sprintf("%c", c),
		"%20v":          fmt.Sprintf("%20v", c),
		"pointer %v":    fmt.Sprintf("%v", &c),
		"struct %v":     fmt.Sprintf("%v", borger{"A", c}),
		"struct %+v":    fmt.Sprintf("%+v", borger{"A", c}),
		"struct %#v":    fmt.Sprintf("%#v", borger{"A", c}),
		"slice %v":      fmt.Sprintf("%v", []app.CPR{c, c}),
		"map %v":        fmt.Sprintf("%v", map[app.CPR]int{c: 1}),
		"any %v":        fmt.Sprintf("%v", any(c)),
		"error wrap %v": fmt.Errorf("opslag %v: %w", c, errors.New("x")).Error(),
		"slog text":     textLog.String(),
		"slog json":     jsonLog.String(),
	}
	for name, out := range outputs {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(out, serial) {
				t.Errorf("output %q contains the serial %s", out, serial)
			}
			if !strings.Contains(out, "010190") {
				t.Errorf("output %q does not show the masked birth date", out)
			}
		})
	}
	t.Run("width", func(t *testing.T) {
		if got, want := fmt.Sprintf("[%13v|%-13s]", c, c), "[  010190-XXXX|010190-XXXX  ]"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestCPRJSON(t *testing.T) {
	type rec struct {
		CPR app.CPR `json:"cpr"`
	}
	t.Run("round trip", func(t *testing.T) {
		in := rec{testkit.CPR(t, "010190-7358")}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(b), `{"cpr":"0101907358"}`; got != want {
			t.Errorf("Marshal = %s, want %s", got, want)
		}
		var out rec
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if out != in {
			t.Errorf("round trip = %v, want %v", out.CPR.Full(), in.CPR.Full())
		}
	})
	t.Run("hyphen accepted on input", func(t *testing.T) {
		var out rec
		if err := json.Unmarshal([]byte(`{"cpr":"010190-7358"}`), &out); err != nil {
			t.Fatal(err)
		}
		if got, want := out.CPR.Digits(), "0101907358"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("empty", func(t *testing.T) {
		b, err := json.Marshal(rec{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(b), `{"cpr":""}`; got != want {
			t.Errorf("Marshal = %s, want %s", got, want)
		}
		out := rec{CPR: "0101907358"}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !out.CPR.IsZero() {
			t.Errorf("got %q, want the empty CPR", out.CPR.Digits())
		}
	})
	t.Run("unknown", func(t *testing.T) {
		var out rec
		if err := json.Unmarshal([]byte(`{"cpr":"0000000000"}`), &out); err != nil {
			t.Fatal(err)
		}
		if !out.CPR.Ukendt() {
			t.Errorf("got %q, want CPRUkendt", out.CPR.Digits())
		}
	})
	t.Run("invalid input", func(t *testing.T) {
		var out rec
		err := json.Unmarshal([]byte(`{"cpr":"310490-1234"}`), &out)
		if err == nil {
			t.Fatal("Unmarshal accepted 31 April")
		}
		checkCPRError(t, err)
	})
	t.Run("malformed value refused on output", func(t *testing.T) {
		_, err := json.Marshal(rec{CPR: "12345"})
		if err == nil {
			t.Fatal("Marshal accepted a 5-digit CPR")
		}
		if strings.Contains(err.Error(), "12345") {
			t.Errorf("error repeats the value: %v", err)
		}
	})
}

func TestCPRAge(t *testing.T) {
	born1990 := testkit.CPR(t, "150390-1234") // 15 March 1990
	leap := testkit.CPR(t, "290296-1234")     // 29 February 1996
	tests := []struct {
		name string
		c    app.CPR
		on   app.Date
		want int
	}{
		{"day of birth", born1990, mkDate(1990, 3, 15), 0},
		{"day before birth", born1990, mkDate(1990, 3, 14), -1},
		{"day before 1st birthday", born1990, mkDate(1991, 3, 14), 0},
		{"1st birthday", born1990, mkDate(1991, 3, 15), 1},
		{"day before 36th birthday", born1990, mkDate(2026, 3, 14), 35},
		{"36th birthday", born1990, mkDate(2026, 3, 15), 36},
		{"later the same year", born1990, mkDate(2026, 12, 31), 36},
		{"zero date", born1990, app.Date{}, -1},
		{"29 Feb: 28 Feb in a non-leap year", leap, mkDate(2025, 2, 28), 28},
		{"29 Feb: 1 Mar in a non-leap year", leap, mkDate(2025, 3, 1), 29},
		{"29 Feb: 28 Feb in a leap year", leap, mkDate(2024, 2, 28), 27},
		{"29 Feb: 29 Feb in a leap year", leap, mkDate(2024, 2, 29), 28},
		{"born 1858", testkit.CPR(t, "010158-5000"), mkDate(2026, 1, 1), 168},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Age(tt.on); got != tt.want {
				t.Errorf("Age(%v) = %d, want %d", tt.on, got, tt.want)
			}
		})
	}
}

var cprMaskedForm = regexp.MustCompile(`^[0-9]{6}-XXXX$`)

func FuzzParseCPR(f *testing.F) {
	for _, s := range []string{
		"0101901234", "010190-1234", " 010190-1234 ", "0000000000", "000000-0000",
		"290200-4000", "290200-0123", "310490-1234", "010158-5000", "010137-9000",
		"０１０１９０１２３４", "01019O1234", "01019-01234", "010190–1234", "", "-", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := app.ParseCPR(s)
		if err != nil {
			if c != "" {
				t.Fatalf("ParseCPR(%q) returned %q with an error", s, string(c))
			}
			checkCPRError(t, err)
			return
		}
		if len(c) != 10 || c.Digits() != string(c) {
			t.Fatalf("ParseCPR(%q) = %q, not 10 ASCII digits", s, string(c))
		}
		for _, again := range []string{c.Digits(), c.Full()} {
			c2, err := app.ParseCPR(again)
			if err != nil || c2 != c {
				t.Fatalf("ParseCPR(%q) = %q; re-parsing %q gave %q, %v", s, string(c), again, string(c2), err)
			}
		}
		if !cprMaskedForm.MatchString(c.Masked()) || c.String() != c.Masked() {
			t.Fatalf("Masked() = %q, String() = %q for %q", c.Masked(), c.String(), string(c))
		}
		if c.Ukendt() {
			return
		}
		b := c.BirthDate()
		if b.IsZero() {
			t.Fatalf("ParseCPR(%q) accepted %q but BirthDate is zero", s, string(c))
		}
		y, m, d := b.YMD()
		if got, want := fmt.Sprintf("%02d%02d%02d", d, int(m), y%100), string(c[:6]); got != want {
			t.Fatalf("BirthDate() = %v does not match the digits %s", b, want)
		}
		if age := c.Age(b); age != 0 {
			t.Fatalf("Age on the birth date = %d, want 0", age)
		}
	})
}
