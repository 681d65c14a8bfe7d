package main

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

// The account hands the Konflikter tab and the status line the replica's
// decisions on conflicts and its rejected commands (ui.Decisions); the
// screens find them on the caseload (ui.Options.Decisions defaults to it).

var _ ui.Decisions = (*account)(nil)

// Resolve implements ui.Decisions: the decision is kept in the replica
// until the server's resolved; the engine sends it after a Kick.
func (a *account) Resolve(r app.Resolution) error {
	db, err := a.replica()
	if err != nil {
		return err
	}
	return db.Resolve(r)
}

// Resolutions implements ui.Decisions.
func (a *account) Resolutions() ([]app.Resolution, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Resolutions()
}

// Rejected implements ui.Decisions.
func (a *account) Rejected() ([]app.Acked, error) {
	db, err := a.replica()
	if err != nil {
		return nil, err
	}
	return db.Rejected()
}

// Dismiss implements ui.Decisions.
func (a *account) Dismiss(cmd app.ID) error {
	db, err := a.replica()
	if err != nil {
		return err
	}
	return db.Dismiss(cmd)
}
