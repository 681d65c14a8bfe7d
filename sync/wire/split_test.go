package wire_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestSplitPush: an outbox of any length becomes push frames that each
// fit MaxFrame and MaxCommandsPerPush, in order, nothing lost.
func TestSplitPush(t *testing.T) {
	for _, n := range []int{0, 1, 100, 257, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			cmds := make([]wire.PushCommand, n)
			for i := range cmds {
				cmds[i] = pushCommand(t, i)
			}
			pushes, err := wire.SplitPush(cmds)
			if err != nil {
				t.Fatal(err)
			}
			var got []wire.PushCommand
			for _, p := range pushes {
				if len(p.Commands) > wire.MaxCommandsPerPush {
					t.Errorf("push of %d commands", len(p.Commands))
				}
				b := mustEncode(t, wire.Frame{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Body: p})
				if len(b) > wire.MaxFrame {
					t.Errorf("frame of %d bytes", len(b))
				}
				got = append(got, p.Commands...)
			}
			if len(got) != n {
				t.Fatalf("%d commands in %d pushes, want %d", len(got), len(pushes), n)
			}
			for i := range got {
				if got[i].Seq != uint64(i+1) {
					t.Fatalf("command %d has seq %d", i, got[i].Seq)
				}
			}
		})
	}
}

// TestSplitPushFillsFrames: frames are filled close to the limit, not cut
// early (a frame holds the next command only if it does not fit).
func TestSplitPushFillsFrames(t *testing.T) {
	cmds := make([]wire.PushCommand, 600)
	for i := range cmds {
		cmds[i] = pushCommand(t, i)
	}
	pushes, err := wire.SplitPush(cmds)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pushes[:len(pushes)-1] {
		b := mustEncode(t, wire.Frame{Body: p})
		next := pushes[i+1].Commands[0]
		bigger := mustEncodeLen(t, &wire.Push{Commands: append(p.Commands[:len(p.Commands):len(p.Commands)], next)})
		if len(p.Commands) < wire.MaxCommandsPerPush && bigger+len(`,"id":""`)+64 <= wire.MaxFrame {
			t.Errorf("push %d (%d bytes, %d commands) could have taken the next command (%d bytes)", i, len(b), len(p.Commands), bigger)
		}
	}
}

func mustEncodeLen(t *testing.T, m wire.Message) int {
	t.Helper()
	b, err := wire.Encode(wire.Frame{Body: m})
	if err != nil {
		return wire.MaxFrame + 1
	}
	return len(b)
}

// TestSplitChanges: a page of large records becomes changes frames whose
// cursors let a client resume after any of them.
func TestSplitChanges(t *testing.T) {
	recs := make([]app.Record, 100)
	for i := range recs {
		recs[i] = record(uint64(10+i), 2048)
	}
	scope := &wire.ScopeDelta{Added: []wire.RecordRef{{Kind: app.RecordSag, ID: "sag-10", Reason: wire.ReasonAssigned}}}
	page := &wire.Changes{Page: app.Page{Records: recs, Cursor: app.Cursor{Epoch: 3, Seq: 200}, HasMore: false, Snapshot: true}, Scope: scope, Total: 100}
	frames, err := wire.SplitChanges(page)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) < 4 {
		t.Errorf("%d frames for 200 KB of records, want at least 4", len(frames))
	}
	var n int
	for i, c := range frames {
		b := mustEncode(t, wire.Frame{ID: "r1", Body: c})
		if len(b) > wire.MaxFrame {
			t.Errorf("frame %d has %d bytes", i, len(b))
		}
		last := i == len(frames)-1
		if got, want := c.Snapshot, i == 0; got != want {
			t.Errorf("frame %d: snapshot = %v, want %v", i, got, want)
		}
		if got, want := c.Scope != nil, i == 0; got != want {
			t.Errorf("frame %d: scope = %v, want %v", i, got, want)
		}
		if c.Total != page.Total {
			t.Errorf("frame %d: total = %d, want %d", i, c.Total, page.Total)
		}
		if got, want := c.HasMore, !last; got != want {
			t.Errorf("frame %d: has_more = %v, want %v", i, got, want)
		}
		wantCursor := app.Cursor{Epoch: 3, Seq: c.Records[len(c.Records)-1].Seq}
		if last {
			wantCursor = page.Cursor
		}
		if c.Cursor != wantCursor {
			t.Errorf("frame %d: cursor = %v, want %v", i, c.Cursor, wantCursor)
		}
		n += len(c.Records)
	}
	if n != len(recs) {
		t.Errorf("%d records in frames, want %d", n, len(recs))
	}
}

// TestSplitTooLarge: an item that cannot fit a frame alone is refused by
// name, not cut or dropped.
func TestSplitTooLarge(t *testing.T) {
	_, err := wire.SplitChanges(&wire.Changes{Page: app.Page{Records: []app.Record{record(1, 100), record(2, wire.MaxFrame)}, Cursor: app.Cursor{Epoch: 1, Seq: 2}}})
	var e *app.Error
	if keyOf(err) != "wire.item_too_large" || !asErr(err, &e) || e.Params["id"] != "sag-2" {
		t.Errorf("SplitChanges = %v, want wire.item_too_large for sag-2", err)
	}
}

