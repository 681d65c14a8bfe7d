package store_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

func TestCommitWritesViewOutboxAndAudit(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	c := sygemelding(t, s.ID, canaryHealth)
	if r := mustCommit(t, db, c); !r.HasEffect("afmeldt") {
		t.Errorf("effects: %+v", r.Effects)
	}
	got, err := db.View(s.ID, caseworker)
	mustNoErr(t, err, "View")
	if len(got.Fravaer) != 1 || got.Fravaer[0].Kommentar != canaryHealth {
		t.Fatalf("view fravær = %+v", got.Fravaer)
	}
	p, err := db.Pending()
	mustNoErr(t, err, "Pending")
	if len(p) != 1 || p[0].Command.ID != c.ID || p[0].Seq != 1 || p[0].Status != app.StatusPending || p[0].Base != 1 {
		t.Fatalf("outbox = %+v", p)
	}
	wantAudit(t, db, []app.AuditRecord{
		{Action: app.ActionChanged, Sag: s.ID, Command: c.ID, Kind: "registrer_fravaer"},
		{Action: app.ActionViewed, Sag: s.ID},
	})
	list, err := db.List()
	mustNoErr(t, err, "List")
	if len(list) != 1 || list[0].Pending != 1 || list[0].CPR != "010190-XXXX" {
		t.Fatalf("list = %+v", list)
	}
}

// wantAudit compares the log's action, case, command and kind, and
// verifies the chain.
func wantAudit(t *testing.T, db *store.DB, want []app.AuditRecord) {
	t.Helper()
	recs, err := db.Audit(0, 0)
	mustNoErr(t, err, "Audit")
	if len(recs) != len(want) {
		t.Fatalf("audit has %d records, want %d: %+v", len(recs), len(want), recs)
	}
	for i, w := range want {
		r := recs[i]
		if r.Seq != uint64(i+1) || r.Action != w.Action || r.Sag != w.Sag || r.Command != w.Command || r.Kind != w.Kind || r.Actor != caseworker {
			t.Errorf("audit[%d] = %+v, want %+v", i, r, w)
		}
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

func TestCommitRefusedWritesNothing(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	before, err := db.Dump()
	mustNoErr(t, err, "Dump")
	bad := notat(t, s.ID, "")
	if _, err := db.Commit(bad); err == nil {
		t.Fatal("empty note accepted")
	}
	after, err := db.Dump()
	mustNoErr(t, err, "Dump")
	if len(before) != len(after) {
		t.Fatalf("refused command wrote %d values", len(after)-len(before))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("refused command changed %s", k)
		}
	}
}

func TestCommitErrors(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	dup := notat(t, s.ID, "første")
	mustCommit(t, db, dup)
	unknown := notat(t, "ukendt-sag", "x")
	tests := []struct {
		name       string
		cmd        app.Command
		code, rule string
	}{
		{"same command id twice", dup, app.CodeConflict, store.RuleDuplicate},
		{"case not on device", unknown, app.CodeNotFound, store.RuleCaseUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Commit(tt.cmd)
			wantRule(t, err, tt.code, tt.rule)
		})
	}
	if got := pendingIDs(t, db); len(got) != 1 {
		t.Fatalf("outbox has %d entries, want 1", len(got))
	}
}

func TestRebaseKeepsRejectedCommands(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	c1 := notat(t, s.ID, "første note")
	c2 := sygemelding(t, s.ID, "syg")
	mustCommit(t, db, c1)
	mustCommit(t, db, c2)

	// The server says the citizen is no longer in a kontaktgruppe: the
	// sygemelding no longer applies (4686), the note still does.
	confirmed := *s
	confirmed.Version = 2
	confirmed.Kontaktgruppe = nil
	mustNoErr(t, db.PutConfirmed(&confirmed), "PutConfirmed")

	p, err := db.Pending()
	mustNoErr(t, err, "Pending")
	if len(p) != 2 || p[0].Status != app.StatusPending || p[1].Status != app.StatusRejected || p[1].Error == nil {
		t.Fatalf("outbox after rebase = %+v", p)
	}
	v, err := db.View(s.ID, caseworker)
	mustNoErr(t, err, "View")
	if v.Version != 2 || len(v.Notater) != 1 || len(v.Fravaer) != 0 {
		t.Fatalf("view after rebase: version %d, %d notes, %d fravær", v.Version, len(v.Notater), len(v.Fravaer))
	}
	list, _ := db.List()
	if list[0].Pending != 2 || list[0].Rejected != 1 {
		t.Fatalf("summary = %+v", list[0])
	}

	// The server brings the kontaktgruppe back: the command applies again.
	confirmed.Version = 3
	confirmed.Kontaktgruppe = s.Kontaktgruppe
	mustNoErr(t, db.PutConfirmed(&confirmed), "PutConfirmed")
	p, _ = db.Pending()
	if p[1].Status != app.StatusPending || p[1].Error != nil {
		t.Fatalf("entry not pending again: %+v", p[1])
	}
}

