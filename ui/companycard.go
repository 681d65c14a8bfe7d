package ui

import (
	"io"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Names of the company codes, by literal catalogue key.
var (
	ordningKeys = map[string]string{
		app.OrdningPraktik:     "field.ordning.virksomhedspraktik",
		app.OrdningLoentilskud: "field.ordning.loentilskud",
		app.OrdningFleksjob:    "field.ordning.fleksjob",
		app.OrdningVoksenlaerl: "field.ordning.voksenlaerling",
		app.OrdningJobrotation: "field.ordning.jobrotation",
	}
	kontaktFormKeys = map[string]string{
		"besoeg":  "field.kontaktform.besoeg",
		"telefon": "field.kontaktform.telefon",
		"video":   "field.kontaktform.video",
		"mail":    "field.kontaktform.mail",
	}
	rolleKeys = map[string]string{
		"leder":                    "field.rolle.leder",
		"hr":                       "field.rolle.hr",
		"tillidsrepraesentant":     "field.rolle.tillidsrepraesentant",
		"medarbejderrepraesentant": "field.rolle.medarbejderrepraesentant",
		"mentor":                   "field.rolle.mentor",
		"anden":                    "field.rolle.anden",
	}
	jobordreStatusKeys = map[string]string{
		"aaben":  "field.status.aaben",
		"besat":  "field.status.besat",
		"lukket": "field.status.lukket",
	}
	udfaldKeys = map[string]string{
		"soegt":             "field.udfald.soegt",
		"ansat":             "field.udfald.ansat",
		"afslaaet":          "field.udfald.afslaaet",
		"udeblevet_samtale": "field.udfald.udeblevet_samtale",
		"ikke_ansat":        "field.udfald.ikke_ansat",
	}
	sektorKeys = map[string]string{
		app.SektorPrivat:    "field.sektor.privat",
		app.SektorOffentlig: "field.sektor.offentlig",
	}
)

// The codes in the order the forms offer them.
var (
	ordningCodes     = []string{app.OrdningPraktik, app.OrdningLoentilskud, app.OrdningFleksjob, app.OrdningVoksenlaerl, app.OrdningJobrotation}
	kontaktFormCodes = []string{"besoeg", "telefon", "video", "mail"}
	rolleCodes       = []string{"leder", "hr", "tillidsrepraesentant", "medarbejderrepraesentant", "mentor", "anden"}
	statusCodes      = []string{"aaben", "besat", "lukket"}
)

// codeName is a code's name by the map of keys, or the code.
func codeName(keys map[string]string, code string) string {
	if k, ok := keys[code]; ok {
		return lang.L(k)
	}
	return code
}

// companyCard is the right-hand side of the Virksomheder view: one
// company's register data, contacts, contact log, openings, places,
// current placements with the rules' status, and conflicts.
type companyCard struct {
	k         *fieldKit
	v         *app.Virksomhed
	conflicts []app.Conflict

	header  *widget.Label
	message *widget.Label
	visit   *widget.Button
	body    *fyne.Container
	content fyne.CanvasObject

	// The paper buttons, by the placement's or the contact's id (tests).
	printAgreement, saveAgreement map[app.ID]*widget.Button
	printVisit, saveVisit         map[app.ID]*widget.Button
	candidates                    map[app.ID]*widget.Button // by opening or place
	edit                          map[app.ID]*widget.Button // by opening or place
}

func newCompanyCard(k *fieldKit, v *app.Virksomhed, conflicts []app.Conflict) *companyCard {
	cc := &companyCard{k: k, v: v, conflicts: conflicts,
		printAgreement: map[app.ID]*widget.Button{}, saveAgreement: map[app.ID]*widget.Button{},
		printVisit: map[app.ID]*widget.Button{}, saveVisit: map[app.ID]*widget.Button{},
		candidates: map[app.ID]*widget.Button{}, edit: map[app.ID]*widget.Button{}}
	cc.header = widget.NewLabelWithStyle(companyHeader(v), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	cc.header.Truncation = fyne.TextTruncateEllipsis
	cc.message = widget.NewLabel("")
	cc.message.Wrapping = fyne.TextWrapWord
	cc.message.Hide()
	cc.visit = widget.NewButtonWithIcon(lang.L("field.action.visit"), theme.ContentAddIcon(), func() { k.c.touch(); k.showForm(newVisitForm(k, v)) })
	cc.visit.Importance = widget.HighImportance
	actions := container.NewHBox(cc.visit,
		widget.NewButton(lang.L("field.action.jobordre"), func() { k.c.touch(); k.showForm(newJobordreForm(k, v, nil)) }),
		widget.NewButton(lang.L("field.action.plads"), func() { k.c.touch(); k.showForm(newPladsForm(k, v, nil)) }),
		widget.NewButton(lang.L("field.action.kontaktperson"), func() { k.c.touch(); k.showForm(newKontaktpersonForm(k, v)) }),
	)
	cc.body = container.NewVBox()
	cc.fill()
	top := container.NewVBox(cc.header, actions, cc.message)
	if k.readOnly(v.ID) {
		// A reader by placement only reads (issue 11's scope): no command
		// of this device would be accepted.
		for _, o := range actions.Objects {
			o.(*widget.Button).Disable()
		}
		for _, b := range cc.edit {
			b.Disable()
		}
		ro := widget.NewLabel(lang.L("field.read_only"))
		ro.Importance = widget.WarningImportance
		ro.Wrapping = fyne.TextWrapWord
		top.Add(ro)
	}
	cc.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(cc.body))
	return cc
}

// companyHeader is the card's title line: name, CVR and address.
func companyHeader(v *app.Virksomhed) string {
	parts := []string{v.Navn, lang.L("field.cvr", map[string]any{"CVR": FormatCVR(v.CVR)})}
	if a := addressText(v.Adresse); a != "" {
		parts = append(parts, a)
	}
	return strings.Join(parts, " · ")
}

// addressText writes an address on one line: "Vej 1, 5000 Odense C".
func addressText(a app.Adresse) string {
	town := strings.TrimSpace(a.Postnr + " " + a.By)
	return strings.Join(slices.DeleteFunc([]string{a.Vej, town}, func(s string) bool { return s == "" }), ", ")
}

// say shows a line under the card's buttons ("" hides it).
func (cc *companyCard) say(s string, imp widget.Importance) {
	cc.message.Importance = imp
	cc.message.SetText(s)
	showIf(cc.message, s != "")
}

// fill lays out the card's sections.
func (cc *companyCard) fill() {
	v, today := cc.v, cc.k.today()
	b := cc.body
	b.Add(cc.registerData())

	b.Add(heading(lang.L("field.card.kontakter")))
	if len(v.Kontakter) == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}
	for _, kp := range v.Kontakter {
		parts := []string{kp.Navn + " — " + codeName(rolleKeys, kp.Rolle)}
		for _, s := range []string{kp.Telefon, kp.Email} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if e := v.Enhed(kp.PNummer); e != nil {
			parts = append(parts, e.Navn)
		}
		b.Add(bullet(strings.Join(parts, " · "), false))
	}

	b.Add(heading(lang.L("field.card.kontaktlog")))
	// Newest first; of one day's contacts, the one recorded last first.
	log := slices.Clone(v.KontaktLog)
	slices.Reverse(log)
	slices.SortStableFunc(log, func(a, b app.Virksomhedskontakt) int { return a.Dato.DaysUntil(b.Dato) })
	if len(log) == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}
	for _, e := range log {
		b.Add(cc.withButtons(bullet(visitLine(e), false), cc.paper(e.ID, "field.print_visit", "field.save_visit", cc.printVisit, cc.saveVisit,
			func(actor app.Actor) error { return cc.k.c.o.FieldDocuments.PrintVisit(v, e.ID, actor) },
			func(actor app.Actor, w io.Writer) error { return cc.k.c.o.FieldDocuments.SaveVisit(v, e.ID, actor, w) },
			lang.L("field.visit_file", map[string]any{"Dato": dateText(e.Dato)}))...))
	}

	b.Add(heading(lang.L("field.card.jobordrer")))
	if len(v.Jobordrer) == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}
	for _, j := range v.Jobordrer {
		edit := widget.NewButtonWithIcon(lang.L("field.edit"), theme.DocumentCreateIcon(), func() { cc.k.c.touch(); cc.k.showForm(newJobordreForm(cc.k, v, &j)) })
		cand := widget.NewButtonWithIcon(lang.L("field.candidates"), theme.AccountIcon(), func() { cc.k.c.touch(); cc.k.showCandidates(v, j.ID, j.Titel, nil) })
		showIf(cand, j.Status == "aaben")
		cc.edit[j.ID], cc.candidates[j.ID] = edit, cand
		b.Add(cc.withButtons(bullet(jobordreLine(j), j.Status != "aaben"), cand, edit))
	}

	b.Add(heading(lang.L("field.card.pladser")))
	if len(v.Pladser) == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}
	for _, p := range v.Pladser {
		edit := widget.NewButtonWithIcon(lang.L("field.edit"), theme.DocumentCreateIcon(), func() { cc.k.c.touch(); cc.k.showForm(newPladsForm(cc.k, v, &p)) })
		cand := widget.NewButtonWithIcon(lang.L("field.candidates"), theme.AccountIcon(), func() { cc.k.c.touch(); cc.k.showCandidates(v, p.ID, p.Titel, &p) })
		cc.edit[p.ID], cc.candidates[p.ID] = edit, cand
		b.Add(cc.withButtons(bullet(pladsLine(v, p, today), !p.Periode.Contains(today) && p.Periode.Start.Before(today)), cand, edit))
	}

	b.Add(heading(lang.L("field.card.henvisninger")))
	if len(v.Henvisninger) == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}
	for _, h := range slices.Backward(v.Henvisninger) {
		b.Add(bullet(cc.henvisningLine(h), false))
	}

	b.Add(heading(lang.L("field.card.placeringer")))
	rs, _ := cc.k.c.rules().ForDate(today)
	n := 0
	for _, p := range v.Placeringer {
		if !p.Periode.Slut.IsZero() && p.Periode.Slut.Before(today) {
			continue // ended
		}
		n++
		l := bullet(cc.placeringLine(p, today), false)
		// The rule status answers "may we place one more": readable, in
		// italics under the line rather than dim (LowImportance is the
		// disabled colour, all but invisible in the light theme).
		status := widget.NewLabelWithStyle(PlaceringStatus(v, rs, p, today), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		status.Wrapping = fyne.TextWrapWord
		var buttons []fyne.CanvasObject
		if p.Ordning == app.OrdningPraktik || p.Ordning == app.OrdningLoentilskud {
			buttons = cc.paper(p.ID, "field.print_agreement", "field.save_agreement", cc.printAgreement, cc.saveAgreement,
				func(actor app.Actor) error {
					s, err := cc.k.c.o.Cases.View(p.Sag, actor)
					if err != nil {
						return err
					}
					return cc.k.c.o.FieldDocuments.PrintAgreement(v, p.ID, s, actor)
				},
				func(actor app.Actor, w io.Writer) error {
					s, err := cc.k.c.o.Cases.View(p.Sag, actor)
					if err != nil {
						return err
					}
					return cc.k.c.o.FieldDocuments.SaveAgreement(v, p.ID, s, actor, w)
				},
				lang.L("field.agreement_file", map[string]any{"Dato": dateText(p.Periode.Start)}))
		}
		b.Add(cc.withButtons(container.New(&tightVBox{}, l, status), buttons...))
	}
	if n == 0 {
		b.Add(dimLabel(lang.L("field.card.none")))
	}

	if len(cc.conflicts) > 0 {
		b.Add(heading(lang.L("field.card.konflikter")))
		for _, k := range cc.conflicts {
			l := bullet(lang.L("field.conflict", map[string]any{"Felt": k.Field, "Hvem": string(k.Theirs.Author.ID), "Dato": formatDate(k.Created)}), false)
			l.Importance = widget.DangerImportance
			b.Add(l)
		}
	}
}

