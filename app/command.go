package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
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

// bodyTypes returns a nil pointer of every Body type, one per command
// kind: enough to call Kind, which reads no field, and to make a zero body
// by reflection. It is the closed list of commands; a new Body type is
// added here.
func bodyTypes() []Body {
	return []Body{
		(*RegistrerCV)(nil),
		(*RegistrerFravaer)(nil),
		(*AfslutFravaer)(nil),
		(*SletFravaer)(nil),
		(*SaetKontaktgruppe)(nil),
		(*AfslutKontaktgruppe)(nil),
		(*TilfoejNotat)(nil),
		(*OpdaterBorger)(nil),
		(*OpdaterYdelse)(nil),
		(*MarkerUndtaget)(nil),
		(*GemPlan)(nil),
		(*OffentliggoerPlan)(nil),
		(*BookSamtale)(nil),
		(*RegistrerSamtaleAfholdt)(nil),
		(*RegistrerUdeblivelse)(nil),
		(*RegistrerVejledning)(nil),
		(*ForeslaaSanktion)(nil),
		(*Tilmeld)(nil),
		(*Afmeld)(nil),
		(*RegistrerHaendelse)(nil),
		(*ManglendeTjob)(nil),
		(*ManglendeSelvbooking)(nil),
		(*Visiter)(nil),
	}
}

// Kinds returns every command kind, for documentation and tests.
func Kinds() []string { return kindsOf(bodyTypes()) }

// NewBody returns a zero body of kind, or an invalid error for an unknown kind.
func NewBody(kind string) (Body, error) { return newOf(bodyTypes(), kind) }

// kindsOf returns the kinds of a registry of command bodies (the case's
// or the company's), in its order.
func kindsOf[T interface{ Kind() string }](types []T) []string {
	out := make([]string, len(types))
	for i, b := range types {
		out[i] = b.Kind()
	}
	return out
}

// newOf returns a zero body of kind from a registry of typed nil
// pointers, or an invalid error for a kind it does not hold.
func newOf[T interface{ Kind() string }](types []T, kind string) (T, error) {
	for _, b := range types {
		if b.Kind() == kind {
			return reflect.New(reflect.TypeOf(b).Elem()).Interface().(T), nil
		}
	}
	var zero T
	return zero, Errorf(CodeInvalid, "", "invalid.command_kind", "handling", kind)
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
		return nil, Errorf(CodeInvalid, "", "invalid.command_no_body")
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
		vb, verr := NewVBody(raw.Kind) // a company's command travels as a Command too
		if verr != nil {
			return err
		}
		body = companyBody{vb}
	}
	if len(raw.Body) == 0 {
		return Errorf(CodeInvalid, "", "invalid.command_no_body")
	}
	target := any(body)
	if cb, ok := body.(companyBody); ok {
		target = cb.VBody
	}
	if err := strictDecode(raw.Body, target); err != nil {
		return err
	}
	*c = Command{ID: raw.ID, Sag: raw.Sag, Actor: raw.Actor, At: raw.At, Body: body}
	return nil
}

// companyBody lets a company's command travel, queue and be remembered as
// a Command (the outbox, the wire, the server's applied ids are generic):
// Command.Sag then holds the company's id. Engine.Execute refuses it; the
// company's engine is ExecuteVirksomhed (Command.Virksomhed converts).
type companyBody struct{ VBody }

func (b companyBody) apply(*exec) error {
	return Errorf(CodeInvalid, "", "invalid.command_kind", "handling", b.Kind())
}

// MarshalJSON writes the company body itself.
func (b companyBody) MarshalJSON() ([]byte, error) { return json.Marshal(b.VBody) }

// RecordKind is the kind of record the command applies to: RecordSag, or
// RecordVirksomhed for a company's command. The command's kind decides
// it; the two sets of kinds are disjoint.
func (c Command) RecordKind() string {
	if _, ok := c.Body.(companyBody); ok {
		return RecordVirksomhed
	}
	return RecordSag
}

// Virksomhed returns the company command c carries, and false when c is
// a case's command.
func (c Command) Virksomhed() (VCommand, bool) {
	cb, ok := c.Body.(companyBody)
	if !ok {
		return VCommand{}, false
	}
	return VCommand{ID: c.ID, Virksomhed: c.Sag, Actor: c.Actor, At: c.At, Body: cb.VBody}, true
}

// Command returns c as a Command, the form in which it is queued, pushed
// and remembered: Sag holds the company's id.
func (c VCommand) Command() Command {
	var body Body
	if c.Body != nil {
		body = companyBody{c.Body}
	}
	return Command{ID: c.ID, Sag: c.Virksomhed, Actor: c.Actor, At: c.At, Body: body}
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
		return Errorf(CodeInvalid, "", "invalid.command_trailing_data")
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
			return invalidf(te.Field, "invalid.field_date", "felt", te.Field).Wrap(err)
		}
		return invalidf(te.Field, "invalid.field_type", "felt", te.Field).Wrap(err)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return Errorf(CodeInvalid, "", "invalid.command_json", "tegn", strconv.FormatInt(se.Offset, 10)).Wrap(err)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return invalidf(strings.Trim(f, "\""), "invalid.command_field", "felt", strings.Trim(f, "\"")).Wrap(err)
	}
	return Errorf(CodeInvalid, "", "invalid.command_could_read").Wrap(err)
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