func TestAckRemovesOnlyWithResult(t *testing.T) {
	db := MustOpen(t)
	s := seed(t, db, canaryCPR, canaryName)
	c1 := notat(t, s.ID, "note 1")
	c2 := notat(t, s.ID, "note 2")
	mustCommit(t, db, c1)
	mustCommit(t, db, c2)

	mustNoErr(t, db.Ack(app.AckResult{Command: c1.ID, Status: app.AckApplied, Version: 2}), "Ack applied")
	if got := pendingIDs(t, db); len(got) != 1 || got[0] != c2.ID {
		t.Fatalf("outbox = %v", got)
	}
	a, ok, err := db.Result(c1.ID)
	mustNoErr(t, err, "Result")
	if !ok || a.Status != app.AckApplied || a.Sag != s.ID {
		t.Fatalf("result = %+v, %v", a, ok)
	}
	mustNoErr(t, db.Ack(app.AckResult{Command: c1.ID, Status: app.AckApplied}), "replayed ack")
	_, err = db.Commit(c1)
	wantRule(t, err, app.CodeConflict, store.RuleDuplicate)

	rej := app.AckResult{Status: app.AckRejected, Error: app.RuleError("x", "afvist", "rejected")}
	mustNoErr(t, db.Ack(withCommand(rej, c2.ID)), "Ack rejected")
	v, err := db.View(s.ID, caseworker)
	mustNoErr(t, err, "View")
	if len(v.Notater) != 0 {
		t.Fatalf("rejected note still in view: %d notes", len(v.Notater))
	}
	wantRule(t, db.Ack(app.AckResult{Command: "aldrig-gemt", Status: app.AckApplied}), app.CodeNotFound, store.RuleCommandUnknown)
	if err := db.Ack(app.AckResult{Command: c2.ID, Status: "maybe"}); app.ErrorCode(err) != app.CodeInvalid {
		t.Fatalf("unknown status: %v", err)
	}
}

