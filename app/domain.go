package app

import (
	"maps"
	"time"
)

// Sag is one citizen's case: everything a caseworker's replica holds about
// the citizen and everything the rules are checked against. Commands never
// modify a Sag in place; Engine.Execute returns a new one.
type Sag struct {
	ID      ID    `json:"id"`
	Version int64 `json:"version"` // confirmed server version (set by sync)
	// Versions holds, per field path (see FieldPolicies), the confirmed
	// version at which the server last changed that field. A pending
	// command carries the versions of the fields it changes as its base, so
	// the server tells a concurrent change from a stale one (DESIGN §5.4).
	Versions  map[string]int64 `json:"versions,omitempty"`
	Ansvarlig ID               `json:"ansvarlig,omitempty"` // responsible caseworker

	Borger        Borger      `json:"borger"`
	Kontaktgruppe *KGForloeb  `json:"kontaktgruppe,omitempty"` // the one open KG, nil if none [S8]
	KGHistorik    []KGForloeb `json:"kg_historik,omitempty"`
	Tilmelding    Tilmelding  `json:"tilmelding"`
	Visitation    Visitation  `json:"visitation"`
	// VisitationHistorik holds the categories the citizen had before the
	// current one, oldest first, so a rule about an earlier event reads
	// the category of that day (DOMAIN §0).
	VisitationHistorik []Visitation   `json:"visitation_historik,omitempty"`
	Ydelse             YdelsesForhold `json:"ydelse"`
	Fravaer            []Fravaer      `json:"fravaer,omitempty"`
	Samtaler           []Samtale      `json:"samtaler,omitempty"`
	Planer             []Plan         `json:"planer,omitempty"`
	Notater            []Notat        `json:"notater,omitempty"`
	Sanktioner         []Sanktion     `json:"sanktioner,omitempty"`
	Vejledninger       []Vejledning   `json:"vejledninger,omitempty"`
	TjobMiss           []Date         `json:"tjob_miss,omitempty"` // missed "Tjek jobforslag" deadlines [S29]
	Tjob               Date           `json:"tjob,omitempty"`      // next TJOB deadline, zero when none
	// TjobFra is the missed deadline a reminder's days count from, while Tjob
	// is that reminder's deadline: it skips registered fravær, so a fravær
	// registered or deleted later moves it (DOMAIN §3.2 A7) [S29].
	TjobFra Date `json:"tjob_fra,omitzero"`
	// Stillinger are the occupations of the citizen's CV as DISCO-08 codes
	// (1–6 digits, the most specific known), set with registrer_cv: the
	// field kit's candidates match a job opening's code on them.
	Stillinger []string `json:"stillinger,omitempty"`
}

// Borger is the citizen. The CPR number is personal data: it is encrypted at
// rest, masked on paper and never used as a key (DESIGN §3, DOMAIN §7).
type Borger struct {
	CPR           CPR     `json:"cpr"`
	Navn          string  `json:"navn"`
	Adresse       Adresse `json:"adresse"`
	Telefon       string  `json:"telefon,omitempty"`
	Email         string  `json:"email,omitempty"`
	HarUddannelse bool    `json:"har_uddannelse,omitempty"` // erhvervskompetencegivende uddannelse (LAB § 6 nr. 2–5) [S12]
	Doed          Date    `json:"doed,omitzero"`            // date of death; no writes after it (4405) [S3]
	IngenAdresse  Date    `json:"ingen_adresse,omitzero"`   // lost CPR postal address since this date [S1]
}

// Adresse is a Danish postal address.
type Adresse struct {
	Vej    string `json:"vej"`
	Postnr string `json:"postnr"`
	By     string `json:"by"`
}

// KGForloeb is one kontaktgruppe period. KG is STAR's numeric id; its name
// and profile come from the rule tables, never from code [DOMAIN §1.3].
type KGForloeb struct {
	KG       int    `json:"kg"`
	Periode  Period `json:"periode"`
	RegelSet string `json:"regelsaet"` // rule-set version that approved it
}

