package app

import (
	"slices"
	"time"
)

// Helligdag is a Danish public holiday, or a day public administration is
// usually closed.
type Helligdag struct {
	Dato Date
	Navn string // Danish name, e.g. "2. påskedag"
	// Antagelse marks an (A) closing day — grundlovsdag, juleaftensdag,
	// nytårsaftensdag — that is not an official helligdag but on which
	// jobcentres are normally closed. It is an assumption (DOMAIN.md (A)) to
	// be confirmed per kommune.
	Antagelse bool
}

// helligdagRegel defines one holiday: a fixed date (maaned != 0) or an offset
// from Easter Sunday.
type helligdagRegel struct {
	navn      string
	antagelse bool
	maaned    time.Month
	dag       int
	paaske    int // days after Easter Sunday, when maaned == 0
	sidsteAar int // last year the day applies; 0 = still in force
}

// helligdagRegler lists the official helligdage first and the (A) closing
// days last: where two fall on the same date (grundlovsdag is pinsedag in
// 2022 and 2. pinsedag in 2017) the official one wins in ErHelligdag, and a
// stable sort keeps it first in Helligdage. The index+1 of a rule is its kind
// in the precomputed table, so the array fits in 5 bits (see kalenderTabel).
// It is returned by value: a copy on the stack, no allocation.
func helligdagRegler() [antalHelligdagRegler]helligdagRegel {
	return [...]helligdagRegel{
		{navn: "Nytårsdag", maaned: time.January, dag: 1},
		{navn: "Skærtorsdag", paaske: -3},
		{navn: "Langfredag", paaske: -2},
		{navn: "Påskedag", paaske: 0},
		{navn: "2. påskedag", paaske: 1},
		// Store bededag (4th Friday after Easter) was abolished from 2024 by
		// lov nr. 147 af 28.02.2023.
		{navn: "Store bededag", paaske: 26, sidsteAar: 2023},
		{navn: "Kristi himmelfartsdag", paaske: 39},
		{navn: "Pinsedag", paaske: 49},
		{navn: "2. pinsedag", paaske: 50},
		{navn: "Juledag", maaned: time.December, dag: 25},
		{navn: "2. juledag", maaned: time.December, dag: 26},
		// (A) Not helligdage by law, but days public administration is usually
		// closed; jobcentres do not count them as working days.
		{navn: "Grundlovsdag", antagelse: true, maaned: time.June, dag: 5},
		{navn: "Juleaftensdag", antagelse: true, maaned: time.December, dag: 24},
		{navn: "Nytårsaftensdag", antagelse: true, maaned: time.December, dag: 31},
	}
}

// antalHelligdagRegler is the number of holiday rules.
const antalHelligdagRegler = 14

func (r helligdagRegel) gaelder(year int) bool { return r.sidsteAar == 0 || year <= r.sidsteAar }

func (r helligdagRegel) helligdag(dato Date) Helligdag {
	return Helligdag{Dato: dato, Navn: r.navn, Antagelse: r.antagelse}
}

// Paaskedag returns Easter Sunday of year by the anonymous Gregorian
// (Meeus/Jones/Butcher) algorithm. It is the zero Date for a year outside
// the supported range 1800–9999.
func Paaskedag(year int) Date {
	if year < minYear || year > maxYear {
		return Date{}
	}
	m, d := easter(year)
	return fromYMD(year, m, d)
}

