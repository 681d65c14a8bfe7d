package app

import (
	"encoding/binary"
	"fmt"
)

// Cursor is a client's position in the server's ordered log (DESIGN §5.7):
// Seq is the last log entry the client has applied, Epoch names the log.
// The server starts a new epoch when it can no longer serve the log from an
// old position (a restore from backup, a migration, a compacted log); a
// client whose epoch differs takes a fresh paged snapshot, after pushing its
// outbox. The zero Cursor means "nothing yet": a first sync.
type Cursor struct {
	Epoch uint64 `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// IsZero reports whether c is the zero cursor.
func (c Cursor) IsZero() bool { return c == Cursor{} }

// Before reports whether c is an earlier position than o in the same epoch.
// Cursors of different epochs are not ordered: Before is false both ways.
func (c Cursor) Before(o Cursor) bool { return c.Epoch == o.Epoch && c.Seq < o.Seq }

// String returns "epoch:seq".
func (c Cursor) String() string { return fmt.Sprintf("%d:%d", c.Epoch, c.Seq) }

// MarshalBinary returns the 16-byte big-endian form a replica stores.
func (c Cursor) MarshalBinary() ([]byte, error) {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 16), c.Epoch)
	return binary.BigEndian.AppendUint64(b, c.Seq), nil
}

// UnmarshalBinary reads the 16-byte form; an empty slice is the zero cursor.
// Errors: invalid for any other length.
func (c *Cursor) UnmarshalBinary(b []byte) error {
	switch len(b) {
	case 0:
		*c = Cursor{}
		return nil
	case 16:
		*c = Cursor{Epoch: binary.BigEndian.Uint64(b), Seq: binary.BigEndian.Uint64(b[8:])}
		return nil
	}
	return Errorf(CodeInvalid, "", "invalid.cursor").WithField("cursor")
}
