package ui

import (
	"fmt"
	"image"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// Documents makes a case's plan on paper. cmd/feltsag implements it over
// the pdf package and the replica's audit log; ui never imports either.
// Every print and every saved PDF is an audit record in the replica
// before the document leaves the program: no record, no paper. All of it
// works offline.
type Documents interface {
	// Print renders the plan, logs the print and hands the file to the
	// operating system's print (or open) handler.
	Print(s *app.Sag, planID app.ID, actor app.Actor) error
	// Save renders the plan into w, the file the caseworker chose, and
	// logs the export; it does not close w.
	Save(s *app.Sag, planID app.ID, actor app.Actor, w io.Writer) error
	// Preview renders the plan's pages as images for the window: the
	// same document Print prints. No images and no error: this computer
	// cannot draw a PDF (the preview then says how to see it).
	Preview(s *app.Sag, planID app.ID, actor app.Actor) ([]image.Image, error)
}

// planTab is the Plan tab: Min Plan's content as a form (goals,
// job-search requirements, tilbud and aktiviteter, next contact), checked
// by a dry run of the same commands before anything is saved, saved as a
// draft and published through the replica, and previewed, printed and
// saved as PDF through Documents.
type planTab struct {
	v *caseView

	title   *widget.Label  // "Jobplan · version 3 · offentliggjort 12.05.2026"
	plans   *widget.Select // which of the case's plans the form edits, or a new one
	planIDs []app.ID       // the plans in plans' order; "" for "Ny plan"
	choice  app.ID         // the plan the form edits; "" for a new plan
	newPlan bool           // the caseworker chose "Ny plan"
	// filled is the plan the form was last filled with (the zero key for
	// a new plan), and filledOK whether it was: showing the same case
	// again (a sync) keeps what the caseworker is typing.
	filled   planKey
	filledOK bool
	typ      *widget.Select // the new plan's type
	typForm  *widget.Form   // its row, hidden once the plan exists
	typOf    map[string]string
	jobmaal  *fieldEntry
	uddmaal  *fieldEntry

	antal      *fieldEntry
	stillinger *fieldEntry
	geografi   *fieldEntry
	kanaler    *fieldEntry

	aktiviteter []*aktivitetRow
	aktBox      *fyne.Container

	kontaktDato *fieldEntry
	kontaktForm *widget.Select
	kontaktHvem *fieldEntry
	opfoelgning *fieldEntry
	statusTekst *fieldEntry
	ansvarlig   *fieldEntry
	jobcenter   *fieldEntry

	check, save, publish     *widget.Button
	print, savePDF, showPrev *widget.Button
	message                  *widget.Label
	result                   *fyne.Container // the dry run's consequences or refusal

	pages   *fyne.Container // the preview's page images
	shown   string          // the plan and version the pages show, "" for none
	preview *container.Scroll
	sub     *container.AppTabs // Redigér | Forhåndsvisning
	content fyne.CanvasObject

	// saveDialog asks for the file a PDF is saved in; the tests replace it.
	saveDialog func(name string, done func(io.WriteCloser, error))
}

// samtaleForms are the forms a next contact can take (app's samtale forms).
var samtaleForms = []string{"fremmoede", "telefon", "video", "digital"}

// aktivitetsTyper are the activity types a plan may list (app/plan.go).
var aktivitetsTyper = []string{"vejledning_opkvalificering", "virksomhedspraktik", "loentilskud", "mentor", "nytteindsats", "andet"}

func newPlanTab(v *caseView) *planTab {
	p := &planTab{v: v, message: widget.NewLabel(""), result: container.NewVBox()}
	p.message.Wrapping = fyne.TextWrapWord
	p.message.Hide() // until there is something to say
	p.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.typOf = map[string]string{}
	var typNames []string
	for _, t := range []string{app.PlanJob, app.PlanUddannelse, app.PlanSDPOpfoelgning} {
		n := lang.L("plan.type." + t)
		p.typOf[n] = t
		typNames = append(typNames, n)
	}
	p.typ = widget.NewSelect(typNames, nil)
	p.typ.SetSelectedIndex(0)
	p.plans = widget.NewSelect(nil, nil)
	multi := func(ph string) *fieldEntry {
		e := newMultiLineField()
		e.SetPlaceHolder(ph)
		e.SetMinRowsVisible(2)
		e.Wrapping = fyne.TextWrapWord
		return e
	}
	single := func(ph string) *fieldEntry {
		e := newTextField()
		e.SetPlaceHolder(ph)
		return e
	}
	p.jobmaal = multi(lang.L("plan.one_per_line"))
	p.uddmaal = multi(lang.L("plan.one_per_line"))
	p.antal = single("0")
	p.stillinger = single(lang.L("plan.comma_separated"))
	p.geografi = single("")
	p.kanaler = single(lang.L("plan.comma_separated"))
	p.aktBox = container.NewVBox()
	p.kontaktDato = single(lang.L("plan.date_placeholder"))
	p.kontaktForm = widget.NewSelect(formNames(), nil)
	p.kontaktHvem = single(lang.L("plan.kontakt.hvem_placeholder"))
	p.opfoelgning = single(lang.L("plan.date_placeholder"))
	p.statusTekst = multi("")
	p.ansvarlig = single("")
	p.jobcenter = single("")
	for _, e := range []*fieldEntry{p.jobmaal, p.uddmaal, p.antal, p.stillinger, p.geografi, p.kanaler,
		p.kontaktDato, p.kontaktHvem, p.opfoelgning, p.statusTekst, p.ansvarlig, p.jobcenter} {
		e.OnChanged = func(string) { v.c.touch() }
	}

	p.check = widget.NewButtonWithIcon(lang.L("plan.check"), theme.ConfirmIcon(), p.onCheck)
	p.save = widget.NewButtonWithIcon(lang.L("plan.save_draft"), theme.DocumentSaveIcon(), p.onSave)
	p.publish = widget.NewButtonWithIcon(lang.L("plan.publish"), theme.UploadIcon(), p.onPublish)
	p.publish.Importance = widget.HighImportance
	p.print = widget.NewButtonWithIcon(lang.L("plan.print"), theme.DocumentPrintIcon(), p.onPrint)
	p.savePDF = widget.NewButtonWithIcon(lang.L("plan.save_pdf"), theme.DownloadIcon(), p.onSavePDF)
	p.showPrev = widget.NewButtonWithIcon(lang.L("plan.preview"), theme.VisibilityIcon(), func() { p.sub.SelectIndex(1) })

	form := p.form()
	p.pages = container.NewVBox()
	p.preview = container.NewVScroll(p.pages)
	p.sub = container.NewAppTabs(
		container.NewTabItem(lang.L("plan.tab.edit"), container.NewVScroll(form)),
		container.NewTabItem(lang.L("plan.tab.preview"), p.preview),
	)
	p.sub.OnSelected = func(it *container.TabItem) {
		v.c.touch()
		if it.Content == p.preview {
			p.renderPreview()
		}
	}
	// Two rows, so the tab fits the case view of a 1024-pixel window: the
	// plan's title with the paper's buttons, then the record's.
	p.title.Truncation = fyne.TextTruncateEllipsis
	paper := container.NewBorder(nil, nil, nil, container.NewHBox(p.showPrev, p.print, p.savePDF), p.title)
	top := container.NewVBox(paper, container.NewHBox(p.check, p.save, p.publish), p.message, p.result)
	p.content = container.NewBorder(top, nil, nil, nil, p.sub)
	p.saveDialog = func(name string, done func(io.WriteCloser, error)) {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if w == nil || err != nil {
				done(nil, err)
				return
			}
			done(w, nil)
		}, v.c.w)
		d.SetFileName(name)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
		d.Show()
	}
	return p
}