// Tilmelding status values.
const (
	IkkeTilmeldt = "ikke_tilmeldt"
	Tilmeldt     = "tilmeldt"
)

// Tilmeldekategori values [S1][S7]: an applicant before the ydelse
// decision, a recipient, registered without benefit, or a new graduate.
const (
	KatAnsoeger   = "ansoeger"
	KatModtager   = "modtager"
	KatUdenYdelse = "uden_ydelse"
	KatDimittend  = "dimittend"
)

// Afmelding reasons (DOMAIN §3.2 A1–A8, plus sickness as its own cause).
const (
	AfmeldOenske          = "oenske"            // A1 the citizen asks [S1][S4]
	AfmeldSygdom          = "sygdom"            // A2 sygemelding [S1][S45]
	AfmeldAktivitetsparat = "aktivitetsparat"   // A3 visited aktivitetsparat [S1][S9]
	AfmeldDagpengeophoer  = "dagpengeophoer"    // A4 DO message from the a-kasse [S1]
	AfmeldDoed            = "doed"              // A5 [S1][S3]
	AfmeldIngenAdresse    = "ingen_adresse"     // A6 [S1]
	AfmeldTjob            = "tjob"              // A7 missing Tjek jobforslag [S29]
	AfmeldSelvbook        = "selvbook"          // A8 missing selvbooking [S31]
	AfmeldFejl            = "fejl"              // erroneous afmelding by the jobcenter [S14]
	AfmeldBarsel          = "barsel"            // (A) barsel/sorgorlov with barselsdagpenge
	AfmeldPasningSygtBarn = "pasning_sygt_barn" // (A)
)

// Tilmelding is the citizen's registration as jobseeker.
type Tilmelding struct {
	Status          string `json:"status"`                    // Tilmeldt or IkkeTilmeldt ("" = never registered)
	Kategori        string `json:"kategori,omitempty"`        // tilmeldekategori
	Ledighedsstatus string `json:"ledighedsstatus,omitempty"` // "ledig" or "ikke_ledig" (4339) [S4]
	Siden           Date   `json:"siden,omitzero"`
	AfmeldtDato     Date   `json:"afmeldt,omitzero"`
	AfmeldAarsag    string `json:"afmeld_aarsag,omitempty"`
	SelvbookFrist   Date   `json:"selvbook_frist,omitzero"` // after gentilmelding following selvbook-afmelding [S14][S31]
	SelvbookFra     Date   `json:"selvbook_fra,omitzero"`   // the day SelvbookFrist counts from (it skips registered ferie [S29])
	FoersteDato     Date   `json:"foerste,omitzero"`        // first tilmelding of the current ledighedsperiode
	CV              Date   `json:"cv,omitzero"`             // CV available on Jobnet since (LAB §§ 22–23) [S18]
	Afmeldes        Date   `json:"afmeldes,omitzero"`       // a planned afmelding (up to 30/60 days ahead, 4322) [S4]
	AfmeldesAarsag  string `json:"afmeldes_aarsag,omitempty"`
	RegelSet        string `json:"regelsaet,omitempty"` // rule-set version that approved the last change
}

// Materialise applies a planned afmelding that is due on day: the case's
// registration status is always read as of a date.
func (t *Tilmelding) Materialise(day Date) bool {
	if t.Afmeldes.IsZero() || day.Before(t.Afmeldes) {
		return false
	}
	if t.Status == Tilmeldt {
		t.Status, t.AfmeldtDato, t.AfmeldAarsag, t.SelvbookFrist, t.SelvbookFra = IkkeTilmeldt, t.Afmeldes, t.AfmeldesAarsag, Date{}, Date{}
	}
	t.Afmeldes, t.AfmeldesAarsag = Date{}, ""
	return true
}

