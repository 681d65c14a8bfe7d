package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// The company forms (vForm): the visit, the job opening, the place, the
// contact person, the referral and the placement.

// visitForm is the virksomhedskontakt form, made to fill in at a meeting
// table: today's date and a visit are chosen, the purpose has the cursor,
// Enter moves on and saves from the follow-up date.
type visitForm struct {
	*vForm
	dato, opfoelgning *dateField
	form, ordning     *choice
	formaal, udfald   *fieldEntry
}

func newVisitForm(k *fieldKit, v *app.Virksomhed) *vForm {
	f := &visitForm{vForm: newVForm(k, v, false)}
	f.dato = f.date("field.f.dato")
	f.dato.set(k.today())
	f.form = f.choice("field.f.kontaktform", kontaktFormCodes, codeNames(kontaktFormCodes, kontaktFormKeys))
	f.form.sel.SetSelectedIndex(0) // besøg
	f.formaal = f.entry("field.f.formaal", "field.f.formaal_placeholder")
	f.ordning = f.choice("field.f.ordning", append([]string{""}, ordningCodes...),
		append([]string{lang.L("field.none_chosen")}, codeNames(ordningCodes, ordningKeys)...))
	f.ordning.sel.SetSelectedIndex(0) // none: most visits are about no one scheme
	f.udfald = f.entry("field.f.udfald", "field.f.udfald_placeholder")
	for _, p := range []struct {
		key          string
		days, months int
	}{{"field.f.plus_1_uge", 7, 0}, {"field.f.plus_2_uger", 14, 0}, {"field.f.plus_1_md", 0, 1}} {
		b := widget.NewButton(lang.L(p.key), nil)
		b.OnTapped = func() {
			k.c.touch()
			from, err := f.dato.value()
			if err != nil || from.IsZero() {
				from = k.today()
			}
			f.opfoelgning.set(from.AddDays(p.days).AddMonths(p.months))
		}
		f.picks = append(f.picks, b)
	}
	f.opfoelgning = f.date("field.f.opfoelgning", f.picks[0], f.picks[1], f.picks[2])
	unit := f.unit(true, "")
	if len(v.Enheder) == 1 {
		unit = func() app.PNummer { return v.Enheder[0].PNummer }
	}
	f.build = func() (app.VBody, error) {
		dato, err1 := f.dato.value()
		opf, err2 := f.opfoelgning.value()
		if err := firstErr(err1, err2); err != nil {
			return nil, err
		}
		if strings.TrimSpace(f.formaal.Text) == "" {
			return nil, nil
		}
		return &app.RegistrerVirksomhedskontakt{KontaktID: f.recID, Dato: dato, Form: f.form.code(), PNummer: unit(),
			Formaal: strings.TrimSpace(f.formaal.Text), Ordning: f.ordning.code(), Udfald: strings.TrimSpace(f.udfald.Text), Opfoelgning: opf}, nil
	}
	f.focus = f.formaal // today and a visit are chosen: the purpose is what to type
	return f.finish(lang.L("field.title.visit"))
}

// newJobordreForm is the gem_jobordre form: a new opening, or j's
// correction.
func newJobordreForm(k *fieldKit, v *app.Virksomhed, j *app.Jobordre) *vForm {
	f := newVForm(k, v, false)
	titel := f.entry("field.f.titel", "")
	disco := f.entry("field.f.disco", "field.f.disco_placeholder")
	timer := f.entry("field.f.timer", "")
	antal := f.entry("field.f.antal", "")
	start := f.date("field.f.start")
	slut := f.date("field.f.slut")
	krav := f.entry("field.f.krav", "field.f.krav_placeholder")
	status := f.choice("field.f.status", statusCodes, codeNames(statusCodes, jobordreStatusKeys))
	status.sel.SetSelectedIndex(0)
	id, cur, title := f.recID, app.PNummer(""), lang.L("field.title.jobordre")
	if j != nil {
		id, cur, title = j.ID, j.PNummer, lang.L("field.title.jobordre_edit")
		titel.SetText(j.Titel)
		disco.SetText(j.Disco)
		timer.SetText(strconv.Itoa(j.Timer))
		antal.SetText(strconv.Itoa(j.Antal))
		start.set(j.Periode.Start)
		slut.set(j.Periode.Slut)
		krav.SetText(strings.Join(j.Krav, ", "))
		for i, c := range statusCodes {
			if c == j.Status {
				status.sel.SetSelectedIndex(i)
			}
		}
	} else {
		antal.SetText("1")
		timer.SetText("37")
		start.set(k.today())
	}
	unit := f.unit(true, cur)
	f.build = func() (app.VBody, error) {
		s, err1 := start.value()
		e, err2 := slut.value()
		t, okT, err3 := number(timer, "field.f.timer")
		n, okN, err4 := number(antal, "field.f.antal")
		if err := firstErr(err1, err2, err3, err4); err != nil {
			return nil, err
		}
		if strings.TrimSpace(titel.Text) == "" || strings.TrimSpace(disco.Text) == "" || !okT || !okN {
			return nil, nil
		}
		var kr []string
		for _, x := range strings.Split(krav.Text, ",") {
			if x = strings.TrimSpace(x); x != "" {
				kr = append(kr, x)
			}
		}
		return &app.GemJobordre{JobordreID: id, Titel: strings.TrimSpace(titel.Text), Disco: strings.TrimSpace(disco.Text), Timer: t, Antal: n,
			Periode: app.Period{Start: s, Slut: e}, Krav: kr, Status: status.code(), PNummer: unit()}, nil
	}
	return f.finish(title)
}

