// Package demo generates a deterministic, synthetic caseload for demos,
// load tests and the plan tool (feltsagd demo): citizens with Danish names
// and addresses and synthetic CPR numbers, in every kontaktgruppe of the
// rule set in force, with tilmelding, visitation, fravær, samtaler, plans
// and journal notes; the caseworkers who hold them; and companies. The
// field kit's demo (Companies, felt.go) adds job consultants on a team and
// companies with visits, openings, places and placements of the citizens.
//
// Every case is built by running real commands through app.Engine on the
// dates they would have happened, so the demo data obeys the same rules as
// real data. The same seed, index and date always give the same case,
// independent of the population's size: citizen i is generated from its own
// random stream. No real person is described; see syntheticCPR for how the
// CPR numbers avoid real ones.
package demo

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"

	"feltsag.dk/feltsag/app"
)

// CasesPerCaseworker is a demo caseworker's caseload: citizens
// k·CasesPerCaseworker to (k+1)·CasesPerCaseworker−1 belong to caseworker k.
const CasesPerCaseworker = 40

// AntalVirksomheder is the number of demo companies; plans name them as
// providers and workplaces.
const AntalVirksomheder = 50

// Population is a generated caseload.
type Population struct {
	Seed           int64
	Today          app.Date
	Sager          []app.Sag
	Sagsbehandlere []app.Caseworker
	Virksomheder   []app.Virksomhed
	Afvist         int // optional commands the rules refused (see Citizen)
}

// Generate returns n citizens' cases as they stand on today, their
// caseworkers and the demo companies. Errors: invalid (n < 0), not_found
// (no rule set covers today), internal (a command the generator relies on
// was refused: a generator bug).
func Generate(rules *app.Rules, seed int64, n int, today app.Date) (*Population, error) {
	if n < 0 {
		return nil, app.Errorf(app.CodeInvalid, "", "invalid.demo.size_negative")
	}
	p := &Population{Seed: seed, Today: today, Sager: make([]app.Sag, 0, n)}
	for i := range n {
		s, afvist, err := citizen(rules, seed, i, today)
		if err != nil {
			return nil, err
		}
		p.Sager = append(p.Sager, s)
		p.Afvist += afvist
	}
	for k := range (n + CasesPerCaseworker - 1) / CasesPerCaseworker {
		p.Sagsbehandlere = append(p.Sagsbehandlere, Caseworker(seed, k))
	}
	for k := range AntalVirksomheder {
		p.Virksomheder = append(p.Virksomheder, Virksomhed(seed, k))
	}
	return p, nil
}

// Citizen returns demo citizen i (0-based) of the population with this
// seed, as on today, without generating the others. Errors as Generate.
func Citizen(rules *app.Rules, seed int64, i int, today app.Date) (app.Sag, error) {
	if i < 0 {
		return app.Sag{}, app.Errorf(app.CodeInvalid, "", "invalid.demo.citizen_negative")
	}
	s, _, err := citizen(rules, seed, i, today)
	return s, err
}

// CaseworkerOf returns the caseworker who holds citizen i.
func CaseworkerOf(seed int64, i int) app.Caseworker { return Caseworker(seed, i/CasesPerCaseworker) }

// stream returns the random source of one generated thing: the seed, a
// stream name and an index give a 256-bit ChaCha8 key, so every citizen,
// caseworker and company has its own reproducible stream.
func stream(seed int64, name string, i int) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[0:], uint64(seed))
	binary.LittleEndian.PutUint64(key[8:], uint64(i))
	copy(key[16:], name)
	return rand.NewChaCha8(key)
}

// rng is a random stream with the helpers the generator uses. Its ids
// come from the same stream, so they are reproducible too.
type rng struct {
	*rand.Rand
	src io.Reader
}

func newRng(seed int64, name string, i int) *rng {
	src := stream(seed, name, i)
	return &rng{Rand: rand.New(src), src: src}
}

// id returns a new random id from the stream.
func (r *rng) id() app.ID {
	id, err := app.NewID(r.src)
	if err != nil {
		panic(err) // ChaCha8.Read never fails
	}
	return id
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

func pick[T any](r *rng, xs []T) T { return xs[r.IntN(len(xs))] }

// pickN returns n different elements of xs in random order.
func pickN[T any](r *rng, xs []T, n int) []T {
	idx := r.Perm(len(xs))
	n = min(n, len(xs))
	out := make([]T, n)
	for i := range n {
		out[i] = xs[idx[i]]
	}
	return out
}

// telefon returns a Danish eight-digit number written "12 34 56 78".
func (r *rng) telefon() string {
	return fmt.Sprintf("%d%d %02d %02d %02d", r.between(2, 9), r.IntN(10), r.IntN(100), r.IntN(100), r.IntN(100))
}

// Caseworker returns demo caseworker k: a sagsbehandler at one of the
// jobcentres, with a username, phone and e-mail on an example domain.
func Caseworker(seed int64, k int) app.Caseworker {
	r := newRng(seed, "sagsbehandler", k)
	kommune := kommuner[k%len(kommuner)]
	fornavn := pick(r, slices.Concat(fornavneK, fornavneM))
	efternavn := pick(r, efternavne)
	bruger := fmt.Sprintf("%s%s%03d", ascii(fornavn)[:1], ascii(efternavn)[:2], k)
	return app.Caseworker{ID: r.id(), Navn: fornavn + " " + efternavn, Brugernavn: bruger, Telefon: r.telefon(),
		Email: bruger + "@jobcenter-" + ascii(kommune) + ".example", Organisation: "Jobcenter " + kommune, Rolle: "sagsbehandler"}
}

// Virksomhed returns demo company k with a synthetic CVR number (its
// modulus 11 check fails, so it is no real company's).
func Virksomhed(seed int64, k int) app.Virksomhed {
	r := newRng(seed, "virksomhed", k)
	navn := fmt.Sprintf("%s %s %s", pick(r, virksomhedsNavne), pick(r, virksomhedsTyper), pick(r, selskabsformer))
	b := pick(r, byer)
	v := app.Virksomhed{ID: r.id(), Navn: navn, CVR: app.CVR(syntheticCVR(r)), Sektor: app.SektorPrivat,
		Adresse:   app.Adresse{Vej: fmt.Sprintf("%s %d", pick(r, veje), r.between(1, 140)), Postnr: b.postnr, By: b.navn},
		Kontakter: []app.Kontaktperson{{ID: r.id(), Navn: pick(r, fornavneK) + " " + pick(r, efternavne), Rolle: "leder", Telefon: r.telefon()}}}
	for range r.IntN(4) {
		v.Pladser = append(v.Pladser, app.Plads{ID: r.id(), Ordning: pick(r, []string{app.OrdningPraktik, app.OrdningLoentilskud}),
			Titel: pick(r, stillinger), Antal: r.between(1, 3)})
	}
	return v
}

// syntheticCVR returns eight digits whose CVR modulus 11 check (weights
// 2 7 6 5 4 3 2 1) fails.
func syntheticCVR(r *rng) string {
	w := [8]int{2, 7, 6, 5, 4, 3, 2, 1}
	for {
		n := r.between(10000000, 99999999)
		s := fmt.Sprint(n)
		sum := 0
		for i := range 8 {
			sum += int(s[i]-'0') * w[i]
		}
		if sum%11 != 0 {
			return s
		}
	}
}
