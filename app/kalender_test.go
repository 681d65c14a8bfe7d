package app_test

import (
	"fmt"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

func TestHelligdagePaaske(t *testing.T) {
	tests := []struct {
		year int
		want app.Date
	}{
		{2024, mkDate(2024, 3, 31)},
		{2025, mkDate(2025, 4, 20)},
		{2026, mkDate(2026, 4, 5)},
		{2027, mkDate(2027, 3, 28)},
		{2000, mkDate(2000, 4, 23)},
		{2038, mkDate(2038, 4, 25)},
		{2008, mkDate(2008, 3, 23)},
		{2019, mkDate(2019, 4, 21)},
		{1943, mkDate(1943, 4, 25)}, // latest possible
		{1818, mkDate(1818, 3, 22)}, // earliest possible
		{2285, mkDate(2285, 3, 22)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if got := app.Paaskedag(tt.year); got != tt.want {
				t.Errorf("Paaskedag(%d) = %v, want %v", tt.year, got, tt.want)
			}
			if got := app.Paaskedag(tt.year); got.Weekday() != time.Sunday {
				t.Errorf("Paaskedag(%d) = %v is a %v", tt.year, got, got.Weekday())
			}
			h, ok := app.ErHelligdag(tt.want)
			if !ok || h.Navn != "Påskedag" {
				t.Errorf("ErHelligdag(%v) = %+v, %v; want Påskedag", tt.want, h, ok)
			}
		})
	}
	t.Run("out of range", func(t *testing.T) {
		for _, y := range []int{0, 1799, 10000} {
			if got := app.Paaskedag(y); !got.IsZero() {
				t.Errorf("Paaskedag(%d) = %v, want zero", y, got)
			}
			if got := app.Helligdage(y); got != nil {
				t.Errorf("Helligdage(%d) = %v, want nil", y, got)
			}
		}
	})
}

// wantHelligdag is one expected Helligdag, written compactly.
type wantHelligdag struct {
	md   string // "MM-DD"
	navn string
	a    bool // Antagelse
}

func checkHelligdage(t *testing.T, year int, want []wantHelligdag) {
	t.Helper()
	got := app.Helligdage(year)
	if len(got) != len(want) {
		t.Errorf("Helligdage(%d) has %d days, want %d: %v", year, len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Dato.String() != fmt.Sprintf("%d-%s", year, w.md) || g.Navn != w.navn || g.Antagelse != w.a {
			t.Errorf("Helligdage(%d)[%d] = {%v %q %v}, want {%d-%s %q %v}", year, i, g.Dato, g.Navn, g.Antagelse, year, w.md, w.navn, w.a)
		}
	}
}

func TestHelligdage2026(t *testing.T) {
	checkHelligdage(t, 2026, []wantHelligdag{
		{"01-01", "Nytårsdag", false},
		{"04-02", "Skærtorsdag", false},
		{"04-03", "Langfredag", false},
		{"04-05", "Påskedag", false},
		{"04-06", "2. påskedag", false},
		{"05-14", "Kristi himmelfartsdag", false},
		{"05-24", "Pinsedag", false},
		{"05-25", "2. pinsedag", false},
		{"06-05", "Grundlovsdag", true},
		{"12-24", "Juleaftensdag", true},
		{"12-25", "Juledag", false},
		{"12-26", "2. juledag", false},
		{"12-31", "Nytårsaftensdag", true},
	})
}

func TestHelligdageStoreBededag(t *testing.T) {
	tests := []struct {
		name string
		d    app.Date
		want bool
	}{
		{"2023: 4th Friday after Easter", mkDate(2023, 5, 5), true},
		{"2022", mkDate(2022, 5, 13), true},
		{"2024: abolished by lov nr. 147 af 28.02.2023", mkDate(2024, 4, 26), false},
		{"2025", mkDate(2025, 5, 16), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := app.ErHelligdag(tt.d)
			got := ok && h.Navn == "Store bededag"
			if got != tt.want {
				t.Errorf("ErHelligdag(%v) = %+v, %v; want store bededag %v", tt.d, h, ok, tt.want)
			}
			if got, want := app.ErArbejdsdag(tt.d), !tt.want; got != want {
				t.Errorf("ErArbejdsdag(%v) = %v, want %v", tt.d, got, want)
			}
			y, _, _ := tt.d.YMD()
			found := false
			for _, h := range app.Helligdage(y) {
				found = found || h.Navn == "Store bededag"
			}
			if found != tt.want {
				t.Errorf("Helligdage(%d) lists store bededag: %v, want %v", y, found, tt.want)
			}
		})
	}
}