// ErTilmeldt reports whether the citizen is registered.
func (t Tilmelding) ErTilmeldt() bool { return t.Status == Tilmeldt }

// Visitation is the citizen's current categorisation. Kategori is a code
// from personkategorier.csv (jobparat, aktivitetsparat, match1, sdp2, …);
// "" means not yet visited. Which of the four categorisations applies
// follows from the kontaktgruppe's profile [DOMAIN §2.2, A2.3].
type Visitation struct {
	Kategori string `json:"kategori,omitempty"`
	Dato     Date   `json:"dato,omitzero"`
	RegelSet string `json:"regelsaet,omitempty"`
}

// YdelsesForhold holds the facts about the citizen's benefit and situation
// that the rules depend on.
type YdelsesForhold struct {
	Loentilskud        bool `json:"loentilskud,omitempty"`        // in a wage-subsidy job: no afmelding on sickness [S1][S45]
	Supplerende        bool `json:"supplerende,omitempty"`        // partly unemployed: sygedagpenge from day 1 [S45]
	IBeskaeftigelse    bool `json:"i_beskaeftigelse,omitempty"`   // sick from employment (KG24)
	KHStart            Date `json:"kh_start,omitzero"`            // start of continuous kontanthjælp (ferie after 12 months) [S51]
	FoersteHenvendelse Date `json:"foerste_henvendelse,omitzero"` // first request for help (KH deadlines) [S20]
	MindreIntensiv     bool `json:"mindre_intensiv,omitempty"`    // LAB § 106 [S67]
	Uddannelsespaalaeg bool `json:"uddannelsespaalaeg,omitempty"` // [S21][S36]
	Undtaget           bool `json:"undtaget,omitempty"`           // exempted under the 25 % rule from 1 Jul 2026 [S35]
	Arbejdspligt       bool `json:"arbejdspligt,omitempty"`       // [S41]
	// FastTrack is the day the employer or the employee asked for the
	// sygedagpenge fast track (a samtale within 2 weeks of the request, when
	// asked within 5 weeks of the first sick day) [S75].
	FastTrack Date `json:"fast_track,omitzero"`
}

// Fravaer is a registered absence or exemption (fravær/fritagelse). Type is
// a code from fravaerstyper.csv. Health-related absences are special-category
// data (GDPR art. 9): they are encrypted at rest like everything else.
type Fravaer struct {
	ID            ID     `json:"id"`
	Type          string `json:"type"`
	Periode       Period `json:"periode"`
	Anmeldt       Date   `json:"anmeldt"`                  // anmeldelsesDato, required [S3]
	Registreret   Date   `json:"registreret"`              // the day it was registered
	RegistreretKl string `json:"registreret_kl,omitempty"` // and the time, "HH:MM" Copenhagen ("" = not known)
	Kommentar     string `json:"kommentar,omitempty"`      // ≤ 1500 characters [S3]
	SlutAarsag    string `json:"slut_aarsag,omitempty"`    // fraværsafslutningsårsag (4980) [S4]
	ForventetRask Date   `json:"forventet_rask,omitzero"`  // expected return (reform 2026, < 26 weeks) [S37]
	AfBorger      bool   `json:"af_borger,omitempty"`      // registered by the citizen (self-service)
	Begrundelse   string `json:"begrundelse,omitempty"`    // caseworker's override reason
	Slettet       bool   `json:"slettet,omitempty"`        // deleted with a berigtigelseskommentar [S3]
	Berigtigelse  string `json:"berigtigelse,omitempty"`
	Provisorisk   bool   `json:"provisorisk,omitempty"`  // ferie created offline, until DFDG accepts it (A6.5)
	IngenYdelse   bool   `json:"ingen_ydelse,omitempty"` // ferie without ydelse [S51]
	Foer          *Foer  `json:"foer,omitempty"`         // situation before a sygemelding, for raskmelding [S7]
	RegelSet      string `json:"regelsaet"`
}

