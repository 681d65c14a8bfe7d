package sim

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	"feltsag.dk/feltsag/app"
)

// choices are the codes a generated command picks from, read from the
// rule set in force, sorted so that a seed always picks the same.
type choices struct {
	kgs        []int    // kontaktgrupper a caseworker may set
	kategorier []string // categories a caseworker may choose
	fravaer    []string // fravær types that can be registered
}

func choicesOf(rs *app.RuleSet) choices {
	var c choices
	for _, id := range slices.Sorted(maps.Keys(rs.KG)) {
		if rs.KG[id].Manuel {
			c.kgs = append(c.kgs, id)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(rs.Kategorier)) {
		if rs.Kategorier[k].Vaelgbar {
			c.kategorier = append(c.kategorier, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(rs.Fravaer)) {
		if rs.Fravaer[k].KanOprettes {
			c.fravaer = append(c.fravaer, k)
		}
	}
	return c
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// body makes a valid-ish command body for a case as the device sees it:
// notes (append), contact details (lww), and kontaktgruppe, visitation,
// tilmelding and fravær changes (protected). Some are refused by the
// rules, locally or on the server; that is part of the workload.
func body(rng *rand.Rand, c choices, view *app.Sag, today app.Date, newID func() app.ID) app.Body {
	switch r := rng.IntN(100); {
	case r < 28:
		return &app.TilfoejNotat{NotatID: newID(), Tekst: fmt.Sprintf("Samtale nr. %d", rng.IntN(1000))}
	case r < 50:
		b := view.Borger
		nb := &app.OpdaterBorger{Navn: b.Navn, Adresse: b.Adresse, Telefon: b.Telefon, Email: b.Email}
		switch rng.IntN(3) {
		case 0:
			nb.Telefon = fmt.Sprintf("%08d", rng.IntN(1e8))
		case 1:
			nb.Adresse = app.Adresse{Vej: fmt.Sprintf("Testvej %d", rng.IntN(200)+1), Postnr: "8000", By: "Aarhus C"}
		default:
			nb.Navn = pick(rng, []string{"Test Borger", "Tine Borger", "Åse Ærø", "Ole Østergård"})
		}
		return nb
	case r < 64 && len(c.kgs) > 0:
		return &app.SaetKontaktgruppe{KG: pick(rng, c.kgs), Skift: view.Kontaktgruppe != nil}
	case r < 76 && len(c.kategorier) > 0:
		return &app.Visiter{Kategori: pick(rng, c.kategorier)}
	case r < 88:
		if view.Tilmelding.ErTilmeldt() {
			return &app.Afmeld{Aarsag: app.AfmeldOenske}
		}
		return &app.Tilmeld{}
	case len(c.fravaer) > 0:
		return &app.RegistrerFravaer{FravaerID: newID(), Type: pick(rng, c.fravaer), Start: today, Slut: today.AddDays(rng.IntN(10) + 1)}
	}
	return &app.TilfoejNotat{NotatID: newID(), Tekst: "notat"}
}

// vbody makes a company command as a consultant on the device sees the
// company: a visit or a contact person (append), the staff count of the
// company or of its P-unit, or the end of a placement (protected), the
// register data or a job opening (lww, on one of two ids so that two
// devices meet). Some are refused by the rules, locally or on the server.
func vbody(rng *rand.Rand, v *app.Virksomhed, today app.Date, newID func() app.ID) app.VBody {
	switch r := rng.IntN(100); {
	case r < 20:
		b := &app.RegistrerVirksomhedskontakt{KontaktID: newID(), Form: pick(rng, []string{"besoeg", "telefon", "video", "mail"}),
			Formaal: fmt.Sprintf("Besøg nr. %d", rng.IntN(1000)), Udfald: pick(rng, []string{"", "Aftale om praktik", "Ingen behov lige nu"})}
		if rng.IntN(3) == 0 {
			b.Ordning = app.OrdningPraktik
		}
		if rng.IntN(2) == 0 {
			b.Opfoelgning = today.AddDays(7 + rng.IntN(30))
		}
		return b
	case r < 28:
		return &app.TilfoejKontaktperson{KontaktpersonID: newID(), Navn: pick(rng, []string{"Karen Ærø", "Søren Østergård", "Åse Holm"}),
			Rolle: pick(rng, []string{"leder", "hr", "mentor"}), Telefon: fmt.Sprintf("%08d", rng.IntN(1e8))}
	case r < 48:
		return &app.OpdaterAnsatte{SenesteMaaned: float64(10 + rng.IntN(40)), Gns12Mdr: float64(10 + rng.IntN(40))}
	case r < 60 && len(v.Enheder) > 0:
		return &app.OpdaterAnsatte{PNummer: v.Enheder[0].PNummer, Ansatte: float64(5 + rng.IntN(20))}
	case r < 72 && len(v.Placeringer) > 0:
		p := pick(rng, v.Placeringer)
		slut := p.Periode.Slut
		if slut.IsZero() || today.Before(slut) {
			slut = today
		}
		slut = slut.AddDays(-rng.IntN(3))
		if slut.Before(p.Periode.Start) {
			slut = p.Periode.Start
		}
		return &app.AfslutPlacering{PlaceringID: p.ID, Slut: slut}
	case r < 84:
		return &app.OpdaterVirksomhed{Navn: pick(rng, []string{v.Navn, "Østerå Tømrer ApS", "Ærø Byg A/S"}),
			Adresse:     app.Adresse{Vej: fmt.Sprintf("Åboulevarden %d", rng.IntN(200)+1), Postnr: "8000", By: "Aarhus C"},
			Branchekode: v.Branchekode, Sektor: v.Sektor}
	}
	return &app.GemJobordre{JobordreID: pick(rng, []app.ID{"jobordre-1", "jobordre-2"}), Titel: pick(rng, []string{"Tømrer", "Tømrerlærling"}),
		Disco: "7115", Timer: 37, Antal: 1 + rng.IntN(3), Periode: app.Period{Start: today}, Status: pick(rng, []string{"aaben", "besat"})}
}
