package app

func init() {
	register(func() Body { return &RegistrerCV{} })
}

// RegistrerCV records that the citizen's CV is available on Jobnet, which
// meets the CV deadline after tilmelding (LAB §§ 22–23) [S18].
type RegistrerCV struct {
	Dato Date `json:"dato,omitzero"` // defaults to today
}

func (*RegistrerCV) Kind() string    { return "registrer_cv" }
func (*RegistrerCV) roles() []string { return rolesAll }

func (b *RegistrerCV) apply(x *exec) error {
	d := b.Dato
	if d.IsZero() {
		d = x.today
	}
	if d.After(x.today) {
		return invalidf("dato", "CV'et kan ikke registreres som tilgængeligt i fremtiden.", "The CV cannot be registered as available in the future.")
	}
	if d.DaysUntil(x.today) > maxEventAge {
		return invalidf("dato", "Datoen ligger mere end et år tilbage. Registrér den dag, CV'et blev gjort tilgængeligt.", "The date is more than a year ago. Enter the day the CV was made available.")
	}
	x.s.Tilmelding.CV = d
	x.touch("tilmelding")
	x.effect("cv_tilgaengeligt", d, "")
	return nil
}
