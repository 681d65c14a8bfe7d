package pgledger

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"feltsag.dk/feltsag/app"
)

// tx is one transaction of the ledger.
type tx struct {
	tx  pgx.Tx
	ctx context.Context
	// failed is the first statement that failed: PostgreSQL then refuses
	// everything until the rollback, and a serialization failure here
	// means the whole Update runs again even when fn swallowed it.
	failed error
}

var _ app.LedgerTx = (*tx)(nil)

func (t *tx) note(err error) error {
	if err != nil && t.failed == nil && !errors.Is(err, pgx.ErrNoRows) {
		t.failed = err
	}
	return err
}

func (t *tx) exec(sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(t.ctx, sql, args...)
	return tag, dbErr(t.note(err))
}

// row scans one row; it reports false when there is none.
func (t *tx) row(sql string, args []any, dest ...any) (bool, error) {
	err := t.note(t.tx.QueryRow(t.ctx, sql, args...).Scan(dest...))
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, dbErr(err)
}

// rows collects every row with scan.
func rows[T any](t *tx, scan func(pgx.CollectableRow) (T, error), sql string, args ...any) ([]T, error) {
	rs, err := t.tx.Query(t.ctx, sql, args...)
	if err != nil {
		return nil, dbErr(t.note(err))
	}
	out, err := pgx.CollectRows(rs, scan)
	return out, dbErr(t.note(err))
}

// nanos is t as Unix nanoseconds, clamped to what an int64 holds (the
// zero time sorts first), so that order and comparison are exact.
func nanos(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func doc(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", app.Internal(err)
	}
	return string(b), nil
}

func undoc(what string, b []byte, into any) error {
	if err := json.Unmarshal(b, into); err != nil {
		return app.Internal(errors.New(what + ": " + err.Error()))
	}
	return nil
}

// --- epoch and head -------------------------------------------------------

func (t *tx) Head() (app.Cursor, error) {
	var epoch, head int64
	ok, err := t.row("SELECT epoch, head FROM ledger", nil, &epoch, &head)
	if err == nil && !ok {
		err = app.Internal(errors.New("the ledger row is missing"))
	}
	return app.Cursor{Epoch: uint64(epoch), Seq: uint64(head)}, err
}

func (t *tx) NewEpoch() (app.Cursor, error) {
	c, err := t.Head()
	if err != nil {
		return c, err
	}
	if c.Epoch, err = newEpoch(c.Epoch); err != nil {
		return app.Cursor{}, app.Internal(err)
	}
	_, err = t.exec("UPDATE ledger SET epoch = $1", int64(c.Epoch))
	return c, err
}

// --- records, log and scope ----------------------------------------------

func (t *tx) Record(kind string, id app.ID) (app.LedgerRecord, error) {
	r := app.LedgerRecord{Kind: kind, ID: id}
	var seq int64
	var owner string
	var readers []string
	var data []byte
	ok, err := t.row("SELECT version, seq, owner, readers, data FROM records WHERE kind = $1 AND id = $2",
		[]any{kind, string(id)}, &r.Version, &seq, &owner, &readers, &data)
	switch {
	case err != nil:
		return app.LedgerRecord{}, err
	case !ok:
		return app.LedgerRecord{}, notFound(keyRecordMissing)
	}
	r.Seq, r.Owner, r.Readers = uint64(seq), app.ID(owner), ids(readers)
	if len(data) > 0 {
		r.Data = json.RawMessage(data)
	}
	return r, nil
}

// ids converts a text[] column; an empty array is nil, as
// LedgerRecord.Readers keeps none.
func ids(ss []string) []app.ID {
	if len(ss) == 0 {
		return nil
	}
	out := make([]app.ID, len(ss))
	for i, s := range ss {
		out[i] = app.ID(s)
	}
	return out
}

