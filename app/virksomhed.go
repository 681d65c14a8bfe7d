package app

import (
	"encoding/json"
	"maps"
	"time"
)

// This file is the job consultant's domain (issue 11, DOMAIN appendix B):
// a company (virksomhed) with its production units, contact persons,
// contact log, job openings, places for supported employment, referrals
// and placements. A company is one record of kind RecordVirksomhed; its
// commands have the same envelope as a case's (VCommand writes the same
// JSON as Command, with the company's id where a case's id stands), so the
// sync protocol carries them without change (docs/protocol.md §4.6, §7).
// The rules that apply at a company are in placering.go.

// RecordVirksomhed is the record kind of a company (Data is a Virksomhed).
const RecordVirksomhed = "virksomhed"

// Employer sectors (DOMAIN B5: public = state, regions, kommuner and bodies
// ≥ 50 % publicly funded [S120][S134]).
const (
	SektorPrivat    = "privat"
	SektorOffentlig = "offentlig"
)

// Schemes of supported employment a place can be for (DOMAIN B4–B6).
const (
	OrdningPraktik     = "virksomhedspraktik" // LAB kap. 11 [S106]
	OrdningLoentilskud = "loentilskud"        // LAB kap. 12 [S108]
	OrdningFleksjob    = "fleksjob"           // LAB kap. 20 [S145]
	OrdningVoksenlaerl = "voksenlaerling"     // [S146]
	OrdningJobrotation = "jobrotation"        // LAB kap. 22 [S112]
)

func ordninger() []string {
	return []string{OrdningPraktik, OrdningLoentilskud, OrdningFleksjob, OrdningVoksenlaerl, OrdningJobrotation}
}

// Virksomhed is a company the virksomhedskonsulent works with: the CVR
// register's data (DOMAIN B1 [S137]) and the jobcentre's own records.
type Virksomhed struct {
	ID        ID               `json:"id"`
	Version   int64            `json:"version"`
	Versions  map[string]int64 `json:"versions,omitempty"`
	Ansvarlig ID               `json:"ansvarlig,omitempty"` // responsible consultant

	CVR         CVR     `json:"cvr"`
	Navn        string  `json:"navn"`
	Adresse     Adresse `json:"adresse"`
	Branchekode string  `json:"branchekode,omitempty"` // DB07 code, 6 digits
	Sektor      string  `json:"sektor"`                // SektorPrivat or SektorOffentlig
	// Ansatte is the CVR-level staffing the merbeskæftigelseskrav compares
	// (DOMAIN B3) [S113][S114].
	Ansatte      Ansatte              `json:"ansatte"`
	Enheder      []Produktionsenhed   `json:"enheder,omitempty"`
	Kontakter    []Kontaktperson      `json:"kontakter,omitempty"`
	KontaktLog   []Virksomhedskontakt `json:"kontaktlog,omitempty"`
	Jobordrer    []Jobordre           `json:"jobordrer,omitempty"`
	Pladser      []Plads              `json:"pladser,omitempty"`
	Henvisninger []Henvisning         `json:"henvisninger,omitempty"`
	Placeringer  []Placering          `json:"placeringer,omitempty"`
}

// Ansatte is a company's count of ordinary employees in full-time
// equivalents (årsværk), without staff with public subsidy and under 18
// (DOMAIN B2) [S100]: the latest month and the average of the last 12.
type Ansatte struct {
	SenesteMaaned float64 `json:"seneste_maaned"`
	Gns12Mdr      float64 `json:"gns_12mdr"`
	Opgjort       Date    `json:"opgjort,omitzero"`
}

// Produktionsenhed is a workplace (P-unit). Ansatte is its ordinary staff
// in FTE, averaged over the last 4 months: the rimelighedskrav's
// denominator (DOMAIN B2) [S100][S101].
type Produktionsenhed struct {
	PNummer PNummer `json:"p_nummer"`
	Navn    string  `json:"navn"`
	Adresse Adresse `json:"adresse"`
	Ansatte float64 `json:"ansatte"`
	Opgjort Date    `json:"opgjort,omitzero"`
}

