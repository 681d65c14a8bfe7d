package testkit

import (
	"testing"

	"feltsag.dk/feltsag/app"
)

// Defaults of NewSag.
const (
	DefaultSagID = app.ID("sag-1")
	DefaultCPR   = "0101901001" // born 1 January 1990
	DefaultNavn  = "Søren Ærø Østergård"
	DefaultKG    = 1 // dagpengemodtager
	DefaultKat   = "match1"
)

// SagArgs are the choices of NewSag. A zero field takes its default; the
// No… fields leave a part out.
type SagArgs struct {
	ID       app.ID   // DefaultSagID
	CPR      string   // DefaultCPR
	Navn     string   // DefaultNavn
	KG       int      // DefaultKG
	Start    app.Date // today minus 60 days: kontaktgruppe start, tilmelding and visitation date
	Kategori string   // visitation category, DefaultKat

	NoCPR        bool // no CPR number
	NoKG         bool // no open kontaktgruppe
	Unregistered bool // no tilmelding
	NoVisitation bool // not visited
	NoVisitDate  bool // visited without a date
}

// NewSag returns a case as tests usually want it on today: a dagpenge
// case on kontaktgruppe 1 since 60 days ago, registered as a modtager that
// day and visited match1, for a citizen of 36 with æ, ø and å in the name.
// args (at most one) changes what the test is about; every field it leaves
// zero keeps its default.
func NewSag(tb testing.TB, today app.Date, args ...SagArgs) *app.Sag {
	tb.Helper()
	var a SagArgs
	switch len(args) {
	case 0:
	case 1:
		a = args[0]
	default:
		tb.Fatalf("NewSag: %d SagArgs, want at most one", len(args))
	}
	if a.ID == "" {
		a.ID = DefaultSagID
	}
	if a.CPR == "" {
		a.CPR = DefaultCPR
	}
	if a.Navn == "" {
		a.Navn = DefaultNavn
	}
	if a.KG == 0 {
		a.KG = DefaultKG
	}
	if a.Start.IsZero() {
		a.Start = today.AddDays(-60)
	}
	if a.Kategori == "" {
		a.Kategori = DefaultKat
	}
	s := &app.Sag{ID: a.ID, Borger: app.Borger{Navn: a.Navn}}
	if !a.NoCPR {
		s.Borger.CPR = CPR(tb, a.CPR)
	}
	if !a.NoKG {
		s.Kontaktgruppe = &app.KGForloeb{KG: a.KG, Periode: app.Period{Start: a.Start}}
	}
	if !a.Unregistered {
		s.Tilmelding = app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Siden: a.Start, FoersteDato: a.Start}
	}
	if !a.NoVisitation {
		s.Visitation = app.Visitation{Kategori: a.Kategori, Dato: a.Start}
		if a.NoVisitDate {
			s.Visitation.Dato = app.Date{}
		}
	}
	return s
}
