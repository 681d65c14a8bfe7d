package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/pdf"
	"feltsag.dk/feltsag/ui"
)

// fieldDocuments implements ui.FieldDocuments over the plan's documents:
// the same renderer (made at the first document), temporary folder, print
// handler and audit log. A placement's agreement carries the citizen's
// name and masked CPR number, so its print or save is recorded on the
// citizen's case (the aktindsigt log shows it) and on the company; a
// visit summary names no citizen and is recorded on the company. The
// record is written before the document leaves the program: no record, no
// paper.
type fieldDocuments struct {
	d *documents
	// jobcenter names the jobcentre on the paper; "" falls back to the
	// organisation of the consultant's own plans on the case, then to the
	// catalogue's "Jobcentret" (the client has no setting for it yet).
	jobcenter func() string
}

var _ ui.FieldDocuments = (*fieldDocuments)(nil)

// newFieldDocuments returns the field kit's documents over d.
func newFieldDocuments(d *documents) *fieldDocuments { return &fieldDocuments{d: d} }

// caseworker is the jobcentre's caseworker on the paper: the actor as the
// responsible caseworker of one of the case's plans (with phone, e-mail
// and organisation) when there is one, else the actor by the sign-in's
// user name.
func (f *fieldDocuments) caseworker(s *app.Sag, actor app.Actor) app.Sagsbehandler {
	if s != nil {
		for _, p := range s.Planer {
			if a := p.Ansvarlig; a.ID == actor.ID && a.Navn != "" {
				return a
			}
		}
	}
	cw := app.Sagsbehandler{ID: actor.ID, Navn: string(actor.ID)}
	if f.d.user != nil && f.d.user() != "" {
		cw.Navn = f.d.user()
	}
	return cw
}

// jobcentre is the jobcentre's name on the paper (see jobcenter).
func (f *fieldDocuments) jobcentre(cw app.Sagsbehandler, lang string) string {
	if f.jobcenter != nil {
		if name := f.jobcenter(); name != "" {
			return name
		}
	}
	if cw.Organisation != "" {
		return cw.Organisation
	}
	return f.d.texts.Text(lang, "pdf.aftale.jobcenter", nil, nil)
}

// agreement renders the agreement of placement pl at v for s.
func (f *fieldDocuments) agreement(v *app.Virksomhed, pl app.ID, s *app.Sag, actor app.Actor) ([]byte, pdf.FieldInfo, error) {
	if v == nil || s == nil {
		return nil, pdf.FieldInfo{}, app.Errorf(app.CodeNotFound, "", "not_found.placering")
	}
	r, err := f.d.pdf()
	if err != nil {
		return nil, pdf.FieldInfo{}, err
	}
	lang := f.d.lang()
	cw := f.caseworker(s, actor)
	var buf bytes.Buffer
	info, err := r.Agreement(&buf, pdf.AgreementInput{Virksomhed: *v, Placering: pl, Sag: *s, Rules: f.d.rulesNow(),
		Sagsbehandler: cw, Jobcenter: f.jobcentre(cw, lang), Printed: f.d.now(), Lang: lang})
	return buf.Bytes(), info, err
}

// visit renders the summary of contact k at v.
func (f *fieldDocuments) visit(v *app.Virksomhed, k app.ID, actor app.Actor) ([]byte, pdf.FieldInfo, error) {
	if v == nil {
		return nil, pdf.FieldInfo{}, app.Errorf(app.CodeNotFound, "", "not_found.virksomhed")
	}
	r, err := f.d.pdf()
	if err != nil {
		return nil, pdf.FieldInfo{}, err
	}
	lang := f.d.lang()
	cw := f.caseworker(nil, actor)
	in := pdf.VisitInput{Virksomhed: *v, Kontakt: k, Sagsbehandler: cw, Jobcenter: f.jobcentre(cw, lang), Printed: f.d.now(), Lang: lang}
	for _, e := range v.KontaktLog {
		if e.ID == k && e.Hvem == actor.ID {
			in.Hvem = cw.Navn
		}
	}
	var buf bytes.Buffer
	info, err := r.VisitSummary(&buf, in)
	return buf.Bytes(), info, err
}

// log records action on each record, in order; the first failure stops.
func (f *fieldDocuments) log(actor app.Actor, action string, kind pdf.Kind, ids ...app.ID) error {
	for _, id := range ids {
		if err := f.d.audit.LogKind(actor, action, id, string(kind)); err != nil {
			return err
		}
	}
	return nil
}

// print writes b to the temporary folder, records the print on ids and
// hands the file to the OS, like the plan's Print.
func (f *fieldDocuments) print(b []byte, kind pdf.Kind, actor app.Actor, ids ...app.ID) error {
	path, err := f.d.tempFile(fileName(kind), b)
	if err != nil {
		return err
	}
	if err := f.log(actor, app.ActionPrinted, kind, ids...); err != nil {
		_ = os.Remove(path)
		return err
	}
	if err := f.d.handoff(path); err != nil {
		return app.Errorf(app.CodeInternal, "", "internal.print_failed", "fejl", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// save records the export on ids, then writes b into w.
func (f *fieldDocuments) save(b []byte, kind pdf.Kind, actor app.Actor, w io.Writer, ids ...app.ID) error {
	if err := f.log(actor, app.ActionExported, kind, ids...); err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return app.Internal(fmt.Errorf("save the PDF: %w", err))
	}
	return nil
}

// PrintAgreement implements ui.FieldDocuments.
func (f *fieldDocuments) PrintAgreement(v *app.Virksomhed, placering app.ID, s *app.Sag, actor app.Actor) error {
	b, info, err := f.agreement(v, placering, s, actor)
	if err != nil {
		return err
	}
	return f.print(b, info.Kind, actor, s.ID, v.ID)
}

// SaveAgreement implements ui.FieldDocuments.
func (f *fieldDocuments) SaveAgreement(v *app.Virksomhed, placering app.ID, s *app.Sag, actor app.Actor, w io.Writer) error {
	b, info, err := f.agreement(v, placering, s, actor)
	if err != nil {
		return err
	}
	return f.save(b, info.Kind, actor, w, s.ID, v.ID)
}

// PrintVisit implements ui.FieldDocuments.
func (f *fieldDocuments) PrintVisit(v *app.Virksomhed, kontakt app.ID, actor app.Actor) error {
	b, info, err := f.visit(v, kontakt, actor)
	if err != nil {
		return err
	}
	return f.print(b, info.Kind, actor, v.ID)
}

// SaveVisit implements ui.FieldDocuments.
func (f *fieldDocuments) SaveVisit(v *app.Virksomhed, kontakt app.ID, actor app.Actor, w io.Writer) error {
	b, info, err := f.visit(v, kontakt, actor)
	if err != nil {
		return err
	}
	return f.save(b, info.Kind, actor, w, v.ID)
}
