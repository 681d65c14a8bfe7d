package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
)

// Result is the outcome of one scenario.
type Result struct {
	Scenario *Scenario
	Failures []string      // empty when the scenario passed
	Refusals []*app.Error  // every refusal the handlings met, for rendering checks
	Warnings []app.Warning // every warning a caseworker overrode
	Changes  []app.Change  // every field the accepted handlings changed, in order
	Effects  []app.Effect  // every effect of the approved handlings
	Sag      *app.Sag      // the case after the last handling
}

// Passed reports whether every expectation held.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

const scenarioSag = app.ID("scenarie")

// Run builds the case from the facts, runs every handling through the
// engine and checks the expectations. It never panics on bad input: a
// malformed fact or handling is reported as a failure with its line.
func Run(e *app.Engine, s *Scenario) (res Result) {
	res.Scenario = s
	defer func() {
		if p := recover(); p != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("intern fejl: %v", p))
		}
	}()
	sag, err := buildSag(s)
	if err != nil {
		res.Failures = append(res.Failures, err.Error())
		return res
	}
	virk, err := buildVirksomhed(s)
	if err != nil {
		res.Failures = append(res.Failures, err.Error())
		return res
	}
	fail := func(l Line, format string, args ...any) {
		res.Failures = append(res.Failures, fmt.Sprintf("linje %d: ", l.Line)+fmt.Sprintf(format, args...))
	}
	for _, c := range s.Checks {
		check(e, c, sag, nil, nil, s.IDag, fail)
	}
	for i, st := range s.Steps {
		b, day, err := buildCommand(s, st.Handling, i)
		var refused *refusedInput
		switch {
		case errors.As(err, &refused):
			// The command's values are refused by the decoder, as they would
			// be on the wire: the expectations see a rejected command.
			res.Refusals = append(res.Refusals, refused.err)
			for _, c := range st.Checks {
				check(e, c, sag, nil, refused.err, day, fail)
			}
			continue
		case err != nil:
			fail(st.Handling, "%s", danish(err))
			continue
		}
		var r *app.Result
		if b.v != nil {
			virk, r, err = executeVirksomhed(e, virk, sag, *b.v)
		} else {
			r, err = e.Execute(sag, b.cmd)
		}
		if err == nil {
			sag = r.Sag
			res.Warnings = append(res.Warnings, r.Warnings...)
			res.Changes = append(res.Changes, r.Changes...)
			res.Effects = append(res.Effects, r.Effects...)
		} else {
			res.Refusals = append(res.Refusals, app.AsError(err))
		}
		for _, c := range st.Checks {
			check(e, c, sag, r, err, day, fail)
		}
	}
	res.Sag = sag
	return res
}

// refusedInput is a handling whose field values the command decoder
// refuses (an impossible date, a malformed CPR): not a mistake in the
// scenario file but a command the system rejects with code invalid.
type refusedInput struct{ err *app.Error }

func (r *refusedInput) Error() string { return r.err.Error() }

// buildCommand turns a handling line into a command and returns the day
// it is issued. Unknown kinds, unknown fields and malformed i_dag/kl are
// errors in the scenario file; a value the decoder refuses is a
// *refusedInput.
func buildCommand(s *Scenario, h Line, i int) (built, app.Date, error) {
	if v, ok := instantField(h); ok {
		return buildAt(s, h, i, v)
	}
	day, at := s.IDag, "10:00"
	if v := h.str("i_dag"); v != "" {
		d, err := app.ParseDate(v)
		if err != nil {
			return built{}, day, fmt.Errorf("i_dag: %s", app.Describe(err))
		}
		day = d
	}
	if v := h.str("kl"); v != "" {
		at = v
	}
	hh, mm, ok := clock(at)
	if !ok {
		return built{}, day, errors.New("kl: skriv klokkeslættet som TT:MM, fx 10:00")
	}
	y, m, d := day.YMD()
	b, err := commandAt(h, i, time.Date(y, m, d, hh, mm, 0, 0, app.Copenhagen()), "af", "i_dag", "kl")
	return b, day, err
}

// instantField returns the value of a handling's tid= when it is an
// instant (2026-03-10T23:30:00Z) rather than a command field of its own
// (book_samtale's meeting time tid=HH:MM).
func instantField(h Line) (string, bool) {
	v := h.str("tid")
	return v, strings.Contains(v, "T")
}