// TestSplitAudit: audit records become uploads that fit.
func TestSplitAudit(t *testing.T) {
	recs := make([]app.AuditRecord, 1500)
	for i := range recs {
		recs[i] = auditRecord(uint64(i + 1))
	}
	ups, err := wire.SplitAudit("dev-1", recs)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, u := range ups {
		mustEncode(t, wire.Frame{ID: "r1", Body: u})
		n += len(u.Records)
	}
	if n != len(recs) || len(ups) < 3 {
		t.Errorf("%d records in %d uploads, want %d in at least 3", n, len(ups), len(recs))
	}
}

// TestRulesBundle: the bundle splits into parts that assemble, in any
// order, to the files; a damaged, missing or foreign part is refused.
func TestRulesBundle(t *testing.T) {
	files := ruleFiles()
	for i := range 5 {
		files = append(files, wire.RuleFile{Name: fmt.Sprintf("big_%d.csv", i), Data: strings.Repeat("a,b\n", 5000)})
	}
	parts, err := wire.SplitRules(ruleSets(), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 2 {
		t.Fatalf("%d parts for 100 KB, want at least 2", len(parts))
	}
	var decoded []*wire.RulesBundle
	for i := len(parts) - 1; i >= 0; i-- {
		f, err := wire.Decode(mustEncode(t, wire.Frame{ID: "r1", Body: parts[i]}))
		if err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, f.Body.(*wire.RulesBundle))
	}
	got, err := wire.Assemble(decoded)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(files) || wire.BundleDigest(got) != wire.BundleDigest(files) {
		t.Errorf("assembled %d files, want %d with the same digest", len(got), len(files))
	}
	damaged := *decoded[0]
	damaged.Files = append([]wire.RuleFile{}, damaged.Files...)
	damaged.Files[0].Data += "x"
	for _, tc := range []struct {
		name  string
		parts []*wire.RulesBundle
	}{
		{"damaged", append([]*wire.RulesBundle{&damaged}, decoded[1:]...)},
		{"missing part", decoded[1:]},
		{"repeated part", append([]*wire.RulesBundle{decoded[1]}, decoded[1:]...)},
		{"none", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := wire.Assemble(tc.parts); keyOf(err) != "wire.rules_digest" {
				t.Errorf("Assemble = %v, want wire.rules_digest", err)
			}
		})
	}
}

// TestSplitChangesEncodesOnce: a frame written from the encodings
// SplitChanges kept is byte for byte the frame of the same message encoded
// afresh, and decodes to the same records; a message whose records were
// replaced after the split is encoded afresh, not from stale encodings.
func TestSplitChangesEncodesOnce(t *testing.T) {
	recs := make([]app.Record, 60)
	for i := range recs {
		recs[i] = record(uint64(10+i), 2048)
	}
	recs[3].Data = []byte(`{"id":"sag-13","navn":"<Søren & Ærø>","tekst":"a\u2028b"}`) // escapes that encoding/json rewrites
	recs[4] = app.Record{Kind: app.RecordSag, ID: "sag-14", Seq: 14, Removed: true}
	scope := &wire.ScopeDelta{Removed: []wire.RecordRef{{Kind: app.RecordSag, ID: "sag-14", Reason: wire.ReasonReassigned}}}
	page := &wire.Changes{Page: app.Page{Records: recs, Cursor: app.Cursor{Epoch: 3, Seq: 200}, Snapshot: true}, Scope: scope, Total: 60}
	frames, err := wire.SplitChanges(page)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range frames {
		fresh := *c
		fresh.Records = slices.Clone(c.Records) // another slice: no stored encodings apply
		fresh.Scope = c.Scope
		got, want := mustEncode(t, wire.Frame{ID: "r1", Body: c}), mustEncode(t, wire.Frame{ID: "r1", Body: &fresh})
		if !bytes.Equal(got, want) {
			t.Fatalf("frame %d:\n got %.300s\nwant %.300s", i, got, want)
		}
		f, err := wire.Decode(got)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		back := f.Body.(*wire.Changes)
		if len(back.Records) != len(c.Records) || back.Records[0].Seq != c.Records[0].Seq {
			t.Fatalf("frame %d: %d records back, want %d", i, len(back.Records), len(c.Records))
		}
	}

	replaced := frames[0]
	replaced.Records = []app.Record{record(replaced.Records[0].Seq, 100)} // one small record instead of many large ones
	if b := mustEncode(t, wire.Frame{ID: "r1", Body: replaced}); len(b) > 1000 {
		t.Errorf("records replaced after the split: %d bytes, the old records written: %.200s", len(b), b)
	}
}
