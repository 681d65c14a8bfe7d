package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// Actor roles. Identity comes from the session, never from the command
// body; the sync layer fills Actor in from the authenticated session.
const (
	RolleBorger        = "borger"        // citizen self-service (Jobnet)
	RolleSagsbehandler = "sagsbehandler" // caseworker
	RolleSystem        = "system"        // DFDG, a-kasse and batch events
)

// Actor is who issued a command.
type Actor struct {
	Rolle string `json:"rolle"`
	ID    ID     `json:"id,omitempty"`
}

// Command is one intent against one case: a plain, serialisable value that
// the client runs optimistically and the server runs again, authoritatively
// (DESIGN §3). Same state + same command + same rules = same result.
type Command struct {
	ID    ID        `json:"id"`  // minted at edit time; the exactly-once key
	Sag   ID        `json:"sag"` // the case it applies to
	Actor Actor     `json:"actor"`
	At    time.Time `json:"at"` // device event time; "today" is its Copenhagen date
	Body  Body      `json:"-"`
}

// Body is the kind-specific part of a command. The set is closed: only
// this package's types implement it.
type Body interface {
	Kind() string
	roles() []string
	apply(x *exec) error
}

// bodies maps a kind to a constructor of its zero body; used to decode.
var bodies = map[string]func() Body{}

func register(fns ...func() Body) {
	for _, fn := range fns {
		bodies[fn().Kind()] = fn
	}
}

// Kinds returns every command kind, for documentation and tests.
func Kinds() []string {
	out := make([]string, 0, len(bodies))
	for k := range bodies {
		out = append(out, k)
	}
	return out
}

// NewBody returns a zero body of kind, or an invalid error for an unknown kind.
func NewBody(kind string) (Body, error) {
	fn, ok := bodies[kind]
	if !ok {
		return nil, Errorf(CodeInvalid, "", fmt.Sprintf("Ukendt handling %q.", kind), fmt.Sprintf("Unknown command kind %q.", kind))
	}
	return fn(), nil
}

type commandJSON struct {
	ID    ID              `json:"id"`
	Sag   ID              `json:"sag"`
	Actor Actor           `json:"actor"`
	At    time.Time       `json:"at"`
	Kind  string          `json:"kind"`
	Body  json.RawMessage `json:"body"`
}

// MarshalJSON writes the command with its kind and body.
func (c Command) MarshalJSON() ([]byte, error) {
	if c.Body == nil {
		return nil, Errorf(CodeInvalid, "", "Handlingen mangler indhold.", "The command has no body.")
	}
	body, err := json.Marshal(c.Body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(commandJSON{ID: c.ID, Sag: c.Sag, Actor: c.Actor, At: c.At, Kind: c.Body.Kind(), Body: body})
}

// UnmarshalJSON decodes a command strictly: unknown kinds and unknown
// fields are refused, so a forged or garbled command never half-applies.
func (c *Command) UnmarshalJSON(b []byte) error {
	var raw commandJSON
	if err := strictDecode(b, &raw); err != nil {
		return err
	}
	body, err := NewBody(raw.Kind)
	if err != nil {
		return err
	}
	if len(raw.Body) == 0 {
		return Errorf(CodeInvalid, "", "Handlingen mangler indhold.", "The command has no body.")
	}
	if err := strictDecode(raw.Body, body); err != nil {
		return err
	}
	*c = Command{ID: raw.ID, Sag: raw.Sag, Actor: raw.Actor, At: raw.At, Body: body}
	return nil
}

// DecodeStrict decodes JSON into v the way commands are decoded: unknown
// fields and trailing data are refused, and a failure is an invalid *Error
// in Danish and English that names the field. The scenario language uses
// it to read facts and handlings written as key=value.
func DecodeStrict(b []byte, v any) error { return strictDecode(b, v) }

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return Errorf(CodeInvalid, "", "Handlingen indeholder data efter slutningen.", "The command has trailing data.")
	}
	return nil
}

// decodeError turns a JSON decoding failure into a Danish error that names
// the field, without Go's type names.
func decodeError(err error) *Error {
	var e *Error
	if asErr(err, &e) {
		return e
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Type == reflect.TypeFor[Date]() {
			return invalidf(te.Field, "Feltet %q skal være en dato. Skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-03-16.",
				"The field %q must be a date. Write it as YYYY-MM-DD, e.g. 2026-03-16.", te.Field).Wrap(err)
		}
		return invalidf(te.Field, "Feltet %q har en forkert type eller en værdi uden for det tilladte område.",
			"The field %q has the wrong type or a value out of range.", te.Field).Wrap(err)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Errorf(CodeInvalid, "", fmt.Sprintf("Handlingen er ikke gyldig JSON (fejl ved tegn %d).", se.Offset),
			fmt.Sprintf("The command is not valid JSON (error at character %d).", se.Offset)).Wrap(err)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return invalidf(strings.Trim(f, "\""), "Ukendt felt %s i handlingen.", "Unknown field %s in the command.", f).Wrap(err)
	}
	return Errorf(CodeInvalid, "", "Handlingen kunne ikke læses. Kontrollér, at alle felter er udfyldt korrekt.",
		"The command could not be read. Check that every field is filled in correctly.").Wrap(err)
}