// newPladsForm is the gem_plads form: a new place, or p's correction.
func newPladsForm(k *fieldKit, v *app.Virksomhed, p *app.Plads) *vForm {
	f := newVForm(k, v, false)
	ordning := f.choice("field.f.ordning", ordningCodes, codeNames(ordningCodes, ordningKeys))
	titel := f.entry("field.f.titel", "")
	antal := f.entry("field.f.antal", "")
	timer := f.entry("field.f.timer", "")
	start := f.date("field.f.start")
	slut := f.date("field.f.slut")
	id, cur, title := f.recID, app.PNummer(""), lang.L("field.title.plads")
	if p != nil {
		id, cur, title = p.ID, p.PNummer, lang.L("field.title.plads_edit")
		for i, c := range ordningCodes {
			if c == p.Ordning {
				ordning.sel.SetSelectedIndex(i)
			}
		}
		titel.SetText(p.Titel)
		antal.SetText(strconv.Itoa(p.Antal))
		timer.SetText(strconv.Itoa(p.Timer))
		start.set(p.Periode.Start)
		slut.set(p.Periode.Slut)
	} else {
		ordning.sel.SetSelectedIndex(0)
		antal.SetText("1")
		timer.SetText("37")
		start.set(k.today())
	}
	unit := f.unit(false, cur)
	f.build = func() (app.VBody, error) {
		s, err1 := start.value()
		e, err2 := slut.value()
		n, okN, err3 := number(antal, "field.f.antal")
		t, okT, err4 := number(timer, "field.f.timer")
		if err := firstErr(err1, err2, err3, err4); err != nil {
			return nil, err
		}
		if strings.TrimSpace(titel.Text) == "" || !okN || !okT || unit() == "" {
			return nil, nil
		}
		return &app.GemPlads{PladsID: id, Ordning: ordning.code(), PNummer: unit(), Titel: strings.TrimSpace(titel.Text),
			Antal: n, Timer: t, Periode: app.Period{Start: s, Slut: e}}, nil
	}
	return f.finish(title)
}

// newKontaktpersonForm is the tilfoej_kontaktperson form.
func newKontaktpersonForm(k *fieldKit, v *app.Virksomhed) *vForm {
	f := newVForm(k, v, false)
	navn := f.entry("field.f.navn", "")
	rolle := f.choice("field.f.rolle", rolleCodes, codeNames(rolleCodes, rolleKeys))
	telefon := f.entry("field.f.telefon", "")
	email := f.entry("field.f.email", "")
	samtykke := f.entry("field.f.samtykke", "field.f.samtykke_placeholder")
	unit := f.unit(true, "")
	if len(v.Enheder) == 1 {
		unit = func() app.PNummer { return "" } // the company's only workplace: no need to say
	}
	f.build = func() (app.VBody, error) {
		if strings.TrimSpace(navn.Text) == "" || rolle.code() == "" {
			return nil, nil
		}
		b := &app.TilfoejKontaktperson{KontaktpersonID: f.recID, Navn: strings.TrimSpace(navn.Text), Rolle: rolle.code(),
			Telefon: strings.TrimSpace(telefon.Text), Email: strings.TrimSpace(email.Text), PNummer: unit()}
		if o := strings.TrimSpace(samtykke.Text); o != "" {
			b.Samtykke = app.Samtykke{Dato: k.today(), Omfang: o} // given today, at the meeting
		}
		return b, nil
	}
	return f.finish(lang.L("field.title.kontaktperson"))
}

