package store_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
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
	envCrashMode  = "FELTSAG_STORE_CRASH_MODE"  // a misbehaviour for TestCrashLoopRejectsBadChild; empty: none
)

// panickingEngine makes every commit of the child panic.
type panickingEngine struct{}

func (panickingEngine) Execute(*app.Sag, app.Command) (*app.Result, error) { panic("engine panics") }

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
	mode := os.Getenv(envCrashMode)
	if mode == "panic" {
		opts.Engine = panickingEngine{}
	}
	db, err := store.Open(path, opts)
	if err != nil {
		return fail(err)
	}
	if mode == "nosync" {
		db.ForceNoSync()
	}
	if err := db.Unlock(testPassword); err != nil {
		return fail(err)
	}
	if db.NoSync() { // a reported commit would not be a promise
		return fail(fmt.Errorf("the store was opened with NoSync"))
	}
	fmt.Println("ready")
	switch mode {
	case "silent":
		return 0
	case "garbage":
		fmt.Println("hello from the child")
	case "stderr":
		fmt.Fprintln(os.Stderr, "something unexpected")
	}
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
		ids, err := runAndKill(path, run, cases, wait, jitter, "", childTimeout)
		mustNoErr(t, err, "run %d", run)
		for _, id := range ids {
			reported[id] = true
		}
		unreported = verifyAfterCrash(t, path, opts, reported, run)
	}
	if len(reported) < kills { // about 15 per run on average; none would prove nothing
		t.Fatalf("seed %d: only %d commits reported in %d runs", seed, len(reported), kills)
	}
	t.Logf("seed %d: %d kills, %d reported commits all present exactly once; %d more committed but killed before they were reported",
		seed, kills, len(reported), unreported)
}

func seed1(t *testing.T, db *store.DB, cpr string) *app.Sag {
	return seed(t, db, cpr, "Crash "+cpr[:4])
}

// childTimeout bounds how long the parent waits for the child's next line.
const childTimeout = time.Minute

// runAndKill starts the child, waits until it has reported wait commits
// (by reading its output, not by sleeping), lets a random jitter pass, kills
// it with SIGKILL and returns every id it reported, including those printed
// just before death. It fails when the child exits by itself (a panic, an
// error, or nothing to report), reports fewer than wait commits, stays
// silent for timeout, prints anything but "ready" and its ids in order, or
// writes to stderr.
func runAndKill(path string, run int, cases []string, wait int, jitter time.Duration, mode string, timeout time.Duration) ([]app.ID, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCrashChild+"="+path, envCrashRun+"="+strconv.Itoa(run),
		envCrashCases+"="+strings.Join(cases, ","), envCrashMode+"="+mode)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var ids []app.ID
	var bad error
	ready := false
	accept := func(line string) {
		want := fmt.Sprintf("k%d-%d", run, len(ids))
		switch {
		case bad != nil:
		case line == "ready" && !ready && len(ids) == 0:
			ready = true
		case line == want && ready:
			ids = append(ids, app.ID(line))
		default:
			bad = fmt.Errorf("unexpected output %q (want %q)", line, want)
		}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	exited := false
	for wait >= 0 && (!ready || len(ids) < wait) && bad == nil && !exited {
		select {
		case line, ok := <-lines:
			if !ok {
				exited = true
				break
			}
			accept(line)
		case <-timer.C:
			bad = fmt.Errorf("child silent for %v after %d commits", timeout, len(ids))
		}
	}
	if !exited {
		// The jitter moves the kill to a random point inside the next commit
		// (before, during or after its fsync); it does not wait for anything.
		time.Sleep(jitter)
	}
	_ = cmd.Process.Kill() // SIGKILL on Unix
	for line := range lines {
		accept(line)
	}
	werr := cmd.Wait()
	switch {
	case !killed(werr):
		return ids, fmt.Errorf("child ended by itself (%v) after %d commits; stderr: %q", werr, len(ids), head(stderr.String()))
	case stderr.Len() > 0:
		return ids, fmt.Errorf("child wrote to stderr: %q", head(stderr.String()))
	case bad != nil:
		return ids, bad
	case len(ids) < wait:
		return ids, fmt.Errorf("child reported %d commits, want at least %d", len(ids), wait)
	}
	return ids, nil
}

func head(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// killed reports whether the child's exit was our kill.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	if runtime.GOOS == "windows" { // TerminateProcess with exit code 1
		return ee.ExitCode() == 1
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestCrashLoopRejectsBadChild: the crash loop's runner must fail when the
// child misbehaves — every commit panics, it reports no commits, it prints
// or logs anything unexpected, or it runs with NoSync — and pass a child
// that behaves.
func TestCrashLoopRejectsBadChild(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "crash.db")
	db := MustCreate(t, path, opts)
	cases := []string{string(seed1(t, db, canaryCPR).ID)}
	mustNoErr(t, db.Close(), "Close")
	for run, mode := range []string{"", "panic", "silent", "garbage", "stderr", "nosync"} {
		t.Run("mode "+mode, func(t *testing.T) {
			ids, err := runAndKill(path, run, cases, 3, 0, mode, 20*time.Second)
			if mode == "" {
				mustNoErr(t, err, "a well-behaved child")
				if len(ids) < 3 {
					t.Fatalf("well-behaved child reported %d commits", len(ids))
				}
				return
			}
			if err == nil {
				t.Fatalf("child mode %q passed with %d ids reported", mode, len(ids))
			}
			t.Logf("mode %q rejected: %v", mode, err)
		})
	}
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
