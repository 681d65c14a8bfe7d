package scenario

import (
	"errors"
	"fmt"
	"slices"

	"feltsag.dk/feltsag/app"
)

// buildSag builds the scenario's starting case from its fact lines.
func buildSag(s *Scenario) (*app.Sag, error) {
	sag := &app.Sag{ID: scenarioSag, Borger: app.Borger{Navn: "Scenarie Borger"}}
	b := &factBuilder{s: s, sag: sag}
	for _, l := range s.Facts {
		if err := b.add(l); err != nil {
			return nil, fmt.Errorf("linje %d (%s): %s", l.Line, l.Key, danish(err))
		}
	}
	if h, k := sag.KGHistorik, sag.Kontaktgruppe; len(h) > 0 && k != nil && !h[len(h)-1].Periode.Slut.Before(k.Periode.Start) {
		l := s.Facts[slices.IndexFunc(s.Facts, func(l Line) bool { return l.Key == "tidligere_kontaktgruppe" })]
		return nil, fmt.Errorf("linje %d (%s): den tidligere kontaktgruppe skal slutte før den åbne begynder (%s)", l.Line, l.Key, k.Periode.Start)
	}
	if sag.Borger.CPR == "" {
		cpr, err := cprForAge(s.IDag, 40)
		if err != nil {
			return nil, err
		}
		sag.Borger.CPR = cpr
	}
	return sag, nil
}

type factBuilder struct {
	s   *Scenario
	sag *app.Sag
	n   int
}

func (b *factBuilder) nextID(prefix string) app.ID {
	b.n++
	return app.ID(fmt.Sprintf("%s%d", prefix, b.n))
}

func (b *factBuilder) add(l Line) error {
	switch l.Key {
	case "borger":
		return b.borger(l)
	case "kontaktgruppe":
		return b.kontaktgruppe(l)
	case "tidligere_kontaktgruppe":
		return b.tidligereKontaktgruppe(l)
	case "tilmelding":
		return b.tilmelding(l)
	case "visitation":
		return b.visitation(l)
	case "ydelse":
		return decodeFields(l.Fields, &b.sag.Ydelse)
	case "fravaer":
		return b.fravaer(l)
	case "samtale":
		m := app.Samtale{Status: app.SamtalePlanlagt, Booket: b.s.IDag.AddDays(-14), Type: "jobsamtale", Form: "fremmoede"}
		if err := decodeFields(l.Fields, &m); err != nil {
			return err
		}
		if m.ID == "" {
			m.ID = b.nextID("s")
		}
		b.sag.Samtaler = append(b.sag.Samtaler, m)
	case "vejledning":
		v := app.Vejledning{ID: b.nextID("v")}
		if err := decodeFields(l.Fields, &v); err != nil {
			return err
		}
		b.sag.Vejledninger = append(b.sag.Vejledninger, v)
	case "sanktion":
		v := app.Sanktion{ID: b.nextID("x")}
		if err := decodeFields(l.Fields, &v); err != nil {
			return err
		}
		b.sag.Sanktioner = append(b.sag.Sanktioner, v)
	case "plan":
		p := app.Plan{Status: app.PlanUdkast, Version: 1, Type: app.PlanJob, Oprettet: b.s.IDag.AddDays(-30)}
		if err := decodeFields(l.Fields, &p); err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = b.nextID("p")
		}
		b.sag.Planer = append(b.sag.Planer, p)
	case "tjob_miss":
		for _, v := range l.Positional {
			d, err := app.ParseDate(v)
			if err != nil {
				return err
			}
			b.sag.TjobMiss = append(b.sag.TjobMiss, d)
		}
	case "tjob":
		return b.date(l.Positional, &b.sag.Tjob)
	}
	return nil
}

// scenarioVirksomhed is the id of the scenario's company.
const scenarioVirksomhed = app.ID("virksomhed")

// Defaults of the company facts.
const (
	scenarioCVR     = app.CVR("13748136")
	scenarioPNummer = app.PNummer("1000000007")
)

