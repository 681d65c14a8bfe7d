package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"feltsag.dk/feltsag/app"
)

// Outbox entry status values.
const (
	StatusPending  = "pending"          // waiting to be sent
	StatusRejected = "rejected_locally" // no longer applies to the confirmed state; still sent, the server decides
)

// OutboxEntry is a command saved on this device and not yet acknowledged by
// the server. Entries are kept in the order they were saved.
type OutboxEntry struct {
	Seq     uint64      `json:"seq"` // per-device order, the outbox key
	Command app.Command `json:"command"`
	Base    int64       `json:"base"` // confirmed version of the case the command was made against
	Status  string      `json:"status"`
	Error   *app.Error  `json:"error,omitempty"` // why it no longer applies locally (StatusRejected)
	Saved   time.Time   `json:"saved"`           // when Commit returned (device clock)
}

// Ack status values, as the server reports them (DESIGN §5).
const (
	AckApplied   = "applied"
	AckDuplicate = "duplicate"
	AckRejected  = "rejected"
	AckConflict  = "conflict"
)

// AckResult is the server's answer to one pushed command.
type AckResult struct {
	Status  string     `json:"status"`
	Error   *app.Error `json:"error,omitempty"`   // rejected or conflict: why
	Version int64      `json:"version,omitempty"` // the case's confirmed version after it, if known
	At      time.Time  `json:"at,omitzero"`       // server receipt time
}

// Acked is a recorded result, kept so that a replayed command id is
// recognised after it has left the outbox.
type Acked struct {
	Command app.ID `json:"command"`
	Sag     app.ID `json:"sag"`
	Kind    string `json:"kind"`
	AckResult
}

// Conflict is a placeholder record for the sync layer: the store keeps it
// sealed and per case, and does not interpret Data.
type Conflict struct {
	ID      app.ID          `json:"id"`
	Sag     app.ID          `json:"sag"`
	Command app.ID          `json:"command,omitempty"`
	Field   string          `json:"field,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	At      time.Time       `json:"at"`
}

// Audit actions.
const (
	ActionViewed   = "viewed"
	ActionChanged  = "changed"
	ActionSearched = "searched"
	ActionPrinted  = "printed"
	ActionExported = "exported"
	ActionPurged   = "purged"
)

// AuditRecord is one entry of the device's audit log. Records form a hash
// chain: Hash is SHA-256 over "feltsag-audit-v1", Prev and the record's
// JSON with Hash and Uploaded empty, so the server can verify the chain
// without the device's key. No record holds a CPR number or a search text.
//
// A record names the persons concerned by their cases' opaque ids: Sag for
// one case, Sager for a search that found several (DOMAIN §7: the person
// concerned or the search criterion, retrievable per person [S64][S65]).
// Concerns finds a record by any of them.
type AuditRecord struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"` // event time, UTC, device clock
	Actor   app.Actor `json:"actor"`
	Action  string    `json:"action"`
	Sag     app.ID    `json:"sag,omitempty"`
	Command app.ID    `json:"command,omitempty"`
	Kind    string    `json:"kind,omitempty"` // command kind, or the kind of a search ("cpr", "foedselsdato", "navn")
	Hits    int       `json:"hits,omitempty"` // number of cases a search found
	// Sager are the cases a search found when there were two or more, in
	// the order returned: the first MaxAuditCases of them (Hits is the
	// total). A single hit is in Sag.
	Sager    []app.ID  `json:"sager,omitempty"`
	Prev     []byte    `json:"prev"`
	Hash     []byte    `json:"hash,omitempty"`
	Uploaded time.Time `json:"uploaded,omitzero"` // set by sync; not part of the hash
}

// MaxAuditCases caps how many case ids one search record lists: a name
// search over a whole caseload of thousands would otherwise write a record
// of hundreds of kilobytes (and fsync it) per keystroke of a debounced
// search box. Hits keeps the total.
const MaxAuditCases = 200

// Concerns reports whether the record is about the case id: it names it in
// Sag, or, for a search, among Sager. Use it to collect a person's records
// (aktindsigt in the log, DOMAIN §7 [S64]).
func (r AuditRecord) Concerns(id app.ID) bool {
	return id != "" && (r.Sag == id || slices.Contains(r.Sager, id))
}

// chainHash computes the record's hash from its content and Prev.
func (r AuditRecord) chainHash() ([]byte, error) {
	r.Hash, r.Uploaded = nil, time.Time{}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write([]byte("feltsag-audit-v1"))
	h.Write(b)
	return h.Sum(nil), nil
}

// Summary is what the case list shows. It never holds the full CPR number.
type Summary struct {
	ID        app.ID `json:"id"`
	Navn      string `json:"navn"`
	CPR       string `json:"cpr"` // masked DDMMYY-XXXX
	KG        int    `json:"kg,omitempty"`
	Tilmeldt  bool   `json:"tilmeldt,omitempty"`
	Version   int64  `json:"version"`
	Pending   int    `json:"-"` // commands not yet sent
	Rejected  int    `json:"-"` // of those, how many no longer apply locally
	Conflicts int    `json:"-"` // open conflicts
}

func summaryOf(s *app.Sag) Summary {
	sum := Summary{ID: s.ID, Navn: s.Borger.Navn, CPR: s.Borger.CPR.Masked(), Tilmeldt: s.Tilmelding.ErTilmeldt(), Version: s.Version}
	if s.Kontaktgruppe != nil {
		sum.KG = s.Kontaktgruppe.KG
	}
	return sum
}

// errRecord is the cause of every failure to decode a record that did
// authenticate: a bug or a record from an incompatible version.
var errRecord = errors.New("undecodable record")

// encodeView frames the summary before the case, so loading the case list
// decodes only the small summary: uvarint(len(summary)) summary sag.
func encodeView(s *app.Sag) ([]byte, error) {
	sum, err := json.Marshal(summaryOf(s))
	if err != nil {
		return nil, err
	}
	sag, err := json.Marshal(s)
	if err != nil {
		return nil, err
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

func decodeViewSummary(b []byte) (Summary, error) {
	var s Summary
	sum, _, err := splitView(b)
	if err == nil {
		err = unmarshal(sum, &s)
	}
	return s, err
}

func decodeView(b []byte) (*app.Sag, error) {
	_, sag, err := splitView(b)
	if err != nil {
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

func decodeOutbox(b []byte) (*OutboxEntry, error) {
	var e OutboxEntry
	if err := unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.Command.Body == nil || e.Command.ID.Validate() != nil || e.Command.Sag.Validate() != nil {
		return nil, fmt.Errorf("%w: outbox entry without a command", errRecord)
	}
	return &e, nil
}

func decodeAudit(b []byte) (*AuditRecord, error) {
	var r AuditRecord
	return &r, unmarshal(b, &r)
}

func decodeAcked(b []byte) (*Acked, error) {
	var a Acked
	return &a, unmarshal(b, &a)
}

func decodeConflict(b []byte) (*Conflict, error) {
	var c Conflict
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
