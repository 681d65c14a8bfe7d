// Package pdf writes a citizen's plan as a PDF document to hand over in a
// meeting: "Min Plan" (LAB kap. 9), its uddannelsesplan variant with the
// uddannelsespålæg, and the sygedagpenge "aftale om opfølgning" (the rules
// and their sources: docs/domain.md §11.6). It is an adapter like store: it
// reads app values and never changes them. The rights-and-duties section
// comes from app's Overblik for the print date, never from typed text. The
// CPR number is printed masked (DDMMYY-XXXX) only (CPR-loven § 54 [S60],
// docs/domain.md §11.7).
//
// Output is byte-identical for the same input: the creation date is the
// print time, objects are written in sorted order and no random ids are
// used, so golden files compare byte for byte. docs/pdf.md describes the
// documents, the font and the performance.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
)

// Kind is the kind of document a plan prints as.
type Kind string

// Document kinds.
const (
	KindMinPlan         Kind = "min_plan"        // Min Plan, jobplan
	KindUddannelsesplan Kind = "uddannelsesplan" // Min Plan as uddannelsesplan, with any uddannelsespålæg
	KindSDPAftale       Kind = "sdp_aftale"      // sygedagpenge: aftale om opfølgning
)

// KindFor returns the document kind a plan prints as: the follow-up
// agreement for a sygedagpenge plan, the uddannelsesplan variant for an
// education plan or any plan with an uddannelsespålæg, Min Plan otherwise.
func KindFor(p *app.Plan) Kind {
	switch {
	case p.Type == app.PlanSDPOpfoelgning:
		return KindSDPAftale
	case p.Type == app.PlanUddannelse || p.Paalaeg != nil:
		return KindUddannelsesplan
	}
	return KindMinPlan
}

// Input is everything a document is made from. The case is passed by
// value and never modified.
type Input struct {
	Sag       app.Sag
	PlanID    app.ID            // the plan to print
	Kind      Kind              // "" = KindFor(plan); otherwise it must match the plan
	Rules     *app.Rules        // names from the rule tables and the Overblik on the print date
	Printed   time.Time         // print time; the document's date and its PDF creation date
	PrintedBy app.Sagsbehandler // the caseworker who prints, named in the footer
	Jobcenter string            // "" = the responsible caseworker's organisation
	Lang      string            // "da" (default) or "en"
}

// Info is what the caller needs for the print's audit event.
type Info struct {
	Kind     Kind
	PlanID   app.ID
	Version  int    // plan version printed
	Status   string // app.PlanUdkast or app.PlanOffentliggjort
	Pages    int
	Bytes    int64
	Lang     string
	RegelSet string // rule-set version of the rights-and-duties section
}

// Renderer renders documents. It holds the document font, read, checked
// and cut to the printable repertoire once by New, and the catalogue of
// texts the duty lines come from; it is safe for concurrent use.
type Renderer struct {
	fonts *fontSet
	texts *text.Catalogue
}

// New prepares a Renderer that takes its texts from texts (the catalogue
// of assets.I18n). It takes tens of milliseconds (the font is cut here),
// so create one and keep it. Errors are internal: no catalogue, or the
// embedded font is unreadable.
func New(texts *text.Catalogue) (*Renderer, error) {
	if texts == nil {
		return nil, app.Internal(fmt.Errorf("pdf: no catalogue of texts"))
	}
	fo, err := loadFonts()
	if err != nil {
		return nil, app.Internal(err)
	}
	return &Renderer{fonts: fo, texts: texts}, nil
}

// Render writes the document for in.PlanID to w and returns its Info.
// Nothing is written when it fails. Errors (*app.Error): invalid (missing
// print time or caseworker, unknown language, a kind that does not fit the
// plan), not_found (no such plan, or no rules cover the print date),
// internal (no rules, a layout failure, or w failed).
func (r *Renderer) Render(w io.Writer, in Input) (Info, error) {
	rd, err := r.prepare(&in)
	if err != nil {
		return Info{}, err
	}
	rd.document()
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := rd.f.Output(&buf); err != nil {
		return Info{}, app.Internal(fmt.Errorf("pdf: %w", err))
	}
	info := Info{Kind: rd.kind, PlanID: rd.plan.ID, Version: rd.plan.Version, Status: rd.plan.Status,
		Pages: rd.f.PageCount(), Bytes: int64(buf.Len()), Lang: rd.lang(), RegelSet: rd.ob.RegelSet}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return Info{}, app.Internal(fmt.Errorf("pdf: write: %w", err))
	}
	return info, nil
}

// render is one document being made.
type render struct {
	*doc
	in    *Input
	sag   *app.Sag
	plan  *app.Plan
	kind  Kind
	rs    *app.RuleSet
	ob    app.Overblik
	today app.Date // the print date in Copenhagen
	texts *text.Catalogue
}

// prepare checks the input and computes what every section needs.
func (r *Renderer) prepare(in *Input) (*render, error) {
	if in.Rules == nil {
		return nil, app.Internal(fmt.Errorf("pdf: no rules"))
	}
	lang, err := checkInput(in)
	if err != nil {
		return nil, err
	}
	i := in.Sag.FindPlan(in.PlanID)
	if i < 0 {
		return nil, app.Errorf(app.CodeNotFound, "", "not_found.plan_does_exist")
	}
	rd := &render{in: in, sag: &in.Sag, plan: &in.Sag.Planer[i], today: app.DateOf(in.Printed), texts: r.texts}
	if rd.kind, err = checkKind(in.Kind, rd.plan); err != nil {
		return nil, err
	}
	if rd.rs, err = in.Rules.ForDate(rd.today); err != nil {
		return nil, err
	}
	if rd.ob, err = in.Rules.Overblik(rd.sag, rd.today); err != nil {
		return nil, err
	}
	if jobcenter(in, rd.plan) == "" {
		return nil, app.Errorf(app.CodeInvalid, "", "invalid.give_jobcentre_s")
	}
	rd.doc = newDoc(r.fonts, words{lang: lang, cat: r.texts})
	return rd, nil
}

func checkInput(in *Input) (string, error) {
	lang := in.Lang
	switch lang {
	case "":
		lang = "da"
	case "da", "en":
	default:
		return "", app.Errorf(app.CodeInvalid, "", "invalid.pdf.lang", "sprog", lang)
	}
	if in.Printed.IsZero() {
		return "", app.Errorf(app.CodeInvalid, "", "invalid.print_time_missing")
	}
	if in.PrintedBy.Navn == "" {
		return "", app.Errorf(app.CodeInvalid, "", "invalid.give_caseworker_who")
	}
	return lang, nil
}

func checkKind(k Kind, p *app.Plan) (Kind, error) {
	want := KindFor(p)
	if k == "" || k == want {
		return want, nil
	}
	return "", app.Errorf(app.CodeInvalid, "", "invalid.pdf.kind", "slags", string(k), "skal", string(want))
}

// jobcenter returns the jobcentre named on the document.
func jobcenter(in *Input, p *app.Plan) string {
	if in.Jobcenter != "" {
		return in.Jobcenter
	}
	return p.Ansvarlig.Organisation
}

// document lays out the whole document.
func (rd *render) document() {
	rd.metadata()
	rd.f.AddPage()
	rd.titleBlock()
	rd.parties()
	if rd.kind == KindSDPAftale {
		rd.sdpSections()
	} else {
		rd.planSections()
	}
	rd.rights()
	rd.complaint()
	rd.signature()
	rd.footers()
}
