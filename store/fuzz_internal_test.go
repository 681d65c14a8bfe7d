package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// FuzzHeader feeds untrusted bytes to the plaintext header decoder, the
// first thing read from a file: it must never panic, and whatever it
// accepts must be within bounds.
func FuzzHeader(f *testing.F) {
	h := &header{Magic: headerMagic, Schema: schemaVersion, KDF: DefaultKDF(), Salt: bytes.Repeat([]byte{1}, saltSize),
		Wrapped: bytes.Repeat([]byte{envelopeV1}, wrappedSize), Failures: 3}
	f.Add(encodeHeader(h))
	f.Add([]byte("{}"))
	f.Add(append([]byte(`{"magic":"feltsag-replica","kdf":{"m":4294967295}}`), make([]byte, 32)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHeader(b)
		if err != nil {
			return
		}
		if !h.KDF.valid() || h.KDF.MemoryKiB > maxKDFMemory || len(h.Wrapped) != wrappedSize {
			t.Fatalf("accepted out-of-bounds header %+v", h)
		}
		if again, err := decodeHeader(encodeHeader(h)); err != nil || again.Schema != h.Schema {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzRecord feeds untrusted bytes to every record decoder: as a sealed
// envelope under a fixed key, and as the plaintext of each record type
// (what a bug or an old version could have sealed). Nothing may panic.
func FuzzRecord(f *testing.F) {
	keys, err := newKeyring(bytes.Repeat([]byte{7}, dataKeySize), bytes.NewReader(bytes.Repeat([]byte{9}, 1<<16)))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range recordSeeds(f) {
		f.Add(seed)
		if sealed, err := keys.seal(bOutbox, seqKey(1), seed); err == nil {
			f.Add(sealed)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if plain, err := keys.open(bOutbox, seqKey(1), b); err == nil {
			_, _ = decodeOutbox(plain)
		}
		_, _, _ = parseEnvelope(b)
		_, _ = decodeOutbox(b)
		_, _ = decodeAudit(b)
		_, _ = decodeAcked(b)
		_, _ = decodeConflict(b)
		_, _ = decodeSag(b)
		_, _ = decodeViewSummary(b)
		_, _ = decodeView(b)
		_, _ = parseSeq(b)
	})
}

func recordSeeds(f *testing.F) [][]byte {
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	sag := &app.Sag{ID: "sag1", Borger: app.Borger{Navn: "Test"}}
	view, err := encodeView(sag, app.SummaryOf(sag), false)
	if err != nil {
		f.Fatal(err)
	}
	short, err := encodeView(sag, app.SummaryOf(sag), true)
	if err != nil {
		f.Fatal(err)
	}
	cmd := app.Command{ID: "c1", Sag: "sag1", Actor: app.Actor{Rolle: app.RolleSagsbehandler}, At: at,
		Body: &app.TilfoejNotat{NotatID: "n1", Tekst: "x"}}
	seeds := [][]byte{view, short, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}}
	for _, v := range []any{
		app.PendingCommand{Seq: 1, Command: cmd, Status: app.StatusPending, Saved: at},
		app.AuditRecord{Seq: 1, At: at, Action: app.ActionViewed, Sag: "sag1", Prev: make([]byte, 32)},
		app.Acked{AckResult: app.AckResult{Command: "c1", Status: app.AckRejected, Error: app.RuleError("x", "y", "z")}, Sag: "sag1"},
		app.Conflict{ID: "k1", Sag: "sag1", Field: "tilmelding", Mine: app.ConflictSide{Value: json.RawMessage(`{"a":1}`)}},
		sag,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// FuzzRawPages feeds untrusted bytes to the raw page scan of a file bbolt
// cannot open: it must never panic, and every pair it reports must lie
// inside the input.
func FuzzRawPages(f *testing.F) {
	page := make([]byte, 4096)
	le.PutUint64(page, 0)
	le.PutUint16(page[8:], rawLeafFlag)
	le.PutUint16(page[10:], 1)
	le.PutUint32(page[rawPageHeader+4:], rawLeafElement)
	le.PutUint32(page[rawPageHeader+8:], 2)
	le.PutUint32(page[rawPageHeader+12:], 3)
	copy(page[rawPageHeader+2*rawLeafElement:], "v1abc")
	f.Add(page)
	f.Add(append(bytes.Clone(page), page...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		rawPairs(b, func(k, v []byte) {
			if len(k)+len(v) > len(b) {
				t.Fatalf("pair of %d+%d bytes from %d bytes", len(k), len(v), len(b))
			}
		})
	})
}

// FuzzSealedFile feeds untrusted bytes to the sidecar decoder (ReadSealed's
// parser of <path>.sealed): it must never panic, every entry it accepts is
// within bounds, and what it accepts encodes back to the same bytes.
func FuzzSealedFile(f *testing.F) {
	entry := append([]byte{sealedV1}, bytes.Repeat([]byte{0xa5}, sealedMinLen+40)...)
	f.Add(encodeSidecar(nil))
	f.Add(encodeSidecar([][]byte{entry}))
	f.Add(encodeSidecar([][]byte{entry, entry[:sealedMinLen]}))
	f.Add([]byte(sidecarMagic))
	check := func(t *testing.T, b []byte) {
		entries, err := decodeSidecar(b)
		if err != nil {
			return
		}
		for i, e := range entries {
			if len(e) < sealedMinLen || len(e) > maxSealedEntry || e[0] != sealedV1 {
				t.Fatalf("accepted entry %d of %d bytes", i, len(e))
			}
		}
		if again := encodeSidecar(entries); !bytes.Equal(again, b) {
			t.Fatalf("round trip changed %d bytes into %d", len(b), len(again))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		check(t, b)
		if len(b) > sha256.Size { // the same bytes with a valid checksum reach the parser
			body := b[:len(b)-sha256.Size]
			sum := sha256.Sum256(body)
			check(t, append(bytes.Clone(body), sum[:]...))
		}
	})
}