// Kontaktperson is a contact person at a company. Name, phone and e-mail
// are personal data; the kommune's basis is its task under LAB, and a
// consent, when one is given, is recorded (DOMAIN B8) [S161].
type Kontaktperson struct {
	ID       ID       `json:"id"`
	Navn     string   `json:"navn"`
	Rolle    string   `json:"rolle"` // leder, hr, tillidsrepraesentant, medarbejderrepraesentant, mentor, anden
	Telefon  string   `json:"telefon,omitempty"`
	Email    string   `json:"email,omitempty"`
	PNummer  PNummer  `json:"p_nummer,omitempty"`
	Samtykke Samtykke `json:"samtykke,omitzero"`
}

// Samtykke is a recorded consent: when and to what.
type Samtykke struct {
	Dato   Date   `json:"dato"`
	Omfang string `json:"omfang"`
}

func kontaktRoller() []string {
	return []string{"leder", "hr", "tillidsrepraesentant", "medarbejderrepraesentant", "mentor", "anden"}
}

// Virksomhedskontakt is one entry of the contact log: a visit, call or
// meeting with a company (DOMAIN B7: the scheme it was about [S164]).
type Virksomhedskontakt struct {
	ID          ID      `json:"id"`
	Dato        Date    `json:"dato"`
	Hvem        ID      `json:"hvem"` // the consultant
	Form        string  `json:"form"` // besoeg, telefon, video, mail
	PNummer     PNummer `json:"p_nummer,omitempty"`
	Formaal     string  `json:"formaal"`
	Ordning     string  `json:"ordning,omitempty"`
	Udfald      string  `json:"udfald,omitempty"`
	Opfoelgning Date    `json:"opfoelgning,omitzero"`
}

// Jobordre is a job opening the jobcentre helps fill (DOMAIN B7 [S155]).
type Jobordre struct {
	ID       ID       `json:"id"`
	Titel    string   `json:"titel"`
	Disco    string   `json:"disco"` // DISCO-08 occupation code, 4–6 digits
	Timer    int      `json:"timer"` // hours per week
	Antal    int      `json:"antal"` // positions
	Periode  Period   `json:"periode"`
	Krav     []string `json:"krav,omitempty"`
	Status   string   `json:"status"` // aaben, besat, lukket
	PNummer  PNummer  `json:"p_nummer,omitempty"`
	Oprettet Date     `json:"oprettet"`
}

func jobordreStatus() []string { return []string{"aaben", "besat", "lukket"} }

// Plads is a place for supported employment that a company offers.
type Plads struct {
	ID      ID      `json:"id"`
	Ordning string  `json:"ordning"`
	PNummer PNummer `json:"p_nummer,omitempty"`
	Titel   string  `json:"titel"`
	Antal   int     `json:"antal"`
	Timer   int     `json:"timer"` // hours per week
	Periode Period  `json:"periode"`
}

// Henvisning is the referral of a citizen to a job opening or a place,
// with its outcome (DOMAIN B7 [S105]).
type Henvisning struct {
	ID       ID     `json:"id"`
	Sag      ID     `json:"sag"`
	Jobordre ID     `json:"jobordre,omitempty"`
	Plads    ID     `json:"plads,omitempty"`
	Dato     Date   `json:"dato"`
	Start    Date   `json:"start"`  // when the job starts; at least one day's notice
	Kanal    string `json:"kanal"`  // skriftlig or telefon
	Oplyst   bool   `json:"oplyst"` // the citizen was told it is a henvisning
	Udfald   string `json:"udfald,omitempty"`
	RegelSet string `json:"regelsaet"`
}

func henvisningUdfald() []string {
	return []string{"soegt", "ansat", "afslaaet", "udeblevet_samtale", "ikke_ansat"}
}

// Placering is a citizen placed at a company in a place for supported
// employment. Its period is protected: it decides the rule checks.
type Placering struct {
	ID      ID      `json:"id"`
	Sag     ID      `json:"sag"`
	Plads   ID      `json:"plads"`
	Ordning string  `json:"ordning"`
	PNummer PNummer `json:"p_nummer,omitempty"`
	Periode Period  `json:"periode"`
	Timer   float64 `json:"timer"` // hours per week
	Formaal string  `json:"formaal,omitempty"`
	// Gruppe and Kategori are the citizen's group and category on the
	// start date, kept so the rimelighedskrav's exceptions and later
	// checks read them without the case.
	Gruppe      string `json:"gruppe,omitempty"`
	Kategori    string `json:"kategori,omitempty"`
	Begrundelse string `json:"begrundelse,omitempty"`
	RegelSet    string `json:"regelsaet"`
}

