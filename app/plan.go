package app

// planTyper returns the plan types GemPlan accepts.
func planTyper() []string { return []string{PlanJob, PlanUddannelse, PlanSDPOpfoelgning} }

// aktivitetsTyper returns the activity types a plan may list.
func aktivitetsTyper() []string {
	return []string{"vejledning_opkvalificering", "virksomhedspraktik", "loentilskud", "mentor", "nytteindsats", "andet"}
}

// Limits on plan content from untrusted input (A).
const (
	maxPlanItems = 50
	maxPlanText  = 2000
)

// GemPlan creates a plan draft or saves a new version of an existing one
// (a published plan becomes a new draft). No plan operations without an
// active kontaktgruppe (8060) [S10].
type GemPlan struct {
	PlanID  ID          `json:"plan_id"`
	Type    string      `json:"type,omitempty"` // required when creating
	Indhold PlanIndhold `json:"indhold"`
}

func (*GemPlan) Kind() string    { return "gem_plan" }
func (*GemPlan) roles() []string { return rolesCaseworker() }

func (b *GemPlan) apply(x *exec) error {
	if err := x.requireKG("8060"); err != nil {
		return err
	}
	if err := b.PlanID.Validate(); err != nil {
		return AsError(err).WithField("plan_id")
	}
	if err := checkIndhold(b.Indhold); err != nil {
		return err
	}
	i := x.s.FindPlan(b.PlanID)
	if i < 0 {
		if !contains(planTyper(), b.Type) {
			return invalidf("type", "invalid.plan.type", "kode", b.Type)
		}
		if b.Type == PlanSDPOpfoelgning && x.gruppe() != GruppeSDP {
			return RuleError("plan-type", "rule.plan-type")
		}
		x.s.Planer = append(x.s.Planer, Plan{ID: b.PlanID, Type: b.Type, Oprettet: x.today, RegelSet: x.rs.Version})
		i = len(x.s.Planer) - 1
		x.effect("plan_oprettet", x.today, "effect.kode", "kode", b.Type)
	} else if b.Type != "" && b.Type != x.s.Planer[i].Type {
		return invalidf("type", "invalid.type.plan_s_type")
	}
	p := &x.s.Planer[i]
	p.PlanIndhold = b.Indhold.clone()
	p.Status = PlanUdkast
	p.Version++
	p.Aendret = x.cmd.At
	p.RegelSet = x.rs.Version
	x.touch("plan/" + string(p.ID))
	x.effect("plan_gemt", x.today, "effect.version", "version", itoa(p.Version))
	return nil
}

// field is one named text input, checked in a fixed order so the same
// command always gives the same error.
type textField struct {
	name, value string
}

type listField struct {
	name  string
	items []string
}

// checkIndhold validates every string and list of a plan: valid UTF-8, no
// control characters, bounded lengths and counts.
func checkIndhold(c PlanIndhold) error {
	lists := []listField{{"jobmaal", c.Jobmaal}, {"uddannelsesmaal", c.Uddannelsesmaal}, {"stabiliserende", c.Stabiliserende},
		{"andre_indsatser", c.AndreIndsatser}, {"stillinger", c.Jobsoegning.Stillinger}, {"kanaler", c.Jobsoegning.Kanaler}}
	texts := []textField{{"mentor", c.Mentor}, {"status_tekst", c.StatusTekst}, {"geografi", c.Jobsoegning.Geografi},
		{"ansvarlig.navn", c.Ansvarlig.Navn}, {"ansvarlig.telefon", c.Ansvarlig.Telefon}, {"ansvarlig.email", c.Ansvarlig.Email},
		{"ansvarlig.organisation", c.Ansvarlig.Organisation}, {"naeste_kontakt.form", c.NaesteKontakt.Form},
		{"naeste_kontakt.hvem", c.NaesteKontakt.Hvem}}
	if p := c.Paalaeg; p != nil {
		texts = append(texts, textField{"paalaeg.tekst", p.Tekst})
		if p.Frist.IsZero() {
			return invalidf("paalaeg.frist", "invalid.paalaeg.frist.order_needs_deadline")
		}
	}
	if d := c.SDP; d != nil {
		lists = append(lists, listField{"sdp.tiltag", d.Tiltag})
		texts = append(texts, textField{"sdp.arbejdsplads", d.Arbejdsplads}, textField{"sdp.opfoelgningsform", d.Opfoelgningsform})
		if !contains([]string{"", KategoriSDP1, KategoriSDP2, KategoriSDP3}, d.Kategori) {
			return invalidf("sdp.kategori", "invalid.sdp.kategori.sickness_benefit_category")
		}
	}
	for _, l := range lists {
		if len(l.items) > maxPlanItems {
			return invalidf(l.name, "invalid.plan.items", "max", itoa(maxPlanItems), "felt", l.name)
		}
		for _, it := range l.items {
			if err := text(l.name, it, maxPlanText, true); err != nil {
				return err
			}
		}
	}
	for _, t := range texts {
		if err := text(t.name, t.value, maxPlanText, false); err != nil {
			return err
		}
	}
	if c.Jobsoegning.AntalPrUge < 0 || c.Jobsoegning.AntalPrUge > 100 {
		return invalidf("antal_pr_uge", "invalid.antal_pr_uge.applications_per_week")
	}
	if len(c.Aktiviteter) > maxPlanItems {
		return invalidf("aktiviteter", "invalid.plan.activities", "max", itoa(maxPlanItems))
	}
	for _, a := range c.Aktiviteter {
		if err := checkAktivitet(a); err != nil {
			return err
		}
	}
	return nil
}

