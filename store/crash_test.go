package store_test

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
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store"
)

// Environment of the crash-loop child: the test binary re-executed.
const (
	envCrashChild = "FELTSAG_STORE_CRASH_CHILD" // path of the replica
	envCrashRun   = "FELTSAG_STORE_CRASH_RUN"   // run number, makes command ids unique
	envCrashCases = "FELTSAG_STORE_CRASH_CASES" // comma-separated case ids
)

func TestMain(m *testing.M) {
	if path := os.Getenv(envCrashChild); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashChild commits notes until it is killed, printing each command id
// after Commit returned nil: a printed id is a promise that it is on disk.
func crashChild(path string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 2 }
	e, err := engine()
	if err != nil {
		return fail(err)
	}
	opts := store.Options{Engine: e, KDF: cheapKDF}
	db, err := store.Open(path, opts)
	if err != nil {
		return fail(err)
	}
	if err := db.Unlock(testPassword); err != nil {
		return fail(err)
	}
	fmt.Println("ready")
	run, cases := os.Getenv(envCrashRun), strings.Split(os.Getenv(envCrashCases), ",")
	for i := 0; ; i++ {
		sag := app.ID(cases[i%len(cases)])
		if i%4 == 3 {
			if _, err := db.View(sag, caseworker); err != nil {
				return fail(err)
			}
		}
		id := app.ID(fmt.Sprintf("k%s-%d", run, i))
		c := app.Command{ID: id, Sag: sag, Actor: caseworker, At: eventTime,
			Body: &app.TilfoejNotat{NotatID: "n" + id, Tekst: "note " + string(id)}}
		if _, err := db.Commit(c); err != nil {
			return fail(err)
		}
		fmt.Println(id)
	}
}

// TestCrashLoopSIGKILL kills a committing child process with SIGKILL at
// random moments (sometimes while it opens and unlocks). After every kill
// the file must open, every id the child reported must be in the outbox
// exactly once, each case's view must hold exactly the notes its outbox
// entries added, bbolt's check must be clean and the audit chain intact.
// 25 kills by default, 300 with SOAK=1; the seed is logged
// (FELTSAG_SEED replays it).
func TestCrashLoopSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	seed := seedFromEnv(t)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	kills := 25
	if soak() {
		kills = 300
	}
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "crash.db")
	db := MustCreate(t, path, opts)
	var cases []string
	for _, cpr := range []string{canaryCPR, "0202851236", "0303800000"} {
		cases = append(cases, string(seed1(t, db, cpr).ID))
	}
	mustNoErr(t, db.Close(), "Close")

	reported := map[app.ID]bool{}
	unreported := 0
	for run := 0; run < kills; run++ {
		wait := rng.IntN(40) - 4 // < 0: kill during start-up; 0: right after unlock
		jitter := time.Duration(rng.IntN(1500)) * time.Microsecond
		for _, id := range runAndKill(t, path, run, cases, wait, jitter) {
			reported[id] = true
		}
		unreported = verifyAfterCrash(t, path, opts, reported, run)
	}
	t.Logf("seed %d: %d kills, %d reported commits all present exactly once; %d more committed but killed before they were reported",
		seed, kills, len(reported), unreported)
}

func seed1(t *testing.T, db *store.DB, cpr string) *app.Sag {
	return seed(t, db, cpr, "Crash "+cpr[:4])
}

// runAndKill starts the child, waits until it has reported wait commits
// (by reading its output, not by sleeping), lets a random jitter pass, kills
// it with SIGKILL and returns every id it reported, including those printed
// just before death.
func runAndKill(t *testing.T, path string, run int, cases []string, wait int, jitter time.Duration) []app.ID {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+path, envCrashRun+"="+strconv.Itoa(run), envCrashCases+"="+strings.Join(cases, ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	mustNoErr(t, err, "pipe")
	mustNoErr(t, cmd.Start(), "start child")
	sc := bufio.NewScanner(out)
	var ids []app.ID
	for wait >= 0 && sc.Scan() {
		if line := sc.Text(); line != "ready" {
			ids = append(ids, app.ID(line))
		}
		if len(ids) >= wait {
			break
		}
	}
	// The jitter moves the kill to a random point inside the next commit
	// (before, during or after its fsync); it does not wait for anything.
	time.Sleep(jitter)
	_ = cmd.Process.Kill() // SIGKILL on Unix
	for sc.Scan() {
		if line := sc.Text(); line != "ready" {
			ids = append(ids, app.ID(line))
		}
	}
	if err := cmd.Wait(); err != nil && strings.Contains(stderr.String(), "child:") {
		t.Fatalf("run %d: child failed by itself: %s", run, stderr.String())
	}
	return ids
}

// verifyAfterCrash checks the file after a kill and returns how many
// commits are on disk that the child never got to report.
func verifyAfterCrash(t *testing.T, path string, opts store.Options, reported map[app.ID]bool, run int) int {
	t.Helper()
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "run %d: Open after SIGKILL", run)
	defer db.Close()
	mustNoErr(t, db.Unlock(testPassword), "run %d: Unlock after SIGKILL", run)
	mustNoErr(t, db.Check(), "run %d: tx.Check", run)
	mustNoErr(t, db.VerifyAudit(), "run %d: audit chain", run)
	pending, err := db.Pending()
	mustNoErr(t, err, "run %d: Pending", run)
	seen := map[app.ID]int{}
	perCase := map[app.ID]int{}
	for _, e := range pending {
		seen[e.Command.ID]++
		perCase[e.Command.Sag]++
	}
	for id := range reported {
		if seen[id] != 1 {
			t.Fatalf("run %d: reported commit %s is in the outbox %d times", run, id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("run %d: %s is in the outbox %d times", run, id, n)
		}
	}
	for sag, n := range perCase {
		v, err := db.View(sag, caseworker)
		mustNoErr(t, err, "run %d: View", run)
		if len(v.Notater) != n {
			t.Fatalf("run %d: case %s has %d notes but %d outbox entries", run, sag, len(v.Notater), n)
		}
	}
	return len(seen) - len(reported)
}