// buildAt builds a handling dated by an instant, tid=2026-03-10T23:30:00Z
// (RFC 3339, UTC or with an offset): its day is the Copenhagen calendar
// date of that instant, as the engine reads it, so a scenario can test the
// hours around midnight and the summer-time change. i_dag= and kl= cannot
// be given beside it.
func buildAt(s *Scenario, h Line, i int, v string) (built, app.Date, error) {
	if h.str("i_dag") != "" || h.str("kl") != "" {
		return built{}, s.IDag, errors.New("tid: skriv enten tid=ØJEBLIK eller i_dag=/kl=, ikke begge")
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return built{}, s.IDag, errors.New("tid: skriv øjeblikket som ÅÅÅÅ-MM-DDTTT:MM:SSZ, fx tid=2026-03-10T23:30:00Z")
	}
	b, err := commandAt(h, i, at, "af", "tid")
	return b, app.DateOf(at), err
}

// commandAt decodes handling h (the i-th) into a command on the case or,
// for a company's kind, on the scenario's company, issued at the instant
// at, leaving out the runner's own fields skip.
func commandAt(h Line, i int, at time.Time, skip ...string) (built, error) {
	role := h.str("af")
	if role == "" {
		role = app.RolleSagsbehandler
	}
	if !slices.Contains([]string{app.RolleBorger, app.RolleSagsbehandler, app.RolleSystem}, role) {
		return built{}, fmt.Errorf("af=%s: brug af=borger, af=sagsbehandler eller af=system", role)
	}
	var body kinded
	if b, err := app.NewBody(h.Positional[0]); err == nil {
		body = b
	} else if vb, verr := app.NewVBody(h.Positional[0]); verr == nil {
		body = vb
	} else {
		return built{}, fmt.Errorf("%s Kendte handlinger: %s", app.Describe(err), strings.Join(sortedKinds(), ", "))
	}
	fields, err := raskFra(h)
	if err != nil {
		return built{}, err
	}
	raw, err := toJSON(fields, skip...)
	if err != nil {
		return built{}, err
	}
	if err := app.DecodeStrict(raw, body); err != nil {
		e := app.AsError(err)
		if e.Unwrap() == nil && e.Code == app.CodeInvalid {
			return built{}, &refusedInput{err: e}
		}
		if u := e.Unwrap(); u != nil && strings.HasPrefix(u.Error(), "json: unknown field ") {
			return built{}, fmt.Errorf("handlingen %s har ikke feltet %s; felterne er: %s", body.Kind(),
				strings.TrimPrefix(u.Error(), "json: unknown field "), strings.Join(FieldNames(body), ", "))
		}
		return built{}, fmt.Errorf("handlingen %s: %s", body.Kind(), app.Describe(e))
	}
	id, actor := app.ID(fmt.Sprintf("h%d", i+1)), app.Actor{Rolle: role, ID: app.ID("scenarie-" + role)}
	if vb, ok := body.(app.VBody); ok {
		return built{v: &app.VCommand{ID: id, Virksomhed: scenarioVirksomhed, Actor: actor, At: at, Body: vb}}, nil
	}
	return built{cmd: app.Command{ID: id, Sag: scenarioSag, Actor: actor, At: at, Body: body.(app.Body)}}, nil
}

// raskFra returns the fields of handling h with an afslut_fravaer's
// rask_fra=DATE, the day the citizen is fit from as a raskmelding states
// it, written as the command's slut: the day before.
func raskFra(h Line) ([]Field, error) {
	i := slices.IndexFunc(h.Fields, func(f Field) bool { return f.Key == "rask_fra" })
	if i < 0 || h.Positional[0] != "afslut_fravaer" {
		return h.Fields, nil
	}
	if h.str("slut") != "" {
		return nil, errors.New("rask_fra: skriv enten rask_fra= (raskmeldt fra) eller slut= (sidste sygedag), ikke begge")
	}
	d, err := app.ParseDate(h.str("rask_fra"))
	if err != nil {
		return nil, fmt.Errorf("rask_fra: %s", app.Describe(err))
	}
	out := slices.Clone(h.Fields)
	out[i] = Field{Key: "slut", Value: d.AddDays(-1).String()}
	return out, nil
}

// kinded is a command body of either a case (app.Body) or a company
// (app.VBody).
type kinded interface{ Kind() string }

// built is a handling made into a command: on the case (cmd) or, when v
// is set, on the scenario's company.
type built struct {
	cmd app.Command
	v   *app.VCommand
}