// form lays the fields out in the order of the printed plan.
func (p *planTab) form() fyne.CanvasObject {
	f := func(items ...*widget.FormItem) *widget.Form { return widget.NewForm(items...) }
	item := widget.NewFormItem
	addAkt := widget.NewButtonWithIcon(lang.L("plan.aktivitet.add"), theme.ContentAddIcon(), func() {
		p.v.c.touch()
		p.addAktivitet(app.Aktivitet{Type: aktivitetsTyper[0]})
	})
	p.typForm = f(item(lang.L("plan.type"), p.typ))
	return container.NewVBox(
		f(item(lang.L("plan.which"), p.plans)),
		p.typForm,
		heading(lang.L("plan.goals")),
		f(item(lang.L("plan.jobmaal"), p.jobmaal), item(lang.L("plan.uddannelsesmaal"), p.uddmaal)),
		heading(lang.L("plan.jobsearch")),
		f(item(lang.L("plan.antal_pr_uge"), p.antal), item(lang.L("plan.stillinger"), p.stillinger),
			item(lang.L("plan.geografi"), p.geografi), item(lang.L("plan.kanaler"), p.kanaler)),
		heading(lang.L("plan.aktiviteter")),
		p.aktBox,
		container.NewHBox(addAkt),
		heading(lang.L("plan.followup")),
		f(item(lang.L("plan.kontakt.dato"), p.kontaktDato), item(lang.L("plan.kontakt.form"), p.kontaktForm),
			item(lang.L("plan.kontakt.hvem"), p.kontaktHvem), item(lang.L("plan.opfoelgning"), p.opfoelgning),
			item(lang.L("plan.status_tekst"), p.statusTekst)),
		heading(lang.L("plan.responsible")),
		f(item(lang.L("plan.ansvarlig"), p.ansvarlig), item(lang.L("plan.jobcenter"), p.jobcenter)),
	)
}

