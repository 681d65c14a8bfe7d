package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"iter"
	"slices"
)

// A ledger dump moves a server's ledger between implementations (feltsagd
// export / import: the embedded bbolt file and PostgreSQL, both ways)
// with everything in it as it is: the epoch and the log's head, every
// record at its log position, each owner's scope with its removals,
// applied command ids, conflicts, the audit trail at its own positions,
// accounts, devices, sessions and meta. Indexes are not dumped: the
// importing ledger builds them.

// Dump tables, in the order an export writes them.
const (
	DumpLedger    = "ledger"
	DumpMeta      = "meta"
	DumpAccounts  = "accounts"
	DumpDevices   = "devices"
	DumpSessions  = "sessions"
	DumpRecords   = "records"
	DumpScope     = "scope"
	DumpApplied   = "applied"
	DumpConflicts = "conflicts"
	DumpAudit     = "audit"
)

// DumpTables lists the dump's tables in export order.
func DumpTables() []string {
	return []string{DumpLedger, DumpMeta, DumpAccounts, DumpDevices, DumpSessions, DumpRecords, DumpScope, DumpApplied, DumpConflicts, DumpAudit}
}

// ScopeEntry is one record's entry in an owner's view of the log: live at
// Seq, or its removal from the scope at Seq.
type ScopeEntry struct {
	Owner   ID     `json:"owner"`
	Kind    string `json:"kind"`
	ID      ID     `json:"id"`
	Seq     uint64 `json:"seq"`
	Version int64  `json:"version"`
	Removed bool   `json:"removed,omitempty"`
}

// MetaEntry is one of the ledger's Meta settings.
type MetaEntry struct {
	Key   string `json:"key"`
	Value []byte `json:"value"`
}

// DumpRow is one row of a dump: Table names it and exactly the field of
// that table is set (Ledger: the epoch and the log's head; Audit with its
// Seq; Record with its Seq and Owner).
type DumpRow struct {
	Table    string          `json:"table"`
	Ledger   *Cursor         `json:"ledger,omitempty"`
	Meta     *MetaEntry      `json:"meta,omitempty"`
	Account  *Account        `json:"account,omitempty"`
	Device   *Device         `json:"device,omitempty"`
	Session  *Session        `json:"session,omitempty"`
	Record   *LedgerRecord   `json:"record,omitempty"`
	Scope    *ScopeEntry     `json:"scope,omitempty"`
	Applied  *AppliedCommand `json:"applied,omitempty"`
	Conflict *Conflict       `json:"conflict,omitempty"`
	Audit    *LedgerAudit    `json:"audit,omitempty"`
}

// LedgerDumper is a ledger that can be exported and imported.
type LedgerDumper interface {
	// Export calls fn with every row of the ledger, table by table in
	// DumpTables order, all read in one snapshot (one read transaction):
	// consistent while the ledger is being written.
	Export(fn func(DumpRow) error) error
	// Import writes rows into an empty ledger (no accounts, records or
	// audit) in one transaction, keeping the epoch, the head and every
	// position as they are; nothing is kept when it fails.
	Import(rows iter.Seq2[DumpRow, error]) error
}

// TableSum is a table's row count and checksum in DumpSums.
type TableSum struct {
	Table string
	Rows  int
	Sum   string // hex SHA-256, independent of row order
}

// DumpSums checksums a dump table by table: each row's canonical JSON is
// hashed, and a table's checksum is the SHA-256 of its rows' hashes in
// sorted order, so two ledgers that hold the same rows have the same
// checksums whatever order they keep them in. Every table of DumpTables
// is listed, empty ones too.
type DumpSums struct {
	rows map[string][][32]byte
}

// Add counts one row.
func (s *DumpSums) Add(r DumpRow) error {
	b, err := json.Marshal(r)
	if err != nil {
		return Internal(err)
	}
	if s.rows == nil {
		s.rows = map[string][][32]byte{}
	}
	s.rows[r.Table] = append(s.rows[r.Table], sha256.Sum256(b))
	return nil
}

// Tables returns the count and checksum of every table: DumpTables in
// order, then any other table met, by name.
func (s *DumpSums) Tables() []TableSum {
	names := DumpTables()
	var extra []string
	for t := range s.rows {
		if !slices.Contains(names, t) {
			extra = append(extra, t)
		}
	}
	slices.Sort(extra)
	out := make([]TableSum, 0, len(names)+len(extra))
	for _, t := range append(names, extra...) {
		hs := slices.Clone(s.rows[t])
		slices.SortFunc(hs, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		h := sha256.New()
		for _, x := range hs {
			h.Write(x[:])
		}
		out = append(out, TableSum{Table: t, Rows: len(hs), Sum: hex.EncodeToString(h.Sum(nil))})
	}
	return out
}
