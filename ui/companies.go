package ui

import (
	"io"

	"feltsag.dk/feltsag/app"
)

// Companies is what the field kit's screens (issue 11) need of the
// consultant's local data: the companies in this device's scope, their
// commands, and the candidates for an opening or a place among the
// citizens in the consultant's own scope. cmd/feltsag passes the encrypted
// replica; ui never imports it. Like Caseload, each method logs its own
// access (a view of a company, a candidate search).
type Companies interface {
	// Companies lists every company in scope, with pending and conflict
	// counts, sorted by name.
	Companies() ([]app.VirksomhedSummary, error)
	// SearchCompanies finds companies by name, CVR number or address
	// (street, postcode, town); the query is logged.
	SearchCompanies(q string, actor app.Actor) ([]app.VirksomhedSummary, error)
	// ViewCompany returns the company as this device sees it now (the
	// server's state with the pending commands applied) and logs the view.
	ViewCompany(id app.ID, actor app.Actor) (*app.Virksomhed, error)
	// CommitCompany runs a company command on the local state, keeps it in
	// the outbox for sync and returns its result; a refusal is an
	// *app.Error and nothing is kept. A henvis or placer also commits its
	// follow-up commands on the citizen's case (VResult.Foelger).
	CommitCompany(cmd app.VCommand) (*app.VResult, error)
	// Candidates ranks the citizens in the consultant's own scope who fit
	// the job opening or place target of company (an id of a Jobordre or a
	// Plads), best first, each with why; the search is logged.
	Candidates(company, target app.ID, actor app.Actor) ([]app.Kandidat, error)
	// CompanyConflicts lists the open conflicts on the company.
	CompanyConflicts(company app.ID) ([]app.Conflict, error)
}

// FieldDocuments prints and saves the paper a consultant leaves a company
// with, through the same pdf package and print path as the plan, with no
// network: the agreement of a virksomhedspraktik or løntilskud placement
// and a visit's summary. Every print and save is an audit event.
type FieldDocuments interface {
	// PrintAgreement renders the agreement of placement placering at
	// company v for the citizen's case s, logs the print and hands the
	// file to the operating system's print (or open) handler.
	PrintAgreement(v *app.Virksomhed, placering app.ID, s *app.Sag, actor app.Actor) error
	// SaveAgreement renders the same document into w and logs the export;
	// it does not close w.
	SaveAgreement(v *app.Virksomhed, placering app.ID, s *app.Sag, actor app.Actor, w io.Writer) error
	// PrintVisit renders the summary of contact-log entry kontakt.
	PrintVisit(v *app.Virksomhed, kontakt app.ID, actor app.Actor) error
	// SaveVisit renders the same summary into w and logs the export.
	SaveVisit(v *app.Virksomhed, kontakt app.ID, actor app.Actor, w io.Writer) error
}