func TestSearchAndFindByCPR(t *testing.T) {
	db := MustOpen(t)
	soeren := seed(t, db, canaryCPR, canaryName)
	seed(t, db, "0202851236", "Anna Jensen")
	tests := []struct {
		q     string
		kind  string
		want  int
		wantS app.ID
	}{
		{"010190-1234", store.SearchCPR, 1, soeren.ID},
		{"0101901234", store.SearchCPR, 1, soeren.ID},
		{"010190", store.SearchBirth, 1, soeren.ID},
		{"soeren", store.SearchName, 1, soeren.ID},
		{"SØREN ærø", store.SearchName, 1, soeren.ID},
		{"jensen", store.SearchName, 1, ""},
		{"1111111118", store.SearchCPR, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := db.Search(tt.q, caseworker)
			mustNoErr(t, err, "Search")
			if len(got) != tt.want || (tt.wantS != "" && got[0].ID != tt.wantS) {
				t.Fatalf("Search(%q) = %+v", tt.q, got)
			}
			recs, _ := db.Audit(0, 0)
			last := recs[len(recs)-1]
			if last.Action != app.ActionSearched || last.Kind != tt.kind || last.Hits != tt.want {
				t.Fatalf("audit = %+v", last)
			}
		})
	}
	ids, err := db.FindByCPR(app.CPR(canaryCPR), caseworker)
	mustNoErr(t, err, "FindByCPR")
	if len(ids) != 1 || ids[0] != soeren.ID {
		t.Fatalf("FindByCPR = %v", ids)
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

func TestViewUnknownCaseWritesNoRecord(t *testing.T) {
	db := MustOpen(t)
	_, err := db.View("findes-ikke", caseworker)
	wantRule(t, err, app.CodeNotFound, store.RuleCaseUnknown)
	if recs, _ := db.Audit(0, 0); len(recs) != 0 {
		t.Fatalf("audit = %+v", recs)
	}
}

func TestMetaAndConflicts(t *testing.T) {
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "meta.db")
	db2 := MustCreate(t, path, opts)
	mustNoErr(t, db2.ApplyPage(app.Page{Cursor: app.Cursor{Epoch: 1, Seq: 42}}), "ApplyPage")
	remote := app.HLC{Wall: eventTime.UnixMilli() + 1000, Logical: 7, Device: "serveraaaaaaaaaa"}
	db2.Clock().Observe(remote)
	s := seed(t, db2, canaryCPR, canaryName)
	mustNoErr(t, db2.PutConflict(app.Conflict{ID: "k1", Sag: s.ID, Field: "tilmelding", Created: eventTime}), "PutConflict")
	mustNoErr(t, db2.ApplyPage(app.Page{Cursor: app.Cursor{Epoch: 1, Seq: 43}}), "ApplyPage stores the clock")
	dev := db2.Device()
	mustNoErr(t, db2.Close(), "Close")

	db3 := MustReopen(t, path, opts)
	c, _ := db3.Cursor()
	h := db3.Clock().Last()
	k, _ := db3.Conflicts(s.ID)
	list, _ := db3.List()
	if c != (app.Cursor{Epoch: 1, Seq: 43}) || h.Compare(remote) <= 0 || h.Device != dev || len(k) != 1 || list[0].Conflicts != 1 || db3.Device() != dev || dev == "" {
		t.Fatalf("cursor %v hlc %v conflicts %v list %+v device %q", c, h, k, list, db3.Device())
	}
	if now := db3.Clock().Now(); now.Compare(h) <= 0 {
		t.Fatalf("clock after reopen minted %v, not after the stored %v", now, h)
	}
	mustNoErr(t, db3.DeleteConflict("k1"), "DeleteConflict")
	if list, _ := db3.List(); list[0].Conflicts != 0 {
		t.Fatalf("conflict count after delete = %d", list[0].Conflicts)
	}
}