// has reports whether o is one of the form's text fields.
func (p *planTab) has(o fyne.Focusable) bool {
	for _, e := range []*fieldEntry{p.jobmaal, p.uddmaal, p.antal, p.stillinger, p.geografi, p.kanaler,
		p.kontaktDato, p.kontaktHvem, p.opfoelgning, p.statusTekst, p.ansvarlig, p.jobcenter} {
		if o == fyne.Focusable(e) {
			return true
		}
	}
	for _, r := range p.aktiviteter {
		for _, e := range []*fieldEntry{r.udbyder, r.fra, r.til, r.timer, r.kontakt} {
			if o == fyne.Focusable(e) {
				return true
			}
		}
	}
	return false
}

func formNames() []string {
	out := make([]string, len(samtaleForms))
	for i, f := range samtaleForms {
		out[i] = lang.L("pdf.samtaleform." + f)
	}
	return out
}

// aktivitetRow is one tilbud or aktivitet in the form.
type aktivitetRow struct {
	typ      *widget.Select
	udbyder  *fieldEntry
	fra, til *fieldEntry
	timer    *fieldEntry
	kontakt  *fieldEntry
	box      fyne.CanvasObject
}

func aktivitetNames() []string {
	out := make([]string, len(aktivitetsTyper))
	for i, t := range aktivitetsTyper {
		out[i] = lang.L("pdf.aktivitet." + t)
	}
	return out
}

// addAktivitet adds a row for a to the form.
func (p *planTab) addAktivitet(a app.Aktivitet) {
	r := &aktivitetRow{typ: widget.NewSelect(aktivitetNames(), nil), udbyder: newTextField(),
		fra: newTextField(), til: newTextField(), timer: newTextField(), kontakt: newTextField()}
	if i := slices.Index(aktivitetsTyper, a.Type); i >= 0 {
		r.typ.SetSelectedIndex(i)
	}
	r.udbyder.SetPlaceHolder(lang.L("plan.aktivitet.udbyder"))
	r.fra.SetPlaceHolder(lang.L("plan.aktivitet.fra"))
	r.til.SetPlaceHolder(lang.L("plan.aktivitet.til"))
	r.timer.SetPlaceHolder(lang.L("plan.aktivitet.timer"))
	r.kontakt.SetPlaceHolder(lang.L("plan.aktivitet.kontakt"))
	r.udbyder.SetText(a.Udbyder)
	r.fra.SetText(a.Periode.Start.Dansk())
	r.til.SetText(a.Periode.Slut.Dansk())
	if a.Timer != 0 || a.Minutter != 0 {
		r.timer.SetText(hoursText(a.Timer, a.Minutter))
	}
	r.kontakt.SetText(a.Kontakt)
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	remove.Importance = widget.LowImportance
	remove.OnTapped = func() {
		p.v.c.touch()
		p.aktiviteter = slices.DeleteFunc(p.aktiviteter, func(x *aktivitetRow) bool { return x == r })
		p.aktBox.Remove(r.box)
	}
	dates := container.NewGridWithColumns(3, r.fra, r.til, r.timer)
	r.box = container.NewVBox(
		container.NewBorder(nil, nil, nil, remove, container.NewGridWithColumns(2, r.typ, r.udbyder)),
		container.NewGridWithColumns(2, dates, r.kontakt),
		widget.NewSeparator(),
	)
	p.aktiviteter = append(p.aktiviteter, r)
	p.aktBox.Add(r.box)
}

