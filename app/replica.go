package app

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"time"
)

// This file is the vocabulary that the adapters share (DESIGN §3): the
// client's replica (store) implements it, the sync engines carry it over the
// wire, and the screens (ui) show it. Each consumer declares the narrow
// interface it needs over these types.

// CaseSummary is what a case list shows of one case. It never holds the full
// CPR number. Pending, Rejected, Conflicts and ReadOnly describe this
// device's state of the case and are not part of the confirmed record.
type CaseSummary struct {
	ID       ID     `json:"id"`
	Navn     string `json:"navn"`
	CPR      string `json:"cpr"` // masked DDMMYY-XXXX
	KG       int    `json:"kg,omitempty"`
	Tilmeldt bool   `json:"tilmeldt,omitempty"`
	Version  int64  `json:"version"`

	// Frist is the earliest deadline that had not passed on the day the
	// summary was made, and Overskredet the earliest that had (see
	// Rules.Summary); both are zero without one. The case list compares
	// their dates with today, so a deadline that passed since still shows
	// as passed.
	Frist       FristRef `json:"frist,omitzero"`
	Overskredet FristRef `json:"overskredet,omitzero"`

	// Profil is what the field kit's candidates search reads of the case
	// (KandidatProfilOf), kept in memory beside the list line so a search
	// over the caseload decodes no case; not stored with the line (nil
	// after loading: the replica computes it at the first search).
	Profil *KandidatProfil `json:"-"`

	Pending   int  `json:"-"` // commands saved here and not yet acknowledged
	Rejected  int  `json:"-"` // of those, how many no longer apply locally
	Conflicts int  `json:"-"` // open conflicts
	ReadOnly  bool `json:"-"` // the case is leaving this caseworker's scope
}

// SummaryOf returns the list line of a case.
func SummaryOf(s *Sag) CaseSummary {
	sum := CaseSummary{ID: s.ID, Navn: s.Borger.Navn, CPR: s.Borger.CPR.Masked(), Tilmeldt: s.Tilmelding.ErTilmeldt(), Version: s.Version}
	if s.Kontaktgruppe != nil {
		sum.KG = s.Kontaktgruppe.KG
	}
	return sum
}

// FristRef names one deadline of a case: its stable name (Frist.Navn) and
// its date. The case list shows it without the case.
type FristRef struct {
	Navn string `json:"navn,omitempty"`
	Dato Date   `json:"dato,omitzero"`
}

// IsZero reports whether r names no deadline.
func (r FristRef) IsZero() bool { return r.Navn == "" && r.Dato.IsZero() }

// Summary returns the list line of a case with its deadlines as the rules
// compute them on the date on: the earliest not yet passed (Frist) and the
// earliest already passed (Overskredet). A case the rules cannot evaluate
// on that date (no rule set in force) gets no deadlines rather than an
// error: the list line must never fail.
func (r *Rules) Summary(s *Sag, on Date) CaseSummary {
	sum := SummaryOf(s)
	if r == nil {
		return sum
	}
	o, err := r.Overblik(s, on)
	if err != nil {
		return sum
	}
	for _, f := range o.Frister { // sorted by date
		ref := FristRef{Navn: f.Navn, Dato: f.Dato}
		switch {
		case f.Dato.Before(on):
			if sum.Overskredet.IsZero() {
				sum.Overskredet = ref
			}
		case sum.Frist.IsZero():
			sum.Frist = ref
		}
	}
	return sum
}

// Summary returns the list line of a case with its deadlines on the date
// on (see Rules.Summary); the replica stores it with the case.
func (e *Engine) Summary(s *Sag, on Date) CaseSummary { return e.rules.Summary(s, on) }

// Pending command status values.
const (
	StatusPending  = "pending"          // waiting to be sent
	StatusRejected = "rejected_locally" // no longer applies to the confirmed state; still sent, the server decides
)

// PendingCommand is a command saved on a device and not yet acknowledged by
// the server, kept in the order it was saved. It carries the versions the
// device had confirmed when the command was made: Base for the whole case
// and BaseFields for each field the command changed, so the server can tell
// a concurrent change from a stale one (DESIGN §5.4).
type PendingCommand struct {
	Seq        uint64           `json:"seq"` // per-device order
	Command    Command          `json:"command"`
	Base       int64            `json:"base"`                  // confirmed version of the case
	BaseFields map[string]int64 `json:"base_fields,omitempty"` // field path → confirmed version of that field
	HLC        HLC              `json:"hlc,omitzero"`          // when it was made, for ordering and display
	Status     string           `json:"status"`
	Error      *Error           `json:"error,omitempty"` // why it no longer applies locally (StatusRejected)
	Saved      time.Time        `json:"saved"`           // when it was saved (device clock)
}

