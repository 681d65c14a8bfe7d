package sim

import (
	"errors"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// errKilled is what a killed device's replica answers: the process is
// gone, nothing more reaches the disk.
var errKilled = errors.New("sim: the device process was killed")

// Crash points of a device (its replica dies when the engine reaches one).
const (
	killNone = iota
	killAtAck
	killAtPage
)

// replica is the device's store as the engine sees it, with two additions:
// every ack the store recorded is reported to the simulation (the oracle
// of "acknowledged"), and a SIGKILL-equivalent can be armed at the next
// Ack or ApplyPage, which then writes nothing and fails like a dead
// process, as does every call after it.
type replica struct {
	db     *store.DB
	onAck  func(results []app.AckResult)
	onPage func(p app.Page)

	mu     sync.Mutex
	killAt int
	dead   bool
}

func (r *replica) arm(point int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.killAt = point
}

// armed reports whether a kill waits for the replica's next ack or page:
// it may die before a wipe told to it now arrives.
func (r *replica) armed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.dead && r.killAt != killNone
}

func (r *replica) isDead() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dead
}

// at reports whether the replica is dead after reaching point.
func (r *replica) at(point int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.dead && point != killNone && r.killAt == point {
		r.dead = true
	}
	return r.dead
}

func (r *replica) Pending() ([]app.PendingCommand, error) {
	if r.at(killNone) {
		return nil, errKilled
	}
	return r.db.Pending()
}

func (r *replica) Ack(results ...app.AckResult) error {
	if r.at(killAtAck) {
		return errKilled
	}
	if err := r.db.Ack(results...); err != nil {
		return err
	}
	r.onAck(results)
	return nil
}

func (r *replica) Cursor() (app.Cursor, error) {
	if r.at(killNone) {
		return app.Cursor{}, errKilled
	}
	return r.db.Cursor()
}

func (r *replica) ApplyPage(p app.Page) error {
	if r.at(killAtPage) {
		return errKilled
	}
	if err := r.db.ApplyPage(p); err != nil {
		return err
	}
	r.onPage(p)
	return nil
}

func (r *replica) Clock() *app.Clock { return r.db.Clock() }
func (r *replica) Device() app.ID    { return r.db.Device() }

func (r *replica) Audit(after uint64, limit int) ([]app.AuditRecord, error) {
	if r.at(killNone) {
		return nil, errKilled
	}
	return r.db.Audit(after, limit)
}

func (r *replica) MarkUploaded(seq uint64, at time.Time) error {
	if r.at(killNone) {
		return errKilled
	}
	return r.db.MarkUploaded(seq, at)
}

func (r *replica) PutConflict(c app.Conflict) error {
	if r.at(killNone) {
		return errKilled
	}
	return r.db.PutConflict(c)
}

func (r *replica) Resolutions() ([]app.Resolution, error) {
	if r.at(killNone) {
		return nil, errKilled
	}
	return r.db.Resolutions()
}

func (r *replica) CloseConflict(id app.ID, failed *app.Error) error {
	if r.at(killNone) {
		return errKilled
	}
	return r.db.CloseConflict(id, failed)
}
