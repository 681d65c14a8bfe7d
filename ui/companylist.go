package ui

import (
	"reflect"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// CompanyIndex is the company list in a form that filters fast: the
// summaries with their names and addresses folded for matching.
type CompanyIndex struct {
	companies []app.VirksomhedSummary
	folded    []string // lower-case name and address
}

// NewCompanyIndex indexes the summaries (in the order given).
func NewCompanyIndex(companies []app.VirksomhedSummary) *CompanyIndex {
	x := &CompanyIndex{companies: companies, folded: make([]string, len(companies))}
	for i, c := range companies {
		a := c.Adresse
		x.folded[i] = strings.ToLower(strings.Join([]string{c.Navn, a.Vej, a.Postnr, a.By}, " "))
	}
	return x
}

// Len is the number of companies indexed.
func (x *CompanyIndex) Len() int { return len(x.companies) }

// Filter returns the companies that match q, in index order: every word
// of q in the name or the address (street, postcode, town), or q's digits
// in the CVR number (spaces as in "12 34 56 78" allowed). extra lists
// company ids the replica's SearchCompanies found, which match whatever q
// is.
func (x *CompanyIndex) Filter(q string, extra map[app.ID]bool) []app.VirksomhedSummary {
	q = strings.ToLower(strings.TrimSpace(q))
	words := strings.Fields(q)
	digits := digitsOf(q)
	numeric := q != "" && strings.Trim(q, "0123456789- ") == ""
	out := make([]app.VirksomhedSummary, 0, len(x.companies))
	for i := range x.companies {
		c := &x.companies[i]
		if q != "" && !extra[c.ID] && !x.matches(i, words, digits, numeric) {
			continue
		}
		out = append(out, *c)
	}
	return out
}

func (x *CompanyIndex) matches(i int, words []string, digits string, numeric bool) bool {
	if numeric && strings.Contains(string(x.companies[i].CVR), digits) {
		return true
	}
	for _, w := range words {
		if !strings.Contains(x.folded[i], w) {
			return false
		}
	}
	return true
}

// FormatCVR writes a CVR number in the register's groups of two digits,
// "12 34 56 78"; anything but 8 digits is written as it is.
func FormatCVR(cvr app.CVR) string {
	s := string(cvr)
	if len(s) != 8 || digitsOf(s) != s {
		return s
	}
	return s[0:2] + " " + s[2:4] + " " + s[4:6] + " " + s[6:8]
}

// companyList is the left side of the main window in the Virksomheder
// view: search and the list of the consultant's companies.
type companyList struct {
	k      *fieldKit
	index  *CompanyIndex
	shown  []app.VirksomhedSummary
	found  map[app.ID]bool
	query  string
	search *fieldEntry
	count  *widget.Label
	list   *widget.List

	content  fyne.CanvasObject
	stopLog  func() bool
	selected app.ID
	quiet    bool
	closed   bool
}

func newCompanyList(k *fieldKit) *companyList {
	l := &companyList{k: k, index: NewCompanyIndex(nil)}
	l.search = newFieldEntry()
	l.search.onEsc = func() { l.search.SetText("") } // clears the search; never cancels a form that is open beside it
	l.search.SetPlaceHolder(lang.L("field.list.search"))
	l.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	l.search.OnChanged = l.onSearch
	l.search.OnSubmitted = func(string) {
		if len(l.shown) > 0 {
			l.list.Select(0)
		}
	}
	l.count = widget.NewLabel("")
	l.count.Importance = widget.LowImportance
	l.list = widget.NewList(func() int { return len(l.shown) }, newCompanyRow, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(l.shown) {
			o.(*companyRow).set(&l.shown[i], app.DateOf(k.c.o.Now()))
		}
	})
	l.list.OnSelected = func(i widget.ListItemID) {
		if l.quiet || i < 0 || i >= len(l.shown) {
			return
		}
		k.c.touch()
		l.selected = l.shown[i].ID
		k.open(l.selected)
	}
	top := container.NewVBox(l.search, l.count)
	l.content = container.New(layout.NewBorderLayout(top, nil, nil, nil), top, l.list)
	return l
}

// reload reads the companies from the replica (its in-memory index) off
// the Fyne goroutine and shows them filtered.
func (l *companyList) reload() {
	companies := l.k.c.o.Companies
	l.k.c.o.Go(func() {
		all, err := companies.Companies()
		if err != nil {
			return // locked meanwhile
		}
		x := NewCompanyIndex(all)
		fyne.Do(func() {
			if l.closed || reflect.DeepEqual(all, l.index.companies) {
				return
			}
			l.index = x
			l.changed()
			l.k.loaded(all)
		})
	})
}

