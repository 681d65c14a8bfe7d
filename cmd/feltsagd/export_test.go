package main

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/pgledger"
	"feltsag.dk/feltsag/sync/wire"
)

// TestExportImportRoundTrip: the demo server's data (accounts, devices,
// sessions, cases, demo conflicts with their applied commands and audit,
// and a note pushed by a client) goes bbolt → PostgreSQL → bbolt through
// feltsagd export and import, and compare finds every table equal at
// each step, with rows in every table. An import into a ledger that
// holds data is refused; compare reports a changed account.
func TestExportImportRoundTrip(t *testing.T) {
	c := pgtest.Start(t)
	dir := t.TempDir()
	d := startServe(t, "-demo", "-demo-size", "45", "-demo-dir", dir)
	var user, password, adminPassword string
	for _, m := range regexp.MustCompile(`(?m)^  (\S+)\s+(demo-\S+)\s+\S+`).FindAllStringSubmatch(d.stdout.String(), -1) {
		switch {
		case m[1] == DemoAdmin:
			adminPassword = m[2]
		case user == "":
			user, password = m[1], m[2]
		}
	}
	p, w := connectNode(t, d.addr, app.ID(user), password, "dev-export")
	p.send("q1", &wire.Pull{Cursor: app.Cursor{Epoch: w.Cursor.Epoch}, Limit: 1})
	rec := p.readType(wire.TypeChanges).Body.(*wire.Changes).Records[0]
	p.send("p1", &wire.Push{Commands: []wire.PushCommand{{Seq: 1, Base: rec.Version, Command: app.Command{
		ID: "cmd-export", Sag: rec.ID, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: app.ID(user)}, At: time.Now(),
		Body: &app.TilfoejNotat{NotatID: "n-export", Tekst: "før flytningen"}}}}})
	if ack := p.readType(wire.TypeAck).Body.(*wire.Ack); ack.Results[0].Status != app.AckApplied {
		t.Fatalf("push: %+v", ack.Results)
	}
	// The administrator reads the case's access log: an audit record.
	admin := nodeLogin(t, d.addr, DemoAdmin, adminPassword, "dev-admin")
	req, _ := http.NewRequest(http.MethodGet, "http://"+d.addr+wire.PathAdmin+"accesslog/"+string(rec.ID), nil)
	req.Header.Set("Authorization", "Bearer "+admin.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("access log: %d", resp.StatusCode)
	}
	if err := d.stop(); err != nil {
		t.Fatal(err)
	}

	src := filepath.Join(dir, "feltsagd-demo.db")
	dump1, dump2 := filepath.Join(dir, "1.dump"), filepath.Join(dir, "2.dump")
	back := filepath.Join(dir, "back.db")
	db := c.NewDatabase(t)
	url := c.URL(db, "")
	steps := [][]string{
		{"export", "-data", src, "-o", dump1},
		{"migrate", "-db", url},
		{"import", "-db", url, "-i", dump1},
		{"export", "-db", url, "-o", dump2},
		{"import", "-data", back, "-i", dump2},
		{"compare", src, url},
		{"compare", src, back},
		{"compare", dump1, dump2},
	}
	for _, args := range steps {
		out, errout, err := feltsagd(t, args...)
		if err != nil {
			t.Fatalf("feltsagd %s: %v\n%s\n%s", strings.Join(args, " "), err, out, errout)
		}
		if args[0] == "compare" {
			t.Logf("feltsagd compare %s %s:\n%s", filepath.Base(args[1]), filepath.Base(args[2]), out)
		}
	}
	// The imported database goes on: the next audit record comes after
	// the imported ones, the next position after the imported head.
	pg, err := pgledger.Open(context.Background(), url, pgledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Update(func(tx app.LedgerTx) error {
		h, err := tx.Head()
		if err != nil {
			return err
		}
		if _, err := tx.AppendAudit(app.LedgerAudit{Record: app.AuditRecord{Action: app.ActionExported, Sag: rec.ID, At: time.Now()}}); err != nil {
			return err
		}
		seq, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "sag-efter", Version: 1, Owner: app.ID(user), Data: []byte("{}")})
		if err != nil {
			return err
		}
		if seq != h.Seq+1 {
			t.Errorf("next position after the import: %d, want %d", seq, h.Seq+1)
		}
		audit, err := tx.AuditFor(rec.ID)
		if err != nil {
			return err
		}
		if len(audit) != 2 || audit[1].Seq <= audit[0].Seq {
			t.Errorf("audit after the import and one more: %+v, want two in order", audit)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pg.Close()
	sums, err := sumsOf(context.Background(), back)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Rows == 0 {
			t.Errorf("table %s is empty after the round trip: the demo has rows in every table", s.Table)
		}
	}

	// The moved ledger serves: the same epoch and head, the note there.
	led, err := ledger.Open(back, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := led.View(func(tx app.LedgerTx) error {
		h, err := tx.Head()
		if err != nil {
			return err
		}
		if h.Epoch != w.Cursor.Epoch || h.Seq <= w.Cursor.Seq {
			t.Errorf("head after the round trip %v, want epoch %d past %d", h, w.Cursor.Epoch, w.Cursor.Seq)
		}
		r, err := tx.Record(app.RecordSag, rec.ID)
		if err != nil {
			return err
		}
		if !strings.Contains(string(r.Data), "før flytningen") || r.Seq != h.Seq {
			t.Errorf("%s after the round trip at %d: the note is missing or not at the head %d", rec.ID, r.Seq, h.Seq)
		}
		audit, err := tx.AuditFor(rec.ID)
		if err != nil {
			return err
		}
		if len(audit) != 1 || audit[0].Record.Action != app.ActionExported {
			t.Errorf("audit of %s after the round trip: %+v, want the access log's export", rec.ID, audit)
		}
		ch, err := tx.Changes(app.ID(user), h.Seq-1, 10)
		if err != nil {
			return err
		}
		if len(ch) != 1 || ch[0].ID != rec.ID {
			t.Errorf("changes after %d in %s's scope: %+v, want %s", h.Seq-1, user, ch, rec.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Changed behind compare's back: one account differs.
	if err := led.Update(func(tx app.LedgerTx) error {
		a, err := tx.Account(app.ID(user))
		if err != nil {
			return err
		}
		a.Navn += " (ændret)"
		return tx.PutAccount(a)
	}); err != nil {
		t.Fatal(err)
	}
	if err := led.Close(); err != nil {
		t.Fatal(err)
	}
	out, _, err := feltsagd(t, "compare", src, back)
	if err == nil || !regexp.MustCompile(`(?m)^accounts .*AFVIGER$`).MatchString(out) || strings.Count(out, "AFVIGER") != 1 {
		t.Errorf("compare after changing an account: %v\n%s\nwant accounts alone to differ", err, out)
	}
	// After a restore: a new epoch, the positions carry on.
	out, _, err = feltsagd(t, "new-epoch", "-data", back)
	if m := regexp.MustCompile(`ny epoke (\d+) \(før (\d+)\); loggen fortsætter fra position (\d+)`).FindStringSubmatch(out); err != nil || m == nil || m[1] == m[2] || m[2] != strconv.FormatUint(w.Cursor.Epoch, 10) {
		t.Errorf("new-epoch: %v %q, want a new epoch after %d", err, out, w.Cursor.Epoch)
	}
	for _, target := range [][]string{{"-data", back}, {"-db", url}} {
		if _, errout, err := feltsagd(t, append(append([]string{"import"}, target...), "-i", dump1)...); err == nil || !strings.Contains(errout+err.Error(), "tom") {
			t.Errorf("import into %s holding data: %v %s, want refused (not empty)", target[0], err, errout)
		}
	}
}

// TestExportImportReaders: a record's readers and each reader's scope
// (live entries and a dropped reader's removal) travel bbolt →
// PostgreSQL → bbolt through feltsagd export and import, compare finds
// every table equal, the readers read their records in the moved ledger,
// and a change of the readers alone makes compare report the records and
// scope tables.
func TestExportImportReaders(t *testing.T) {
	c := pgtest.Start(t)
	dir := t.TempDir()
	src, back := filepath.Join(dir, "src.db"), filepath.Join(dir, "back.db")
	dump1, dump2 := filepath.Join(dir, "1.dump"), filepath.Join(dir, "2.dump")
	led, err := ledger.Open(src, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var dropped uint64
	if err := led.Update(func(tx app.LedgerTx) error {
		for _, r := range []app.LedgerRecord{
			{Kind: app.RecordVirksomhed, ID: "v1", Version: 1, Owner: "kons1", Readers: []app.ID{"kons2", "sb1", "sb2"}, Data: []byte(`{"navn":"Ærø Bageri"}`)},
			{Kind: app.RecordVirksomhed, ID: "v2", Version: 1, Readers: []app.ID{"sb1"}, Data: []byte(`{}`)},
			{Kind: app.RecordSag, ID: "sag1", Version: 1, Owner: "sb1", Data: []byte(`{}`)},
			{Kind: app.RecordVirksomhed, ID: "v1", Version: 2, Owner: "kons1", Readers: []app.ID{"kons2", "sb1"}, Data: []byte(`{"navn":"Ærø Bageri"}`)}, // sb2's placement ended
		} {
			s, err := tx.PutRecord(r)
			if err != nil {
				return err
			}
			dropped = s
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := led.Close(); err != nil {
		t.Fatal(err)
	}
	url := c.URL(c.NewDatabase(t), "")
	for _, args := range [][]string{
		{"export", "-data", src, "-o", dump1},
		{"migrate", "-db", url},
		{"import", "-db", url, "-i", dump1},
		{"export", "-db", url, "-o", dump2},
		{"import", "-data", back, "-i", dump2},
		{"compare", src, url},
		{"compare", src, back},
		{"compare", dump1, dump2},
	} {
		if out, errout, err := feltsagd(t, args...); err != nil {
			t.Fatalf("feltsagd %s: %v\n%s\n%s", strings.Join(args, " "), err, out, errout)
		}
	}
	check := func(t *testing.T, l app.Ledger) {
		t.Helper()
		if err := l.View(func(tx app.LedgerTx) error {
			r, err := tx.Record(app.RecordVirksomhed, "v1")
			if err != nil {
				return err
			}
			if want := []app.ID{"kons2", "sb1"}; !slices.Equal(r.Readers, want) || r.Owner != "kons1" {
				t.Errorf("v1 = owner %s readers %v, want kons1 and %v", r.Owner, r.Readers, want)
			}
			for _, tc := range []struct {
				member app.ID
				after  uint64
				want   string
			}{
				{"sb1", 0, "v2 sag1 v1"},
				{"kons2", 0, "v1"},
				{"sb2", 0, ""},
				{"sb2", dropped - 1, "-v1"},
			} {
				ch, err := tx.Changes(tc.member, tc.after, 10)
				if err != nil {
					return err
				}
				var got []string
				for _, c := range ch {
					got = append(got, map[bool]string{true: "-"}[c.Removed]+string(c.ID))
				}
				if strings.Join(got, " ") != tc.want {
					t.Errorf("Changes(%s, %d) = %v, want %s", tc.member, tc.after, got, tc.want)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	pg, err := pgledger.Open(context.Background(), url, pgledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("postgres", func(t *testing.T) { check(t, pg) })
	pg.Close()
	moved, err := ledger.Open(back, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("bbolt", func(t *testing.T) { check(t, moved) })
	// A reader added behind compare's back (a new team member): the
	// record, the new reader's scope and the log's head differ, nothing
	// else. (app's TestDumpSumsCountReaders: readers alone change the sum.)
	if err := moved.Update(func(tx app.LedgerTx) error {
		r, err := tx.Record(app.RecordVirksomhed, "v2")
		if err != nil {
			return err
		}
		r.Readers = append(r.Readers, "sb3")
		_, err = tx.PutRecord(r)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := moved.Close(); err != nil {
		t.Fatal(err)
	}
	out, _, err := feltsagd(t, "compare", dump1, back)
	for _, table := range []string{"ledger", "records", "scope"} {
		if !regexp.MustCompile(`(?m)^` + table + ` .*AFVIGER$`).MatchString(out) {
			t.Errorf("compare after adding a reader: %s does not differ\n%s", table, out)
		}
	}
	if err == nil || strings.Count(out, "AFVIGER") != 3 {
		t.Errorf("compare after adding a reader: %v\n%s\nwant ledger, records and scope to differ", err, out)
	}
}