// Field paths of a company's fields (FieldPolicies).
const (
	FieldVirksomhed        = "virksomhed"         // register data: name, address, industry, sector
	FieldVirksomhedAnsatte = "virksomhed/ansatte" // CVR-level staff (merbeskæftigelse)
)

// VBody is the kind-specific part of a company command. The set is closed.
type VBody interface {
	Kind() string
	roles() []string
	applyV(x *vexec) error
}

// vbodyTypes is the closed list of company commands, one per kind.
func vbodyTypes() []VBody {
	return []VBody{
		(*OpretVirksomhed)(nil),
		(*OpdaterVirksomhed)(nil),
		(*RegistrerEnhed)(nil),
		(*OpdaterAnsatte)(nil),
		(*TilfoejKontaktperson)(nil),
		(*RegistrerVirksomhedskontakt)(nil),
		(*GemJobordre)(nil),
		(*GemPlads)(nil),
		(*Henvis)(nil),
		(*RegistrerHenvisningsudfald)(nil),
		(*Placer)(nil),
		(*AfslutPlacering)(nil),
	}
}

// VirksomhedKinds returns every company command kind.
func VirksomhedKinds() []string { return kindsOf(vbodyTypes()) }

// NewVBody returns a zero body of a company command kind.
func NewVBody(kind string) (VBody, error) { return newOf(vbodyTypes(), kind) }

// VCommand is one intent against one company. Its JSON is a Command's:
// "sag" holds the company's id, the record the command applies to.
type VCommand struct {
	ID         ID        `json:"id"`
	Virksomhed ID        `json:"sag"`
	Actor      Actor     `json:"actor"`
	At         time.Time `json:"at"`
	Body       VBody     `json:"-"`
}

