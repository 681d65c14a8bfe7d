package ledger

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	"feltsag.dk/feltsag/app"
)

// Keys are built from ids (a–z, 0–9 and '-', app.ID.Validate), record kinds
// (the same alphabet), 8-byte big-endian numbers and the separator 0, so
// that a bucket's byte order is the order the ledger promises: log order,
// time order, id order.

const sep = 0

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), n) }

func readU64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, errors.New("8-byte number has the wrong length")
	}
	return binary.BigEndian.Uint64(b), nil
}

// timeKey orders instants, before 1970 included: Unix nanoseconds with the
// sign bit flipped.
func timeKey(t time.Time) []byte { return u64(uint64(t.UnixNano()) ^ 1<<63) }

// join concatenates key parts with the separator between them.
func join(parts ...[]byte) []byte {
	n := len(parts) - 1
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			k = append(k, sep)
		}
		k = append(k, p...)
	}
	return k
}

// recordHead is a stored record without its data. A record's value is the
// head's JSON length (uvarint), the head's JSON, then Data byte for byte:
// Data comes back exactly as it was put (nil stays nil), and the case's
// JSON is neither parsed nor re-encoded on the hot path.
//
// Readers joined the head later (schema 2); a record written before has
// none, and its head reads as it always did.
type recordHead struct {
	Version int64    `json:"v"`
	Seq     uint64   `json:"s"`
	Owner   app.ID   `json:"o,omitempty"`
	Readers []app.ID `json:"r,omitempty"`
}

func encodeRecord(r app.LedgerRecord) ([]byte, error) {
	h, err := json.Marshal(recordHead{Version: r.Version, Seq: r.Seq, Owner: r.Owner, Readers: r.Readers})
	if err != nil {
		return nil, err
	}
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(h)+len(r.Data)), uint64(len(h)))
	b = append(b, h...)
	return append(b, r.Data...), nil
}

// decodeRecord reads a stored record. It copies what it keeps: bbolt's
// values are valid only inside their transaction.
func decodeRecord(kind string, id app.ID, v []byte) (app.LedgerRecord, error) {
	n, w := binary.Uvarint(v)
	if w <= 0 || n > uint64(len(v)-w) {
		return app.LedgerRecord{}, errors.New("record value has a bad head length")
	}
	var h recordHead
	if err := json.Unmarshal(v[w:w+int(n)], &h); err != nil {
		return app.LedgerRecord{}, err
	}
	r := app.LedgerRecord{Kind: kind, ID: id, Version: h.Version, Seq: h.Seq, Owner: h.Owner}
	if len(h.Readers) > 0 {
		r.Readers = h.Readers
	}
	if data := v[w+int(n):]; len(data) > 0 {
		r.Data = append(json.RawMessage(nil), data...)
	}
	return r, nil
}

// A scope entry is the value at a position of an owner's scope index: one
// flag byte (live or removed), the record's version at that position, then
// kind 0 id. The reverse index (kind 0 id → position) holds the position
// and the same flag.
const (
	entryLive    = 1
	entryRemoved = 2
)

func encodeEntry(flag byte, version int64, kind string, id app.ID) []byte {
	b := make([]byte, 0, 1+8+len(kind)+1+len(id))
	b = append(b, flag)
	b = binary.BigEndian.AppendUint64(b, uint64(version))
	return append(append(append(b, kind...), sep), id...)
}

type entry struct {
	removed bool
	version int64
	kind    string
	id      app.ID
}

func decodeEntry(v []byte) (entry, error) {
	if len(v) < 1+8+3 || (v[0] != entryLive && v[0] != entryRemoved) {
		return entry{}, errors.New("scope entry is malformed")
	}
	kind, id, ok := splitRecKey(v[9:])
	if !ok {
		return entry{}, errors.New("scope entry has no kind and id")
	}
	return entry{removed: v[0] == entryRemoved, version: int64(binary.BigEndian.Uint64(v[1:9])), kind: kind, id: id}, nil
}

func recKey(kind string, id app.ID) []byte { return join([]byte(kind), []byte(id)) }

func splitRecKey(k []byte) (string, app.ID, bool) {
	for i, c := range k {
		if c == sep {
			if i == 0 || i == len(k)-1 {
				return "", "", false
			}
			return string(k[:i]), app.ID(k[i+1:]), true
		}
	}
	return "", "", false
}

// posValue is the reverse index's value: the position and the entry's flag.
func posValue(seq uint64, flag byte) []byte { return append(u64(seq), flag) }

func readPos(v []byte) (uint64, byte, error) {
	if len(v) != 9 {
		return 0, 0, errors.New("scope position is malformed")
	}
	return binary.BigEndian.Uint64(v), v[8], nil
}

// getJSON reads a JSON value; it reports false when the key is absent.
func getJSON(v []byte, into any) (bool, error) {
	if v == nil {
		return false, nil
	}
	return true, json.Unmarshal(v, into)
}

// validKind: a record kind uses the ids' alphabet ("sag", "virksomhed").
func validKind(kind string) error {
	if kind == "" || app.ID(kind).Validate() != nil {
		return errKind()
	}
	return nil
}
