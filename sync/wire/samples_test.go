package wire_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

var (
	t0    = time.Date(2026, 3, 12, 9, 30, 0, 0, time.UTC)
	today = app.MustDate(2026, 3, 12)
)

// command returns a command of the given id with a body that carries some
// text, so that frames of many commands have a realistic size.
func command(tb testing.TB, id app.ID, i int) app.Command {
	tb.Helper()
	var body app.Body = &app.TilfoejNotat{NotatID: app.ID(fmt.Sprintf("n%d", i)), Tekst: "Borgeren mødte op og fortalte om sin jobsøgning; aftalt ny samtale om to uger. Æ, ø og å <&> skal med."}
	if i%2 == 1 {
		body = &app.RegistrerFravaer{FravaerID: app.ID(fmt.Sprintf("f%d", i)), Type: "sygemelding", Start: today, Kommentar: "Ringede om morgenen"}
	}
	return app.Command{ID: id, Sag: "sag-1", Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw-1"}, At: t0, Body: body}
}

func pushCommand(tb testing.TB, i int) wire.PushCommand {
	tb.Helper()
	return wire.PushCommand{
		Seq:        uint64(i + 1),
		Command:    command(tb, app.ID(fmt.Sprintf("cmd-%04d", i)), i),
		Base:       7,
		BaseFields: map[string]int64{"fravaer": 3, "notat": 5},
		HLC:        app.HLC{Wall: t0.UnixMilli(), Logical: uint16(i), Device: "dev-1"},
	}
}

// record returns a case record whose data is about size bytes of JSON.
func record(seq uint64, size int) app.Record {
	note := strings.Repeat("x", max(size-60, 0))
	data := fmt.Sprintf(`{"id":"sag-%d","navn":"Test Testesen","notater":[{"tekst":%q}]}`, seq, note)
	return app.Record{Kind: app.RecordSag, ID: app.ID(fmt.Sprintf("sag-%d", seq)), Version: int64(seq), Seq: seq, Data: json.RawMessage(data)}
}

func auditRecord(seq uint64) app.AuditRecord {
	h := sha256.Sum256([]byte{byte(seq)})
	return app.AuditRecord{Seq: seq, At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw-1"}, Action: app.ActionViewed, Sag: "sag-1", Hash: h[:]}
}

func ruleFiles() []wire.RuleFile {
	return []wire.RuleFile{
		{Name: "kontaktgrupper.csv", Data: "kg,navn\n1,Jobparat\n"},
		{Name: "regelsaet.csv", Data: "version,navn\n2026-07,Reform\n"},
		{Name: "scenarios/01_sygemelding.txt", Data: "scenarie: sygemelding\n"},
	}
}

func ruleSets() []wire.RuleSetInfo {
	return []wire.RuleSetInfo{
		{Version: "2026-02", From: app.MustDate(2026, 2, 1), To: app.MustDate(2026, 6, 30)},
		{Version: "2026-07", From: app.MustDate(2026, 7, 1)},
	}
}

// samples returns one valid frame of every message type.
func samples(tb testing.TB) []wire.Frame {
	tb.Helper()
	digest := wire.BundleDigest(ruleFiles())
	rejected := app.RuleError("4685", "rule.4685", "dato", app.DateParam(today)).WithHint("hint.give_reason")
	side := func(v string, ver int64) app.ConflictSide {
		return app.ConflictSide{Value: json.RawMessage(v), Version: ver, Command: "cmd-0001", Author: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw-2"}, Device: "dev-2", HLC: app.HLC{Wall: t0.UnixMilli(), Device: "dev-2"}, At: t0}
	}
	return []wire.Frame{
		{ID: "r1", Body: &wire.Hello{Device: "dev-1", Cursor: app.Cursor{Epoch: 1, Seq: 41}, AppVersion: "1.4.2", RulesDigest: digest, Pending: 3}},
		{ID: "r1", Body: &wire.Welcome{Caseworker: "cw-1", ServerTime: t0, AppVersion: "1.4.3", Cursor: app.Cursor{Epoch: 1, Seq: 57}, RuleSets: ruleSets(), RulesDigest: digest}},
		{ID: "r2", Body: &wire.Push{Commands: []wire.PushCommand{pushCommand(tb, 0), pushCommand(tb, 1)}}},
		{ID: "r2", Body: &wire.Ack{Results: []app.AckResult{
			{Command: "cmd-0000", Status: app.AckApplied, Version: 8, At: t0},
			{Command: "cmd-0001", Status: app.AckRejected, Error: rejected, At: t0},
			{Command: "cmd-0002", Status: app.AckConflict, Conflict: "k-1", Error: app.Errorf(app.CodeConflict, "", "conflict.change_already_saved")},
			{Command: "cmd-0003", Status: app.AckDuplicate, Version: 6},
		}}},
		{ID: "r3", Body: &wire.Pull{Cursor: app.Cursor{Epoch: 1, Seq: 41}, Limit: 100}},
		{ID: "r3", Body: &wire.Changes{Page: app.Page{
			Records:  []app.Record{record(42, 200), {Kind: app.RecordSag, ID: "sag-9", Version: 4, Seq: 43, Removed: true}, {Kind: "virksomhed", ID: "v-1", Version: 1, Seq: 44, Data: json.RawMessage(`{"navn":"Byg ApS","cvr":"12345678"}`)}},
			Cursor:   app.Cursor{Epoch: 1, Seq: 50},
			HasMore:  true,
			Snapshot: true,
		}, Scope: &wire.ScopeDelta{Added: []wire.RecordRef{{Kind: app.RecordSag, ID: "sag-42", Reason: wire.ReasonAssigned}}, Removed: []wire.RecordRef{{Kind: app.RecordSag, ID: "sag-9", Reason: wire.ReasonReassigned}}}, Total: 120}},
		{Body: &wire.Poke{Cursor: app.Cursor{Epoch: 1, Seq: 58}}},
		{Body: &wire.ConflictNotice{Conflict: app.Conflict{ID: "k-1", Sag: "sag-1", Field: app.FieldKontaktgruppe, Policy: app.PolicyProtected, Owner: "cw-1",
			Base: side(`2`, 3), Mine: side(`3`, 3), Theirs: side(`{"kg":4,"fra":"2026-03-10"}`, 4), Created: t0}}},
		{ID: "r4", Body: &wire.Resolve{Conflict: "k-1", Decision: app.ResolveTakeMine, Note: "Aftalt med teamleder"}},
		{ID: "r4", Body: &wire.Resolved{Conflict: "k-1", Decision: app.ResolveTakeMine, Version: 9}},
		{Body: &wire.Wipe{Reason: wire.WipeRevoked}},
		{ID: "r5", Body: &wire.Error{Error: *app.Errorf(app.CodeUnauthorized, "", "unauthorized.role", "rolle", "borger", "handling", "push"), RetryAfterMS: 1500}},
		{ID: "r6", Body: &wire.Ping{}},
		{ID: "r6", Body: &wire.Pong{}},
		{ID: "r7", Body: &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{auditRecord(1), {Seq: 2, At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw-1"}, Action: app.ActionSearched, Kind: "navn", Hits: 2, Sager: []app.ID{"sag-1", "sag-2"}, Prev: auditRecord(1).Hash, Hash: auditRecord(2).Hash}}}},
		{ID: "r7", Body: &wire.AuditAck{Through: 2, Gaps: []wire.SeqRange{{From: 5, To: 7}}}},
		{ID: "r8", Body: &wire.RulesRequest{Have: digest}},
		{ID: "r8", Body: &wire.RulesBundle{Digest: digest, Versions: ruleSets(), Part: 0, Parts: 1, Files: ruleFiles()}},
	}
}

// mustEncode encodes f or fails the test.
func mustEncode(tb testing.TB, f wire.Frame) []byte {
	tb.Helper()
	b, err := wire.Encode(f)
	if err != nil {
		tb.Fatalf("Encode(%s) = %v", f.Body.Type(), err)
	}
	return b
}

// frame builds a frame's text from its type and body JSON.
func frame(typ, body string) []byte {
	return []byte(`{"v":1,"type":"` + typ + `","id":"r1","body":` + body + `}`)
}

// replace returns b with old replaced once by new, failing when old is
// absent, so a bad-input case cannot silently test the good input.
func replace(tb testing.TB, b []byte, old, new string) []byte {
	tb.Helper()
	if !bytes.Contains(b, []byte(old)) {
		tb.Fatalf("%q not in %s", old, b)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}
