package main

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// The field kit's companies (issue 11) on the account: the screens get
// ui.Companies over the open replica, like ui.Caseload; each call fails
// with the store's "locked" error while the replica is not unlocked.

var _ ui.Companies = (*account)(nil)

// Companies implements ui.Companies.
func (a *account) Companies() ([]app.VirksomhedSummary, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Companies()
}

// SearchCompanies implements ui.Companies.
func (a *account) SearchCompanies(q string, actor app.Actor) ([]app.VirksomhedSummary, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.SearchCompanies(q, actor)
}

// ViewCompany implements ui.Companies.
func (a *account) ViewCompany(id app.ID, actor app.Actor) (*app.Virksomhed, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.ViewCompany(id, actor)
}

// CommitCompany implements ui.Companies: the company command and a
// placement's follow-up case commands are saved in one transaction.
func (a *account) CommitCompany(cmd app.VCommand) (*app.VResult, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.CommitVirksomhed(cmd)
}

// CompanyConflicts implements ui.Companies.
func (a *account) CompanyConflicts(id app.ID) ([]app.Conflict, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.CompanyConflicts(id)
}

// Candidates implements ui.Companies: the replica ranks the caseworker's
// own caseload with the rules in force and logs the search.
func (a *account) Candidates(company, target app.ID, actor app.Actor) ([]app.Kandidat, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Candidates(company, target, actor, a.RulesInForce(), app.DateOf(a.now()))
}
