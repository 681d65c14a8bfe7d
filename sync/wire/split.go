package wire

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"

	"feltsag.dk/feltsag/app"
)

// The Split helpers cut a long list into messages whose frames each fit
// MaxFrame and the message's count limit, keeping the list's order. Each
// frame is measured as Encode writes it, with the longest request id, so a
// caller may give any id to any of them.

// longestID is a request id of the longest allowed length (64), for
// measuring envelopes.
const longestID app.ID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// pack groups items greedily: each group's envelope (overhead bytes, for
// the message with an empty list) plus its items' JSON and the commas
// between them stays within MaxFrame, and no group has more than max
// items. extra is added to the first group's overhead. An item that cannot
// fit alone is refused with its id.
func pack[T any](items []T, max, overhead, extra int, id func(T) string) ([][]T, error) {
	groups, _, err := packEncoded(items, max, overhead, extra, id)
	return groups, err
}

// packEncoded is pack that also returns each item's encoding, group by
// group, so that a caller can write the frames without encoding the items
// again.
func packEncoded[T any](items []T, max, overhead, extra int, id func(T) string) ([][]T, [][][]byte, error) {
	var groups [][]T
	var encs [][][]byte
	var cur []T
	var enc [][]byte
	size := overhead + extra
	for _, it := range items {
		var buf bytes.Buffer
		if err := encodeJSON(&buf, it); err != nil {
			return nil, nil, err
		}
		need := buf.Len()
		if len(cur) > 0 {
			need++ // the comma
		}
		if len(cur) > 0 && (size+need > MaxFrame || len(cur) == max) {
			groups, encs = append(groups, cur), append(encs, enc)
			cur, enc, size, need = nil, nil, overhead, buf.Len()
		}
		if size+need > MaxFrame {
			return nil, nil, frameErr("wire.item_too_large", "id", id(it), "max", strconv.Itoa(MaxFrame-overhead))
		}
		cur, enc = append(cur, it), append(enc, buf.Bytes())
		size += need
	}
	if len(cur) > 0 {
		groups, encs = append(groups, cur), append(encs, enc)
	}
	return groups, encs, nil
}

// envelopeSize returns the encoded length of m with the longest id.
func envelopeSize(m Message) (int, error) {
	b, err := encodeFrame(Frame{ID: longestID, Body: m})
	return len(b), err
}

// SplitPush cuts an outbox into push messages in order. Errors: invalid
// (wire.item_too_large) when one command alone does not fit a frame.
func SplitPush(cmds []PushCommand) ([]*Push, error) {
	over, err := envelopeSize(&Push{Commands: []PushCommand{}})
	if err != nil {
		return nil, err
	}
	groups, err := pack(cmds, MaxCommandsPerPush, over, 0, func(c PushCommand) string { return string(c.Command.ID) })
	if err != nil {
		return nil, err
	}
	out := make([]*Push, len(groups))
	for i, g := range groups {
		out[i] = &Push{Commands: g}
	}
	return out, nil
}

// SplitChanges cuts one page of the log into changes messages that each
// answer one pull, in order: the first keeps Snapshot and Scope, each but
// the last has HasMore and the cursor of its last record, and the last
// keeps the page's HasMore and Cursor; every one keeps Total. Errors: invalid
// (wire.item_too_large) when one record alone does not fit a frame.
func SplitChanges(c *Changes) ([]*Changes, error) {
	if len(c.Records) == 0 {
		return []*Changes{c}, nil
	}
	widest := app.Cursor{Epoch: math.MaxUint64, Seq: math.MaxUint64}
	over, err := envelopeSize(&Changes{Page: app.Page{Records: []app.Record{}, Cursor: widest, HasMore: true, Snapshot: true}, Total: c.Total})
	if err != nil {
		return nil, err
	}
	withScope, err := envelopeSize(&Changes{Page: app.Page{Records: []app.Record{}, Cursor: widest, HasMore: true, Snapshot: true}, Scope: c.Scope, Total: c.Total})
	if err != nil {
		return nil, err
	}
	groups, encs, err := packEncoded(c.Records, MaxRecordsPerPage, over, withScope-over, func(r app.Record) string { return string(r.ID) })
	if err != nil {
		return nil, err
	}
	out := make([]*Changes, len(groups))
	for i, g := range groups {
		m := &Changes{Page: app.Page{Records: g, Cursor: app.Cursor{Epoch: c.Cursor.Epoch, Seq: g[len(g)-1].Seq}, HasMore: true}, Total: c.Total,
			enc: encodedRecords{of: g, b: encs[i]}}
		if i == 0 {
			m.Snapshot, m.Scope = c.Snapshot, c.Scope
		}
		if i == len(groups)-1 {
			m.Cursor, m.HasMore = c.Cursor, c.HasMore
		}
		out[i] = m
	}
	return out, nil
}

