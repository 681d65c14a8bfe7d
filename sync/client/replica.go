package client

import (
	"time"

	"feltsag.dk/feltsag/app"
)

// Replica is what the client engine needs of the device's local replica.
// cmd/feltsag passes the encrypted store; tests may pass anything that keeps
// the same promises:
//
//   - Pending returns the outbox in the order it was saved; nothing leaves it
//     except through Ack, and only together with its result.
//   - Ack records a batch of results in one transaction.
//   - ApplyPage applies a page's records, its cursor and the rebase of
//     pending commands in one transaction, so the cursor is never ahead of
//     the data.
//   - Clock is the device's hybrid logical clock; ApplyPage stores its value.
//   - Audit and MarkUploaded hand over the device's audit log for upload.
//   - Resolutions returns a person's decisions on conflicts waiting to be
//     sent, in the order they were made, each with its place (Seq) in the
//     outbox's order; CloseConflict applies the server's resolved (the
//     conflict and its decision go together, in one transaction).
type Replica interface {
	Pending() ([]app.PendingCommand, error)
	Ack(results ...app.AckResult) error
	Cursor() (app.Cursor, error)
	ApplyPage(p app.Page) error
	Clock() *app.Clock
	Device() app.ID
	Audit(after uint64, limit int) ([]app.AuditRecord, error)
	MarkUploaded(seq uint64, at time.Time) error
	PutConflict(c app.Conflict) error
	Resolutions() ([]app.Resolution, error)
	CloseConflict(id app.ID, failed *app.Error) error
}

// pendingCounter is a Replica that counts its outbox, with the earliest
// Saved, without decoding every command (store.DB): the status and the
// hello need no more.
type pendingCounter interface {
	PendingCount() (n int, oldest time.Time, err error)
}

// pendingCount returns the number of outbox entries and the earliest
// Saved among them, through PendingCount when r has it.
func pendingCount(r Replica) (int, time.Time, error) {
	if c, ok := r.(pendingCounter); ok {
		return c.PendingCount()
	}
	pend, err := r.Pending()
	var oldest time.Time
	for _, p := range pend {
		if oldest.IsZero() || p.Saved.Before(oldest) {
			oldest = p.Saved
		}
	}
	return len(pend), oldest, err
}
