package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"feltsag.dk/feltsag/app"
)

// errRecord is the cause of every failure to decode a record that did
// authenticate: a bug or a record from an incompatible version.
var errRecord = errors.New("undecodable record")

// encodeView frames the summary before the case, so loading the case list
// decodes only the small summary: uvarint(len(summary)) summary sag. A
// view equal to the confirmed state (nothing pending: most cases, and all
// of them after a first sync) is stored without the sag part, so the
// replica keeps, encrypts and writes each case once; readers take the
// confirmed state then (txn.view).
func encodeView(s *app.Sag, summary app.CaseSummary, sameAsConfirmed bool) ([]byte, error) {
	sum, err := json.Marshal(summary)
	if err != nil {
		return nil, err
	}
	var sag []byte
	if !sameAsConfirmed {
		if sag, err = json.Marshal(s); err != nil {
			return nil, err
		}
	}
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(sum)+len(sag)), uint64(len(sum)))
	b = append(b, sum...)
	return append(b, sag...), nil
}

func splitView(b []byte) (sum, sag []byte, err error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("%w: view framing", errRecord)
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

func decodeViewSummary(b []byte) (app.CaseSummary, error) {
	var s app.CaseSummary
	sum, _, err := splitView(b)
	if err == nil {
		err = unmarshal(sum, &s)
	}
	return s, err
}

// decodeView returns the view's case, or nil when the view is the
// confirmed state (stored without its sag part, see encodeView).
func decodeView(b []byte) (*app.Sag, error) {
	_, sag, err := splitView(b)
	if err != nil || len(sag) == 0 {
		return nil, err
	}
	return decodeSag(sag)
}

func decodeSag(b []byte) (*app.Sag, error) {
	var s app.Sag
	if err := unmarshal(b, &s); err != nil {
		return nil, err
	}
	if s.ID.Validate() != nil {
		return nil, fmt.Errorf("%w: case without a valid id", errRecord)
	}
	return &s, nil
}

func decodeOutbox(b []byte) (*app.PendingCommand, error) {
	var e app.PendingCommand
	if err := unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.Command.Body == nil || e.Command.ID.Validate() != nil || e.Command.Sag.Validate() != nil {
		return nil, fmt.Errorf("%w: outbox entry without a command", errRecord)
	}
	return &e, nil
}

func decodeAudit(b []byte) (*app.AuditRecord, error) {
	var r app.AuditRecord
	return &r, unmarshal(b, &r)
}

func decodeAcked(b []byte) (*app.Acked, error) {
	var a app.Acked
	return &a, unmarshal(b, &a)
}

func decodeConflict(b []byte) (*app.Conflict, error) {
	var c app.Conflict
	return &c, unmarshal(b, &c)
}

func unmarshal(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %v", errRecord, err)
	}
	return nil
}

// seqKey is the big-endian key of an ordered bucket: byte order is numeric
// order, so a cursor walks the outbox and the audit log in sequence.
func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n) }

func parseSeq(k []byte) (uint64, bool) {
	if len(k) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(k), true
}
