package app

import (
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // "today" is a Copenhagen calendar date even on machines without a zoneinfo database.
)

// Date is a civil calendar date (no time of day, no zone). Every date in the
// domain — tilmelding, fravær, deadlines — is a Europe/Copenhagen calendar
// date. The zero value means "no date" (for example an open-ended fravær).
//
// Internally it is the number of days since 1970-01-01 plus an offset, so
// that dates compare with < and == and day arithmetic is integer addition.
type Date struct{ n int32 }

const dateOffset = 1 << 20 // keeps every supported date non-zero

// Supported range: years 1800–9999 (CPR numbers reach back to 1858).
const (
	minYear = 1800
	maxYear = 9999
)

var copenhagen = mustLoadLocation("Europe/Copenhagen")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // embedded tzdata makes this unreachable
	}
	return loc
}

// Copenhagen returns the Europe/Copenhagen location used for "today".
func Copenhagen() *time.Location { return copenhagen }

// NewDate returns the date y-m-d. It returns an invalid-code error for an
// impossible date (31 April, 29 February in a non-leap year) or a year out of
// range.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return Date{}, Errorf(CodeInvalid, "", "invalid.date.nonexistent", "dato", fmt.Sprintf("%04d-%02d-%02d", y, int(m), d))
	}
	return fromYMD(y, m, d), nil
}

// MustDate is NewDate for constants in tests and tables; it panics on an
// impossible date.
func MustDate(y int, m time.Month, d int) Date {
	dt, err := NewDate(y, m, d)
	if err != nil {
		panic(err)
	}
	return dt
}

func fromYMD(y int, m time.Month, d int) Date {
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400 // midnight: exact division, also before 1970
	return Date{n: int32(days) + dateOffset}
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the Copenhagen calendar date of the instant t.
func DateOf(t time.Time) Date {
	y, m, d := t.In(copenhagen).Date()
	return fromYMD(y, m, d)
}

// ParseDate parses "YYYY-MM-DD" (ISO) or "DD.MM.YYYY" (Danish). It rejects
// impossible dates and anything else with an invalid-code error that shows
// the expected form.
func ParseDate(s string) (Date, error) {
	bad := func() (Date, error) {
		return Date{}, Errorf(CodeInvalid, "", "invalid.date.format", "vaerdi", s)
	}
	var ys, ms, ds string
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		ys, ms, ds = s[0:4], s[5:7], s[8:10]
	case len(s) == 10 && s[2] == '.' && s[5] == '.':
		ds, ms, ys = s[0:2], s[3:5], s[6:10]
	default:
		return bad()
	}
	y, ok1 := digits(ys)
	m, ok2 := digits(ms)
	d, ok3 := digits(ds)
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	return NewDate(y, time.Month(m), d)
}

// digits parses ASCII digits only (no signs, no full-width digits).
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsZero reports whether d is the "no date" value.
func (d Date) IsZero() bool { return d.n == 0 }

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) {
	return d.Time().Date()
}

// Time returns midnight UTC of d, for arithmetic with the time package.
func (d Date) Time() time.Time {
	return time.Unix(int64(d.n-dateOffset)*86400, 0).UTC()
}

// Start returns the first instant of d in Copenhagen.
func (d Date) Start() time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, copenhagen)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns d plus n calendar days.
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return Date{n: d.n + int32(n)}
}

// AddMonths returns d plus n calendar months, clamped to the last day of the
// target month (31 January + 1 month = 28/29 February).
func (d Date) AddMonths(n int) Date {
	if d.IsZero() {
		return d
	}
	y, m, dd := d.YMD()
	total := y*12 + int(m) - 1 + n
	ny, nm := total/12, time.Month(total%12+1)
	if last := daysIn(ny, nm); dd > last {
		dd = last
	}
	return fromYMD(ny, nm, dd)
}

// AddYears returns d plus n years (29 February becomes 28 February).
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int { return int(e.n - d.n) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// String returns "YYYY-MM-DD", or "" for the zero date.
func (d Date) String() string { return string(d.appendISO(nil)) }

// appendISO appends "YYYY-MM-DD" ("" for the zero date) without fmt: every
// case holds dozens of dates, and encoding them was a sizeable part of
// saving a case.
func (d Date) appendISO(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	y, m, dd := d.YMD()
	if y < 0 || y > 9999 { // outside NewDate's range; kept exact anyway
		return fmt.Appendf(b, "%04d-%02d-%02d", y, int(m), dd)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// Dansk returns "DD.MM.YYYY", the form Danish letters and screens use.
func (d Date) Dansk() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d.%02d.%04d", dd, int(m), y)
}

// MarshalText encodes d as "YYYY-MM-DD" ("" for the zero date).
func (d Date) MarshalText() ([]byte, error) { return d.appendISO(make([]byte, 0, 10)), nil }

// UnmarshalText decodes "YYYY-MM-DD"; "" decodes to the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Period is an inclusive span of dates. A zero Slut means open-ended.
type Period struct {
	Start Date `json:"start"`
	Slut  Date `json:"slut,omitzero"`
}

// Contains reports whether day lies in p.
func (p Period) Contains(day Date) bool {
	return !day.Before(p.Start) && (p.Slut.IsZero() || !day.After(p.Slut))
}

// Overlaps reports whether p and q share at least one day.
func (p Period) Overlaps(q Period) bool {
	pEndsBefore := !p.Slut.IsZero() && p.Slut.Before(q.Start)
	qEndsBefore := !q.Slut.IsZero() && q.Slut.Before(p.Start)
	return !pEndsBefore && !qEndsBefore
}

// Days returns the number of days in a closed period (0 if open-ended).
func (p Period) Days() int {
	if p.Slut.IsZero() {
		return 0
	}
	return p.Start.DaysUntil(p.Slut) + 1
}

// itoa keeps fmt out of hot paths.
func itoa(n int) string { return strconv.Itoa(n) }