// buildVirksomhed builds the scenario's company from its company facts,
// or returns nil when it has none (a handling opret_virksomhed may then
// create it). docs/rules.md §5.3 lists the facts:
//
//	virksomhed: sektor=privat navn="…" seneste=20 gns=20
//	enhed: p_nummer=1000000007 ansatte=10
//	plads: id=praktik ordning=virksomhedspraktik p_nummer=… timer=37
//	placering: plads=praktik timer=37 start=DATE slut=DATE
func buildVirksomhed(s *Scenario) (*app.Virksomhed, error) {
	var v *app.Virksomhed
	get := func() *app.Virksomhed {
		if v == nil {
			v = &app.Virksomhed{ID: scenarioVirksomhed, CVR: scenarioCVR, Navn: "Scenarie Virksomhed ApS", Sektor: app.SektorPrivat}
		}
		return v
	}
	n := 0
	for _, l := range s.Facts {
		var err error
		switch l.Key {
		case "virksomhed":
			var f struct {
				Navn    string  `json:"navn"`
				Sektor  string  `json:"sektor"`
				Seneste float64 `json:"seneste"`
				Gns     float64 `json:"gns"`
			}
			if err = decodeFields(l.Fields, &f); err == nil {
				w := get()
				if f.Navn != "" {
					w.Navn = f.Navn
				}
				if f.Sektor != "" {
					w.Sektor = f.Sektor
				}
				if _, ok := l.get("seneste"); ok {
					w.Ansatte = app.Ansatte{SenesteMaaned: f.Seneste, Gns12Mdr: f.Gns, Opgjort: s.IDag}
				}
			}
		case "enhed":
			e := app.Produktionsenhed{PNummer: scenarioPNummer, Opgjort: s.IDag}
			if err = decodeFields(l.Fields, &e); err == nil {
				get().Enheder = append(get().Enheder, e)
			}
		case "plads":
			p := app.Plads{Titel: "Plads", Antal: 99, Timer: 37, Periode: app.Period{Start: s.IDag.AddDays(-30)}}
			if err = decodeFields(l.Fields, &p); err == nil {
				w := get()
				if p.PNummer == "" && len(w.Enheder) > 0 {
					p.PNummer = w.Enheder[0].PNummer
				}
				if p.ID == "" {
					p.ID = app.ID(p.Ordning)
				}
				w.Pladser = append(w.Pladser, p)
			}
		case "placering":
			var f struct {
				Plads app.ID   `json:"plads"`
				Timer float64  `json:"timer"`
				Start app.Date `json:"start"`
				Slut  app.Date `json:"slut"`
			}
			f.Timer = 37
			if err = decodeFields(l.Fields, &f); err == nil {
				w := get()
				i := w.FindPlads(f.Plads)
				if i < 0 {
					err = fmt.Errorf("pladsen %q findes ikke; skriv »plads:« før »placering:«", f.Plads)
					break
				}
				n++
				w.Placeringer = append(w.Placeringer, app.Placering{ID: app.ID(fmt.Sprintf("fakta-%d", n)), Sag: app.ID(fmt.Sprintf("anden-borger-%d", n)),
					Plads: f.Plads, Ordning: w.Pladser[i].Ordning, PNummer: w.Pladser[i].PNummer, Periode: app.Period{Start: f.Start, Slut: f.Slut}, Timer: f.Timer})
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("linje %d (%s): %s", l.Line, l.Key, danish(err))
		}
	}
	return v, nil
}

func (b *factBuilder) date(pos []string, dst *app.Date) error {
	if len(pos) != 1 {
		return fmt.Errorf("skriv én dato")
	}
	d, err := app.ParseDate(pos[0])
	if err != nil {
		return err
	}
	*dst = d
	return nil
}

func decodeFields(fields []Field, dst any) error {
	raw, err := toJSON(fields)
	if err != nil {
		return err
	}
	if err := app.DecodeStrict(raw, dst); err != nil {
		return fmt.Errorf("%s", app.Describe(err))
	}
	return nil
}

// borger: alder=35 | foedt=1990-05-01 | cpr=0101901234, navn="…",
// uddannelse=ja, doed=DATE, ingen_adresse=DATE.
func (b *factBuilder) borger(l Line) error {
	bo := &b.sag.Borger
	for _, f := range l.Fields {
		v, _ := f.Value.(string)
		var err error
		switch f.Key {
		case "alder":
			n, ok := digits(v)
			if !ok || n > 120 {
				return fmt.Errorf("alder skal være et tal mellem 0 og 120")
			}
			bo.CPR, err = cprForAge(b.s.IDag, n)
		case "foedt":
			var d app.Date
			if d, err = app.ParseDate(v); err == nil {
				bo.CPR, err = cprForBirth(d)
			}
		case "cpr":
			bo.CPR, err = app.ParseCPR(v)
		case "navn":
			bo.Navn = v
		case "uddannelse":
			bo.HarUddannelse = v == "ja"
		case "doed":
			bo.Doed, err = app.ParseDate(v)
		case "ingen_adresse":
			bo.IngenAdresse, err = app.ParseDate(v)
		default:
			return fmt.Errorf("ukendt felt %q for borger", f.Key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// cprForAge returns a synthetic CPR for a citizen who is age years old on
// day (birthday 100 days before day, away from the age boundary).
func cprForAge(day app.Date, age int) (app.CPR, error) {
	return cprForBirth(day.AddDays(-100).AddYears(-age))
}

// cprForBirth returns a synthetic CPR with the given birth date; the
// serial's first digit follows the century rule.
func cprForBirth(d app.Date) (app.CPR, error) {
	y, m, dd := d.YMD()
	serial := "1001"
	switch {
	case y >= 2000 && y <= 2036:
		serial = "4001"
	case y >= 2037:
		return "", fmt.Errorf("fødselsåret %d kan ikke skrives i et CPR-nummer", y)
	case y < 1900:
		serial = "5001"
	}
	return app.ParseCPR(fmt.Sprintf("%02d%02d%02d%s", dd, int(m), y%100, serial))
}

// kontaktgruppe: 1 start=2026-01-05
func (b *factBuilder) kontaktgruppe(l Line) error {
	if len(l.Positional) != 1 {
		return fmt.Errorf("skriv kontaktgruppens nummer, fx »kontaktgruppe: 1 start=2026-01-05«")
	}
	kg, ok := digits(l.Positional[0])
	if !ok {
		return fmt.Errorf("%q er ikke et kontaktgruppenummer", l.Positional[0])
	}
	start := b.s.IDag.AddDays(-60)
	if v := l.str("start"); v != "" {
		d, err := app.ParseDate(v)
		if err != nil {
			return err
		}
		start = d
	}
	b.sag.Kontaktgruppe = &app.KGForloeb{KG: kg, Periode: app.Period{Start: start}}
	return nil
}

// tidligere_kontaktgruppe: 1 start=2024-03-04 slut=2024-11-30 — an
// earlier, closed KG period of the case's history (KGHistorik), so that a
// rule counting earlier periods (the ledighed of the 16-month samtale) can
// be tested without replaying them. Lines are kept in the order written;
// they must not overlap each other, and the last must end before the open
// KG begins (checked once every fact is read, in any order).
func (b *factBuilder) tidligereKontaktgruppe(l Line) error {
	if len(l.Positional) != 1 {
		return fmt.Errorf("skriv kontaktgruppens nummer, fx »tidligere_kontaktgruppe: 1 start=2024-03-04 slut=2024-11-30«")
	}
	kg, ok := digits(l.Positional[0])
	if !ok {
		return fmt.Errorf("%q er ikke et kontaktgruppenummer", l.Positional[0])
	}
	var p app.Period
	var err error
	if p.Start, err = app.ParseDate(l.str("start")); err != nil {
		return fmt.Errorf("start: %s", app.Describe(err))
	}
	if p.Slut, err = app.ParseDate(l.str("slut")); err != nil {
		return fmt.Errorf("slut: %s", app.Describe(err))
	}
	if p.Slut.Before(p.Start) {
		return fmt.Errorf("slut %s ligger før start %s", p.Slut, p.Start)
	}
	if h := b.sag.KGHistorik; len(h) > 0 && !p.Start.After(h[len(h)-1].Periode.Slut) {
		return fmt.Errorf("perioden skal begynde efter den forrige tidligere kontaktgruppe (%s)", h[len(h)-1].Periode.Slut)
	}
	b.sag.KGHistorik = append(b.sag.KGHistorik, app.KGForloeb{KG: kg, Periode: p})
	return nil
}

// tilmelding: tilmeldt siden=… kategori=modtager foerste=… cv=… selvbook_frist=… |
// ikke_tilmeldt afmeldt=… aarsag=tjob
func (b *factBuilder) tilmelding(l Line) error {
	if len(l.Positional) != 1 || (l.Positional[0] != app.Tilmeldt && l.Positional[0] != app.IkkeTilmeldt) {
		return fmt.Errorf("skriv tilmeldt eller ikke_tilmeldt først")
	}
	t := app.Tilmelding{Status: l.Positional[0], Kategori: app.KatModtager, Ledighedsstatus: "ledig"}
	if t.Status == app.Tilmeldt {
		t.Siden = b.s.IDag.AddDays(-60)
	}
	for _, f := range l.Fields {
		v, _ := f.Value.(string)
		var err error
		switch f.Key {
		case "siden":
			t.Siden, err = app.ParseDate(v)
		case "foerste":
			t.FoersteDato, err = app.ParseDate(v)
		case "afmeldt":
			t.AfmeldtDato, err = app.ParseDate(v)
		case "aarsag":
			t.AfmeldAarsag = v
		case "kategori":
			t.Kategori = v
		case "ledighedsstatus":
			t.Ledighedsstatus = v
		case "selvbook_frist":
			t.SelvbookFrist, err = app.ParseDate(v)
		case "cv":
			t.CV, err = app.ParseDate(v)
		default:
			return fmt.Errorf("ukendt felt %q for tilmelding", f.Key)
		}
		if err != nil {
			return err
		}
	}
	if t.FoersteDato.IsZero() {
		t.FoersteDato = t.Siden
	}
	b.sag.Tilmelding = t
	return nil
}

// visitation: match1 dato=…
func (b *factBuilder) visitation(l Line) error {
	if len(l.Positional) != 1 {
		return fmt.Errorf("skriv kategorien, fx »visitation: jobparat«")
	}
	v := app.Visitation{Kategori: l.Positional[0], Dato: b.s.IDag.AddDays(-30)}
	if d := l.str("dato"); d != "" {
		var err error
		if v.Dato, err = app.ParseDate(d); err != nil {
			return err
		}
	}
	b.sag.Visitation = v
	return nil
}

// fravaer: id=f1 type=ferie start=… slut=… anmeldt=… [ingen_ydelse=ja]
// [forventet_rask=…] [foer_kg=1 foer_kategori=match1 foer_tilmeldt=ja]
func (b *factBuilder) fravaer(l Line) error {
	f := app.Fravaer{ID: b.nextID("f")}
	var foer app.Foer
	hasFoer := false
	var rest []Field
	for _, fl := range l.Fields {
		v, _ := fl.Value.(string)
		var err error
		switch fl.Key {
		case "start":
			f.Periode.Start, err = app.ParseDate(v)
		case "slut":
			if l.str("rask_fra") != "" {
				return fmt.Errorf("skriv enten slut= (sidste dag) eller rask_fra= (raskmeldt fra), ikke begge")
			}
			f.Periode.Slut, err = app.ParseDate(v)
		case "rask_fra":
			var d app.Date
			d, err = app.ParseDate(v)
			f.Periode.Slut = d.AddDays(-1)
		case "foer_kg":
			n, ok := digits(v)
			if !ok {
				return fmt.Errorf("foer_kg skal være et tal")
			}
			foer.KG, hasFoer = n, true
		case "foer_kategori":
			foer.Kategori, hasFoer = v, true
		case "foer_tilmeldt":
			foer.Tilmeldt, hasFoer = v == "ja", true
		default:
			rest = append(rest, fl)
		}
		if err != nil {
			return err
		}
	}
	if err := decodeFields(rest, &f); err != nil {
		return err
	}
	if f.Type == "" || f.Periode.Start.IsZero() {
		return fmt.Errorf("fravær skal have type= og start=")
	}
	if f.Anmeldt.IsZero() {
		f.Anmeldt = f.Periode.Start
	}
	if f.Registreret.IsZero() {
		f.Registreret = minDate(f.Anmeldt, b.s.IDag)
	}
	if hasFoer {
		if foer.TKat == "" {
			foer.TKat = app.KatModtager
		}
		f.Foer = &foer
	}
	b.sag.Fravaer = append(b.sag.Fravaer, f)
	return nil
}

func minDate(a, b app.Date) app.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// danish returns err for the rule maintainer: its codes, key and
// parameters (the command line renders keys through the catalogue).
func danish(err error) string {
	var e *app.Error
	if errors.As(err, &e) {
		return app.Describe(e)
	}
	return err.Error()
}