// Warning is a soft rule the caseworker overrode with a reason. Key,
// Params and Hints name its text in the catalogue, as in Error.
type Warning struct {
	Rule        string            `json:"rule"`
	Key         string            `json:"key"`
	Params      map[string]string `json:"params,omitempty"`
	Hints       []string          `json:"hints,omitempty"`
	Begrundelse string            `json:"begrundelse"`
}

// MessageKey returns the catalogue key (for package text).
func (w Warning) MessageKey() string { return w.Key }

// MessageParams returns the parameters (for package text).
func (w Warning) MessageParams() map[string]string { return w.Params }

// MessageHints returns the follow-up keys (for package text).
func (w Warning) MessageHints() []string { return w.Hints }

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
		return nil, RuleError("4405", "rule.4405")
	}
	x := &exec{rules: e.rules, rs: rs, cmd: c, today: today, old: s, s: s.Clone(), res: &Result{RegelSet: rs.Version}}
	if x.s.Tilmelding.Materialise(today) {
		x.touch(FieldTilmelding)
	}
	if err := c.Body.apply(x); err != nil {
		return nil, err
	}
	x.flytFrister()
	x.res.Sag = x.s
	return x.res, nil
}

func checkEnvelope(s *Sag, c Command) error {
	if c.Body == nil {
		return Errorf(CodeInvalid, "", "invalid.command_no_body")
	}
	if err := c.ID.Validate(); err != nil {
		return AsError(err).WithField("id")
	}
	if c.Sag != s.ID {
		return Errorf(CodeInvalid, "", "invalid.command_belongs_another").WithField("sag")
	}
	if c.At.IsZero() {
		return Errorf(CodeInvalid, "", "invalid.command_no_time").WithField("at")
	}
	if !contains(c.Body.roles(), c.Actor.Rolle) {
		if c.Actor.Rolle == RolleBorger {
			return Errorf(CodeUnauthorized, "", "unauthorized.you_do_yourself")
		}
		return Errorf(CodeUnauthorized, "", "unauthorized.role", "rolle", c.Actor.Rolle, "handling", c.Body.Kind())
	}
	return nil
}

// rolesAll, rolesStaff, rolesCaseworker and rolesSystem return the roles
// that may issue a command kind (Body.roles), fresh on every call.
func rolesAll() []string        { return []string{RolleBorger, RolleSagsbehandler, RolleSystem} }
func rolesStaff() []string      { return []string{RolleSagsbehandler, RolleSystem} }
func rolesCaseworker() []string { return []string{RolleSagsbehandler} }
func rolesSystem() []string     { return []string{RolleSystem} }

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

// effect records a derived effect; key ("" for none) and kv, given as
// name, value pairs, are its detail in the catalogue of texts.
func (x *exec) effect(name string, d Date, key string, kv ...string) {
	x.res.Effects = append(x.res.Effects, Effect{Name: name, Dato: d, Key: key, Params: params(kv)})
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

// kl returns the command's time of day in Copenhagen, "HH:MM": events on
// one day are ordered by it (a sygemelding after a missed meeting cannot
// cancel it, DOMAIN §4.2 [S44]).
func (x *exec) kl() string { return x.cmd.At.In(Copenhagen()).Format("15:04") }

// foer reports whether the instant (d1, kl1) is before (d2, kl2); times
// are "HH:MM" and an unknown time ("") compares by the date alone, so
// two events on one day without times are not ordered (false).
func foer(d1 Date, kl1 string, d2 Date, kl2 string) bool {
	if d1 != d2 {
		return d1.Before(d2)
	}
	a, oka := minutter(kl1)
	b, okb := minutter(kl2)
	return oka && okb && a < b
}

// soft applies a rule that a caseworker may override with a reason
// (DOMAIN A6.2): without a reason it refuses with the rule's code and says
// how to proceed; a citizen can never override.
func (x *exec) soft(begrundelse string, e *Error) error {
	if x.borger() {
		return e.WithHint(HintKontaktJobcentret)
	}
	if begrundelse == "" {
		return e.WithHint(HintBegrundelse)
	}
	x.res.Warnings = append(x.res.Warnings, Warning{Rule: e.Rule, Key: e.Key, Params: e.Params, Hints: e.Hints, Begrundelse: begrundelse})
	return nil
}

// Hints a soft rule adds to its refusal (Error.Hints).
const (
	HintKontaktJobcentret = "hint.contact_jobcentre"
	HintBegrundelse       = "hint.give_reason"
)

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
		return RuleError(rule, "rule.no_kg")
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
		return invalidf(field, "invalid.text.required", "felt", field)
	}
	if !utf8.ValidString(v) {
		return invalidf(field, "invalid.text.encoding", "felt", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return invalidf(field, "invalid.text.too_long", "felt", field, "antal", itoa(n), "max", itoa(max))
	}
	for _, r := range v {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return invalidf(field, "invalid.text.control", "felt", field)
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
		return Errorf(CodeConflict, "", "conflict.id_already_used").WithField(field)
	}
	return nil
}