// registerData is the card's first section: the CVR register's data and
// the workplaces.
func (cc *companyCard) registerData() fyne.CanvasObject {
	v := cc.v
	grid := container.New(layout.NewFormLayout())
	add := func(key, value string) {
		if value == "" {
			return
		}
		grid.Add(widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapWord
		grid.Add(l)
	}
	add("field.card.cvr", FormatCVR(v.CVR))
	add("field.card.adresse", addressText(v.Adresse))
	add("field.card.branche", v.Branchekode)
	add("field.card.sektor", codeName(sektorKeys, v.Sektor))
	if !v.Ansatte.Opgjort.IsZero() {
		add("field.card.ansatte", lang.L("field.card.ansatte_value", map[string]any{
			"Seneste": fte(v.Ansatte.SenesteMaaned), "Gns": fte(v.Ansatte.Gns12Mdr), "Dato": dateText(v.Ansatte.Opgjort)}))
	}
	var units []string
	for _, e := range v.Enheder {
		units = append(units, lang.L("field.card.enhed", map[string]any{"P": string(e.PNummer), "Navn": e.Navn, "Ansatte": fte(e.Ansatte)}))
	}
	add("field.card.enheder", strings.Join(units, "\n"))
	return grid
}

// fte writes an FTE count with a decimal comma where needed.
func fte(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if lang.L("meta.language") == "da" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// withButtons puts buttons to the right of a line.
func (cc *companyCard) withButtons(line fyne.CanvasObject, buttons ...fyne.CanvasObject) fyne.CanvasObject {
	if len(buttons) == 0 {
		return line
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), line)
}

// paper returns a record's "Udskriv" and "Gem som PDF" buttons, disabled
// without FieldDocuments. print and save run off the Fyne goroutine.
func (cc *companyCard) paper(id app.ID, printKey, saveKey string, prints, saves map[app.ID]*widget.Button,
	print func(app.Actor) error, save func(app.Actor, io.Writer) error, file string) []fyne.CanvasObject {
	k := cc.k
	var pb, sb *widget.Button
	pb = widget.NewButtonWithIcon(lang.L(printKey), theme.DocumentPrintIcon(), func() {
		k.c.touch()
		actor := k.c.o.Account.Actor()
		cc.say(lang.L("field.print.busy"), widget.MediumImportance)
		pb.Disable()
		k.c.o.Go(func() {
			err := print(actor)
			fyne.Do(func() {
				pb.Enable()
				if err != nil {
					cc.say(k.c.tx.errText(err), widget.DangerImportance)
					return
				}
				cc.say(lang.L("field.print.done"), widget.SuccessImportance)
			})
		})
	})
	sb = widget.NewButtonWithIcon(lang.L(saveKey), theme.DownloadIcon(), func() {
		k.c.touch()
		actor := k.c.o.Account.Actor()
		k.saveDialog(file+".pdf", func(w io.WriteCloser, err error) {
			if err != nil {
				cc.say(k.c.tx.errText(app.Internal(err)), widget.DangerImportance)
				return
			}
			if w == nil {
				return // cancelled
			}
			k.c.o.Go(func() {
				err := save(actor, w)
				if cerr := w.Close(); err == nil && cerr != nil {
					err = app.Internal(cerr)
				}
				fyne.Do(func() {
					if err != nil {
						cc.say(k.c.tx.errText(err), widget.DangerImportance)
						return
					}
					cc.say(lang.L("field.save.done"), widget.SuccessImportance)
				})
			})
		})
	})
	if k.c.o.FieldDocuments == nil {
		pb.Disable()
		sb.Disable()
	}
	prints[id], saves[id] = pb, sb
	return []fyne.CanvasObject{pb, sb}
}

// saveDialog asks for the file a PDF is saved in; the tests replace it.
func (k *fieldKit) saveDialog(name string, done func(io.WriteCloser, error)) {
	if k.saveTo != nil {
		k.saveTo(name, done)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if w == nil || err != nil {
			done(nil, err)
			return
		}
		done(w, nil)
	}, k.c.w)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	k.c.showDialog(d, nil)
}