// hoursText writes hours and minutes per week as "37" or "7:30".
func hoursText(h, m int) string {
	if m == 0 {
		return strconv.Itoa(h)
	}
	return fmt.Sprintf("%d:%02d", h, m)
}

// newest is the case's most recently changed plan, nil when it has none.
func newest(s *app.Sag) *app.Plan {
	var cur *app.Plan
	for i := range s.Planer {
		pl := &s.Planer[i]
		if cur == nil || pl.Aendret.After(cur.Aendret) || pl.Aendret.Equal(cur.Aendret) && pl.Oprettet.After(cur.Oprettet) {
			cur = pl
		}
	}
	return cur
}

// current is the plan the form edits, nil for a new one.
func (p *planTab) current() *app.Plan {
	if i := p.v.sag.FindPlan(p.choice); p.choice != "" && i >= 0 {
		return &p.v.sag.Planer[i]
	}
	return nil
}

// show lists the case's plans and fills the form with the chosen one:
// the one chosen before, else the newest; an empty form for a new plan.
func (p *planTab) show(s *app.Sag) {
	if p.choice == "" || s.FindPlan(p.choice) < 0 {
		p.choice = ""
		if pl := newest(s); pl != nil && !p.newPlan {
			p.choice = pl.ID
		}
	}
	var names []string
	p.planIDs = p.planIDs[:0]
	for i := range s.Planer {
		names = append(names, p.planTitle(&s.Planer[i]))
		p.planIDs = append(p.planIDs, s.Planer[i].ID)
	}
	names = append(names, lang.L("plan.new"))
	p.planIDs = append(p.planIDs, "")
	p.plans.OnChanged = nil
	p.plans.SetOptions(names)
	p.plans.SetSelectedIndex(slices.Index(p.planIDs, p.choice))
	p.plans.OnChanged = func(string) {
		p.v.c.touch()
		p.choice = p.planIDs[p.plans.SelectedIndex()]
		p.newPlan = p.choice == ""
		p.fill()
	}
	if p.filledOK && p.filled == p.key() {
		return // the plan in the form is unchanged: keep the caseworker's unsaved edits
	}
	p.fill()
}

// planKey names what the form shows of a plan: its id, version and
// status (publishing keeps the version).
type planKey struct {
	id      app.ID
	version int
	status  string
}

// key is the chosen plan's key, or the zero key for a new one.
func (p *planTab) key() planKey {
	if pl := p.current(); pl != nil {
		return planKey{pl.ID, pl.Version, pl.Status}
	}
	return planKey{}
}