// Ack status values: the server's answer to one pushed command (DESIGN §5).
const (
	AckApplied   = "applied"   // merged and applied
	AckDuplicate = "duplicate" // the id was applied before; Result repeats the original answer
	AckRejected  = "rejected"  // a rule refuses it on the server's state; Error says which
	AckConflict  = "conflict"  // a protected field changed concurrently; a person resolves Conflict
)

// AckStatusValid reports whether s is one of the ack statuses.
func AckStatusValid(s string) bool {
	switch s {
	case AckApplied, AckDuplicate, AckRejected, AckConflict:
		return true
	}
	return false
}

// AckResult is the server's answer to one pushed command.
type AckResult struct {
	Command  ID        `json:"command"`
	Status   string    `json:"status"`
	Error    *Error    `json:"error,omitempty"`    // rejected or conflict: why
	Version  int64     `json:"version,omitempty"`  // the case's confirmed version after it, if known
	Conflict ID        `json:"conflict,omitempty"` // the conflict it opened (AckConflict)
	At       time.Time `json:"at,omitzero"`        // server receipt time
	// Handover is set when the command was made on a case that has since
	// been reassigned (a pending command of the previous owner, accepted
	// per issue 9 §5): the caseworker whose case it now is and for whom it
	// is flagged.
	Handover ID `json:"handover,omitempty"`
}

// Acked is a recorded ack, kept on the device so that a replayed command id
// is recognised after it has left the outbox.
type Acked struct {
	AckResult
	Sag  ID     `json:"sag"`
	Kind string `json:"kind"`
	// Dismissed is when the caseworker marked a rejected command as read
	// (the status line stops listing it); zero until then.
	Dismissed time.Time `json:"dismissed,omitzero"`
}

// ConflictSide is one of the three values of a conflicting field: what it
// was (base), what this side made it (mine) and what the other side made it
// (theirs), each with who, from where and when.
type ConflictSide struct {
	Value   json.RawMessage `json:"value,omitempty"` // the field's value as JSON; absent when the field did not exist
	Version int64           `json:"version,omitempty"`
	Command ID              `json:"command,omitempty"`
	Author  Actor           `json:"author,omitzero"`
	Device  ID              `json:"device,omitempty"`
	HLC     HLC             `json:"hlc,omitzero"`
	At      time.Time       `json:"at,omitzero"`
}

// Conflict is a concurrent change to a protected field that a person must
// resolve (DESIGN §5.4): the server value stands until then. A company's
// conflict (Kind RecordVirksomhed) is routed to the company's owner.
type Conflict struct {
	ID  ID `json:"id"`
	Sag ID `json:"sag"` // the record's id: a case's, or a company's when Kind says so
	// Kind is the record kind of Sag: "" (RecordSag) for a case,
	// RecordVirksomhed for a company.
	Kind    string       `json:"kind,omitempty"`
	Field   string       `json:"field"` // field path, e.g. "kontaktgruppe" or "samtale/<id>/udfald"
	Policy  string       `json:"policy"`
	Owner   ID           `json:"owner,omitempty"` // the caseworker it is routed to
	Base    ConflictSide `json:"base"`
	Mine    ConflictSide `json:"mine"`
	Theirs  ConflictSide `json:"theirs"`
	Created time.Time    `json:"created"`
}

// Conflict resolutions: which value a person chose.
const (
	ResolveKeepTheirs = "theirs" // the server's value stands; the pushed command is dropped
	ResolveTakeMine   = "mine"   // the pushed command is applied again on the current state
)

// ResolveValid reports whether d is one of the conflict resolutions.
func ResolveValid(d string) bool { return d == ResolveKeepTheirs || d == ResolveTakeMine }

// MaxResolveNote is the longest note a decision on a conflict carries, in
// bytes (the protocol's limit of a resolve's note).
const MaxResolveNote = 4000