// visitLine is one entry of the contact log.
func visitLine(e app.Virksomhedskontakt) string {
	s := lang.L("field.visit_line", map[string]any{"Dato": dateText(e.Dato), "Form": codeName(kontaktFormKeys, e.Form), "Formaal": e.Formaal})
	if e.Ordning != "" {
		s += " (" + codeName(ordningKeys, e.Ordning) + ")"
	}
	if e.Udfald != "" {
		s += " — " + e.Udfald
	}
	if !e.Opfoelgning.IsZero() {
		s += " · " + lang.L("field.list.followup", map[string]any{"Dato": dateText(e.Opfoelgning)})
	}
	return s
}

// periodText writes a period; an open end says so.
func periodText(p app.Period) string {
	if p.Slut.IsZero() {
		return lang.L("field.period_open", map[string]any{"Fra": dateText(p.Start)})
	}
	return lang.L("field.period", map[string]any{"Fra": dateText(p.Start), "Til": dateText(p.Slut)})
}

func jobordreLine(j app.Jobordre) string {
	s := lang.L("field.jobordre_line", map[string]any{"Titel": j.Titel, "Disco": j.Disco, "Antal": j.Antal, "Timer": j.Timer,
		"Periode": periodText(j.Periode), "Status": codeName(jobordreStatusKeys, j.Status)})
	if len(j.Krav) > 0 {
		s += " · " + strings.Join(j.Krav, ", ")
	}
	return s
}