// SplitAudit cuts a device's audit records into uploads in order. Errors:
// invalid (wire.item_too_large) when one record alone does not fit.
func SplitAudit(device app.ID, recs []app.AuditRecord) ([]*AuditUpload, error) {
	over, err := envelopeSize(&AuditUpload{Device: device, Records: []app.AuditRecord{}})
	if err != nil {
		return nil, err
	}
	groups, err := pack(recs, MaxAuditPerUpload, over, 0, func(r app.AuditRecord) string { return strconv.FormatUint(r.Seq, 10) })
	if err != nil {
		return nil, err
	}
	out := make([]*AuditUpload, len(groups))
	for i, g := range groups {
		out[i] = &AuditUpload{Device: device, Records: g}
	}
	return out, nil
}

// BundleDigest returns the SHA-256 of a rule bundle as 64 lower-case hex
// digits: over the files in name order, for each its name, a line feed,
// its length in bytes in decimal, a line feed and its bytes.
func BundleDigest(files []RuleFile) string {
	sorted := slices.SortedFunc(slices.Values(files), func(a, b RuleFile) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	for _, f := range sorted {
		h.Write([]byte(f.Name + "\n" + strconv.Itoa(len(f.Data)) + "\n"))
		h.Write([]byte(f.Data))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SplitRules returns the rule bundle of versions and files as parts, files
// in name order. Errors: invalid when a name repeats, there are more than
// MaxRuleFiles files, or one file alone does not fit a frame.
func SplitRules(versions []RuleSetInfo, files []RuleFile) ([]*RulesBundle, error) {
	if len(files) > MaxRuleFiles {
		return nil, refuse("files", "wire.array_too_long", "max", strconv.Itoa(MaxRuleFiles))
	}
	files = slices.SortedFunc(slices.Values(files), func(a, b RuleFile) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(files); i++ {
		if files[i].Name == files[i-1].Name {
			return nil, refuse("files", "wire.duplicate_key")
		}
	}
	digest := BundleDigest(files)
	over, err := envelopeSize(&RulesBundle{Digest: digest, Versions: versions, Part: MaxRuleFiles, Parts: MaxRuleFiles, Files: []RuleFile{}})
	if err != nil {
		return nil, err
	}
	groups, err := pack(files, MaxRuleFiles, over, 0, func(f RuleFile) string { return f.Name })
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 {
		groups = [][]RuleFile{{}}
	}
	out := make([]*RulesBundle, len(groups))
	for i, g := range groups {
		out[i] = &RulesBundle{Digest: digest, Versions: versions, Part: i, Parts: len(groups), Files: g}
	}
	return out, nil
}

// Assemble joins the parts of a rule bundle, in any order, and checks
// them: the same digest and part count in every part, each part once, and
// the digest of the files. Errors: invalid (wire.rules_digest) for a
// missing, repeated or foreign part or a digest that does not match.
func Assemble(parts []*RulesBundle) ([]RuleFile, error) {
	// The count comes from the peer: bounded before it sizes anything (a
	// negative one panicked, a huge one allocated without limit).
	if len(parts) == 0 || parts[0].Parts < 1 || parts[0].Parts > MaxRuleFiles {
		return nil, frameErr("wire.rules_digest")
	}
	byPart := make([]*RulesBundle, parts[0].Parts)
	for _, p := range parts {
		if p.Digest != parts[0].Digest || p.Parts != len(byPart) || p.Part < 0 || p.Part >= len(byPart) || byPart[p.Part] != nil {
			return nil, frameErr("wire.rules_digest")
		}
		byPart[p.Part] = p
	}
	var files []RuleFile
	for _, p := range byPart {
		if p == nil {
			return nil, frameErr("wire.rules_digest")
		}
		files = append(files, p.Files...)
	}
	for i := 1; i < len(files); i++ {
		if files[i].Name <= files[i-1].Name {
			return nil, frameErr("wire.rules_digest")
		}
	}
	if BundleDigest(files) != parts[0].Digest {
		return nil, frameErr("wire.rules_digest")
	}
	return files, nil
}

// RuleFilesOf returns the rule tables in fsys (every .csv file, the
// scenarios left out: they are for rule maintainers) as the rule bundle's
// files in name order. The server serves them and the client computes the
// digest it sends in hello from them, so both must build the list the
// same way: this is the one place that does.
func RuleFilesOf(fsys fs.FS) ([]RuleFile, error) {
	var out []RuleFile
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".csv") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out = append(out, RuleFile{Name: p, Data: string(b)})
		return nil
	})
	slices.SortFunc(out, func(a, b RuleFile) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}