// fill puts the chosen plan's content in the form (or empties it).
func (p *planTab) fill() {
	pl := p.current()
	p.filled, p.filledOK = p.key(), true
	var in app.PlanIndhold
	if pl != nil {
		in = pl.PlanIndhold
		p.typForm.Hide()
		p.title.SetText(p.planTitle(pl))
	} else {
		p.typForm.Show()
		p.title.SetText(lang.L("plan.none"))
		if len(p.v.sag.Planer) > 0 {
			p.title.SetText(lang.L("plan.new_title"))
		}
	}
	p.jobmaal.SetText(strings.Join(in.Jobmaal, "\n"))
	p.uddmaal.SetText(strings.Join(in.Uddannelsesmaal, "\n"))
	p.antal.SetText("")
	if in.Jobsoegning.AntalPrUge > 0 {
		p.antal.SetText(strconv.Itoa(in.Jobsoegning.AntalPrUge))
	}
	p.stillinger.SetText(strings.Join(in.Jobsoegning.Stillinger, ", "))
	p.geografi.SetText(in.Jobsoegning.Geografi)
	p.kanaler.SetText(strings.Join(in.Jobsoegning.Kanaler, ", "))
	p.aktiviteter = nil
	p.aktBox.RemoveAll()
	for _, a := range in.Aktiviteter {
		p.addAktivitet(a)
	}
	p.kontaktDato.SetText(in.NaesteKontakt.Dato.Dansk())
	p.kontaktForm.ClearSelected()
	if i := slices.Index(samtaleForms, in.NaesteKontakt.Form); i >= 0 {
		p.kontaktForm.SetSelectedIndex(i)
	}
	p.kontaktHvem.SetText(in.NaesteKontakt.Hvem)
	p.opfoelgning.SetText(in.Opfoelgning.Dansk())
	p.statusTekst.SetText(in.StatusTekst)
	p.ansvarlig.SetText(in.Ansvarlig.Navn)
	p.jobcenter.SetText(in.Ansvarlig.Organisation)
	for _, b := range []*widget.Button{p.print, p.savePDF, p.showPrev} {
		if pl != nil && p.v.c.o.Documents != nil {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	p.pages.RemoveAll()
	p.shown = ""
	p.result.RemoveAll()
	if p.sub.SelectedIndex() == 1 {
		p.renderPreview()
	}
}

// planTitle is "Jobplan · version 3 · offentliggjort 12.05.2026".
func (p *planTab) planTitle(pl *app.Plan) string {
	parts := []string{lang.L("plan.type." + pl.Type), lang.L("plan.version", map[string]any{"Version": pl.Version})}
	if pl.Status == app.PlanOffentliggjort {
		parts = append(parts, lang.L("plan.status.offentliggjort", map[string]any{"Dato": dateText(pl.Offentliggjort)}))
	} else {
		parts = append(parts, lang.L("plan.status.udkast"))
	}
	return strings.Join(parts, " · ")
}

// lines splits one item per line, dropping empty lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// commas splits a comma-separated list, dropping empty items.
func commas(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// date parses a form date ("" is no date). The error names the field.
func date(s, field string) (app.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return app.Date{}, nil
	}
	d, err := app.ParseDate(s)
	if err != nil {
		return app.Date{}, app.AsError(err).WithField(field)
	}
	return d, nil
}

// hours parses "37", "7:30" or "7,5" hours per week.
func hours(s string) (h, m int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	bad := app.Errorf(app.CodeInvalid, "", "invalid.aktivitet.hours_minutes_per").WithField("aktivitet")
	if hs, ms, ok := strings.Cut(s, ":"); ok {
		h, err1 := strconv.Atoi(hs)
		m, err2 := strconv.Atoi(ms)
		if err1 != nil || err2 != nil {
			return 0, 0, bad
		}
		return h, m, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < 0 {
		return 0, 0, bad
	}
	h = int(f)
	return h, int((f-float64(h))*60 + 0.5), nil
}

// indhold is the plan content the form describes: the saved plan's
// content with the form's fields put in (fields the form does not show,
// such as a pålæg or the sygedagpenge agreement, stay as they are).
func (p *planTab) indhold() (app.PlanIndhold, error) {
	var in app.PlanIndhold
	if pl := p.current(); pl != nil {
		in = pl.PlanIndhold
	}
	in.Jobmaal = lines(p.jobmaal.Text)
	in.Uddannelsesmaal = lines(p.uddmaal.Text)
	in.Jobsoegning.AntalPrUge = 0
	if s := strings.TrimSpace(p.antal.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return in, app.Errorf(app.CodeInvalid, "", "invalid.antal_pr_uge.applications_per_week").WithField("antal_pr_uge")
		}
		in.Jobsoegning.AntalPrUge = n
	}
	in.Jobsoegning.Stillinger = commas(p.stillinger.Text)
	in.Jobsoegning.Geografi = strings.TrimSpace(p.geografi.Text)
	in.Jobsoegning.Kanaler = commas(p.kanaler.Text)
	in.Aktiviteter = nil
	for _, r := range p.aktiviteter {
		a := app.Aktivitet{Udbyder: strings.TrimSpace(r.udbyder.Text), Kontakt: strings.TrimSpace(r.kontakt.Text)}
		if i := r.typ.SelectedIndex(); i >= 0 {
			a.Type = aktivitetsTyper[i]
		}
		var err error
		if a.Periode.Start, err = date(r.fra.Text, "aktivitet.fra"); err != nil {
			return in, err
		}
		if a.Periode.Slut, err = date(r.til.Text, "aktivitet.til"); err != nil {
			return in, err
		}
		if a.Timer, a.Minutter, err = hours(r.timer.Text); err != nil {
			return in, err
		}
		in.Aktiviteter = append(in.Aktiviteter, a)
	}
	var err error
	if in.NaesteKontakt.Dato, err = date(p.kontaktDato.Text, "naeste_kontakt.dato"); err != nil {
		return in, err
	}
	in.NaesteKontakt.Form = ""
	if i := p.kontaktForm.SelectedIndex(); i >= 0 {
		in.NaesteKontakt.Form = samtaleForms[i]
	}
	in.NaesteKontakt.Hvem = strings.TrimSpace(p.kontaktHvem.Text)
	if in.Opfoelgning, err = date(p.opfoelgning.Text, "opfoelgning"); err != nil {
		return in, err
	}
	in.StatusTekst = strings.TrimSpace(p.statusTekst.Text)
	navn := strings.TrimSpace(p.ansvarlig.Text)
	if navn != in.Ansvarlig.Navn {
		in.Ansvarlig = app.Sagsbehandler{ID: p.v.c.o.Account.Actor().ID, Navn: navn}
	}
	in.Ansvarlig.Organisation = strings.TrimSpace(p.jobcenter.Text)
	return in, nil
}

// commands are the commands that save the form (GemPlan, when the content
// changed or there is no plan yet) and, with publish, publish it. None
// when there is nothing to do.
func (p *planTab) commands(publish bool) ([]app.Command, error) {
	c := p.v.c
	in, err := p.indhold()
	if err != nil {
		return nil, err
	}
	pl := p.current()
	var bodies []app.Body
	var planID app.ID
	if pl != nil {
		planID = pl.ID
	}
	if pl == nil || !reflect.DeepEqual(normal(in), normal(pl.PlanIndhold)) {
		g := &app.GemPlan{PlanID: planID, Indhold: in}
		if pl == nil {
			if g.PlanID, err = c.o.NewID(); err != nil {
				return nil, app.Internal(err)
			}
			planID = g.PlanID
			g.Type = p.typOf[p.typ.Selected]
		}
		bodies = append(bodies, g)
	}
	if publish && (len(bodies) > 0 || pl.Status == app.PlanUdkast) {
		bodies = append(bodies, &app.OffentliggoerPlan{PlanID: planID})
	}
	cmds := make([]app.Command, 0, len(bodies))
	for _, b := range bodies {
		id, err := c.o.NewID()
		if err != nil {
			return nil, app.Internal(err)
		}
		cmds = append(cmds, app.Command{ID: id, Sag: p.v.sag.ID, Actor: c.o.Account.Actor(), At: c.o.Now(), Body: b})
	}
	return cmds, nil
}

// normal makes empty and nil lists equal for the comparison with the
// saved content.
func normal(in app.PlanIndhold) app.PlanIndhold {
	for _, l := range []*[]string{&in.Jobmaal, &in.Uddannelsesmaal, &in.Jobsoegning.Stillinger, &in.Jobsoegning.Kanaler, &in.Stabiliserende, &in.AndreIndsatser} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	if len(in.Aktiviteter) == 0 {
		in.Aktiviteter = nil
	}
	return in
}

// dryRun runs cmds in order on the case as the engine would commit them,
// without saving anything, and returns the results or the first refusal.
func (p *planTab) dryRun(cmds []app.Command) ([]*app.Result, error) {
	e := p.v.engine()
	s := p.v.sag
	var out []*app.Result
	for _, cmd := range cmds {
		res, err := e.Execute(s, cmd)
		if err != nil {
			return out, err
		}
		out = append(out, res)
		s = res.Sag
	}
	return out, nil
}

// onCheck shows what saving and publishing would do, or why not: a dry
// run of the same commands.
func (p *planTab) onCheck() {
	p.v.c.touch()
	draft, err := p.commands(false)
	if err != nil {
		p.refused(err)
		return
	}
	if _, err := p.dryRun(draft); err != nil {
		p.refused(err)
		return
	}
	p.result.RemoveAll()
	if len(draft) > 0 {
		p.result.Add(bullet(lang.L("plan.check.can_save"), false))
	}
	pub, err := p.commands(true)
	if err == nil {
		_, err = p.dryRun(pub)
	}
	switch {
	case err != nil:
		l := bullet(lang.L("plan.check.cannot_publish", map[string]any{"Grund": p.v.c.tx.errText(err)}), false)
		l.Importance = widget.WarningImportance
		p.result.Add(l)
	case len(pub) > len(draft):
		p.result.Add(bullet(lang.L("plan.check.can_publish"), false))
	default:
		p.result.Add(bullet(lang.L("plan.check.nothing"), false))
	}
	p.say(lang.L("plan.check.done"), widget.MediumImportance)
}

// refused shows a refusal inline, in the UI's language.
func (p *planTab) refused(err error) {
	p.result.RemoveAll()
	p.say(p.v.c.tx.errText(err), widget.DangerImportance)
}

func (p *planTab) say(s string, imp widget.Importance) {
	p.message.Importance = imp
	p.message.SetText(s)
	p.message.Show()
}

func (p *planTab) onSave()    { p.commit(false) }
func (p *planTab) onPublish() { p.commit(true) }

// commit dry-runs the commands, then saves them in the replica one by
// one (off the Fyne goroutine: each is an fsync) and tells sync.
func (p *planTab) commit(publish bool) {
	c := p.v.c
	c.touch()
	cmds, err := p.commands(publish)
	if err != nil {
		p.refused(err)
		return
	}
	if len(cmds) == 0 {
		p.say(lang.L("plan.check.nothing"), widget.MediumImportance)
		return
	}
	if _, err := p.dryRun(cmds); err != nil {
		p.refused(err)
		return
	}
	p.save.Disable()
	p.publish.Disable()
	c.o.Go(func() {
		var last *app.Result
		var err error
		for _, cmd := range cmds {
			var res *app.Result
			if res, err = c.o.Cases.Commit(cmd); err != nil {
				break
			}
			last = res
		}
		if last != nil {
			c.o.Sync.Kick()
		}
		fyne.Do(func() {
			p.save.Enable()
			p.publish.Enable()
			if g, ok := cmds[0].Body.(*app.GemPlan); ok && g.Type != "" && last != nil {
				p.choice, p.newPlan = g.PlanID, false // the new plan is the one to go on with
			}
			if last != nil && last.Sag != nil {
				p.v.show(last.Sag)
				p.v.changed()
			}
			if err != nil {
				p.refused(err)
				return
			}
			key := "plan.saved"
			if publish {
				key = "plan.published"
			}
			p.say(lang.L(key), widget.SuccessImportance)
		})
	})
}

// planID is the saved plan the documents are made of, or "" (none yet).
func (p *planTab) planID() app.ID {
	if pl := p.current(); pl != nil {
		return pl.ID
	}
	return ""
}

// onPrint prints the saved plan (Ctrl+P). Unsaved changes in the form are
// not printed: the paper must be what the case says.
func (p *planTab) onPrint() {
	c := p.v.c
	c.touch()
	id := p.planID()
	if c.o.Documents == nil || id == "" {
		p.say(lang.L("plan.print.none"), widget.WarningImportance)
		return
	}
	s, actor := p.v.sag, c.o.Account.Actor()
	p.say(lang.L("plan.print.busy"), widget.MediumImportance)
	p.print.Disable()
	c.o.Go(func() {
		err := c.o.Documents.Print(s, id, actor)
		fyne.Do(func() {
			p.print.Enable()
			if err != nil {
				p.refused(err)
				return
			}
			p.say(lang.L("plan.print.done")+p.unsavedNote(), widget.SuccessImportance)
		})
	})
}

// unsavedNote warns that the paper shows the saved plan, not the form.
func (p *planTab) unsavedNote() string {
	if cmds, err := p.commands(false); err == nil && len(cmds) == 0 {
		return ""
	}
	return " " + lang.L("plan.print.unsaved")
}

// onSavePDF asks for a file and saves the plan in it.
func (p *planTab) onSavePDF() {
	c := p.v.c
	c.touch()
	id := p.planID()
	if c.o.Documents == nil || id == "" {
		p.say(lang.L("plan.print.none"), widget.WarningImportance)
		return
	}
	s, actor := p.v.sag, c.o.Account.Actor()
	name := lang.L("plan.file_name", map[string]any{"Dato": dateText(app.DateOf(c.o.Now()))}) + ".pdf"
	p.saveDialog(name, func(w io.WriteCloser, err error) {
		if err != nil {
			p.refused(app.Internal(err))
			return
		}
		if w == nil {
			return // cancelled
		}
		c.o.Go(func() {
			err := c.o.Documents.Save(s, id, actor, w)
			if cerr := w.Close(); err == nil && cerr != nil {
				err = app.Internal(cerr)
			}
			fyne.Do(func() {
				if err != nil {
					p.refused(err)
					return
				}
				p.say(lang.L("plan.save_pdf.done"), widget.SuccessImportance)
			})
		})
	})
}

// renderPreview draws the saved plan's pages in the preview tab (off the
// Fyne goroutine: a render takes tens of milliseconds a page).
func (p *planTab) renderPreview() {
	c := p.v.c
	id := p.planID()
	key := ""
	if pl := p.current(); pl != nil {
		key = string(pl.ID) + "/" + strconv.Itoa(pl.Version) + "/" + pl.Status
	}
	if key != "" && key == p.shown {
		return // these pages are up
	}
	p.shown = ""
	p.pages.RemoveAll()
	if c.o.Documents == nil || id == "" {
		p.pages.Add(lowLabel(lang.L("plan.preview.none")))
		c.o.OnScreen("plan_preview")
		return
	}
	p.pages.Add(lowLabel(lang.L("plan.preview.busy")))
	s := p.v.sag
	start := time.Now()
	c.o.Go(func() {
		imgs, err := c.o.Documents.Preview(s, id, c.o.Account.Actor())
		fyne.Do(func() {
			p.pages.RemoveAll()
			switch {
			case err != nil:
				p.pages.Add(errorPane(c.tx.errText(err)))
			case len(imgs) == 0:
				p.pages.Add(lowLabel(lang.L("plan.preview.unavailable")))
			}
			for i, img := range imgs {
				p.pages.Add(p.page(img, i+1, len(imgs)))
			}
			if err == nil && len(imgs) > 0 {
				p.shown = key
			}
			p.pages.Add(lowLabel(lang.L("plan.preview.pages", map[string]any{"Sider": len(imgs), "Ms": time.Since(start).Milliseconds()})))
			p.pages.Refresh()
			c.o.OnScreen("plan_preview")
		})
	})
}

// previewWidth is how wide a preview page is drawn: A4 at about 75 %,
// readable, and narrow enough for the case view of a 1024-pixel window.
const previewWidth = 640

// page is one page image.
func (p *planTab) page(img image.Image, n, of int) fyne.CanvasObject {
	im := canvas.NewImageFromImage(img)
	im.FillMode = canvas.ImageFillContain
	b := img.Bounds()
	w := float32(previewWidth)
	im.SetMinSize(fyne.NewSize(w, w*float32(b.Dy())/float32(max(1, b.Dx()))))
	cap := lowLabel(lang.L("plan.preview.page", map[string]any{"Side": n, "Af": of}))
	return container.NewVBox(container.NewCenter(im), container.NewCenter(cap))
}

func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}
