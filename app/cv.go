package app

// RegistrerCV records that the citizen's CV is available on Jobnet, which
// meets the CV deadline after tilmelding (LAB §§ 22–23) [S18].
type RegistrerCV struct {
	Dato Date `json:"dato,omitzero"` // defaults to today
}

func (*RegistrerCV) Kind() string    { return "registrer_cv" }
func (*RegistrerCV) roles() []string { return rolesAll() }

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
	x.s.Tilmelding.CV = d
	x.touch(FieldTilmelding)
	x.effect("cv_tilgaengeligt", d, "")
	return nil
}