// onSearch filters at once and logs the query through SearchCompanies
// when typing rests.
func (l *companyList) onSearch(q string) {
	c := l.k.c
	c.touch()
	l.query, l.found = q, nil
	l.changed()
	if l.stopLog != nil {
		l.stopLog()
	}
	if strings.TrimSpace(q) == "" {
		return
	}
	companies, actor := c.o.Companies, c.o.Account.Actor()
	l.stopLog = c.o.AfterFunc(searchLogDelay, func() {
		hits, err := companies.SearchCompanies(q, actor)
		if err != nil {
			return
		}
		found := make(map[app.ID]bool, len(hits))
		for _, h := range hits {
			found[h.ID] = true
		}
		fyne.Do(func() {
			if l.closed || l.query != q {
				return
			}
			l.found = found
			l.changed()
		})
	})
}

// changed filters the index again and shows the result.
func (l *companyList) changed() {
	l.shown = l.index.Filter(l.query, l.found)
	l.count.SetText(lang.L("field.list.count", map[string]any{"Vist": len(l.shown), "I_alt": l.index.Len()}))
	l.list.UnselectAll()
	l.list.Refresh()
	if i := slices.IndexFunc(l.shown, func(c app.VirksomhedSummary) bool { return c.ID == l.selected }); i >= 0 {
		l.quiet = true
		l.list.Select(i)
		l.quiet = false
	}
}

func (l *companyList) close() {
	l.closed = true
	if l.stopLog != nil {
		l.stopLog()
	}
	l.index, l.shown, l.found = NewCompanyIndex(nil), nil, nil
}

// companyRow is one row of the company list: name and CVR, then town,
// openings, the places' use and the next follow-up, and the badges.
type companyRow struct {
	widget.BaseWidget
	name, cvr, facts, badges *widget.Label
	lines                    []*fyne.Container
}

func newCompanyRow() fyne.CanvasObject {
	r := &companyRow{
		name:   widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		cvr:    widget.NewLabel(""),
		facts:  widget.NewLabel(""),
		badges: widget.NewLabel(""),
	}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.facts.Truncation = fyne.TextTruncateEllipsis
	r.badges.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out in two lines.
func (r *companyRow) CreateRenderer() fyne.WidgetRenderer {
	top := container.NewBorder(nil, nil, nil, r.cvr, r.name)
	bottom := container.NewBorder(nil, nil, nil, r.badges, r.facts)
	r.lines = []*fyne.Container{top, bottom}
	return widget.NewSimpleRenderer(container.New(&tightVBox{}, top, bottom))
}

func (r *companyRow) set(s *app.VirksomhedSummary, today app.Date) {
	changed := setLabel(r.name, s.Navn, widget.MediumImportance)
	changed = setLabel(r.cvr, FormatCVR(s.CVR), widget.MediumImportance) || changed
	changed = setLabel(r.facts, CompanyFacts(s, today), widget.MediumImportance) || changed
	text, imp := companyBadges(s)
	changed = setLabel(r.badges, text, imp) || changed
	if changed {
		for _, line := range r.lines {
			line.Layout.Layout(line.Objects, line.Size())
		}
	}
}

// CompanyFacts is a company row's second line: the town, the next
// follow-up, the open job openings and the places' use ("3 af 4 pladser
// brugt"). The follow-up comes early: a narrow list cuts the line's end.
func CompanyFacts(s *app.VirksomhedSummary, today app.Date) string {
	var parts []string
	if s.Adresse.By != "" {
		parts = append(parts, s.Adresse.By)
	}
	if !s.Opfoelgning.IsZero() {
		parts = append(parts, lang.L("field.list.followup", map[string]any{"Dato": rowDate(s.Opfoelgning, today)}))
	}
	if s.AabneJobordrer > 0 {
		parts = append(parts, lang.L(countKey("field.list.openings", s.AabneJobordrer), map[string]any{"Antal": s.AabneJobordrer}))
	}
	if s.Pladser > 0 || s.AktivePlaceringer > 0 {
		parts = append(parts, placesUsed(s.AktivePlaceringer, s.Pladser))
	}
	return strings.Join(parts, " · ")
}

// companyBadges says what needs attention: conflicts, unsent changes,
// read-only.
func companyBadges(s *app.VirksomhedSummary) (string, widget.Importance) {
	var parts []string
	imp := widget.MediumImportance
	if s.Conflicts > 0 {
		parts = append(parts, lang.L(countKey("list.badge_conflicts", s.Conflicts), map[string]any{"Antal": s.Conflicts}))
		imp = widget.DangerImportance
	}
	if s.Pending > 0 {
		parts = append(parts, lang.L("list.badge_unsent", map[string]any{"Antal": s.Pending}))
		if imp == widget.MediumImportance {
			imp = widget.WarningImportance
		}
	}
	if s.ReadOnly {
		parts = append(parts, lang.L("list.badge_read_only"))
	}
	return strings.Join(parts, " · "), imp
}

// placesUsed is "3 af 4 pladser brugt", "1 af 1 plads brugt".
func placesUsed(brugt, antal int) string {
	return lang.L(countKey("field.places_used", antal), map[string]any{"Brugt": brugt, "Antal": antal})
}