// checkAktivitet: start and end, hours and minutes per week 0–59 [S80].
func checkAktivitet(a Aktivitet) error {
	if !contains(aktivitetsTyper(), a.Type) {
		return invalidf("aktivitet", "invalid.plan.activity_type", "kode", a.Type)
	}
	if err := text("udbyder", a.Udbyder, 200, false); err != nil {
		return err
	}
	if err := text("kontakt", a.Kontakt, 200, false); err != nil {
		return err
	}
	if a.Periode.Start.IsZero() {
		return invalidf("aktivitet", "invalid.aktivitet.activity_no_start")
	}
	if !a.Periode.Slut.IsZero() && a.Periode.Slut.Before(a.Periode.Start) {
		return RuleError("1003", "rule.1003.activity_s_end")
	}
	if a.Timer < 0 || a.Timer > 59 || a.Minutter < 0 || a.Minutter > 59 {
		return invalidf("aktivitet", "invalid.aktivitet.hours_minutes_per")
	}
	return nil
}

// OffentliggoerPlan publishes a draft (DOMAIN §6.1, DFDG plan rules [S10]):
// a draft must exist (8006); job and education plans need a goal (8015);
// a pålægsfrist must be after today (8018); no education plan above age 30
// (8044); a responsible caseworker is required (8055); from 1 January 2027
// there are no uddannelsespålæg [S36][S39].
type OffentliggoerPlan struct {
	PlanID ID `json:"plan_id"`
}

func (*OffentliggoerPlan) Kind() string    { return "offentliggoer_plan" }
func (*OffentliggoerPlan) roles() []string { return rolesCaseworker() }

func (b *OffentliggoerPlan) apply(x *exec) error {
	if err := x.requireKG("8060"); err != nil {
		return err
	}
	i := x.s.FindPlan(b.PlanID)
	if i < 0 || x.s.Planer[i].Status != PlanUdkast {
		return RuleError("8006", "rule.8006")
	}
	p := &x.s.Planer[i]
	if err := x.checkPublish(p); err != nil {
		return err
	}
	p.Status = PlanOffentliggjort
	p.Offentliggjort = x.today
	x.touch("plan/" + string(p.ID))
	x.effect("plan_offentliggjort", x.today, "effect.version", "version", itoa(p.Version))
	return nil
}

func (x *exec) checkPublish(p *Plan) error {
	if (p.Type == PlanJob || p.Type == PlanUddannelse) && len(p.Jobmaal) == 0 && len(p.Uddannelsesmaal) == 0 {
		return RuleError("8015", "rule.8015")
	}
	if p.Type == PlanJob && len(p.Jobmaal) == 0 && x.kraeverJobmaal() {
		return RuleError("8015", "rule.8015.jobmaal")
	}
	if p.Paalaeg != nil {
		if x.rs.P(ParamUddannelsespaalaeg) == 0 {
			return RuleError("paalaeg-afskaffet", "rule.paalaeg-afskaffet")
		}
		if !p.Paalaeg.Frist.After(x.today) {
			return RuleError("8018", "rule.8018")
		}
	}
	if max := x.rs.P(ParamUddannelsesplanMaxAlder); p.Type == PlanUddannelse && x.ageKnown() && x.age() > max {
		return RuleError("8044", "rule.8044", "max", itoa(max))
	}
	if p.Ansvarlig.Navn == "" {
		return RuleError("8055", "rule.8055")
	}
	return nil
}

// kraeverJobmaal reports whether the citizen's jobplan must have a jobmål
// (LAB § 41 stk. 2 nr. 1, DOMAIN §6.1 p2) [S21]: dagpenge without an
// uddannelsespålæg (those have job- og uddannelsesmål, nr. 2), jobparate
// and aktivitetsparate kontanthjælpsmodtagere, ledighedsydelse and
// revalidender.
func (x *exec) kraeverJobmaal() bool {
	switch x.gruppe() {
	case GruppeDP:
		return !x.s.Ydelse.Uddannelsespaalaeg
	case GruppeKH:
		k := x.s.Visitation.Kategori
		return k == KategoriJobparat || k == KategoriAktivitetsparat
	case GruppeLY, GruppeREV:
		return true
	}
	return false
}