// strs is ids' reverse: never nil, so that it binds as '{}', not NULL.
func strs(ids []app.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// putRecord is PutRecord's one statement. The position comes from the
// ledger row (its row lock is held until commit: writers of records are
// serialised, so positions commit in order). $6 is the new members
// ({owner} ∪ readers, computed by app.ScopeMembers), $7 the readers. Each
// member gets a live scope row at the new position; each member of the
// old set, read in the same statement's snapshot, that is not a new
// member gets a removal there. The two sets are disjoint, so no scope row
// is written twice in the statement.
const putRecord = `
WITH pos AS (
	UPDATE ledger SET head = head + 1 RETURNING head
), old AS (
	SELECT DISTINCT m FROM records, unnest(array_append(readers, owner)) AS m
	WHERE kind = $1 AND id = $2 AND m <> ''
), rec AS (
	INSERT INTO records (kind, id, version, seq, owner, readers, data)
	SELECT $1, $2, $3, head, $4, $7, $5 FROM pos
	ON CONFLICT (kind, id) DO UPDATE
	SET version = excluded.version, seq = excluded.seq, owner = excluded.owner, readers = excluded.readers, data = excluded.data
), gone AS (
	INSERT INTO scope (owner, kind, id, seq, version, removed)
	SELECT old.m, $1, $2, pos.head, $3, true FROM old, pos WHERE old.m <> ALL ($6::text[])
	ON CONFLICT (owner, kind, id) DO UPDATE
	SET seq = excluded.seq, version = excluded.version, removed = true
), live AS (
	INSERT INTO scope (owner, kind, id, seq, version, removed)
	SELECT m, $1, $2, pos.head, $3, false FROM pos, unnest($6::text[]) AS m
	ON CONFLICT (owner, kind, id) DO UPDATE
	SET seq = excluded.seq, version = excluded.version, removed = false
)
SELECT head FROM pos`

func (t *tx) PutRecord(r app.LedgerRecord) (uint64, error) {
	if err := validKind(r.Kind); err != nil {
		return 0, err
	}
	if err := r.ID.Validate(); err != nil {
		return 0, err
	}
	if r.Owner != "" {
		if err := r.Owner.Validate(); err != nil {
			return 0, err
		}
	}
	readers, err := app.NormalReaders(r.Owner, r.Readers)
	if err != nil {
		return 0, err
	}
	var data []byte
	if len(r.Data) > 0 {
		data = r.Data
	}
	members := app.ScopeMembers(r.Owner, readers)
	var seq int64
	if _, err := t.row(putRecord, []any{r.Kind, string(r.ID), r.Version, string(r.Owner), data, strs(members), strs(readers)}, &seq); err != nil {
		return 0, err
	}
	return uint64(seq), nil
}

// Changes reads owner's scope from after+1 in log order. A snapshot
// (after 0) leaves out removals.
func (t *tx) Changes(owner app.ID, after uint64, limit int) ([]app.Record, error) {
	if limit < 1 {
		return nil, errLimit()
	}
	if owner == "" || after > math.MaxInt64 {
		return nil, nil
	}
	out, err := rows(t, func(row pgx.CollectableRow) (app.Record, error) {
		var r app.Record
		var kind, id string
		var seq int64
		var data []byte
		var found bool
		if err := row.Scan(&kind, &id, &r.Version, &seq, &r.Removed, &data, &found); err != nil {
			return r, err
		}
		if !r.Removed && !found {
			return r, errors.New("a scope position names a missing record")
		}
		r.Kind, r.ID, r.Seq = kind, app.ID(id), uint64(seq)
		if len(data) > 0 {
			r.Data = json.RawMessage(data)
		}
		return r, nil
	}, `SELECT s.kind, s.id, s.version, s.seq, s.removed, r.data, r.kind IS NOT NULL
		FROM scope s LEFT JOIN records r ON NOT s.removed AND r.kind = s.kind AND r.id = s.id
		WHERE s.owner = $1 AND s.seq > $2 AND (NOT s.removed OR $2 > 0)
		ORDER BY s.seq LIMIT $3`, string(owner), int64(after), limit)
	return out, err
}

// Scope returns the ids in id order.
func (t *tx) Scope(owner app.ID, kind string) ([]app.ID, error) {
	if owner == "" || kind == "" {
		return nil, nil
	}
	return rows(t, pgx.RowTo[app.ID],
		"SELECT id FROM scope WHERE owner = $1 AND kind = $2 AND NOT removed ORDER BY id", string(owner), kind)
}

// --- applied commands ----------------------------------------------------

func (t *tx) Applied(id app.ID) (app.AppliedCommand, error) {
	var a app.AppliedCommand
	var b []byte
	ok, err := t.row("SELECT doc FROM applied WHERE id = $1", []any{string(id)}, &b)
	switch {
	case err != nil:
		return a, err
	case !ok:
		return a, notFound(keyAppliedMissing)
	}
	return a, undoc("applied command", b, &a)
}

func (t *tx) PutApplied(a app.AppliedCommand) error {
	if err := a.ID.Validate(); err != nil {
		return err
	}
	d, err := doc(a)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO applied (id, at_ns, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET at_ns = excluded.at_ns, doc = excluded.doc`, string(a.ID), nanos(a.At), d)
	return err
}

func (t *tx) PruneApplied(before time.Time) (int, error) {
	tag, err := t.exec("DELETE FROM applied WHERE at_ns < $1", nanos(before))
	return int(tag.RowsAffected()), err
}

// --- conflicts -----------------------------------------------------------

func (t *tx) PutConflict(c app.Conflict) error {
	if err := c.ID.Validate(); err != nil {
		return err
	}
	if c.Owner != "" {
		if err := c.Owner.Validate(); err != nil {
			return err
		}
	}
	d, err := doc(c)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO conflicts (id, owner, created_ns, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, created_ns = excluded.created_ns, doc = excluded.doc`,
		string(c.ID), string(c.Owner), nanos(c.Created), d)
	return err
}

func (t *tx) Conflict(id app.ID) (app.Conflict, error) {
	var c app.Conflict
	var b []byte
	ok, err := t.row("SELECT doc FROM conflicts WHERE id = $1", []any{string(id)}, &b)
	switch {
	case err != nil:
		return c, err
	case !ok:
		return c, notFound(keyConflictMissing)
	}
	return c, undoc("conflict", b, &c)
}

// Conflicts lists oldest first, then by id (the bbolt ledger's order).
func (t *tx) Conflicts(owner app.ID) ([]app.Conflict, error) {
	docs, err := rows(t, pgx.RowTo[[]byte],
		"SELECT doc FROM conflicts WHERE $1 = '' OR owner = $1 ORDER BY created_ns, id", string(owner))
	if err != nil {
		return nil, err
	}
	out := make([]app.Conflict, len(docs))
	for i, b := range docs {
		if err := undoc("conflict", b, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteConflict looks first, so that a missing conflict is not found
// in a read-only transaction too.
func (t *tx) DeleteConflict(id app.ID) error {
	var one int
	ok, err := t.row("SELECT 1 FROM conflicts WHERE id = $1", []any{string(id)}, &one)
	switch {
	case err != nil:
		return err
	case !ok:
		return notFound(keyConflictMissing)
	}
	_, err = t.exec("DELETE FROM conflicts WHERE id = $1", string(id))
	return err
}

// --- audit ---------------------------------------------------------------

// AppendAudit inserts each record unless its device already uploaded its
// sequence number (the unique index decides, also against a concurrent
// upload), and indexes it by every case it concerns.
func (t *tx) AppendAudit(recs ...app.LedgerAudit) (int, error) {
	n := 0
	for _, r := range recs {
		if r.Device != "" {
			if err := r.Device.Validate(); err != nil {
				return n, err
			}
		}
		r.Seq = 0 // the position is the row's
		d, err := doc(r)
		if err != nil {
			return n, err
		}
		var seq int64
		ok, err := t.row(`INSERT INTO audit (device, device_seq, doc) VALUES ($1, $2, $3)
			ON CONFLICT (device, device_seq) WHERE device <> '' DO NOTHING RETURNING seq`,
			[]any{string(r.Device), int64(r.Record.Seq), d}, &seq)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		cases := append([]app.ID{r.Record.Sag}, r.Record.Sager...)
		for i, id := range cases {
			if id == "" || slices.Contains(cases[:i], id) {
				continue
			}
			if _, err := t.exec("INSERT INTO audit_sag (sag, seq) VALUES ($1, $2)", string(id), seq); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}

func (t *tx) AuditFor(id app.ID) ([]app.LedgerAudit, error) {
	if id == "" {
		return nil, nil
	}
	return rows(t, func(row pgx.CollectableRow) (app.LedgerAudit, error) {
		var a app.LedgerAudit
		var seq int64
		var b []byte
		if err := row.Scan(&seq, &b); err != nil {
			return a, err
		}
		err := undoc("audit", b, &a)
		a.Seq = uint64(seq)
		return a, err
	}, "SELECT a.seq, a.doc FROM audit_sag s JOIN audit a ON a.seq = s.seq WHERE s.sag = $1 ORDER BY a.seq", string(id))
}

// --- accounts, devices, sessions -----------------------------------------

func (t *tx) PutAccount(a app.Account) error {
	if err := a.ID.Validate(); err != nil {
		return err
	}
	d, err := doc(a)
	if err != nil {
		return err
	}
	_, err = t.exec("INSERT INTO accounts (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc", string(a.ID), d)
	return err
}

func (t *tx) Account(id app.ID) (app.Account, error) {
	var a app.Account
	var b []byte
	ok, err := t.row("SELECT doc FROM accounts WHERE id = $1", []any{string(id)}, &b)
	switch {
	case err != nil:
		return a, err
	case !ok:
		return a, notFound(keyAccountMissing)
	}
	return a, undoc("account", b, &a)
}

// Accounts returns every account in id order.
func (t *tx) Accounts() ([]app.Account, error) {
	return docs[app.Account](t, "account", "SELECT doc FROM accounts ORDER BY id")
}

func docs[T any](t *tx, what, sql string, args ...any) ([]T, error) {
	bs, err := rows(t, pgx.RowTo[[]byte], sql, args...)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(bs))
	for i, b := range bs {
		if err := undoc(what, b, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) PutDevice(d app.Device) error {
	if err := d.ID.Validate(); err != nil {
		return err
	}
	if err := d.Account.Validate(); err != nil {
		return err
	}
	s, err := doc(d)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO devices (id, account, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET account = excluded.account, doc = excluded.doc`, string(d.ID), string(d.Account), s)
	return err
}

func (t *tx) Device(id app.ID) (app.Device, error) {
	var d app.Device
	var b []byte
	ok, err := t.row("SELECT doc FROM devices WHERE id = $1", []any{string(id)}, &b)
	switch {
	case err != nil:
		return d, err
	case !ok:
		return d, notFound(keyDeviceMissing)
	}
	return d, undoc("device", b, &d)
}

// Devices returns account's devices in id order.
func (t *tx) Devices(account app.ID) ([]app.Device, error) {
	if account == "" {
		return nil, nil
	}
	return docs[app.Device](t, "device", "SELECT doc FROM devices WHERE account = $1 ORDER BY id", string(account))
}

func (t *tx) PutSession(s app.Session) error {
	if len(s.Hash) == 0 {
		return errEmpty("hash")
	}
	if err := s.Account.Validate(); err != nil {
		return err
	}
	if s.Device != "" {
		if err := s.Device.Validate(); err != nil {
			return err
		}
	}
	d, err := doc(s)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO sessions (hash, account, device, expires_ns, doc) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO UPDATE SET account = excluded.account, device = excluded.device, expires_ns = excluded.expires_ns, doc = excluded.doc`,
		s.Hash, string(s.Account), string(s.Device), nanos(s.Expires), d)
	return err
}

func (t *tx) Session(hash []byte) (app.Session, error) {
	var s app.Session
	if len(hash) == 0 {
		return s, notFound(keySessionMissing)
	}
	var b []byte
	ok, err := t.row("SELECT doc FROM sessions WHERE hash = $1", []any{hash}, &b)
	switch {
	case err != nil:
		return s, err
	case !ok:
		return s, notFound(keySessionMissing)
	}
	return s, undoc("session", b, &s)
}

func (t *tx) DeleteSessions(account, device app.ID) (int, error) {
	if account == "" {
		return 0, nil
	}
	tag, err := t.exec("DELETE FROM sessions WHERE account = $1 AND ($2 = '' OR device = $2)", string(account), string(device))
	return int(tag.RowsAffected()), err
}

func (t *tx) PruneSessions(before time.Time) (int, error) {
	tag, err := t.exec("DELETE FROM sessions WHERE expires_ns < $1", nanos(before))
	return int(tag.RowsAffected()), err
}

// --- meta ----------------------------------------------------------------

func (t *tx) Meta(key string) ([]byte, error) {
	var v []byte
	ok, err := t.row("SELECT value FROM meta WHERE key = $1", []any{key}, &v)
	switch {
	case err != nil:
		return nil, err
	case !ok || key == "":
		return nil, notFound(keyMetaMissing)
	}
	return v, nil
}

func (t *tx) PutMeta(key string, value []byte) error {
	if key == "" {
		return errEmpty("key")
	}
	if value == nil {
		value = []byte{}
	}
	_, err := t.exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return err
}

// validKind: a record kind uses the ids' alphabet ("sag", "virksomhed").
func validKind(kind string) error {
	if kind == "" || app.ID(kind).Validate() != nil {
		return errKind()
	}
	return nil
}