// Aktiv reports whether f is in force on day.
func (f Fravaer) Aktiv(day Date) bool { return !f.Slettet && f.Periode.Contains(day) }

// Foer remembers the kontaktgruppe, categorisation and registration before
// a sygemelding, so raskmelding can re-register in the same [S7][S14].
type Foer struct {
	KG       int    `json:"kg"`
	Kategori string `json:"kategori,omitempty"`
	Tilmeldt bool   `json:"tilmeldt"`
	TKat     string `json:"tilmeldekategori,omitempty"`
	// Afmeldes is an afmelding the citizen had planned before the
	// sickness (up to 30/60 days ahead [S4]); raskmelding keeps it.
	Afmeldes       Date   `json:"afmeldes,omitzero"`
	AfmeldesAarsag string `json:"afmeldes_aarsag,omitempty"`
}

// Samtale status values.
const (
	SamtalePlanlagt  = "planlagt"
	SamtaleAfholdt   = "afholdt"
	SamtaleUdeblevet = "udeblevet"
	SamtaleAflyst    = "aflyst"
)

// Samtale is a meeting in the kontaktforløb.
type Samtale struct {
	ID         ID         `json:"id"`
	Type       string     `json:"type"` // jobsamtale, opfoelgning, raadighed, forloeb
	Dato       Date       `json:"dato"`
	Tid        string     `json:"tid,omitempty"`  // "HH:MM" Copenhagen time
	Form       string     `json:"form,omitempty"` // fremmoede, telefon, video, digital
	Status     string     `json:"status"`
	Booket     Date       `json:"booket"`              // when the indkaldelse was made [S50b]
	BooketKl   string     `json:"booket_kl,omitempty"` // and the time, "HH:MM" Copenhagen ("" = not known)
	Konsekvens Konsekvens `json:"konsekvens,omitzero"` // set with the outcome (udeblevet, aflyst)
	RegelSet   string     `json:"regelsaet"`
}

// Plan status values [S10].
const (
	PlanUdkast         = "udkast"
	PlanOffentliggjort = "offentliggjort"
)

// Plan types (DOMAIN §6.1, §6.4).
const (
	PlanJob            = "jobplan"
	PlanUddannelse     = "uddannelsesplan"
	PlanSDPOpfoelgning = "sdp_opfoelgning"
)