// Grundlovsdag (A) falls on pinsedag in 2022 and on 2. pinsedag in 2017:
// both are listed, the official one first, and ErHelligdag names it.
func TestHelligdagSammenfald(t *testing.T) {
	tests := []struct {
		year int
		navn string
	}{
		{2022, "Pinsedag"},
		{2017, "2. pinsedag"},
		{2028, "2. pinsedag"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			d := mkDate(tt.year, 6, 5)
			h, ok := app.ErHelligdag(d)
			if !ok || h.Navn != tt.navn || h.Antagelse {
				t.Errorf("ErHelligdag(%v) = %+v, %v; want %s (official)", d, h, ok, tt.navn)
			}
			var onDay []string
			for _, h := range app.Helligdage(tt.year) {
				if h.Dato == d {
					onDay = append(onDay, h.Navn)
				}
			}
			if got, want := fmt.Sprint(onDay), fmt.Sprint([]string{tt.navn, "Grundlovsdag"}); got != want {
				t.Errorf("Helligdage(%d) on 5 June = %s, want %s", tt.year, got, want)
			}
		})
	}
}

// TestKalenderConsistency checks, day by day across the precomputed table
// (1990–2100) and the computed years on both sides, that ErHelligdag and
// ErArbejdsdag agree with Helligdage and Weekday, and that Helligdage is
// sorted and has one entry per rule.
func TestKalenderConsistency(t *testing.T) {
	for _, span := range [][2]int{{1800, 1810}, {1985, 2105}, {9990, 9999}} {
		for y := span[0]; y <= span[1]; y++ {
			list := app.Helligdage(y)
			want := 14
			if y > 2023 {
				want = 13
			}
			if len(list) != want {
				t.Fatalf("Helligdage(%d) has %d days, want %d", y, len(list), want)
			}
			byDate := map[app.Date]app.Helligdag{}
			for i, h := range list {
				if i > 0 && h.Dato.Before(list[i-1].Dato) {
					t.Fatalf("Helligdage(%d) not sorted at %d: %v", y, i, list)
				}
				if hy, _, _ := h.Dato.YMD(); hy != y {
					t.Fatalf("Helligdage(%d) holds %v %s", y, h.Dato, h.Navn)
				}
				if _, seen := byDate[h.Dato]; !seen {
					byDate[h.Dato] = h // the first listed is the official one
				}
			}
			for d := mkDate(y, 1, 1); d.Before(mkDate(y, 12, 31).AddDays(1)); d = d.AddDays(1) {
				h, ok := app.ErHelligdag(d)
				want, wantOK := byDate[d]
				if ok != wantOK || h != want {
					t.Fatalf("ErHelligdag(%v) = %+v, %v; want %+v, %v", d, h, ok, want, wantOK)
				}
				wd := d.Weekday()
				if got, want := app.ErArbejdsdag(d), !wantOK && wd != time.Saturday && wd != time.Sunday; got != want {
					t.Fatalf("ErArbejdsdag(%v, %v) = %v, want %v", d, wd, got, want)
				}
			}
		}
	}
}

func TestArbejdsdagZeroDate(t *testing.T) {
	var zero app.Date
	if app.ErArbejdsdag(zero) {
		t.Error("ErArbejdsdag(zero) = true")
	}
	if _, ok := app.ErHelligdag(zero); ok {
		t.Error("ErHelligdag(zero) = true")
	}
	for name, got := range map[string]app.Date{
		"NaesteArbejdsdag": app.NaesteArbejdsdag(zero),
		"AddArbejdsdage":   app.AddArbejdsdage(zero, 5),
		"FristEfterDage":   app.FristEfterDage(zero, 7, nil),
	} {
		if !got.IsZero() {
			t.Errorf("%s(zero) = %v, want zero", name, got)
		}
	}
	if got := app.ArbejdsdageMellem(zero, mkDate(2026, 1, 1)); got != 0 {
		t.Errorf("ArbejdsdageMellem(zero, …) = %d, want 0", got)
	}
}