// henvisningLine is a referral: who, to what, when, and its outcome.
func (cc *companyCard) henvisningLine(h app.Henvisning) string {
	what := ""
	if i := slices.IndexFunc(cc.v.Jobordrer, func(j app.Jobordre) bool { return j.ID == h.Jobordre }); h.Jobordre != "" && i >= 0 {
		what = cc.v.Jobordrer[i].Titel
	}
	if i := cc.v.FindPlads(h.Plads); h.Plads != "" && i >= 0 {
		what = cc.v.Pladser[i].Titel
	}
	s := lang.L("field.henvisning_line", map[string]any{"Navn": cc.k.citizenName(h.Sag), "Hvad": what,
		"Dato": dateText(h.Dato), "Start": dateText(h.Start)})
	if h.Udfald != "" {
		s += " · " + codeName(udfaldKeys, h.Udfald)
	}
	return s
}

// PladsBrugt is how many placements run in place p on day on.
func PladsBrugt(v *app.Virksomhed, p app.ID, on app.Date) int {
	n := 0
	for _, pl := range v.Placeringer {
		if pl.Plads == p && pl.Periode.Contains(on) {
			n++
		}
	}
	return n
}

func pladsLine(v *app.Virksomhed, p app.Plads, today app.Date) string {
	parts := []string{p.Titel, codeName(ordningKeys, p.Ordning)}
	if e := v.Enhed(p.PNummer); e != nil && e.Navn != "" {
		parts = append(parts, e.Navn)
	}
	parts = append(parts, placesUsed(PladsBrugt(v, p.ID, today), p.Antal),
		lang.L("field.hours", map[string]any{"Timer": p.Timer}), periodText(p.Periode))
	return strings.Join(parts, " · ")
}

