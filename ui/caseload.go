package ui

import "feltsag.dk/feltsag/app"

// Caseload is what the case screens need of the caseworker's local data.
// cmd/feltsag passes the encrypted replica; ui never imports it. Each method
// logs its own access (a view, a search) as the replica promises, so a
// screen cannot show a citizen's data without an audit record.
type Caseload interface {
	List() ([]app.CaseSummary, error)
	Search(q string, actor app.Actor) ([]app.CaseSummary, error)
	View(caseID app.ID, actor app.Actor) (*app.Sag, error)
	Commit(cmd app.Command) (*app.Result, error)
	Conflicts(caseID app.ID) ([]app.Conflict, error)
	Pending() ([]app.PendingCommand, error)
}
