package ledger_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store/ledger"
)

// envCrashChild makes the test binary a child that commits Updates until
// it is killed (see TestUpdateSIGKILL).
const envCrashChild = "FELTSAG_LEDGER_CRASH_CHILD"

// crashWriters is how many goroutines of the child write at once, so
// that the kills land in group commits.
const crashWriters = 4

// init runs the child before TestMain, so this file needs no hook there.
func init() {
	if path := os.Getenv(envCrashChild); path != "" {
		os.Exit(crashChild(path))
	}
}

func nextKey(w int) string         { return fmt.Sprintf("next-%d", w) }
func crashID(w, n int) app.ID      { return app.ID(fmt.Sprintf("w%d-%d", w, n)) }
func crashCommand(w, n int) app.ID { return app.ID(fmt.Sprintf("c%d-%d", w, n)) }

// crashChild runs crashWriters goroutines. Writer w's Update n puts record
// w<w>-<n>, remembers command c<w>-<n>, uploads audit record n of device
// d<w> and moves meta next-<w> to n+1, all in one transaction; it prints
// "w n" after Update returned nil. n comes from the ledger, so a restarted
// child carries on where the committed state ends.
func crashChild(path string) int {
	db, err := ledger.Open(path, ledger.Options{LockTimeout: 5 * time.Second, MaxBatchDelay: time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	var out sync.Mutex
	fmt.Println("ready")
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			for {
				var n int
				err := db.Update(func(tx app.LedgerTx) error {
					n = 1
					if v, err := tx.Meta(nextKey(w)); err == nil {
						if n, err = strconv.Atoi(string(v)); err != nil {
							return err
						}
					} else if app.ErrorCode(err) != app.CodeNotFound {
						return err
					}
					id := crashID(w, n)
					if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1",
						Data: []byte(fmt.Sprintf(`{"w":%d,"n":%d,"pad":%q}`, w, n, strings.Repeat("x", 200)))}); err != nil {
						return err
					}
					if err := tx.PutApplied(app.AppliedCommand{ID: crashCommand(w, n), Sag: id, At: time.Now().UTC()}); err != nil {
						return err
					}
					if _, err := tx.AppendAudit(app.LedgerAudit{Device: app.ID(fmt.Sprintf("d%d", w)),
						Record: app.AuditRecord{Seq: uint64(n), Sag: id, Action: app.ActionChanged}}); err != nil {
						return err
					}
					return tx.PutMeta(nextKey(w), []byte(strconv.Itoa(n+1)))
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Println(w, n)
				out.Unlock()
			}
		})
	}
	wg.Wait()
	return 0
}