// Plan is Min Plan (LAB kap. 9) or the sygedagpenge follow-up agreement.
type Plan struct {
	ID      ID     `json:"id"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	Version int    `json:"version"` // increases with every change of the content
	PlanIndhold
	Oprettet       Date      `json:"oprettet"`
	Aendret        time.Time `json:"aendret"`
	Offentliggjort Date      `json:"offentliggjort,omitzero"`
	RegelSet       string    `json:"regelsaet"`
}

// PlanIndhold is the content of a plan, as the caseworker edits it
// (LAB § 41 stk. 2 [S21]; DOMAIN §6.1 layout).
type PlanIndhold struct {
	Jobmaal         []string         `json:"jobmaal,omitempty"`
	Uddannelsesmaal []string         `json:"uddannelsesmaal,omitempty"`
	Paalaeg         *Paalaeg         `json:"paalaeg,omitempty"`
	Jobsoegning     Jobsoegningskrav `json:"jobsoegning"`
	Aktiviteter     []Aktivitet      `json:"aktiviteter,omitempty"`
	Stabiliserende  []string         `json:"stabiliserende,omitempty"`
	AndreIndsatser  []string         `json:"andre_indsatser,omitempty"`
	Mentor          string           `json:"mentor,omitempty"`
	StatusTekst     string           `json:"status_tekst,omitempty"`
	NaesteKontakt   Kontakt          `json:"naeste_kontakt"`
	Opfoelgning     Date             `json:"opfoelgning,omitzero"`
	Ansvarlig       Sagsbehandler    `json:"ansvarlig"`
	Afgoerelser     bool             `json:"afgoerelser,omitempty"` // contains decisions ⇒ klagevejledning
	SDP             *SDPAftale       `json:"sdp,omitempty"`
}

// Paalaeg is an uddannelsespålæg with its deadline [S10][S56b].
type Paalaeg struct {
	Tekst string `json:"tekst"`
	Frist Date   `json:"frist"`
}

// Jobsoegningskrav is the job-search agreement ("Krav til jobsøgning") [S52d].
type Jobsoegningskrav struct {
	AntalPrUge int      `json:"antal_pr_uge,omitempty"`
	Stillinger []string `json:"stillinger,omitempty"`
	Geografi   string   `json:"geografi,omitempty"`
	Kanaler    []string `json:"kanaler,omitempty"`
}

// Aktivitet is a tilbud or activity in the plan [S80].
type Aktivitet struct {
	Type     string `json:"type"` // vejledning_opkvalificering, virksomhedspraktik, loentilskud, mentor, …
	Udbyder  string `json:"udbyder"`
	Periode  Period `json:"periode"`
	Timer    int    `json:"timer"`    // hours per week, 0–59 [S80]
	Minutter int    `json:"minutter"` // minutes per week, 0–59 [S80]
	Kontakt  string `json:"kontakt,omitempty"`
}

// Kontakt is the next contact in the plan [S56b].
type Kontakt struct {
	Dato Date   `json:"dato,omitzero"`
	Form string `json:"form,omitempty"`
	Hvem string `json:"hvem,omitempty"` // who contacts whom
}

// SDPAftale is the sygedagpenge "aftale om opfølgning" (DOMAIN §6.4) [S27].
type SDPAftale struct {
	Kategori          string   `json:"kategori"` // sdp1, sdp2, sdp3
	ForventetRask     Date     `json:"forventet_rask,omitzero"`
	Arbejdsplads      string   `json:"arbejdsplads,omitempty"`
	Tiltag            []string `json:"tiltag,omitempty"` // workplace-based or tværfaglige efforts
	Opfoelgningsform  string   `json:"opfoelgningsform,omitempty"`
	NaesteOpfoelgning Date     `json:"naeste_opfoelgning,omitzero"`
}

// Sagsbehandler is the caseworker as shown to the citizen [S10][S80].
type Sagsbehandler struct {
	ID           ID     `json:"id,omitempty"`
	Navn         string `json:"navn"`
	Telefon      string `json:"telefon,omitempty"`
	Email        string `json:"email,omitempty"`
	Organisation string `json:"organisation,omitempty"` // jobcentre / kommune
}

// Notat is a journal note. Notes are append-only: never edited, never deleted.
type Notat struct {
	ID        ID        `json:"id"`
	Tekst     string    `json:"tekst"`
	Forfatter ID        `json:"forfatter,omitempty"`
	Tid       time.Time `json:"tid"`
	RegelSet  string    `json:"regelsaet,omitempty"`
}

// Sanktion is a proposed sanction on kontanthjælp (LAS §§ 35–40 a) [S54].
type Sanktion struct {
	ID         ID     `json:"id"`
	Type       string `json:"type"` // fradrag, nedsaettelse, ophoer, skaerpet_40a
	Haendelse  Date   `json:"haendelse"`
	Foreslaaet Date   `json:"foreslaaet"`
	RegelSet   string `json:"regelsaet"`
}

// Vejledning records written guidance given to the citizen, which a
// sanction requires beforehand (LAS § 35 stk. 1) [S54].
type Vejledning struct {
	ID       ID     `json:"id"`
	Type     string `json:"type"` // las35 or las40a
	Dato     Date   `json:"dato"`
	RegelSet string `json:"regelsaet,omitempty"`
}

// Caseworker is a user of Feltsag: a sagsbehandler or virksomhedskonsulent.
type Caseworker struct {
	ID           ID     `json:"id"`
	Navn         string `json:"navn"`
	Brugernavn   string `json:"brugernavn"`
	Telefon      string `json:"telefon,omitempty"`
	Email        string `json:"email,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Rolle        string `json:"rolle"` // sagsbehandler, virksomhedskonsulent, teamleder
}