// executeVirksomhed runs a company command on the scenario's company with
// the scenario's case as the citizen, then the commands it produces on
// the case (a placement's gem_plan). It returns the new company and a
// Result whose Sag is the new case and whose changes, effects and warnings
// are the company command's followed by those of the case commands; a
// refused case command refuses the whole step.
func executeVirksomhed(e *app.Engine, v *app.Virksomhed, sag *app.Sag, c app.VCommand) (*app.Virksomhed, *app.Result, error) {
	vr, err := e.ExecuteVirksomhed(v, c, sag)
	if err != nil {
		return v, nil, err
	}
	r := &app.Result{Sag: sag, RegelSet: vr.RegelSet, Changes: vr.Changes, Effects: vr.Effects, Warnings: vr.Warnings}
	for _, f := range vr.Foelger {
		fr, err := e.Execute(r.Sag, f)
		if err != nil {
			return v, nil, err
		}
		r.Sag = fr.Sag
		r.Changes = append(r.Changes, fr.Changes...)
		r.Effects = append(r.Effects, fr.Effects...)
		r.Warnings = append(r.Warnings, fr.Warnings...)
	}
	return vr.Virksomhed, r, nil
}

// clock reads a time of day written TT:MM.
func clock(at string) (hh, mm int, ok bool) {
	if len(at) != 5 || at[2] != ':' {
		return 0, 0, false
	}
	hh, okh := digits(at[:2])
	mm, okm := digits(at[3:])
	return hh, mm, okh && okm && hh <= 23 && mm <= 59
}

func sortedKinds() []string {
	k := app.Kinds()
	k = append(k, app.VirksomhedKinds()...)
	sort.Strings(k)
	return k
}

// check evaluates one expectation line.
func check(e *app.Engine, c Line, sag *app.Sag, r *app.Result, err error, day app.Date, fail func(Line, string, ...any)) {
	switch c.Key {
	case "forventet":
		checkOutcome(c, r, err, fail)
		if err != nil {
			checkMessage(c, err, fail)
		}
	case "effekt", "ingen_effekt":
		checkEffect(c, r, fail)
	case "advarsel", "ingen_advarsel":
		checkWarning(c, r, fail)
	case "tilstand":
		for _, f := range c.Fields {
			if got, want := stateValue(sag, f.Key), fmt.Sprint(f.Value); got != want {
				if r != nil && f.Key == "regelsaet" && r.RegelSet == want {
					continue
				}
				fail(c, "%s er %q, forventet %q", f.Key, got, want)
			}
		}
	case "pligt", "frist", "ingen_frist":
		checkOverblik(e, c, sag, day, fail)
	}
}

func checkOutcome(c Line, r *app.Result, err error, fail func(Line, string, ...any)) {
	want := strings.Join(c.Positional, " ")
	switch {
	case want == "godkendt" && err != nil:
		fail(c, "forventet godkendt, men afvist: %s (%s)", app.ErrorCode(err), app.Describe(err))
	case strings.HasPrefix(want, "afvist"):
		code := strings.TrimSpace(strings.TrimPrefix(want, "afvist"))
		if err == nil {
			fail(c, "forventet afvist %s, men godkendt (effekter: %s)", code, describeEffects(r))
			return
		}
		got := app.ErrorCode(err)
		if code != "" && got != code && got != "rule:"+code {
			fail(c, "forventet afvist %s, men afvist med %s (%s)", code, got, app.Describe(err))
		}
		if felt := c.str("felt"); felt != "" && app.AsError(err).Field != felt {
			fail(c, "forventet fejl i feltet %s, men feltet er %q (%s)", felt, app.AsError(err).Field, app.Describe(err))
		}
	case want != "godkendt":
		fail(c, "ukendt forventning %q; brug godkendt eller afvist KODE", want)
	}
}

func checkEffect(c Line, r *app.Result, fail func(Line, string, ...any)) {
	if len(c.Positional) != 1 {
		fail(c, "skriv effektens navn, fx »effekt: afmeldt«")
		return
	}
	name := c.Positional[0]
	found := false
	if r != nil {
		for _, e := range r.Effects {
			if e.Name == name && (c.str("dato") == "" || e.Dato.String() == c.str("dato")) &&
				e.Matches(c.str("detalje"), effectParams(c)) {
				found = true
			}
		}
	}
	switch {
	case c.Key == "effekt" && !found:
		fail(c, "effekten %s %s mangler (fik: %s)", name, c.str("dato"), describeEffects(r))
	case c.Key == "ingen_effekt" && found:
		fail(c, "effekten %s skulle ikke forekomme", name)
	}
}

// effectParams returns the parameters an effect line states beside dato
// and detalje ("effekt: fradrag dage=1").
func effectParams(c Line) map[string]string {
	p := map[string]string{}
	for _, f := range c.Fields {
		if f.Key != "dato" && f.Key != "detalje" {
			p[f.Key] = c.str(f.Key)
		}
	}
	return p
}