func easter(y int) (time.Month, int) {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

// Helligdage returns the Danish public holidays of year and the (A) closing
// days, sorted by date: nytårsdag, skærtorsdag, langfredag, påskedag,
// 2. påskedag, store bededag (only up to 2023), Kristi himmelfartsdag,
// pinsedag, 2. pinsedag, juledag and 2. juledag, plus grundlovsdag,
// juleaftensdag and nytårsaftensdag marked Antagelse. When an (A) day falls
// on an official holiday both are listed, the official one first. Today's
// rules are applied to every year (only store bededag has an end). It returns
// nil for a year outside 1800–9999.
func Helligdage(year int) []Helligdag {
	if year < minYear || year > maxYear {
		return nil
	}
	paaske := Paaskedag(year)
	regler := helligdagRegler()
	out := make([]Helligdag, 0, len(regler))
	for _, r := range regler {
		if !r.gaelder(year) {
			continue
		}
		dato := paaske.AddDays(r.paaske)
		if r.maaned != 0 {
			dato = fromYMD(year, r.maaned, r.dag)
		}
		out = append(out, r.helligdag(dato))
	}
	slices.SortStableFunc(out, func(a, b Helligdag) int { return int(a.Dato.n - b.Dato.n) })
	return out
}

// kalenderTabel holds one byte per day from 1 January of kalenderFra to
// 31 December of kalenderTil: the low 5 bits are the holiday kind (index+1
// into helligdagRegler(), 0 = none) and arbejdsdagBit marks a working day. It is
// built once at init and never written again; days outside it are computed.
var kalenderTabel = byggKalender()

const (
	kalenderFra   = 1990
	kalenderTil   = 2100
	arbejdsdagBit = 0x80
	kindMask      = 0x1f
)

type kalender struct {
	start Date // 1 January kalenderFra
	dage  []byte
}

func byggKalender() kalender {
	start := fromYMD(kalenderFra, time.January, 1)
	slut := fromYMD(kalenderTil, time.December, 31)
	k := kalender{start: start, dage: make([]byte, start.DaysUntil(slut)+1)}
	for y := kalenderFra; y <= kalenderTil; y++ {
		for _, h := range Helligdage(y) {
			i := start.DaysUntil(h.Dato)
			if k.dage[i] == 0 { // the official holiday wins a shared date
				k.dage[i] = byte(regelIndex(h) + 1)
			}
		}
	}
	for i := range k.dage {
		if k.dage[i] == 0 && hverdag(start.AddDays(i)) {
			k.dage[i] |= arbejdsdagBit
		}
	}
	return k
}

func regelIndex(h Helligdag) int {
	for i, r := range helligdagRegler() {
		if r.navn == h.Navn {
			return i
		}
	}
	panic("app: unknown helligdag " + h.Navn) // unreachable: h came from helligdagRegler
}

// hverdag reports whether d is Monday–Friday, by arithmetic on the day number
// (1970-01-01 was a Thursday) so the hot path needs no time.Time.
func hverdag(d Date) bool {
	wd := (int(d.n-dateOffset)%7 + 7 + int(time.Thursday)) % 7
	return wd != int(time.Saturday) && wd != int(time.Sunday)
}

// lookup returns d's table byte and whether d is inside the table.
func (k *kalender) lookup(d Date) (byte, bool) {
	i := uint(d.n - k.start.n)
	if i >= uint(len(k.dage)) {
		return 0, false
	}
	return k.dage[i], true
}

// ErHelligdag reports whether d is a Danish public holiday or an (A) closing
// day, and which. When both fall on d the official helligdag is returned.
// It does not allocate: days 1990–2100 are a table lookup, others are
// computed.
func ErHelligdag(d Date) (Helligdag, bool) {
	if d.IsZero() {
		return Helligdag{}, false
	}
	if b, ok := kalenderTabel.lookup(d); ok {
		kind := int(b & kindMask)
		if kind == 0 {
			return Helligdag{}, false
		}
		return helligdagRegler()[kind-1].helligdag(d), true
	}
	return beregnHelligdag(d)
}

// beregnHelligdag is ErHelligdag for days outside the table.
func beregnHelligdag(d Date) (Helligdag, bool) {
	y, m, dd := d.YMD()
	if y < minYear || y > maxYear {
		return Helligdag{}, false
	}
	em, ed := easter(y)
	efterPaaske := fromYMD(y, em, ed).DaysUntil(d)
	for _, r := range helligdagRegler() { // official rules come first
		if !r.gaelder(y) {
			continue
		}
		if (r.maaned != 0 && r.maaned == m && r.dag == dd) ||
			(r.maaned == 0 && r.paaske == efterPaaske) {
			return r.helligdag(d), true
		}
	}
	return Helligdag{}, false
}

// ErArbejdsdag reports whether d is a working day: Monday–Friday and neither
// a helligdag nor an (A) closing day. The zero Date is not a working day.
func ErArbejdsdag(d Date) bool {
	if b, ok := kalenderTabel.lookup(d); ok {
		return b&arbejdsdagBit != 0
	}
	if d.IsZero() || !hverdag(d) {
		return false
	}
	_, fri := beregnHelligdag(d)
	return !fri
}

// Bounds of the Date range the working-day walks stay inside, so that no
// argument can make them run past year 9999 or loop for ever: the day
// numbers of 1 January minYear and 31 December maxYear (the kalender tests
// walk to both ends).
const (
	foersteDag = 986485  // fromYMD(minYear, time.January, 1).n
	sidsteDag  = 3981472 // fromYMD(maxYear, time.December, 31).n
)

func foersteDato() Date { return Date{n: foersteDag} }
func sidsteDato() Date  { return Date{n: sidsteDag} }

// NaesteArbejdsdag returns d if it is a working day, else the first working
// day after d. The zero Date gives the zero Date.
func NaesteArbejdsdag(d Date) Date {
	if d.IsZero() {
		return d
	}
	for !ErArbejdsdag(d) && d.Before(sidsteDato()) {
		d = d.AddDays(1)
	}
	return d
}

// AddArbejdsdage returns the n-th working day after d (d itself does not
// count, so it may be a weekend or holiday); n = 0 returns d; a negative n
// counts back to the |n|-th working day before d. The walk stops at the ends
// of the supported range (years 1800–9999). The zero Date gives the zero
// Date.
func AddArbejdsdage(d Date, n int) Date {
	if d.IsZero() {
		return d
	}
	for ; n > 0 && d.Before(sidsteDato()); n-- {
		d = d.AddDays(1)
		for !ErArbejdsdag(d) && d.Before(sidsteDato()) {
			d = d.AddDays(1)
		}
	}
	for ; n < 0 && d.After(foersteDato()); n++ {
		d = d.AddDays(-1)
		for !ErArbejdsdag(d) && d.After(foersteDato()) {
			d = d.AddDays(-1)
		}
	}
	return d
}

// ArbejdsdageMellem returns the number of working days in (a, b]: after a, up
// to and including b. It is 0 if b is not after a or either date is zero.
func ArbejdsdageMellem(a, b Date) int {
	if a.IsZero() || b.IsZero() || !b.After(a) {
		return 0
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if ErArbejdsdag(d) {
			n++
		}
	}
	return n
}

// fristMaxSpring bounds how many days FristEfterDage may pass over beyond
// the days it counts: three years. A skip function that is true for ever
// (an open-ended ferie registered by mistake) ends there instead of looping.
const fristMaxSpring = 3*365 + 1

// FristEfterDage returns the deadline days calendar days after start, where
// days for which skip returns true do not count; if that day is not a
// working day, or is skipped, the deadline moves on to the first day that is
// a working day and not skipped. This is the TJOB deadline: it "skips
// registered fravær (e.g. ferie), weekends and holidays" (DOMAIN §3.2 A7,
// §8 item 18 [S29]). Weekends and holidays inside the period count as
// calendar days; only the deadline day itself is moved off them. A nil skip
// skips nothing; days < 0 counts as 0.
//
// The search passes over at most fristMaxSpring (3 years) of days beyond
// days: if skip is true for ever, FristEfterDage returns the cap
// start + days + fristMaxSpring, which a caller can detect. The zero Date
// gives the zero Date.
func FristEfterDage(start Date, days int, skip func(Date) bool) Date {
	if start.IsZero() {
		return start
	}
	if skip == nil {
		skip = func(Date) bool { return false }
	}
	maxFrem := start.DaysUntil(sidsteDato())
	days = min(max(days, 0), maxFrem)
	graense := start.AddDays(min(days+fristMaxSpring, maxFrem))
	d := start
	for days > 0 && d.Before(graense) {
		d = d.AddDays(1)
		if !skip(d) {
			days--
		}
	}
	for d.Before(graense) && (!ErArbejdsdag(d) || skip(d)) {
		d = d.AddDays(1)
	}
	return d
}