// MarshalJSON writes the command with its kind and body.
func (c VCommand) MarshalJSON() ([]byte, error) {
	if c.Body == nil {
		return nil, Errorf(CodeInvalid, "", "invalid.command_no_body")
	}
	body, err := json.Marshal(c.Body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(commandJSON{ID: c.ID, Sag: c.Virksomhed, Actor: c.Actor, At: c.At, Kind: c.Body.Kind(), Body: body})
}

// UnmarshalJSON decodes strictly, like Command.
func (c *VCommand) UnmarshalJSON(b []byte) error {
	var raw commandJSON
	if err := strictDecode(b, &raw); err != nil {
		return err
	}
	body, err := NewVBody(raw.Kind)
	if err != nil {
		return err
	}
	if len(raw.Body) == 0 {
		return Errorf(CodeInvalid, "", "invalid.command_no_body")
	}
	if err := strictDecode(raw.Body, body); err != nil {
		return err
	}
	*c = VCommand{ID: raw.ID, Virksomhed: raw.Sag, Actor: raw.Actor, At: raw.At, Body: body}
	return nil
}

// VResult is what a company command did. Foelger are the commands it
// produces on citizens' cases (a placement puts a tilbud in the plan):
// the caller runs each with Engine.Execute on that case, as the same
// actor, and they travel as ordinary case commands.
type VResult struct {
	Virksomhed *Virksomhed `json:"-"`
	RegelSet   string      `json:"regelsaet"`
	Changes    []Change    `json:"changes"`
	Effects    []Effect    `json:"effects,omitempty"`
	Warnings   []Warning   `json:"warnings,omitempty"`
	Foelger    []Command   `json:"foelger,omitempty"`
}

// HasEffect reports whether r contains an effect called name.
func (r *VResult) HasEffect(name string) bool {
	for _, e := range r.Effects {
		if e.Name == name {
			return true
		}
	}
	return false
}

// vexec is the working context of one company command.
type vexec struct {
	rules *Rules
	rs    *RuleSet
	cmd   VCommand
	today Date
	v     *Virksomhed
	sag   *Sag // the citizen's case, for commands about one (henvis, placer)
	res   *VResult
}

func (x *vexec) effect(name string, d Date, key string, kv ...string) {
	x.res.Effects = append(x.res.Effects, Effect{Name: name, Dato: d, Key: key, Params: params(kv)})
}

func (x *vexec) touch(field string) {
	for _, c := range x.res.Changes {
		if c.Field == field {
			return
		}
	}
	x.res.Changes = append(x.res.Changes, Change{Field: field, Policy: FieldPolicy(field)})
}

// soft is exec.soft for a company command (no citizen acts here).
func (x *vexec) soft(begrundelse string, e *Error) error {
	if begrundelse == "" {
		return e.WithHint(HintBegrundelse)
	}
	x.res.Warnings = append(x.res.Warnings, Warning{Rule: e.Rule, Key: e.Key, Params: e.Params, Hints: e.Hints, Begrundelse: begrundelse})
	return nil
}

// ExecuteVirksomhed validates c against the company v (nil for
// opret_virksomhed) and the rule set of c's date, and returns the result; v
// is not modified. sag is the citizen's case for a command about a citizen
// (henvis, placer: its id must be the body's sag), nil otherwise.
func (e *Engine) ExecuteVirksomhed(v *Virksomhed, c VCommand, sag *Sag) (*VResult, error) {
	if c.Body == nil {
		return nil, Errorf(CodeInvalid, "", "invalid.command_no_body")
	}
	if err := c.ID.Validate(); err != nil {
		return nil, AsError(err).WithField("id")
	}
	if err := c.Virksomhed.Validate(); err != nil {
		return nil, AsError(err).WithField("sag")
	}
	if c.At.IsZero() {
		return nil, Errorf(CodeInvalid, "", "invalid.command_no_time").WithField("at")
	}
	if !contains(c.Body.roles(), c.Actor.Rolle) {
		return nil, Errorf(CodeUnauthorized, "", "unauthorized.role", "rolle", c.Actor.Rolle, "handling", c.Body.Kind())
	}
	_, opret := c.Body.(*OpretVirksomhed)
	switch {
	case opret && v != nil:
		return nil, Errorf(CodeConflict, "", "conflict.id_already_used").WithField("sag")
	case !opret && v == nil:
		return nil, Errorf(CodeNotFound, "", "not_found.virksomhed")
	case v != nil && c.Virksomhed != v.ID:
		return nil, Errorf(CodeInvalid, "", "invalid.command_belongs_another").WithField("sag")
	}
	today := DateOf(c.At)
	rs, err := e.rules.ForDate(today)
	if err != nil {
		return nil, err
	}
	nv := &Virksomhed{ID: c.Virksomhed}
	if v != nil {
		nv = v.Clone()
	}
	x := &vexec{rules: e.rules, rs: rs, cmd: c, today: today, v: nv, sag: sag, res: &VResult{RegelSet: rs.Version}}
	if err := c.Body.applyV(x); err != nil {
		return nil, err
	}
	x.res.Virksomhed = x.v
	return x.res, nil
}

// Clone returns a deep copy of v.
func (v *Virksomhed) Clone() *Virksomhed {
	c := *v
	c.Versions = maps.Clone(v.Versions)
	c.Enheder = cloneSlice(v.Enheder)
	c.Kontakter = cloneSlice(v.Kontakter)
	c.KontaktLog = cloneSlice(v.KontaktLog)
	c.Jobordrer = cloneSlice(v.Jobordrer)
	for i := range c.Jobordrer {
		c.Jobordrer[i].Krav = cloneSlice(c.Jobordrer[i].Krav)
	}
	c.Pladser = cloneSlice(v.Pladser)
	c.Henvisninger = cloneSlice(v.Henvisninger)
	c.Placeringer = cloneSlice(v.Placeringer)
	return &c
}

// Enhed returns the production unit with P-number p, or nil.
func (v *Virksomhed) Enhed(p PNummer) *Produktionsenhed {
	for i := range v.Enheder {
		if v.Enheder[i].PNummer == p {
			return &v.Enheder[i]
		}
	}
	return nil
}

// FindPlads returns the index of the place with id, or -1.
func (v *Virksomhed) FindPlads(id ID) int {
	for i := range v.Pladser {
		if v.Pladser[i].ID == id {
			return i
		}
	}
	return -1
}

func findID[T any](list []T, id ID, get func(T) ID) int {
	for i := range list {
		if get(list[i]) == id {
			return i
		}
	}
	return -1
}

// Limits on company text from untrusted input (A).
const (
	maxVirksomhedText = 200
	maxKontaktNotat   = 4000
)

// --- Register data ---------------------------------------------------------

// OpretVirksomhed creates a company from its CVR data.
type OpretVirksomhed struct {
	CVR         string  `json:"cvr"`
	Navn        string  `json:"navn"`
	Adresse     Adresse `json:"adresse"`
	Branchekode string  `json:"branchekode,omitempty"`
	Sektor      string  `json:"sektor"`
}

func (*OpretVirksomhed) Kind() string    { return "opret_virksomhed" }
func (*OpretVirksomhed) roles() []string { return rolesStaff() }

func (b *OpretVirksomhed) applyV(x *vexec) error {
	cvr, err := ParseCVR(b.CVR)
	if err != nil {
		return err
	}
	d := OpdaterVirksomhed{Navn: b.Navn, Adresse: b.Adresse, Branchekode: b.Branchekode, Sektor: b.Sektor}
	if err := d.check(); err != nil {
		return err
	}
	x.v.CVR = cvr
	d.set(x.v)
	x.touch(FieldVirksomhed)
	x.effect("virksomhed_oprettet", x.today, "")
	return nil
}

// OpdaterVirksomhed corrects the register data (name, address, industry
// code, sector); last writer wins.
type OpdaterVirksomhed struct {
	Navn        string  `json:"navn"`
	Adresse     Adresse `json:"adresse"`
	Branchekode string  `json:"branchekode,omitempty"`
	Sektor      string  `json:"sektor"`
}

func (*OpdaterVirksomhed) Kind() string    { return "opdater_virksomhed" }
func (*OpdaterVirksomhed) roles() []string { return rolesStaff() }

func (b *OpdaterVirksomhed) check() error {
	if err := text("navn", b.Navn, maxVirksomhedText, true); err != nil {
		return err
	}
	if b.Sektor != SektorPrivat && b.Sektor != SektorOffentlig {
		return invalidf("sektor", "invalid.virksomhed.sektor", "kode", b.Sektor)
	}
	if b.Branchekode != "" && (len(b.Branchekode) != 6 || !allDigits(b.Branchekode)) {
		return invalidf("branchekode", "invalid.virksomhed.branchekode")
	}
	return checkAdresse(b.Adresse)
}

func (b *OpdaterVirksomhed) set(v *Virksomhed) {
	v.Navn, v.Adresse, v.Branchekode, v.Sektor = b.Navn, b.Adresse, b.Branchekode, b.Sektor
}

func (b *OpdaterVirksomhed) applyV(x *vexec) error {
	if err := b.check(); err != nil {
		return err
	}
	b.set(x.v)
	x.touch(FieldVirksomhed)
	return nil
}

func checkAdresse(a Adresse) error {
	if a.Postnr != "" && (len(a.Postnr) != 4 || !allDigits(a.Postnr)) {
		return invalidf("adresse.postnr", "invalid.postnr.postcode_four_digits")
	}
	for _, f := range []textField{{"adresse.vej", a.Vej}, {"adresse.by", a.By}} {
		if err := text(f.name, f.value, maxVirksomhedText, false); err != nil {
			return err
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// RegistrerEnhed adds or corrects a production unit. A P-number that fails
// the modulus-11 check is kept with the effect pnummer_kontrol: one series
// of real P-numbers fails it (DOMAIN B9 nr. 6) [S135].
type RegistrerEnhed struct {
	PNummer string  `json:"p_nummer"`
	Navn    string  `json:"navn"`
	Adresse Adresse `json:"adresse"`
}

func (*RegistrerEnhed) Kind() string    { return "registrer_enhed" }
func (*RegistrerEnhed) roles() []string { return rolesStaff() }

func (b *RegistrerEnhed) applyV(x *vexec) error {
	pnr, checkOK, err := ParsePNummer(b.PNummer)
	if err != nil {
		return err
	}
	if err := text("navn", b.Navn, maxVirksomhedText, false); err != nil {
		return err
	}
	if err := checkAdresse(b.Adresse); err != nil {
		return err
	}
	if !checkOK {
		x.effect("pnummer_kontrol", x.today, "")
	}
	if e := x.v.Enhed(pnr); e != nil {
		e.Navn, e.Adresse = b.Navn, b.Adresse
	} else {
		x.v.Enheder = append(x.v.Enheder, Produktionsenhed{PNummer: pnr, Navn: b.Navn, Adresse: b.Adresse})
	}
	x.touch("enhed/" + string(pnr))
	return nil
}

// OpdaterAnsatte records the number of ordinary employees in FTE: for a
// P-unit (PNummer set: the 4-month average, rimelighedskrav) or for the
// whole company (latest month and 12-month average, merbeskæftigelse).
// The count is protected: two consultants' different counts are a
// conflict for a person.
type OpdaterAnsatte struct {
	PNummer       PNummer `json:"p_nummer,omitempty"`
	Ansatte       float64 `json:"ansatte,omitempty"`
	SenesteMaaned float64 `json:"seneste_maaned,omitempty"`
	Gns12Mdr      float64 `json:"gns_12mdr,omitempty"`
	Dato          Date    `json:"dato,omitzero"`
}

func (*OpdaterAnsatte) Kind() string    { return "opdater_ansatte" }
func (*OpdaterAnsatte) roles() []string { return rolesStaff() }

// maxAnsatte bounds an FTE count from untrusted input (A).
const maxAnsatte = 1_000_000

func (b *OpdaterAnsatte) applyV(x *vexec) error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"ansatte", b.Ansatte}, {"seneste_maaned", b.SenesteMaaned}, {"gns_12mdr", b.Gns12Mdr}} {
		if f.v < 0 || f.v > maxAnsatte || f.v != f.v {
			return invalidf(f.name, "invalid.virksomhed.ansatte")
		}
	}
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if dato.After(x.today) {
		return invalidf("dato", "invalid.virksomhed.dato_fremtid")
	}
	if b.PNummer != "" {
		e := x.v.Enhed(b.PNummer)
		if e == nil {
			return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
		}
		e.Ansatte, e.Opgjort = b.Ansatte, dato
		x.touch("enhed/" + string(b.PNummer) + "/ansatte")
		return nil
	}
	x.v.Ansatte = Ansatte{SenesteMaaned: b.SenesteMaaned, Gns12Mdr: b.Gns12Mdr, Opgjort: dato}
	x.touch(FieldVirksomhedAnsatte)
	return nil
}

// --- Contacts and the contact log ------------------------------------------

// TilfoejKontaktperson adds a contact person. Contacts merge (append).
type TilfoejKontaktperson struct {
	KontaktpersonID ID       `json:"kontaktperson_id"`
	Navn            string   `json:"navn"`
	Rolle           string   `json:"rolle"`
	Telefon         string   `json:"telefon,omitempty"`
	Email           string   `json:"email,omitempty"`
	PNummer         PNummer  `json:"p_nummer,omitempty"`
	Samtykke        Samtykke `json:"samtykke,omitzero"`
}

func (*TilfoejKontaktperson) Kind() string    { return "tilfoej_kontaktperson" }
func (*TilfoejKontaktperson) roles() []string { return rolesStaff() }

func (b *TilfoejKontaktperson) applyV(x *vexec) error {
	i := findID(x.v.Kontakter, b.KontaktpersonID, func(k Kontaktperson) ID { return k.ID })
	if err := newID("kontaktperson_id", b.KontaktpersonID, i >= 0); err != nil {
		return err
	}
	if err := text("navn", b.Navn, maxVirksomhedText, true); err != nil {
		return err
	}
	if !contains(kontaktRoller(), b.Rolle) {
		return invalidf("rolle", "invalid.virksomhed.rolle", "kode", b.Rolle)
	}
	for _, f := range []textField{{"telefon", b.Telefon}, {"email", b.Email}, {"samtykke.omfang", b.Samtykke.Omfang}} {
		if err := text(f.name, f.value, maxVirksomhedText, false); err != nil {
			return err
		}
	}
	if b.PNummer != "" && x.v.Enhed(b.PNummer) == nil {
		return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
	}
	x.v.Kontakter = append(x.v.Kontakter, Kontaktperson{ID: b.KontaktpersonID, Navn: b.Navn, Rolle: b.Rolle,
		Telefon: b.Telefon, Email: b.Email, PNummer: b.PNummer, Samtykke: b.Samtykke})
	x.touch("kontaktperson/" + string(b.KontaktpersonID))
	return nil
}

// RegistrerVirksomhedskontakt adds an entry to the contact log (a visit, a
// call). Entries merge (append); a follow-up date gives the effect
// opfoelgning.
type RegistrerVirksomhedskontakt struct {
	KontaktID   ID      `json:"kontakt_id"`
	Dato        Date    `json:"dato,omitzero"`
	Form        string  `json:"form"`
	PNummer     PNummer `json:"p_nummer,omitempty"`
	Formaal     string  `json:"formaal"`
	Ordning     string  `json:"ordning,omitempty"`
	Udfald      string  `json:"udfald,omitempty"`
	Opfoelgning Date    `json:"opfoelgning,omitzero"`
}

func (*RegistrerVirksomhedskontakt) Kind() string    { return "registrer_virksomhedskontakt" }
func (*RegistrerVirksomhedskontakt) roles() []string { return rolesStaff() }

func (b *RegistrerVirksomhedskontakt) applyV(x *vexec) error {
	i := findID(x.v.KontaktLog, b.KontaktID, func(k Virksomhedskontakt) ID { return k.ID })
	if err := newID("kontakt_id", b.KontaktID, i >= 0); err != nil {
		return err
	}
	dato := b.Dato
	if dato.IsZero() {
		dato = x.today
	}
	if dato.After(x.today) {
		return invalidf("dato", "invalid.virksomhed.dato_fremtid")
	}
	if !contains([]string{"besoeg", "telefon", "video", "mail"}, b.Form) {
		return invalidf("form", "invalid.virksomhed.form", "kode", b.Form)
	}
	if b.Ordning != "" && !contains(ordninger(), b.Ordning) {
		return invalidf("ordning", "invalid.virksomhed.ordning", "kode", b.Ordning)
	}
	if err := text("formaal", b.Formaal, maxVirksomhedText, true); err != nil {
		return err
	}
	if err := text("udfald", b.Udfald, maxKontaktNotat, false); err != nil {
		return err
	}
	if !b.Opfoelgning.IsZero() && b.Opfoelgning.Before(dato) {
		return RuleError("1003", "rule.1003").WithField("opfoelgning")
	}
	if b.PNummer != "" && x.v.Enhed(b.PNummer) == nil {
		return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
	}
	x.v.KontaktLog = append(x.v.KontaktLog, Virksomhedskontakt{ID: b.KontaktID, Dato: dato, Hvem: x.cmd.Actor.ID,
		Form: b.Form, PNummer: b.PNummer, Formaal: b.Formaal, Ordning: b.Ordning, Udfald: b.Udfald, Opfoelgning: b.Opfoelgning})
	x.touch("virksomhedskontakt/" + string(b.KontaktID))
	if !b.Opfoelgning.IsZero() {
		x.effect("opfoelgning", b.Opfoelgning, "")
	}
	return nil
}

// --- Job openings and places -------------------------------------------------

// GemJobordre creates or updates a job opening (last writer wins).
type GemJobordre struct {
	JobordreID ID       `json:"jobordre_id"`
	Titel      string   `json:"titel"`
	Disco      string   `json:"disco"`
	Timer      int      `json:"timer"`
	Antal      int      `json:"antal"`
	Periode    Period   `json:"periode"`
	Krav       []string `json:"krav,omitempty"`
	Status     string   `json:"status"`
	PNummer    PNummer  `json:"p_nummer,omitempty"`
}

func (*GemJobordre) Kind() string    { return "gem_jobordre" }
func (*GemJobordre) roles() []string { return rolesStaff() }

func (b *GemJobordre) applyV(x *vexec) error {
	if err := b.JobordreID.Validate(); err != nil {
		return AsError(err).WithField("jobordre_id")
	}
	if err := text("titel", b.Titel, maxVirksomhedText, true); err != nil {
		return err
	}
	if len(b.Disco) < 4 || len(b.Disco) > 6 || !allDigits(b.Disco) {
		return invalidf("disco", "invalid.virksomhed.disco")
	}
	if b.Timer < 1 || b.Timer > 60 {
		return invalidf("timer", "invalid.virksomhed.timer")
	}
	if b.Antal < 1 || b.Antal > 999 {
		return invalidf("antal", "invalid.virksomhed.antal")
	}
	if err := checkPeriode(b.Periode); err != nil {
		return err
	}
	if len(b.Krav) > maxPlanItems {
		return invalidf("krav", "invalid.plan.activities", "max", itoa(maxPlanItems))
	}
	for _, k := range b.Krav {
		if err := text("krav", k, maxVirksomhedText, true); err != nil {
			return err
		}
	}
	if !contains(jobordreStatus(), b.Status) {
		return invalidf("status", "invalid.virksomhed.status", "kode", b.Status)
	}
	if b.PNummer != "" && x.v.Enhed(b.PNummer) == nil {
		return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
	}
	j := Jobordre{ID: b.JobordreID, Titel: b.Titel, Disco: b.Disco, Timer: b.Timer, Antal: b.Antal, Periode: b.Periode,
		Krav: cloneSlice(b.Krav), Status: b.Status, PNummer: b.PNummer, Oprettet: x.today}
	if i := findID(x.v.Jobordrer, b.JobordreID, func(j Jobordre) ID { return j.ID }); i >= 0 {
		j.Oprettet = x.v.Jobordrer[i].Oprettet
		x.v.Jobordrer[i] = j
	} else {
		x.v.Jobordrer = append(x.v.Jobordrer, j)
		x.effect("jobordre_oprettet", x.today, "")
	}
	x.touch("jobordre/" + string(b.JobordreID))
	return nil
}

func checkPeriode(p Period) error {
	if p.Start.IsZero() {
		return invalidf("periode.start", "invalid.virksomhed.periode_start")
	}
	if !p.Slut.IsZero() && p.Slut.Before(p.Start) {
		return RuleError("1003", "rule.1003").WithField("periode.slut")
	}
	return nil
}

// GemPlads creates or updates a place for supported employment at a
// P-unit (last writer wins).
type GemPlads struct {
	PladsID ID      `json:"plads_id"`
	Ordning string  `json:"ordning"`
	PNummer PNummer `json:"p_nummer"`
	Titel   string  `json:"titel"`
	Antal   int     `json:"antal"`
	Timer   int     `json:"timer"`
	Periode Period  `json:"periode"`
}

func (*GemPlads) Kind() string    { return "gem_plads" }
func (*GemPlads) roles() []string { return rolesStaff() }

func (b *GemPlads) applyV(x *vexec) error {
	if err := b.PladsID.Validate(); err != nil {
		return AsError(err).WithField("plads_id")
	}
	if !contains(ordninger(), b.Ordning) {
		return invalidf("ordning", "invalid.virksomhed.ordning", "kode", b.Ordning)
	}
	if x.v.Enhed(b.PNummer) == nil {
		return Errorf(CodeNotFound, "", "not_found.enhed").WithField("p_nummer")
	}
	if err := text("titel", b.Titel, maxVirksomhedText, true); err != nil {
		return err
	}
	if b.Antal < 1 || b.Antal > 999 {
		return invalidf("antal", "invalid.virksomhed.antal")
	}
	if b.Timer < 1 || b.Timer > 60 {
		return invalidf("timer", "invalid.virksomhed.timer")
	}
	if err := checkPeriode(b.Periode); err != nil {
		return err
	}
	p := Plads{ID: b.PladsID, Ordning: b.Ordning, PNummer: b.PNummer, Titel: b.Titel, Antal: b.Antal, Timer: b.Timer, Periode: b.Periode}
	if i := x.v.FindPlads(b.PladsID); i >= 0 {
		x.v.Pladser[i] = p
	} else {
		x.v.Pladser = append(x.v.Pladser, p)
	}
	x.touch("plads/" + string(b.PladsID))
	return nil
}
