package ui

import (
	"context"

	"feltsag.dk/feltsag/app"
)

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
	// History is the case's audit records, newest first, at most limit
	// (limit <= 0: all): the Historik tab. Reading it is not logged: it
	// shows ids, times and actions, no citizen data.
	History(caseID app.ID, limit int) ([]app.AuditRecord, error)
}

// Account is the caseworker's sign-in and the lock of the local replica.
// cmd/feltsag implements it over sync/client's Login, the store and the sync
// engine. Errors are *app.Error values the screens render through the
// catalogue of texts (a wrong password carries the attempts left).
type Account interface {
	// FirstRun reports whether this computer has no replica for the
	// caseworker yet: the start screen then asks for the server address,
	// user name and password instead of the password alone.
	FirstRun() bool
	// SignIn signs in on the server, creates the encrypted replica and
	// starts sync (the first sync then runs in the background).
	SignIn(ctx context.Context, server, user, password string) error
	// Unlock opens the existing replica with the password, online or
	// offline, and starts sync.
	Unlock(password string) error
	// Lock stops sync and makes the replica forget its keys: nothing of a
	// citizen can be read until Unlock.
	Lock()
	// Actor is the signed-in caseworker, for commands and audit records.
	Actor() app.Actor
}

// Renewer is what an Account offers when the server must see the
// caseworker's password again: the offline grace period ran out (Unlock
// refuses), or the session's refresh token expired (SyncStatus.NeedSignIn).
// The client then asks for the password alone, not the first-run form.
type Renewer interface {
	// NeedsSignIn reports whether the replica or sync waits for
	// SignInAgain.
	NeedsSignIn() bool
	// SignInAgain signs in on the server with the address, user name and
	// device of the first sign-in, unlocks the replica with the same
	// password when the grace period locked it, and resumes sync with the
	// same replica and outbox.
	SignInAgain(ctx context.Context, password string) error
}