// newHenvisForm refers the candidate's case s to the opening or place
// target: in writing with the rule set's notice by default; a shorter
// notice asks for a begrundelse.
func newHenvisForm(k *fieldKit, v *app.Virksomhed, s *app.Sag, target app.ID, plads bool, what string) *vForm {
	f := newVForm(k, v, true)
	f.sag = s
	start := f.date("field.f.start")
	kanaler := []string{"skriftlig", "telefon"}
	kanal := f.choice("field.f.kanal", kanaler, []string{lang.L("field.kanal.skriftlig"), lang.L("field.kanal.telefon")})
	kanal.sel.SetSelectedIndex(0)
	oplyst := f.checkBox("field.f.oplyst", "field.f.oplyst_label")
	varsel := 1
	if rs, err := k.c.rules().ForDate(k.today()); err == nil {
		varsel = rs.P(app.ParamHenvisningVarsel)
	}
	start.set(k.today().AddDays(varsel))
	f.build = func() (app.VBody, error) {
		d, err := start.value()
		if err != nil {
			return nil, err
		}
		if d.IsZero() {
			return nil, nil
		}
		b := &app.Henvis{HenvisningID: f.recID, Sag: s.ID, Start: d, Kanal: kanal.code(), Oplyst: oplyst.Checked, Begrundelse: f.begrundelse()}
		if plads {
			b.PladsID = target
		} else {
			b.JobordreID = target
		}
		return b, nil
	}
	return f.finish(lang.L("field.title.henvis", map[string]any{"Navn": s.Borger.Navn, "Hvad": what}))
}

// newPlacerForm places the candidate's case s in place p: period and
// hours, with the company rules' dry run (a refusal, or a soft rule that
// asks for a begrundelse).
func newPlacerForm(k *fieldKit, v *app.Virksomhed, s *app.Sag, p app.Plads) *vForm {
	f := newVForm(k, v, true)
	f.sag = s
	start := f.date("field.f.start")
	slut := f.date("field.f.slut")
	timer := f.entry("field.f.timer", "")
	formaal := f.entry("field.f.formaal", "field.f.formaal_placering")
	sidste := f.checkBox("field.f.sidste_arbejdsgiver", "field.f.sidste_arbejdsgiver_label")
	nyFunktion := f.entry("field.f.ny_funktion", "field.f.ny_funktion_placeholder")
	// The new work function matters only at the citizen's last employer.
	nyRow := []fyne.CanvasObject{f.fields["field.f.ny_funktion#label"], nyFunktion}
	for _, o := range nyRow {
		o.Hide()
	}
	sidste.OnChanged = func(on bool) {
		for _, o := range nyRow {
			showIf(o, on)
		}
		f.changed()
	}
	from := k.today()
	if from.Before(p.Periode.Start) {
		from = p.Periode.Start
	}
	start.set(from)
	timer.SetText(strconv.Itoa(p.Timer))
	f.build = func() (app.VBody, error) {
		a, err1 := start.value()
		b, err2 := slut.value()
		if err := firstErr(err1, err2); err != nil {
			return nil, err
		}
		t, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(timer.Text), ",", "."), 64)
		if err != nil {
			return nil, &numberError{lang.L("field.number", map[string]any{"Felt": lang.L("field.f.timer"), "Tekst": timer.Text})}
		}
		if a.IsZero() || b.IsZero() && p.Ordning != app.OrdningFleksjob {
			// Only a fleksjob may run without an end: until it is
			// typed, ask for it rather than show the refusal.
			return nil, nil
		}
		return &app.Placer{PlaceringID: f.recID, Sag: s.ID, PladsID: p.ID, Periode: app.Period{Start: a, Slut: b}, Timer: t,
			Formaal: strings.TrimSpace(formaal.Text), SidsteArbejdsgiver: sidste.Checked, NyFunktion: strings.TrimSpace(nyFunktion.Text),
			Begrundelse: f.begrundelse()}, nil
	}
	return f.finish(lang.L("field.title.placer", map[string]any{"Navn": s.Borger.Navn, "Hvad": p.Titel}))
}

// begrundelse is the begrundelse typed, "" without the field.
func (f *vForm) begrundelse() string {
	if f.begr == nil {
		return ""
	}
	return strings.TrimSpace(f.begr.Text)
}
