package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"slices"

	"feltsag.dk/feltsag/app"
)

// When bbolt cannot open a file (both meta pages damaged, or truncated so
// that its tree cannot be walked), the outbox is read from the raw pages:
// every leaf page, and every inline bucket inside one, is parsed for
// key/value pairs, and a pair counts only if it authenticates as an outbox
// entry under the data key (AAD = bucket name and key). A page scan can
// therefore only find real entries, from live and from freed pages alike;
// a command whose result is recorded (found the same way) was acknowledged
// and is left out, and duplicates are dropped. The header is found the
// same way, by its checksum. The layout constants are bbolt's
// (internal/common), in the byte order of the platforms Feltsag runs on.
const (
	rawPageHeader   = 16 // id u64, flags u16, count u16, overflow u32
	rawLeafElement  = 16 // flags u32, pos u32, ksize u32, vsize u32
	rawBucketHeader = 16 // root pgid u64, sequence u64; root 0 = inline page follows
	rawLeafFlag     = 0x02
	rawBucketFlag   = 0x01
	rawMetaMagic    = 0xED0CDAED
	rawMaxDepth     = 4 // nested inline buckets; the store nests none
	rawMaxHeaders   = 4 // distinct wraps tried, each an Argon2id derivation
)

var le = binary.LittleEndian

// rawPairs calls fn with every key/value pair of a leaf page (or inline
// bucket page) found in raw, for every plausible page size. The slices
// alias raw. It never panics on arbitrary bytes.
func rawPairs(raw []byte, fn func(k, v []byte)) {
	for _, ps := range rawPageSizes(raw) {
		for off := 0; off+rawPageHeader <= len(raw); off += ps {
			p := raw[off:]
			if le.Uint64(p) != uint64(off/ps) || le.Uint16(p[8:]) != rawLeafFlag {
				continue // a leaf page carries its own page id
			}
			size := (uint64(le.Uint32(p[12:])) + 1) * uint64(ps) // overflow pages follow
			rawLeaf(p[:min(size, uint64(len(p)))], fn, 0)
		}
	}
}

// rawPageSizes returns the page sizes to try: what an intact meta page
// says, the usual sizes, and this machine's.
func rawPageSizes(raw []byte) []int {
	sizes := []int{4096, os.Getpagesize(), 8192, 16384, 65536}
	for _, off := range []int{0, 4096, 8192, 16384, 65536} {
		if off+rawPageHeader+12 > len(raw) {
			continue
		}
		m := raw[off+rawPageHeader:]
		if ps := int(le.Uint32(m[8:])); le.Uint32(m) == rawMetaMagic && ps >= 512 && ps <= 1<<16 && ps&(ps-1) == 0 {
			sizes = append([]int{ps}, sizes...)
		}
	}
	slices.Sort(sizes)
	return slices.Compact(sizes)
}

// rawLeaf parses one leaf page: its header, then count elements whose
// positions are relative to the element itself.
func rawLeaf(p []byte, fn func(k, v []byte), depth int) {
	if len(p) < rawPageHeader || le.Uint16(p[8:]) != rawLeafFlag {
		return
	}
	count := int(le.Uint16(p[10:]))
	for i := range count {
		e := rawPageHeader + i*rawLeafElement
		if e+rawLeafElement > len(p) {
			return
		}
		flags, pos := le.Uint32(p[e:]), uint64(le.Uint32(p[e+4:]))
		ksize, vsize := uint64(le.Uint32(p[e+8:])), uint64(le.Uint32(p[e+12:]))
		start := uint64(e) + pos
		if start+ksize+vsize > uint64(len(p)) {
			continue
		}
		k, v := p[start:start+ksize], p[start+ksize:start+ksize+vsize]
		if flags&rawBucketFlag == 0 {
			fn(k, v)
		} else if len(v) > rawBucketHeader && le.Uint64(v) == 0 && depth < rawMaxDepth {
			rawLeaf(v[rawBucketHeader:], fn, depth+1) // an inline bucket
		}
	}
}

// salvageRaw reads the outbox of a file bbolt cannot open: the header by
// its checksum, the data key with password, then the entries.
func salvageRaw(path, password string, opts Options) ([]app.PendingCommand, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, writeErr(err)
	}
	var hs []*header
	rawPairs(raw, func(k, v []byte) {
		if !bytes.Equal(k, headerKey) || len(hs) >= rawMaxHeaders {
			return
		}
		h, err := decodeHeader(v)
		if err != nil || slices.ContainsFunc(hs, func(o *header) bool { return o.KDF == h.KDF && bytes.Equal(o.Wrapped, h.Wrapped) }) {
			return
		}
		hs = append(hs, h)
	})
	if len(hs) == 0 {
		return nil, errCorrupt(errors.New("raw salvage: no header found"))
	}
	for _, h := range hs {
		kek, _ := deriveKEK(password, h.Salt, h.KDF)
		dk, err := unwrapKey(kek, h.Wrapped, h.Salt)
		clear(kek)
		if err != nil {
			continue
		}
		keys, err := newKeyring(dk, opts.Rand)
		if err != nil {
			return nil, app.Internal(err)
		}
		defer keys.wipe()
		return rawOutbox(raw, keys), nil
	}
	return nil, errWrongSalvagePassword()
}

// rawOutbox returns the outbox entries that authenticate anywhere in raw,
// in order, without those whose command has a recorded result.
func rawOutbox(raw []byte, keys *keyring) []app.PendingCommand {
	entries := map[uint64]app.PendingCommand{}
	acked := map[app.ID]bool{}
	rawPairs(raw, func(k, v []byte) {
		if seq, ok := parseSeq(k); ok {
			if e, err := openOutbox(keys, k, v); err == nil && e.Seq == seq {
				entries[seq] = *e
			}
			return
		}
		if app.ID(k).Validate() == nil {
			if _, err := keys.open(bResults, k, v); err == nil {
				acked[app.ID(k)] = true
			}
		}
	})
	return orderedUnacked(entries, acked)
}

func orderedUnacked(entries map[uint64]app.PendingCommand, acked map[app.ID]bool) []app.PendingCommand {
	seqs := make([]uint64, 0, len(entries))
	for seq := range entries {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	var out []app.PendingCommand
	seen := map[app.ID]bool{}
	for _, seq := range seqs {
		e := entries[seq]
		if acked[e.Command.ID] || seen[e.Command.ID] {
			continue
		}
		seen[e.Command.ID] = true
		out = append(out, e)
	}
	return out
}

// mergeRaw adds to what bbolt could still read (an incomplete salvage) the
// entries a raw scan of the file at path finds.
func mergeRaw(path string, keys *keyring, got []app.PendingCommand) []app.PendingCommand {
	raw, err := os.ReadFile(path)
	if err != nil {
		return got
	}
	entries := map[uint64]app.PendingCommand{}
	for _, e := range rawOutbox(raw, keys) {
		entries[e.Seq] = e
	}
	for _, e := range got {
		entries[e.Seq] = e
	}
	return orderedUnacked(entries, nil)
}