// Result is what a command did: the new state, the fields it changed, the
// derived effects it had and any warnings a caseworker overrode.
type Result struct {
	Sag      *Sag      `json:"-"`
	RegelSet string    `json:"regelsaet"` // rule-set version that approved it
	Changes  []Change  `json:"changes"`
	Effects  []Effect  `json:"effects,omitempty"`
	Warnings []Warning `json:"warnings,omitempty"`
}

// Change names a field of the case a command changed, with its conflict
// policy for sync (DESIGN §5.4).
type Change struct {
	Field  string `json:"field"`
	Policy string `json:"policy"`
}

// Effect is a named consequence of a command, e.g. "afmeldt" after a
// sygemelding or "gentilmeldt" after a raskmelding.
type Effect struct {
	Name   string `json:"name"`
	Dato   Date   `json:"dato,omitzero"`
	Detalj string `json:"detalje,omitempty"`
}

// Warning is a soft rule the caseworker overrode with a reason.
type Warning struct {
	Rule        string `json:"rule"`
	Message     string `json:"message"`
	Begrundelse string `json:"begrundelse"`
}

// HasEffect reports whether r contains an effect called name.
func (r *Result) HasEffect(name string) bool {
	for _, e := range r.Effects {
		if e.Name == name {
			return true
		}
	}
	return false
}

// Engine executes commands against cases under the loaded rules.
type Engine struct {
	rules *Rules
}

// NewEngine returns an engine for the rules.
func NewEngine(r *Rules) *Engine { return &Engine{rules: r} }

// Rules returns the engine's rules.
func (e *Engine) Rules() *Rules { return e.rules }

// Execute validates c against s and the rule set in force on c's date and
// returns the result. s is not modified. Errors: invalid (malformed
// command), unauthorized (role may not issue it), not_found (unknown
// record or no rules for the date), rule:<id> (a domain rule refuses it).
func (e *Engine) Execute(s *Sag, c Command) (*Result, error) {
	if err := checkEnvelope(s, c); err != nil {
		return nil, err
	}
	today := DateOf(c.At)
	rs, err := e.rules.ForDate(today)
	if err != nil {
		return nil, err
	}
	if !s.Borger.Doed.IsZero() && !today.Before(s.Borger.Doed) {
		return nil, RuleError("4405", "Borgeren er død. Der kan ikke registreres mere på sagen.", "The citizen has died. Nothing more can be registered on the case.")
	}
	x := &exec{rules: e.rules, rs: rs, cmd: c, today: today, old: s, s: s.Clone(), res: &Result{RegelSet: rs.Version}}
	if x.s.Tilmelding.Materialise(today) {
		x.touch("tilmelding")
	}
	if err := c.Body.apply(x); err != nil {
		return nil, err
	}
	x.res.Sag = x.s
	return x.res, nil
}

func checkEnvelope(s *Sag, c Command) error {
	if c.Body == nil {
		return Errorf(CodeInvalid, "", "Handlingen mangler indhold.", "The command has no body.")
	}
	if err := c.ID.Validate(); err != nil {
		return AsError(err).WithField("id")
	}
	if c.Sag != s.ID {
		return Errorf(CodeInvalid, "", "Handlingen hører til en anden sag.", "The command belongs to another case.").WithField("sag")
	}
	if c.At.IsZero() {
		return Errorf(CodeInvalid, "", "Handlingen mangler tidspunkt.", "The command has no time.").WithField("at")
	}
	if !contains(c.Body.roles(), c.Actor.Rolle) {
		if c.Actor.Rolle == RolleBorger {
			return Errorf(CodeUnauthorized, "", "Det kan du ikke gøre selv. Kontakt jobcentret.", "You cannot do this yourself. Contact the jobcentre.")
		}
		return Errorf(CodeUnauthorized, "",
			fmt.Sprintf("Rollen %q må ikke udføre %q.", c.Actor.Rolle, c.Body.Kind()),
			fmt.Sprintf("Role %q may not perform %q.", c.Actor.Rolle, c.Body.Kind()))
	}
	return nil
}

var (
	rolesAll        = []string{RolleBorger, RolleSagsbehandler, RolleSystem}
	rolesStaff      = []string{RolleSagsbehandler, RolleSystem}
	rolesCaseworker = []string{RolleSagsbehandler}
	rolesSystem     = []string{RolleSystem}
)