// Resolution is a person's decision on a conflict, recorded on the device
// and kept there until the server has answered it: keep theirs or take
// mine, with a note. Seq is its place in the device's outbox order (the
// replica sets it): the sync engine sends it after the commands saved
// before it and before those saved after it.
type Resolution struct {
	Conflict ID        `json:"conflict"`
	Sag      ID        `json:"sag"`
	Decision string    `json:"decision"` // ResolveKeepTheirs or ResolveTakeMine
	Note     string    `json:"note,omitempty"`
	Actor    Actor     `json:"actor"`
	At       time.Time `json:"at"` // when the person decided (device clock)
	Seq      uint64    `json:"seq"`
}

// Audit actions: what a person did with a citizen's data (DESIGN §4,
// docs/domain.md on logging).
const (
	ActionViewed   = "viewed"
	ActionChanged  = "changed"
	ActionSearched = "searched"
	ActionPrinted  = "printed"
	ActionExported = "exported"
	ActionPurged   = "purged"

	// An administrator's actions on the server (feltsagd admin).
	ActionAdminAccount = "admin_account" // created, disabled, password set, device revoked (Kind says which)
	ActionAdminAssign  = "admin_assign"  // a case put in a caseworker's scope
	ActionAdminBackup  = "admin_backup"  // an online backup of the ledger taken
)

// AuditRecord is one entry of a device's audit log. Records form a hash
// chain per device: Hash is SHA-256 over "feltsag-audit-v1", Prev and the
// record's JSON with Hash and Uploaded empty (ChainHash), so the server can
// verify an uploaded chain without the device's key. No record holds a CPR
// number or a search text.
//
// A record names the persons concerned by their cases' opaque ids: Sag for
// one case, Sager for a search that found several (the person concerned or
// the search criterion, retrievable per person [S64][S65]). Concerns finds a
// record by any of them.
type AuditRecord struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"` // event time, UTC, device clock
	Actor   Actor     `json:"actor"`
	Action  string    `json:"action"`
	Sag     ID        `json:"sag,omitempty"`
	Command ID        `json:"command,omitempty"`
	Kind    string    `json:"kind,omitempty"` // command kind, or the kind of a search ("cpr", "foedselsdato", "navn")
	Hits    int       `json:"hits,omitempty"` // number of cases a search found
	// Sager are the cases a search found when there were two or more, in
	// the order returned: the first MaxAuditCases of them (Hits is the
	// total). A single hit is in Sag.
	Sager    []ID      `json:"sager,omitempty"`
	Prev     []byte    `json:"prev"`
	Hash     []byte    `json:"hash,omitempty"`
	Uploaded time.Time `json:"uploaded,omitzero"` // set when the server has it; not part of the hash
}

// MaxAuditCases caps how many case ids one search record lists: a name
// search over a whole caseload of thousands would otherwise write a record
// of hundreds of kilobytes per keystroke of a debounced search box. Hits
// keeps the total.
const MaxAuditCases = 200

// Concerns reports whether the record is about the case id: it names it in
// Sag, or, for a search, among Sager.
func (r AuditRecord) Concerns(id ID) bool {
	return id != "" && (r.Sag == id || slices.Contains(r.Sager, id))
}

// ChainHash computes the record's hash from its content and Prev.
func (r AuditRecord) ChainHash() ([]byte, error) {
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

// Record kinds in the server's log. The protocol carries any kind; a
// replica stores the kinds it knows and keeps the others untouched.
const (
	RecordSag = "sag" // a citizen's case (Data is a Sag)
)

// Record is one entry of the server's ordered log as a client receives it:
// the whole current state of one record at log position Seq. Removed means
// the record left this caseworker's scope (reassigned, closed): the replica
// turns it read-only and purges it once nothing of it is pending.
type Record struct {
	Kind    string          `json:"kind"`
	ID      ID              `json:"id"`
	Version int64           `json:"version"`
	Seq     uint64          `json:"seq"`
	Removed bool            `json:"removed,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Page is one page of a pull: records in log order and the cursor after
// them. Snapshot marks the first page of a fresh snapshot (first sync or a
// new epoch): records the replica holds that no page of the snapshot
// mentions are no longer in scope.
type Page struct {
	Records  []Record `json:"records"`
	Cursor   Cursor   `json:"cursor"`
	HasMore  bool     `json:"has_more,omitempty"`
	Snapshot bool     `json:"snapshot,omitempty"`
}

// RecordKind is the kind of record the conflict is on: RecordSag or
// RecordVirksomhed.
func (c Conflict) RecordKind() string {
	if c.Kind == "" {
		return RecordSag
	}
	return c.Kind
}