func describeEffects(r *app.Result) string {
	if r == nil {
		return "ingen – handlingen blev afvist"
	}
	var parts []string
	for _, e := range r.Effects {
		parts = append(parts, e.Describe())
	}
	return strings.Join(parts, ", ")
}

func checkWarning(c Line, r *app.Result, fail func(Line, string, ...any)) {
	if len(c.Positional) != 1 {
		fail(c, "skriv reglens kode, fx »advarsel: ferie-varsel«")
		return
	}
	found := false
	if r != nil {
		for _, w := range r.Warnings {
			found = found || w.Rule == c.Positional[0]
		}
	}
	switch {
	case c.Key == "advarsel" && !found:
		fail(c, "advarslen %s mangler", c.Positional[0])
	case c.Key == "ingen_advarsel" && found:
		fail(c, "advarslen %s skulle ikke forekomme", c.Positional[0])
	}
}

// stateValue reads a named field of the case for "tilstand:" checks.
func stateValue(s *app.Sag, key string) string {
	switch key {
	case "kg":
		if s.Kontaktgruppe == nil {
			return "ingen"
		}
		return strconv.Itoa(s.Kontaktgruppe.KG)
	case "tilmeldt":
		return map[bool]string{true: "ja", false: "nej"}[s.Tilmelding.ErTilmeldt()]
	case "tilmeldekategori":
		return s.Tilmelding.Kategori
	case "tilmeldt_siden":
		return s.Tilmelding.Siden.String()
	case "afmeld_aarsag":
		return s.Tilmelding.AfmeldAarsag
	case "afmeldt":
		return s.Tilmelding.AfmeldtDato.String()
	case "afmeldes":
		return s.Tilmelding.Afmeldes.String()
	case "kategori":
		return s.Visitation.Kategori
	case "selvbook_frist":
		return s.Tilmelding.SelvbookFrist.String()
	case "tjob":
		return s.Tjob.String()
	case "cv":
		return s.Tilmelding.CV.String()
	case "tjob_miss":
		return strconv.Itoa(len(s.TjobMiss))
	case "ledighedsstatus":
		return s.Tilmelding.Ledighedsstatus
	case "foerste":
		return s.Tilmelding.FoersteDato.String()
	case "kg_start":
		if s.Kontaktgruppe == nil {
			return ""
		}
		return s.Kontaktgruppe.Periode.Start.String()
	case "kg_forrige":
		if len(s.KGHistorik) == 0 {
			return "ingen"
		}
		h := s.KGHistorik[len(s.KGHistorik)-1]
		return strconv.Itoa(h.KG) + " til " + h.Periode.Slut.String()
	case "visitation_dato":
		return s.Visitation.Dato.String()
	case "doed":
		return s.Borger.Doed.String()
	case "ingen_adresse":
		return s.Borger.IngenAdresse.String()
	case "undtaget":
		return map[bool]string{true: "ja", false: "nej"}[s.Ydelse.Undtaget]
	case "fravaer", "samtaler", "planer", "notater", "sanktioner", "vejledninger":
		return strconv.Itoa(map[string]int{"fravaer": len(s.Fravaer), "samtaler": len(s.Samtaler), "planer": len(s.Planer),
			"notater": len(s.Notater), "sanktioner": len(s.Sanktioner), "vejledninger": len(s.Vejledninger)}[key])
	case "regelsaet":
		return ""
	}
	if kind, rest, ok := strings.Cut(key, "."); ok {
		return recordValue(s, kind, rest)
	}
	return "?ukendt felt " + key
}

