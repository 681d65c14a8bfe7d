package pgledger_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
)

// reader is a client polling the log the way the sync server pages it:
// from its cursor, moving the cursor to the last position it was given.
// It remembers every position it saw.
type reader struct {
	cursor uint64
	seen   map[uint64]app.ID
}

// poll reads everything after the cursor from poll.
func (r *reader) poll(t *testing.T, read func(after uint64) ([]uint64, []app.ID)) {
	t.Helper()
	seqs, ids := read(r.cursor)
	for i, s := range seqs {
		if s <= r.cursor {
			t.Fatalf("the log gave position %d after cursor %d", s, r.cursor)
		}
		r.seen[s] = ids[i]
		r.cursor = s
	}
}

// missed returns the committed positions the reader never saw although
// its cursor passed them.
func (r *reader) missed(committed map[uint64]app.ID) []uint64 {
	var out []uint64
	for s := range committed {
		if _, ok := r.seen[s]; !ok && s <= r.cursor {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// lockWaitOrDone polls until a session of database db waits on a lock,
// or done has a result (which it returns).
func lockWaitOrDone(t *testing.T, c *pgtest.Cluster, db string, done <-chan error) (finished bool, err error) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.URL("postgres", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			return true, err
		default:
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", db).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return false, nil
		}
		if time.Now().After(deadline) {
			t.Fatal("the second writer neither waited for the first nor finished")
		}
		time.Sleep(5 * time.Millisecond) // polling a server's state: no event to wait on
	}
}

// TestOutOfOrderCommitNeverSkipped forces the interleaving that loses
// records in a log numbered by a sequence: transaction 1 takes the lower
// position, transaction 2 a higher one and commits first, a reader polls
// in between and moves its cursor past the gap, and transaction 1's
// record, committed last, is never delivered.
//
// The control runs that schedule with a plain sequence and must lose the
// record: it shows the schedule is real and that the reader's check can
// fail. The ledger must not lose it: the second writer cannot take a
// position (it waits for the first's row lock) until the first commits,
// so the reader never sees a higher position before a lower one.
func TestOutOfOrderCommitNeverSkipped(t *testing.T) {
	c := start(t)
	ctx := context.Background()

	t.Run("control: a sequence loses a record", func(t *testing.T) {
		url := c.URL(c.NewDatabase(t), "")
		conn := func() *pgx.Conn {
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close(ctx) })
			return conn
		}
		setup, c1, c2 := conn(), conn(), conn()
		if _, err := setup.Exec(ctx, "CREATE TABLE log (seq bigserial PRIMARY KEY, id text NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		insert := func(tx pgx.Tx, id string) uint64 {
			var s uint64
			if err := tx.QueryRow(ctx, "INSERT INTO log (id) VALUES ($1) RETURNING seq", id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		read := func(after uint64) (seqs []uint64, ids []app.ID) {
			rs, err := setup.Query(ctx, "SELECT seq, id FROM log WHERE seq > $1 ORDER BY seq", int64(after))
			if err != nil {
				t.Fatal(err)
			}
			var s int64
			var id string
			if _, err := pgx.ForEachRow(rs, []any{&s, &id}, func() error {
				seqs, ids = append(seqs, uint64(s)), append(ids, app.ID(id))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return seqs, ids
		}
		tx1, _ := c1.Begin(ctx)
		tx2, _ := c2.Begin(ctx)
		s1 := insert(tx1, "a")
		s2 := insert(tx2, "b")
		if err := tx2.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		r := &reader{seen: map[uint64]app.ID{}}
		r.poll(t, read) // sees b at s2; the cursor passes s1
		if err := tx1.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		r.poll(t, read)
		if got := r.missed(map[uint64]app.ID{s1: "a", s2: "b"}); !slices.Equal(got, []uint64{s1}) {
			t.Errorf("with a sequence the reader missed %v, want %d: the control no longer shows the hazard", got, s1)
		}
	})

	// Two handles on one database: two feltsagd nodes. (Within one
	// process the second Update would wait for the committer, not for
	// the database.)
	t.Run("ledger", func(t *testing.T) {
		db := migrated(t, c)
		l, l2 := open(t, c.URL(db, serverRole)), open(t, c.URL(db, serverRole))
		read := func(after uint64) (seqs []uint64, ids []app.ID) {
			var rs []app.Record
			if err := l.View(func(tx app.LedgerTx) (err error) { rs, err = tx.Changes("cw1", after, 100); return err }); err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				seqs, ids = append(seqs, r.Seq), append(ids, r.ID)
			}
			return seqs, ids
		}
		r := &reader{seen: map[uint64]app.ID{}}
		committed := map[uint64]app.ID{}
		var mu sync.Mutex
		record := func(s uint64, id app.ID) { mu.Lock(); committed[s] = id; mu.Unlock() }

		took1 := make(chan uint64, 10) // fn may run more than once
		release1 := make(chan struct{})
		release := sync.OnceFunc(func() { close(release1) })
		t.Cleanup(release) // a failing test must not leave transaction 1 open
		done1, done2 := make(chan error, 1), make(chan error, 1)
		var s1, s2 uint64
		go func() {
			done1 <- l.Update(func(tx app.LedgerTx) error {
				s, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "a", Version: 1, Owner: "cw1"})
				if err != nil {
					return err
				}
				s1 = s
				took1 <- s
				<-release1 // hold the transaction open
				return nil
			})
		}()
		if got := <-took1; got != 1 {
			t.Fatalf("transaction 1 took position %d, want 1", got)
		}
		go func() {
			done2 <- l2.Update(func(tx app.LedgerTx) error {
				s, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: "b", Version: 1, Owner: "cw1"})
				s2 = s
				return err
			})
		}()
		// Transaction 2 either waits in PutRecord (the ledger's promise)
		// or commits ahead of transaction 1 (the hazard).
		finished2, err2 := lockWaitOrDone(t, c, db, done2)
		if finished2 {
			t.Errorf("transaction 2 committed (position %d, %v) while transaction 1, which took position %d, was open", s2, err2, s1)
			record(s2, "b")
		}
		for range 5 {
			r.poll(t, read)
		}
		if r.cursor != 0 {
			t.Errorf("the reader moved to %d while position %d was uncommitted", r.cursor, s1)
		}
		release()
		if err := <-done1; err != nil {
			t.Fatal(err)
		}
		record(s1, "a")
		r.poll(t, read) // between the two commits
		if !finished2 {
			if err := <-done2; err != nil {
				t.Fatal(err)
			}
			record(s2, "b")
		}
		r.poll(t, read)
		if s2 <= s1 {
			t.Errorf("transaction 2 took %d, not after transaction 1's %d", s2, s1)
		}
		if got := r.missed(committed); len(got) > 0 {
			t.Errorf("the reader skipped positions %v", got)
		}
		if len(r.seen) != 2 {
			t.Errorf("the reader saw %v, want both records", r.seen)
		}
	})

	// Many writers and a reader polling all the time: the reader's final
	// cursor covers every committed record, and it saw each one.
	t.Run("ledger under load", func(t *testing.T) {
		l := open(t, c.URL(migrated(t, c), serverRole))
		read := func(after uint64) (seqs []uint64, ids []app.ID) {
			var rs []app.Record
			if err := l.View(func(tx app.LedgerTx) (err error) { rs, err = tx.Changes("cw1", after, 1000); return err }); err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				seqs, ids = append(seqs, r.Seq), append(ids, r.ID)
			}
			return seqs, ids
		}
		const writers, each = 6, 25
		var mu sync.Mutex
		committed := map[uint64]app.ID{}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					id := app.ID(fmt.Sprintf("w%d-%d", w, i))
					var s uint64
					if err := l.Update(func(tx app.LedgerTx) (err error) {
						s, err = tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1"})
						return err
					}); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					committed[s] = id
					mu.Unlock()
				}
			})
		}
		stop := make(chan struct{})
		r := &reader{seen: map[uint64]app.ID{}}
		polled := make(chan struct{})
		go func() {
			defer close(polled)
			for {
				select {
				case <-stop:
					return
				default:
					r.poll(t, read)
				}
			}
		}()
		wg.Wait()
		close(stop)
		<-polled
		r.poll(t, read)
		if got := r.missed(committed); len(got) > 0 {
			t.Errorf("the reader skipped positions %v", got)
		}
		if len(r.seen) != writers*each || len(committed) != writers*each {
			t.Errorf("the reader saw %d records of %d committed, want %d", len(r.seen), len(committed), writers*each)
		}
	})
}