// placeringLine is a current placement: who, where, the period and the
// days left.
func (cc *companyCard) placeringLine(p app.Placering, today app.Date) string {
	parts := []string{cc.k.citizenName(p.Sag), codeName(ordningKeys, p.Ordning)}
	if i := cc.v.FindPlads(p.Plads); i >= 0 {
		parts = append(parts, cc.v.Pladser[i].Titel)
	}
	parts = append(parts, periodText(p.Periode), lang.L("field.hours", map[string]any{"Timer": fte(p.Timer)}))
	switch {
	case today.Before(p.Periode.Start):
		parts = append(parts, lang.L("field.starts_in", map[string]any{"Dage": today.DaysUntil(p.Periode.Start)}))
	case !p.Periode.Slut.IsZero():
		parts = append(parts, lang.L("field.days_left", map[string]any{"Dage": today.DaysUntil(p.Periode.Slut) + 1}))
	}
	return strings.Join(parts, " · ")
}

// PlaceringStatus is a current placement's rule status on day on: for
// praktik and løntilskud the rimelighedskrav at its workplace (persons
// counted in FTE against the most the workplace may have, DOMAIN B2),
// and the rule set the placement was checked under. The domain checks the
// durations when a placement is made (Placer); it has no status of them
// for a running one, so the card shows the period and the days left.
func PlaceringStatus(v *app.Virksomhed, rs *app.RuleSet, p app.Placering, on app.Date) string {
	parts := []string{lang.L("field.regelsaet", map[string]any{"Version": p.RegelSet})}
	if rs != nil && (p.Ordning == app.OrdningPraktik || p.Ordning == app.OrdningLoentilskud) {
		if e := v.Enhed(p.PNummer); e != nil {
			day := on
			if day.Before(p.Periode.Start) {
				day = p.Periode.Start
			}
			brugt := v.RimelighedBrugt(rs, p.PNummer, app.Period{Start: day, Slut: day}, "")
			maxP := rs.RimelighedMax(e.Ansatte)
			key := "field.rimelighed"
			if brugt > float64(maxP)+1e-9 {
				key = "field.rimelighed_over"
			}
			parts = append([]string{lang.L(key, map[string]any{"Brugt": fte(brugt), "Max": maxP})}, parts...)
		}
	}
	if p.Begrundelse != "" {
		parts = append(parts, lang.L("field.begrundet", map[string]any{"Tekst": p.Begrundelse}))
	}
	return strings.Join(parts, " · ")
}

// citizenName is the name of the citizen of case id from the caseload in
// memory (no view is logged), else the case id: a citizen placed by
// another consultant is not in this caseload.
func (k *fieldKit) citizenName(id app.ID) string {
	for _, s := range k.m.list.index.cases {
		if s.ID == id {
			return s.Navn
		}
	}
	return lang.L("field.citizen_other", map[string]any{"Sag": string(id)})
}
