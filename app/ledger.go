package app

import (
	"encoding/json"
	"time"
)

// This file is the server's vocabulary (DESIGN §6): what feltsagd keeps in
// its ledger. The sync server engine (sync/server) consumes a Ledger; the
// embedded bbolt ledger (store/ledger) and, later, the PostgreSQL ledger
// implement it, and one conformance suite (store/ledger/ledgertest) holds
// every implementation to the same promises.
//
// Unlike the adapters' other interfaces, Ledger and LedgerTx live here and
// not at their consumer: a transaction is handed to a callback, so the
// callback's parameter type must be one type that both the engine and every
// implementation name, and only app may be imported by both.

// Server roles: who signs in to feltsagd.
const (
	RoleCaseworker = RolleSagsbehandler // syncs the cases assigned to them
	RoleAdmin      = "admin"            // runs feltsagd's admin commands; holds no cases
)

// Account is a person who signs in to feltsagd. Password is the Argon2id
// hash in PHC form ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"), never the
// password.
type Account struct {
	ID    ID     `json:"id"` // the user name, e.g. "cw1"
	Navn  string `json:"navn"`
	Rolle string `json:"rolle"`
	// Team is the account's team: consultants of one team share its
	// companies (LedgerRecord.Readers); "" = no team.
	Team     ID        `json:"team,omitempty"`
	Password string    `json:"password"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
	// Changed is when the password or the account's state last changed;
	// sessions issued before it are no longer valid.
	Changed time.Time `json:"changed"`
}

// Device is one installation of the client, enrolled by an account at its
// first sign-in.
type Device struct {
	ID      ID        `json:"id"`
	Account ID        `json:"account"`
	Navn    string    `json:"navn,omitempty"` // what the device called itself (host name)
	Created time.Time `json:"created"`
	// Revoked is set when an administrator revokes the device; the device
	// is told to wipe at its next hello and its sessions stop working.
	Revoked  time.Time `json:"revoked,omitzero"`
	LastSeen time.Time `json:"last_seen,omitzero"` // last authenticated contact
	// SkewFlagged is set when the device sent an HLC more than
	// MaxClockSkew ahead of the server's clock.
	SkewFlagged bool `json:"skew_flagged,omitempty"`
	// PushSeq is the highest outbox sequence number accepted from the
	// device; a push below it from a restored old device file is told so.
	PushSeq uint64 `json:"push_seq,omitempty"`
	// AuditSeq and AuditHash are the head of the device's uploaded audit
	// chain (AuditRecord.Seq and Hash).
	AuditSeq  uint64 `json:"audit_seq,omitempty"`
	AuditHash []byte `json:"audit_hash,omitempty"`
}

// Session kinds.
const (
	SessionAccess  = "access"  // authenticates a websocket upgrade; short-lived
	SessionRefresh = "refresh" // bound to one device; trades for a new access token
)

// Session is an issued token. The ledger keeps only the SHA-256 of the
// token (Hash), so a copy of the ledger signs nobody in.
type Session struct {
	Hash    []byte    `json:"hash"` // SHA-256 of the token
	Kind    string    `json:"kind"`
	Account ID        `json:"account"`
	Device  ID        `json:"device"`
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
}

// LedgerRecord is a record as the server keeps it: the current state of
// one record (a case today; companies and visits later) with the
// caseworker whose scope it is in. Seq is its position in the ordered log,
// given by PutRecord.
type LedgerRecord struct {
	Kind    string `json:"kind"`
	ID      ID     `json:"id"`
	Version int64  `json:"version"`
	Seq     uint64 `json:"seq"`
	Owner   ID     `json:"owner,omitempty"` // "" = in nobody's scope
	// Readers are the other accounts whose scope holds the record: a
	// company's team and the caseworkers whose citizens are placed there
	// (sorted, without duplicates or Owner). Each member of {Owner} ∪
	// Readers sees it in Changes and Scope; a member dropped from the set
	// gets a removal at the write's position, like a former owner.
	Readers []ID            `json:"readers,omitempty"`
	Data    json.RawMessage `json:"data"`
}

// AppliedCommand is what the server remembers of a command id it has
// answered, so that a replay gets the original answer (DESIGN §5.2). Digest
// is the SHA-256 of the command as pushed: a replay with another body is
// refused. Kept at least AppliedRetention.
type AppliedCommand struct {
	ID      ID        `json:"id"`
	Sag     ID        `json:"sag"`
	Account ID        `json:"account"`
	Device  ID        `json:"device"`
	Digest  []byte    `json:"digest"`
	Result  AckResult `json:"result"`
	At      time.Time `json:"at"`
}

// AppliedRetention is how long the ledger keeps applied command ids: longer
// than the longest offline period a device may have and still push.
const AppliedRetention = 60 * 24 * time.Hour

// LedgerAudit is one audit record in the server's ledger: either uploaded
// from a device (Device and Record.Seq set; stored once per device and
// sequence) or written by the server itself (Device ""). Field and
// Overwritten keep a value a last-writer-wins merge replaced; Handover
// flags a previous owner's command that landed after a reassignment.
type LedgerAudit struct {
	Seq         uint64          `json:"seq"` // the ledger's own order, given by AppendAudit
	Device      ID              `json:"device,omitempty"`
	Record      AuditRecord     `json:"record"`
	Field       string          `json:"field,omitempty"`
	Overwritten json.RawMessage `json:"overwritten,omitempty"`
	// Handover flags a server record of a command that a case's previous
	// owner made before the case was reassigned and that landed after it:
	// the owner it is flagged for (issue 9 §5).
	Handover ID `json:"handover,omitempty"`
}

// Ledger is the server's storage: accounts, devices, sessions, records
// with their ordered log and scope, applied command ids, conflicts and
// audit (DESIGN §6). Every read and write happens in a transaction.
type Ledger interface {
	// View runs fn in a read-only transaction.
	View(fn func(LedgerTx) error) error
	// Update runs fn in a read-write transaction and commits it when fn
	// returns nil; nothing fn wrote is kept when it returns an error.
	// Concurrent Updates may be committed together (group commit), and fn
	// may then run more than once: it must not act outside the
	// transaction.
	Update(fn func(LedgerTx) error) error
	// Close releases the ledger.
	Close() error
}

// LedgerTx is one transaction of a Ledger. A method that finds nothing
// returns an error with CodeNotFound.
type LedgerTx interface {
	// Epoch and Head: the log's epoch and last position.
	Head() (Cursor, error)
	// NewEpoch starts a new epoch (after a restore or migration): every
	// client takes a fresh snapshot.
	NewEpoch() (Cursor, error)

	// Record returns the current state of one record.
	Record(kind string, id ID) (LedgerRecord, error)
	// PutRecord stores r as the current state of its record at the next
	// log position and returns that position. r.Readers are stored as
	// NormalReaders returns them (an invalid id refuses the write). Each
	// member of {Owner} ∪ Readers has the record live at that position;
	// each member of the previous set that is not in the new one (a
	// former owner, a dropped reader) gets a removal at the same
	// position.
	PutRecord(r LedgerRecord) (uint64, error)
	// Changes returns what changed in owner's scope after position after,
	// in log order, at most limit: the current state of each record that
	// is in the scope and changed since (once, at its latest position) and
	// a Removed record for each that left it. Changes from 0 is a full
	// snapshot of the scope.
	Changes(owner ID, after uint64, limit int) ([]Record, error)
	// Scope returns the ids of the records of kind in owner's scope.
	Scope(owner ID, kind string) ([]ID, error)

	// Applied returns the remembered answer to command id.
	Applied(id ID) (AppliedCommand, error)
	// PutApplied remembers an answer.
	PutApplied(a AppliedCommand) error
	// PruneApplied forgets answers given before t and returns how many.
	PruneApplied(before time.Time) (int, error)

	// PutConflict stores an open conflict; Conflict reads one; Conflicts
	// lists the open conflicts routed to owner ("" = all), oldest first;
	// DeleteConflict closes one.
	PutConflict(c Conflict) error
	Conflict(id ID) (Conflict, error)
	Conflicts(owner ID) ([]Conflict, error)
	DeleteConflict(id ID) error

	// AppendAudit stores audit records and returns how many were new: a
	// record uploaded before (same Device and Record.Seq) is skipped.
	AppendAudit(recs ...LedgerAudit) (int, error)
	// AuditFor returns every audit record that concerns case id, in the
	// ledger's order (aktindsigt).
	AuditFor(id ID) ([]LedgerAudit, error)

	PutAccount(a Account) error
	Account(id ID) (Account, error)
	Accounts() ([]Account, error)
	PutDevice(d Device) error
	Device(id ID) (Device, error)
	Devices(account ID) ([]Device, error)
	PutSession(s Session) error
	Session(hash []byte) (Session, error)
	// DeleteSessions removes every session of account on device ("" =
	// every device) and returns how many.
	DeleteSessions(account, device ID) (int, error)
	// PruneSessions removes every session that expired before t (Expires
	// before t) and returns how many.
	PruneSessions(before time.Time) (int, error)

	// Meta and PutMeta keep small server settings (the server's sealing
	// key, the demo flag) by name.
	Meta(key string) ([]byte, error)
	PutMeta(key string, value []byte) error
}
