package store_test

import (
	"bufio"
	"bytes"
	"encoding/json"
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

// envPageChild makes the test binary a child that applies pages of server
// records until it is killed (see TestApplyPageSIGKILL).
const envPageChild = "FELTSAG_STORE_PAGE_CHILD"

// init runs the child before TestMain, so this file needs no hook there.
func init() {
	if path := os.Getenv(envPageChild); path != "" {
		os.Exit(pageChild(path))
	}
}

// pageChild applies pages forever. Page n carries every case at version n
// and moves the cursor to n; it prints n after ApplyPage returned nil.
func pageChild(path string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 2 }
	e, err := engine()
	if err != nil {
		return fail(err)
	}
	db, err := store.Open(path, store.Options{Engine: e, KDF: cheapKDF})
	if err != nil {
		return fail(err)
	}
	if err := db.Unlock(testPassword); err != nil {
		return fail(err)
	}
	list, err := db.List()
	if err != nil {
		return fail(err)
	}
	var cases []*app.Sag
	for _, s := range list {
		v, err := db.View(s.ID, caseworker)
		if err != nil {
			return fail(err)
		}
		cases = append(cases, v)
	}
	cur, err := db.Cursor()
	if err != nil {
		return fail(err)
	}
	fmt.Println("ready")
	for n := cur.Seq + 1; ; n++ {
		p := app.Page{Cursor: app.Cursor{Epoch: 1, Seq: n}}
		for _, s := range cases {
			c := s.Clone()
			c.Version = int64(n)
			c.Borger.Telefon = strconv.FormatUint(n, 10)
			b, err := json.Marshal(c)
			if err != nil {
				return fail(err)
			}
			p.Records = append(p.Records, app.Record{Kind: app.RecordSag, ID: c.ID, Version: int64(n), Seq: n, Data: b})
		}
		if err := db.ApplyPage(p); err != nil {
			return fail(err)
		}
		fmt.Println(n)
	}
}

// TestApplyPageSIGKILL kills a child in the middle of applying pages. After
// every kill the cursor and the data must agree: every case at exactly the
// cursor's version (the whole page or none of it), at least the last page
// the child reported, with each pending command still re-applied on top.
func TestApplyPageSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	seed := seedFromEnv(t)
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 2))
	kills := 12
	if soak() {
		kills = 150
	}
	opts, _ := testOptions(t)
	path := filepath.Join(t.TempDir(), "pages.db")
	db := MustCreate(t, path, opts)
	var ids []app.ID
	for i := range 20 {
		s := seed1(t, db, fmt.Sprintf("%02d0285%04d", i%28+1, 1000+i))
		ids = append(ids, s.ID)
	}
	mustCommit(t, db, notat(t, ids[0], "usendt note"))
	mustNoErr(t, db.Close(), "Close")

	var lastReported uint64
	total := 0
	for run := range kills {
		wait := rng.IntN(6)
		jitter := time.Duration(rng.IntN(3000)) * time.Microsecond
		got := runPageChild(t, path, run, wait, jitter)
		if len(got) > 0 {
			lastReported = got[len(got)-1]
		}
		total += len(got)
		verifyPages(t, path, opts, ids, lastReported, run)
	}
	if total == 0 {
		t.Fatal("the child never reported a page: the loop tested nothing")
	}
	t.Logf("seed %d: %d kills, %d pages reported, cursor and data agreed after each", seed, kills, total)
}

func runPageChild(t *testing.T, path string, run, wait int, jitter time.Duration) []uint64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envPageChild+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	mustNoErr(t, err, "pipe")
	mustNoErr(t, cmd.Start(), "start child")
	sc := bufio.NewScanner(out)
	var got []uint64
	read := func() bool {
		line := sc.Text()
		if line == "ready" {
			return true
		}
		n, err := strconv.ParseUint(line, 10, 64)
		if err != nil {
			t.Fatalf("run %d: child wrote %q", run, line)
		}
		got = append(got, n)
		return true
	}
	for sc.Scan() && read() && len(got) < wait {
	}
	time.Sleep(jitter) // moves the kill to a random point inside the next page
	_ = cmd.Process.Kill()
	for sc.Scan() {
		read()
	}
	if err := cmd.Wait(); err != nil && strings.Contains(stderr.String(), "child:") {
		t.Fatalf("run %d: child failed by itself: %s", run, stderr.String())
	}
	return got
}

func verifyPages(t *testing.T, path string, opts store.Options, ids []app.ID, lastReported uint64, run int) {
	t.Helper()
	db, err := store.Open(path, opts)
	mustNoErr(t, err, "run %d: Open", run)
	defer db.Close()
	mustNoErr(t, db.Unlock(testPassword), "run %d: Unlock", run)
	mustNoErr(t, db.Check(), "run %d: tx.Check", run)
	cur, err := db.Cursor()
	mustNoErr(t, err, "run %d: Cursor", run)
	if cur.Seq < lastReported {
		t.Fatalf("run %d: cursor %v is behind the last reported page %d", run, cur, lastReported)
	}
	for i, id := range ids {
		v, err := db.View(id, caseworker)
		mustNoErr(t, err, "run %d: View", run)
		want := int64(cur.Seq)
		if cur.IsZero() {
			want = 1 // the seeded version
		}
		if v.Version != want {
			t.Fatalf("run %d: case %d at version %d but the cursor is %v: a page was applied in part", run, i, v.Version, cur)
		}
		if i == 0 && len(v.Notater) != 1 {
			t.Fatalf("run %d: the pending note is not re-applied on the page (%d notes)", run, len(v.Notater))
		}
	}
	if p, _ := db.Pending(); len(p) != 1 {
		t.Fatalf("run %d: %d pending, want 1", run, len(p))
	}
}