func TestConcurrentUse(t *testing.T) {
	db := MustOpen(t)
	cases := []*app.Sag{seed(t, db, canaryCPR, canaryName), seed(t, db, "0202851236", "Anna Jensen")}
	const workers, each = 4, 15
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				s := cases[(w+i)%len(cases)]
				if _, err := db.Commit(notat(t, s.ID, "samtidig")); err != nil {
					errs <- err
					return
				}
				if _, err := db.View(s.ID, caseworker); err != nil {
					errs <- err
					return
				}
				if _, err := db.Search("anna", caseworker); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for w := 0; w < workers; w++ {
		mustNoErr(t, <-errs, "worker")
	}
	total := 0
	list, _ := db.List()
	for i, s := range list {
		v, err := db.View(s.ID, caseworker)
		mustNoErr(t, err, "View")
		if len(v.Notater) != s.Pending {
			t.Fatalf("case %d: %d notes, %d pending", i, len(v.Notater), s.Pending)
		}
		total += s.Pending
	}
	if total != workers*each || len(pendingIDs(t, db)) != total {
		t.Fatalf("%d pending, want %d", total, workers*each)
	}
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

// TestSearchRecordNamesEveryCase: a search record names the person
// concerned (DOMAIN §7 [S64][S65]) by the opaque ids of every case the
// search returned — the first app.MaxAuditCases of them, with the total
// in Hits — never by the query, and Concerns finds the record by any of
// those ids.
func TestSearchRecordNamesEveryCase(t *testing.T) {
	db := MustOpen(t)
	soeren := seed(t, db, canaryCPR, canaryName)
	anna := seed(t, db, "0202851236", "Anna Jensen")
	bo := seed(t, db, "0303801234", "Bo Jensen")
	twin := seed(t, db, "0303801234", "Bo Jensen (dublet)") // a CPR on two cases: a data error
	many := make([]*app.Sag, app.MaxAuditCases+5)
	for i := range many {
		many[i] = newSag(t, newID(t), fmt.Sprintf("%02d%02d70%04d", 1+i%28, 1+i/28, 1000+i), fmt.Sprintf("Mange Mortensen %03d", i))
	}
	mustNoErr(t, db.PutConfirmed(many...), "PutConfirmed")

	last := func(t *testing.T) app.AuditRecord {
		t.Helper()
		recs, err := db.Audit(0, 0)
		mustNoErr(t, err, "Audit")
		return recs[len(recs)-1]
	}
	search := func(q string) func(t *testing.T) []app.ID {
		return func(t *testing.T) []app.ID {
			got, err := db.Search(q, caseworker)
			mustNoErr(t, err, "Search")
			ids := make([]app.ID, len(got))
			for i, s := range got {
				ids[i] = s.ID
			}
			return ids
		}
	}
	findByCPR := func(t *testing.T) []app.ID {
		ids, err := db.FindByCPR("0303801234", caseworker)
		mustNoErr(t, err, "FindByCPR")
		return ids
	}
	tests := []struct {
		name     string
		run      func(t *testing.T) []app.ID
		kind     string
		want     []app.ID // the cases found, in any order
		notFound []app.ID
	}{
		{"one hit names it in Sag", search("søren"), store.SearchName, []app.ID{soeren.ID}, []app.ID{anna.ID}},
		{"two hits", search("jensen"), store.SearchName, []app.ID{anna.ID, bo.ID, twin.ID}, []app.ID{soeren.ID}},
		{"birth date", search("030380"), store.SearchBirth, []app.ID{bo.ID, twin.ID}, []app.ID{anna.ID}},
		{"CPR on two cases", search("030380-1234"), store.SearchCPR, []app.ID{bo.ID, twin.ID}, []app.ID{anna.ID}},
		{"FindByCPR on two cases", findByCPR, store.SearchCPR, []app.ID{bo.ID, twin.ID}, []app.ID{soeren.ID}},
		{"no hits", search("ingen-hedder-sådan"), store.SearchName, nil, []app.ID{soeren.ID}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.run(t)
			r := last(t)
			if r.Action != app.ActionSearched || r.Kind != tc.kind || r.Hits != len(tc.want) || len(got) != len(tc.want) {
				t.Fatalf("found %v; record %+v; want %d hits of kind %s", got, r, len(tc.want), tc.kind)
			}
			for _, id := range tc.want {
				if !r.Concerns(id) {
					t.Errorf("the record does not concern %s: %+v", id, r)
				}
			}
			for _, id := range tc.notFound {
				if r.Concerns(id) {
					t.Errorf("the record concerns %s, which the search did not find", id)
				}
			}
			if len(tc.want) == 1 && (r.Sag != tc.want[0] || len(r.Sager) != 0) {
				t.Errorf("one hit: Sag = %q, Sager = %v; want the case in Sag only", r.Sag, r.Sager)
			}
			if len(tc.want) > 1 && (r.Sag != "" || !slices.Equal(r.Sager, got)) {
				t.Errorf("Sag = %q, Sager = %v; want Sager = %v, in the order shown", r.Sag, r.Sager, got)
			}
		})
	}

	t.Run("more hits than the cap", func(t *testing.T) {
		got := search("mortensen")(t)
		r := last(t)
		if r.Hits != len(many) || len(got) != len(many) {
			t.Fatalf("found %d, Hits = %d; want %d", len(got), r.Hits, len(many))
		}
		if !slices.Equal(r.Sager, got[:app.MaxAuditCases]) {
			t.Errorf("Sager holds %d ids, want the first %d found", len(r.Sager), app.MaxAuditCases)
		}
	})
	mustNoErr(t, db.VerifyAudit(), "VerifyAudit")
}

func withCommand(r app.AckResult, id app.ID) app.AckResult { r.Command = id; return r }