// exec is the working context of one command.
type exec struct {
	rules *Rules
	rs    *RuleSet
	cmd   Command
	today Date
	old   *Sag
	s     *Sag
	res   *Result
}

func (x *exec) effect(name string, d Date, detail string) {
	x.res.Effects = append(x.res.Effects, Effect{Name: name, Dato: d, Detalj: detail})
}

func (x *exec) touch(field string) {
	for _, c := range x.res.Changes {
		if c.Field == field {
			return
		}
	}
	x.res.Changes = append(x.res.Changes, Change{Field: field, Policy: FieldPolicy(field)})
}

func (x *exec) borger() bool { return x.cmd.Actor.Rolle == RolleBorger }

// soft applies a rule that a caseworker may override with a reason
// (DOMAIN A6.2): without a reason it refuses with the rule's code and says
// how to proceed; a citizen can never override.
func (x *exec) soft(begrundelse, rule, da, en string) error {
	if x.borger() {
		return RuleError(rule, da+" Kontakt jobcentret.", en+" Contact the jobcentre.")
	}
	if begrundelse == "" {
		return RuleError(rule, da+" Angiv en begrundelse for at registrere alligevel.", en+" Give a reason to register it anyway.")
	}
	x.res.Warnings = append(x.res.Warnings, Warning{Rule: rule, Message: da, Begrundelse: begrundelse})
	return nil
}

// kg returns the definition of the open kontaktgruppe, or nil.
func (x *exec) kg() *KGDef {
	if x.s.Kontaktgruppe == nil {
		return nil
	}
	return x.rs.KG[x.s.Kontaktgruppe.KG]
}

// gruppe returns the open kontaktgruppe's group, or "".
func (x *exec) gruppe() string {
	if d := x.kg(); d != nil {
		return d.Gruppe
	}
	return ""
}

// requireKG refuses a write when the citizen has no active kontaktgruppe
// (4686 for sygemelding [S4], 8060 for plans [S10]).
func (x *exec) requireKG(rule string) error {
	if x.kg() == nil {
		return RuleError(rule, "Borgeren har ingen aktiv kontaktgruppe. Opret kontaktgruppen først.",
			"The citizen has no active contact group. Create the contact group first.")
	}
	return nil
}

// kategoriID returns the DFDG person-category id of the current visitation,
// 0 for none (null).
func (x *exec) kategoriID() int {
	if d, ok := x.rs.Kategorier[x.s.Visitation.Kategori]; ok {
		return d.DFDG
	}
	return 0
}

func (x *exec) age() int { return x.s.Borger.CPR.Age(x.today) }

// ageKnown reports whether the citizen's age can be read from the CPR
// (not the unknown CPR 0000000000, not missing).
func (x *exec) ageKnown() bool {
	c := x.s.Borger.CPR
	return !c.Ukendt() && !c.IsZero() && x.age() >= 0
}

// text validates a free-text field: valid UTF-8, no control characters
// except newline and tab, at most max characters.
func text(field, v string, max int, required bool) error {
	if required && v == "" {
		return invalidf(field, "Feltet %s skal udfyldes.", "The field %s is required.", field)
	}
	if !utf8.ValidString(v) {
		return invalidf(field, "Feltet %s indeholder ugyldige tegn.", "The field %s contains invalid characters.", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalidf(field, "Feltet %s er for langt (%d tegn; højst %d).", "The field %s is too long (%d characters; at most %d).", field, n, max)
	}
	for _, r := range v {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return invalidf(field, "Feltet %s indeholder kontroltegn.", "The field %s contains control characters.", field)
		}
	}
	return nil
}

// newID checks a client-minted record id: valid form and not already used.
func newID(field string, id ID, exists bool) error {
	if err := id.Validate(); err != nil {
		return AsError(err).WithField(field)
	}
	if exists {
		return Errorf(CodeConflict, "", "Id'et er allerede brugt på sagen.", "The id is already used on the case.").WithField(field)
	}
	return nil
}

// Field conflict policies (DESIGN §5.4).
const (
	PolicyLWW       = "lww"       // free text: last writer wins, the loser goes to audit
	PolicyAppend    = "append"    // notes, journal: set union
	PolicyProtected = "protected" // a concurrent change becomes a conflict for a person
)

// FieldPolicy returns the conflict policy of a field path such as
// "tilmelding", "fravaer/<id>" or "notat/<id>".
func FieldPolicy(field string) string {
	prefix := field
	for i := 0; i < len(field); i++ {
		if field[i] == '/' || field[i] == '.' {
			prefix = field[:i]
			break
		}
	}
	switch prefix {
	case "notat", "vejledning":
		return PolicyAppend
	case "borger", "plan", "samtale":
		return PolicyLWW
	default: // kontaktgruppe, tilmelding, visitation, fravaer, sanktion, ydelse, tjob: rights and deadlines
		return PolicyProtected
	}
}