// TestUpdateSIGKILL kills a child that commits Updates from several
// goroutines at random moments, at least ten times. After each kill every
// Update the child saw return nil is in the file, exactly once, whole, and
// the log is gap-free.
func TestUpdateSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	seed := seed(t)
	t.Logf("seed %d (replay with FELTSAG_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	kills := 12
	if os.Getenv("SOAK") != "" || os.Getenv("FELTSAG_SOAK") != "" {
		kills = 150
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	reported := map[[2]int]bool{}
	total := 0
	for run := range kills {
		wait := rng.IntN(40)
		jitter := time.Duration(rng.IntN(5000)) * time.Microsecond
		got := runCrashChild(t, path, run, wait, jitter)
		for _, wn := range got {
			if reported[wn] {
				t.Fatalf("run %d: the child reported writer %d's Update %d twice: it committed it twice", run, wn[0], wn[1])
			}
			reported[wn] = true
		}
		total += len(got)
		verifyCrash(t, path, run, reported)
	}
	if total == 0 {
		t.Fatal("the child never reported an Update: the loop tested nothing")
	}
	t.Logf("seed %d: %d kills, %d Updates reported, every one present exactly once after each", seed, kills, total)
}

func seed(t *testing.T) uint64 {
	t.Helper()
	if s := os.Getenv("FELTSAG_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FELTSAG_SEED: %v", err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// runCrashChild starts the child, lets it report wait Updates, waits
// jitter more and kills it; it returns every Update the child reported.
func runCrashChild(t *testing.T, path string, run, wait int, jitter time.Duration) [][2]int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var got [][2]int
	read := func() {
		line := sc.Text()
		if line == "ready" {
			return
		}
		var w, n int
		if _, err := fmt.Sscan(line, &w, &n); err != nil {
			t.Fatalf("run %d: child wrote %q", run, line)
		}
		got = append(got, [2]int{w, n})
	}
	for len(got) < wait && sc.Scan() {
		read()
	}
	time.Sleep(jitter) // moves the kill to a random point inside a group commit
	_ = cmd.Process.Kill()
	for sc.Scan() {
		read()
	}
	if err := cmd.Wait(); err != nil && strings.Contains(stderr.String(), "child:") {
		t.Fatalf("run %d: child failed by itself: %s", run, stderr.String())
	}
	return got
}

// verifyCrash opens the file after a kill. For each writer, next-<w> says
// how many of its Updates committed (M); records 1..M-1 exist, M does not;
// every Update the child reported is among them; each has its command and
// exactly one audit record; the scope and the log hold each record once,
// at positions 1..head without a gap.
func verifyCrash(t *testing.T, path string, run int, reported map[[2]int]bool) {
	t.Helper()
	db, err := ledger.Open(path, ledger.Options{})
	if err != nil {
		t.Fatalf("run %d: Open after the kill: %v", run, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("run %d: Check: %v", run, err)
	}
	committed := map[[2]int]bool{}
	err = db.View(func(tx app.LedgerTx) error {
		for w := range crashWriters {
			next := 1
			if v, err := tx.Meta(nextKey(w)); err == nil {
				if next, err = strconv.Atoi(string(v)); err != nil {
					return err
				}
			} else if app.ErrorCode(err) != app.CodeNotFound {
				return err
			}
			for n := 1; n < next; n++ {
				committed[[2]int{w, n}] = true
				r, err := tx.Record(app.RecordSag, crashID(w, n))
				if err != nil {
					return fmt.Errorf("record %s: %w", crashID(w, n), err)
				}
				if !bytes.Contains(r.Data, []byte(fmt.Sprintf(`"n":%d,`, n))) {
					return fmt.Errorf("record %s holds %s", r.ID, r.Data)
				}
				if _, err := tx.Applied(crashCommand(w, n)); err != nil {
					return fmt.Errorf("command %s: %w", crashCommand(w, n), err)
				}
				a, err := tx.AuditFor(crashID(w, n))
				if err != nil {
					return err
				}
				if len(a) != 1 {
					return fmt.Errorf("%d audit records for %s, want exactly 1", len(a), crashID(w, n))
				}
			}
			if _, err := tx.Record(app.RecordSag, crashID(w, next)); app.ErrorCode(err) != app.CodeNotFound {
				return fmt.Errorf("record %s exists beyond next-%d = %d (%v): part of an Update was kept", crashID(w, next), w, next, err)
			}
		}
		h, err := tx.Head()
		if err != nil {
			return err
		}
		if h.Seq != uint64(len(committed)) {
			return fmt.Errorf("head %v after %d committed Updates of one record each", h, len(committed))
		}
		recs, err := tx.Changes("cw1", 0, len(committed)+10)
		if err != nil {
			return err
		}
		if len(recs) != len(committed) {
			return fmt.Errorf("scope has %d records, %d Updates committed", len(recs), len(committed))
		}
		for i, r := range recs {
			if r.Seq != uint64(i+1) {
				return fmt.Errorf("position %d holds %s at %d: the log has a gap or a repeat", i+1, r.ID, r.Seq)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
	var lost []string
	for wn := range reported {
		if !committed[wn] {
			lost = append(lost, fmt.Sprint(wn))
		}
	}
	if len(lost) > 0 {
		t.Fatalf("run %d: Updates that returned nil are missing after the kill: %s", run, strings.Join(lost, ", "))
	}
}