// recordValue reads "<kind>.<id>.<json field>" for kind fravaer, samtale,
// plan, sanktion or notat, e.g. "fravaer.f1.ingen_ydelse"; dots reach into
// nested values ("plan.p1.paalaeg.frist"), and start/slut read a period.
func recordValue(s *app.Sag, kind, rest string) string {
	id, field, _ := strings.Cut(rest, ".")
	var rec any
	switch kind {
	case "fravaer":
		if i := s.FindFravaer(app.ID(id)); i >= 0 {
			rec = s.Fravaer[i]
		}
	case "samtale":
		if i := s.FindSamtale(app.ID(id)); i >= 0 {
			rec = s.Samtaler[i]
		}
	case "plan":
		if i := s.FindPlan(app.ID(id)); i >= 0 {
			rec = s.Planer[i]
		}
	case "sanktion":
		for _, x := range s.Sanktioner {
			if x.ID == app.ID(id) {
				rec = x
			}
		}
	case "notat":
		for _, x := range s.Notater {
			if x.ID == app.ID(id) {
				rec = x
			}
		}
	}
	if rec == nil {
		return "?findes ikke"
	}
	b, _ := json.Marshal(rec)
	var v any
	_ = json.Unmarshal(b, &v)
	for _, part := range strings.Split(field, ".") {
		m, _ := v.(map[string]any)
		if part == "start" || part == "slut" {
			if p, ok := m["periode"].(map[string]any); ok {
				m = p // fravaer.f1.slut is short for fravaer.f1.periode.slut
			}
		}
		v = m[part]
	}
	switch v := v.(type) {
	case nil:
		if isBoolField(rec, field) {
			return "nej" // left out of the JSON by omitempty
		}
		return ""
	case bool:
		return map[bool]string{true: "ja", false: "nej"}[v]
	case float64:
		return strconv.Itoa(int(v))
	default:
		return fmt.Sprint(v)
	}
}

func checkOverblik(e *app.Engine, c Line, sag *app.Sag, day app.Date, fail func(Line, string, ...any)) {
	if v := c.str("dato"); v != "" && c.Key == "pligt" {
		d, err := app.ParseDate(v)
		if err != nil {
			fail(c, "%v", err)
			return
		}
		day = d
	}
	if v := c.str("paa"); v != "" {
		d, err := app.ParseDate(v)
		if err != nil {
			fail(c, "%v", err)
			return
		}
		day = d
	}
	o, err := e.Rules().Overblik(sag, day)
	if err != nil {
		fail(c, "overblik: %v", err)
		return
	}
	switch c.Key {
	case "pligt":
		checkPligt(c, o, fail)
	case "frist", "ingen_frist":
		checkFrist(c, o, fail)
	}
}

func checkPligt(c Line, o app.Overblik, fail func(Line, string, ...any)) {
	for _, f := range c.Fields {
		switch f.Key {
		case "dato", "paa", "til", "grund":
			continue
		}
		p := o.Pligt(f.Key)
		if p.Status != fmt.Sprint(f.Value) {
			fail(c, "pligten %s er %q, forventet %q", f.Key, p.Status, f.Value)
		}
		if til, ok := c.get("til"); ok && p.Til.String() != fmt.Sprint(til) {
			// til= (empty) means open-ended: "indtil videre"
			fail(c, "pligten %s gælder til %q, forventet %q", f.Key, p.Til.String(), til)
		}
		if g := c.str("grund"); g != "" && p.Grund != g {
			fail(c, "pligten %s har grund %q, forventet %q", f.Key, p.Grund, g)
		}
	}
}

func checkFrist(c Line, o app.Overblik, fail func(Line, string, ...any)) {
	if len(c.Positional) != 1 {
		fail(c, "skriv fristens navn, fx »frist: cv dato=2026-03-26«")
		return
	}
	f, ok := o.Frist(c.Positional[0])
	if c.Key == "ingen_frist" {
		if ok {
			fail(c, "fristen %s (%s) skulle ikke findes", f.Navn, f.Dato)
		}
		return
	}
	if !ok {
		fail(c, "fristen %s mangler", c.Positional[0])
		return
	}
	if d := c.str("dato"); d != "" && f.Dato.String() != d {
		fail(c, "fristen %s er %s, forventet %s", f.Navn, f.Dato, d)
	}
	if st := c.str("status"); st != "" && f.Status != st {
		fail(c, "fristen %s har status %s, forventet %s", f.Navn, f.Status, st)
	}
}

// isBoolField reports whether the struct rec has a bool field with json
// name field.
func isBoolField(rec any, field string) bool {
	t := reflect.TypeOf(rec)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == field && f.Type.Kind() == reflect.Bool {
			return true
		}
	}
	return false
}

// FieldNames returns the JSON field names of a command body, in order, for
// error messages and docs/rules.md.
func FieldNames(body any) []string {
	t := reflect.TypeOf(body)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// checkMessage fails a refusal without a catalogue key or with a
// parameter given without its value: every error a person can trigger
// must have a text (the catalogue tests render them in both languages).
func checkMessage(c Line, err error, fail func(Line, string, ...any)) {
	e := app.AsError(err)
	bad := e.Key == ""
	for _, v := range e.Params {
		bad = bad || v == "!MISSING"
	}
	if bad {
		fail(c, "fejlmeddelelsen mangler en tekstnøgle eller en parameter: %s", e)
	}
}
