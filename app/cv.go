package app

// RegistrerCV records that the citizen's CV is available on Jobnet, which
// meets the CV deadline after tilmelding (LAB §§ 22–23) [S18]. Stillinger,
// when given, replaces the CV's occupations (DISCO-08 codes, 1–6 digits);
// without it the occupations already recorded stay.
type RegistrerCV struct {
	Dato       Date     `json:"dato,omitzero"` // defaults to today
	Stillinger []string `json:"stillinger,omitempty"`
}

func (*RegistrerCV) Kind() string    { return "registrer_cv" }
func (*RegistrerCV) roles() []string { return rolesAll() }

// maxStillinger bounds the occupations of one CV (A).
const maxStillinger = 20

func (b *RegistrerCV) apply(x *exec) error {
	d := b.Dato
	if d.IsZero() {
		d = x.today
	}
	if d.After(x.today) {
		return invalidf("dato", "invalid.dato.cv_registered_available")
	}
	if d.DaysUntil(x.today) > maxEventAge {
		return invalidf("dato", "invalid.dato.date_more_than")
	}
	if err := checkStillinger(b.Stillinger); err != nil {
		return err
	}
	x.s.Tilmelding.CV = d
	if len(b.Stillinger) > 0 {
		x.s.Stillinger = cloneSlice(b.Stillinger)
	}
	x.touch(FieldTilmelding)
	x.effect("cv_tilgaengeligt", d, "")
	return nil
}

// checkStillinger refuses a list of occupations that is too long, holds a
// code that is not 1–6 digits, or holds a code twice.
func checkStillinger(codes []string) error {
	if len(codes) > maxStillinger {
		return invalidf("stillinger", "invalid.cv.stillinger_antal", "max", itoa(maxStillinger))
	}
	for i, c := range codes {
		if len(c) > 6 || !allDigits(c) {
			return invalidf("stillinger", "invalid.cv.stilling")
		}
		for _, o := range codes[:i] {
			if o == c {
				return invalidf("stillinger", "invalid.cv.stilling_dublet", "kode", c)
			}
		}
	}
	return nil
}