func TestNaesteArbejdsdag(t *testing.T) {
	tests := []struct {
		name     string
		in, want app.Date
	}{
		{"working day itself", mkDate(2026, 3, 11), mkDate(2026, 3, 11)},
		{"Saturday", mkDate(2026, 3, 14), mkDate(2026, 3, 16)},
		{"skærtorsdag 2026", mkDate(2026, 4, 2), mkDate(2026, 4, 7)},
		{"juleaftensdag (A) 2026", mkDate(2026, 12, 24), mkDate(2026, 12, 28)},
		{"nytårsaftensdag (A) 2026", mkDate(2026, 12, 31), mkDate(2027, 1, 4)},
		{"grundlovsdag (A) 2026, a Friday", mkDate(2026, 6, 5), mkDate(2026, 6, 8)},
		{"computed year 2150: nytårsdag, a Thursday", mkDate(2150, 1, 1), mkDate(2150, 1, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := app.NaesteArbejdsdag(tt.in); got != tt.want {
				t.Errorf("NaesteArbejdsdag(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestAddArbejdsdage(t *testing.T) {
	tests := []struct {
		name string
		d    app.Date
		n    int
		want app.Date
	}{
		{"zero days", mkDate(2026, 3, 11), 0, mkDate(2026, 3, 11)},
		{"zero days from a Sunday", mkDate(2026, 3, 15), 0, mkDate(2026, 3, 15)},
		{"1 from Friday", mkDate(2026, 3, 13), 1, mkDate(2026, 3, 16)},
		{"1 from Saturday", mkDate(2026, 3, 14), 1, mkDate(2026, 3, 16)},
		{"5 is a week", mkDate(2026, 3, 11), 5, mkDate(2026, 3, 18)},
		{"Easter 2026: Wed + 1", mkDate(2026, 4, 1), 1, mkDate(2026, 4, 7)},
		{"Easter 2026: Wed + 2", mkDate(2026, 4, 1), 2, mkDate(2026, 4, 8)},
		{"Easter 2026: Tue − 1", mkDate(2026, 4, 7), -1, mkDate(2026, 4, 1)},
		{"Easter 2026: Tue − 2", mkDate(2026, 4, 7), -2, mkDate(2026, 3, 31)},
		{"Christmas 2026: 23/12 + 1", mkDate(2026, 12, 23), 1, mkDate(2026, 12, 28)},
		{"Christmas 2026: 23/12 + 4", mkDate(2026, 12, 23), 4, mkDate(2027, 1, 4)},
		{"new year 2027: 4/1 − 1", mkDate(2027, 1, 4), -1, mkDate(2026, 12, 30)},
		{"new year 2027: 4/1 − 4", mkDate(2027, 1, 4), -4, mkDate(2026, 12, 23)},
		{"Kristi himmelfart 2026", mkDate(2026, 5, 13), 1, mkDate(2026, 5, 15)},
		{"Pinse 2026", mkDate(2026, 5, 22), 1, mkDate(2026, 5, 26)},
		{"store bededag 2023 skipped", mkDate(2023, 5, 4), 1, mkDate(2023, 5, 8)},
		{"store bededag 2024 gone", mkDate(2024, 4, 25), 1, mkDate(2024, 4, 26)},
		{"huge n stops at the end of the range", mkDate(2026, 1, 1), 1 << 40, mkDate(9999, 12, 31)},
		{"huge negative n stops at the start of the range", mkDate(1801, 1, 1), -(1 << 40), mkDate(1800, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := app.AddArbejdsdage(tt.d, tt.n); got != tt.want {
				t.Errorf("AddArbejdsdage(%v, %d) = %v, want %v", tt.d, tt.n, got, tt.want)
			}
		})
	}
}

func TestArbejdsdageMellem(t *testing.T) {
	tests := []struct {
		name string
		a, b app.Date
		want int
	}{
		{"same day", mkDate(2026, 3, 11), mkDate(2026, 3, 11), 0},
		{"b before a", mkDate(2026, 3, 11), mkDate(2026, 3, 1), 0},
		{"next day", mkDate(2026, 3, 11), mkDate(2026, 3, 12), 1},
		{"one week", mkDate(2026, 3, 11), mkDate(2026, 3, 18), 5},
		{"Easter week 2026", mkDate(2026, 3, 29), mkDate(2026, 4, 12), 7},
		{"Christmas 2026", mkDate(2026, 12, 23), mkDate(2027, 1, 4), 4},
		{"2026 whole year", mkDate(2025, 12, 31), mkDate(2026, 12, 31), 251},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := app.ArbejdsdageMellem(tt.a, tt.b); got != tt.want {
				t.Errorf("ArbejdsdageMellem(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestArbejdsdageInverse: counting the working days up to AddArbejdsdage(d, n)
// gives n back, and the result is a working day, for every start day of
// 2026–2027 and n up to 30 in both directions.
func TestArbejdsdageInverse(t *testing.T) {
	for d := mkDate(2026, 1, 1); d.Before(mkDate(2028, 1, 1)); d = d.AddDays(1) {
		for n := 1; n <= 30; n++ {
			fwd := app.AddArbejdsdage(d, n)
			if got := app.ArbejdsdageMellem(d, fwd); got != n || !app.ErArbejdsdag(fwd) {
				t.Fatalf("AddArbejdsdage(%v, %d) = %v: %d working days between, working day %v", d, n, fwd, got, app.ErArbejdsdag(fwd))
			}
			back := app.AddArbejdsdage(d, -n)
			// (back, d] holds n working days when d is one, n-1 when d is not.
			want := n
			if !app.ErArbejdsdag(d) {
				want = n - 1
			}
			if got := app.ArbejdsdageMellem(back, d); got != want || !app.ErArbejdsdag(back) {
				t.Fatalf("AddArbejdsdage(%v, %d) = %v: %d working days between, want %d", d, -n, back, got, want)
			}
		}
	}
}

// ferieSkip returns a skip function for registered ferie from..to inclusive.
func ferieSkip(from, to app.Date) func(app.Date) bool {
	p := app.Period{Start: from, Slut: to}
	return p.Contains
}

func TestFristEfterDage(t *testing.T) {
	mon := mkDate(2026, 3, 2) // a Monday with no holidays near
	tests := []struct {
		name string
		from app.Date
		days int
		skip func(app.Date) bool
		want app.Date
	}{
		{"7 days, no skip", mon, 7, nil, mkDate(2026, 3, 9)},
		{"0 days on a working day", mon, 0, nil, mon},
		{"0 days on a Saturday", mkDate(2026, 3, 7), 0, nil, mkDate(2026, 3, 9)},
		{"negative days counts as 0", mon, -5, nil, mon},
		{"lands on Saturday, moves to Monday", mon, 5, nil, mkDate(2026, 3, 9)},
		{"weekends inside count as calendar days", mkDate(2026, 3, 6), 7, nil, mkDate(2026, 3, 13)},
		{"a week of ferie inside the period", mon, 7, ferieSkip(mkDate(2026, 3, 4), mkDate(2026, 3, 10)), mkDate(2026, 3, 16)},
		{"ferie starting the day after start", mon, 7, ferieSkip(mkDate(2026, 3, 3), mkDate(2026, 3, 9)), mkDate(2026, 3, 16)},
		{"ferie on the days the deadline moves to", mon, 5, ferieSkip(mkDate(2026, 3, 9), mkDate(2026, 3, 13)), mkDate(2026, 3, 16)},
		{"ferie before start is ignored", mon, 7, ferieSkip(mkDate(2026, 2, 16), mkDate(2026, 3, 2)), mkDate(2026, 3, 9)},
		{"lands on langfredag 2026", mkDate(2026, 3, 27), 7, nil, mkDate(2026, 4, 7)},
		{"lands on juleaftensdag (A) 2026", mkDate(2026, 12, 17), 7, nil, mkDate(2026, 12, 28)},
		{"ferie over Christmas 2026", mkDate(2026, 12, 18), 7, ferieSkip(mkDate(2026, 12, 21), mkDate(2027, 1, 3)), mkDate(2027, 1, 8)},
		// Guard: a skip that never ends stops 3 years (1096 days) beyond days.
		{"skip always true", mon, 7, func(app.Date) bool { return true }, mon.AddDays(7 + 1096)},
		{"skip true from the day after the deadline", mon, 5, func(d app.Date) bool { return d.After(mkDate(2026, 3, 7)) }, mon.AddDays(5 + 1096)},
		{"days beyond the range end clamp", mkDate(9999, 12, 1), 1 << 40, nil, mkDate(9999, 12, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := app.FristEfterDage(tt.from, tt.days, tt.skip); got != tt.want {
				t.Errorf("FristEfterDage(%v, %d) = %v (%v), want %v (%v)", tt.from, tt.days, got, got.Weekday(), tt.want, tt.want.Weekday())
			}
		})
	}
}

func BenchmarkErArbejdsdag(b *testing.B) {
	for _, bc := range []struct {
		name  string
		start app.Date
	}{
		{"table 2026", mkDate(2026, 1, 1)},
		{"computed 2150", mkDate(2150, 1, 1)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			i := 0
			for b.Loop() {
				if app.ErArbejdsdag(bc.start.AddDays(i % 365)) {
					n++
				}
				i++
			}
			if n == 0 {
				b.Fatal("no working days")
			}
		})
	}
}

func BenchmarkErHelligdag(b *testing.B) {
	start := mkDate(2026, 1, 1)
	b.ReportAllocs()
	i, n := 0, 0
	for b.Loop() {
		if _, ok := app.ErHelligdag(start.AddDays(i % 365)); ok {
			n++
		}
		i++
	}
	_ = n
}

func BenchmarkFristEfterDage(b *testing.B) {
	start := mkDate(2026, 3, 2)
	skip := ferieSkip(mkDate(2026, 3, 4), mkDate(2026, 3, 10))
	b.ReportAllocs()
	for b.Loop() {
		app.FristEfterDage(start, 7, skip)
	}
}