// Clone returns a deep copy of s, so a command can build the new state
// without touching the old one.
func (s *Sag) Clone() *Sag {
	c := *s
	if s.Kontaktgruppe != nil {
		kg := *s.Kontaktgruppe
		c.Kontaktgruppe = &kg
	}
	c.KGHistorik = cloneSlice(s.KGHistorik)
	c.VisitationHistorik = cloneSlice(s.VisitationHistorik)
	c.Fravaer = cloneSlice(s.Fravaer)
	for i := range c.Fravaer {
		if f := c.Fravaer[i].Foer; f != nil {
			cp := *f
			c.Fravaer[i].Foer = &cp
		}
	}
	c.Samtaler = cloneSlice(s.Samtaler)
	c.Planer = cloneSlice(s.Planer)
	for i := range c.Planer {
		c.Planer[i] = c.Planer[i].clone()
	}
	c.Notater = cloneSlice(s.Notater)
	c.Sanktioner = cloneSlice(s.Sanktioner)
	c.Vejledninger = cloneSlice(s.Vejledninger)
	c.TjobMiss = cloneSlice(s.TjobMiss)
	c.Stillinger = cloneSlice(s.Stillinger)
	c.Versions = maps.Clone(s.Versions)
	return &c
}

func (p Plan) clone() Plan {
	c := p
	c.PlanIndhold = p.PlanIndhold.clone()
	return c
}

func (p PlanIndhold) clone() PlanIndhold {
	c := p
	c.Jobmaal = cloneSlice(p.Jobmaal)
	c.Uddannelsesmaal = cloneSlice(p.Uddannelsesmaal)
	if p.Paalaeg != nil {
		pa := *p.Paalaeg
		c.Paalaeg = &pa
	}
	c.Jobsoegning.Stillinger = cloneSlice(p.Jobsoegning.Stillinger)
	c.Jobsoegning.Kanaler = cloneSlice(p.Jobsoegning.Kanaler)
	c.Aktiviteter = cloneSlice(p.Aktiviteter)
	c.Stabiliserende = cloneSlice(p.Stabiliserende)
	c.AndreIndsatser = cloneSlice(p.AndreIndsatser)
	if p.SDP != nil {
		s := *p.SDP
		s.Tiltag = cloneSlice(p.SDP.Tiltag)
		c.SDP = &s
	}
	return c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// FindFravaer returns the index of the fravær with id, or -1.
func (s *Sag) FindFravaer(id ID) int {
	for i := range s.Fravaer {
		if s.Fravaer[i].ID == id {
			return i
		}
	}
	return -1
}

// FindSamtale returns the index of the samtale with id, or -1.
func (s *Sag) FindSamtale(id ID) int {
	for i := range s.Samtaler {
		if s.Samtaler[i].ID == id {
			return i
		}
	}
	return -1
}

// FindPlan returns the index of the plan with id, or -1.
func (s *Sag) FindPlan(id ID) int {
	for i := range s.Planer {
		if s.Planer[i].ID == id {
			return i
		}
	}
	return -1
}

// AktiveFravaer returns the fravær in force on day.
func (s *Sag) AktiveFravaer(day Date) []Fravaer {
	var out []Fravaer
	for _, f := range s.Fravaer {
		if f.Aktiv(day) {
			out = append(out, f)
		}
	}
	return out
}

// FieldVersion returns the confirmed version at which field last changed,
// 0 when it never did (a new record, or a case from before per-field
// versions: then the case's Version is the base the server compares).
func (s *Sag) FieldVersion(field string) int64 { return s.Versions[field] }
