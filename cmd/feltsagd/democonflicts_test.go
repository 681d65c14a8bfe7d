package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
)

// demoLedger seeds a demo ledger of seed and size in a temporary folder
// and returns its server, the ledger and what seeding printed.
func demoLedger(t *testing.T, seed int64, size int) (*server.Server, app.Ledger, string) {
	t.Helper()
	led, err := openLedger(context.Background(), filepath.Join(t.TempDir(), "demo.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(led, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		_ = led.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(); _ = led.Close() })
	var out bytes.Buffer
	if err := seedDemo(srv, led, seed, size, &out); err != nil {
		t.Fatalf("seedDemo: %v\n%s", err, out.String())
	}
	return srv, led, out.String()
}

// demoConflicts seeds a demo ledger of seed and size and returns the
// first caseworker's open conflicts and what seeding printed.
func demoConflicts(t *testing.T, seed int64, size int) ([]app.Conflict, string) {
	t.Helper()
	srv, _, out := demoLedger(t, seed, size)
	ks, err := srv.Conflicts("")
	if err != nil {
		t.Fatal(err)
	}
	return ks, out
}

// TestDemoLeavesConflictsWaiting: a demo ledger has DemoConflicts open
// conflicts for the first demo caseworker, made by the server's merge
// (the desk's visitation applied, the laptop's in conflict), on three
// different cases; the same seed gives the same conflicts.
func TestDemoLeavesConflictsWaiting(t *testing.T) {
	ks, out := demoConflicts(t, 1, 45)
	if len(ks) != DemoConflicts {
		t.Fatalf("%d conflicts, want %d\n%s", len(ks), DemoConflicts, out)
	}
	owner := ks[0].Owner
	if !strings.Contains(out, "3 konflikter venter hos "+string(owner)) {
		t.Errorf("seeding printed %q, want where the conflicts wait", out)
	}
	cases := map[app.ID]bool{}
	for _, k := range ks {
		if k.Owner != owner || k.Field != "visitation" || k.Policy != app.PolicyProtected {
			t.Errorf("conflict %+v: want the first caseworker's, on the visitation, protected", k)
		}
		if k.Mine.Device != demoLaptop || k.Theirs.Device != demoDesk || k.Mine.Command == "" || k.Theirs.Author.ID != owner {
			t.Errorf("conflict %s: mine from %s, theirs from %s by %s; want the laptop's against the desk's", k.ID, k.Mine.Device, k.Theirs.Device, k.Theirs.Author.ID)
		}
		if bytes.Equal(k.Mine.Value, k.Theirs.Value) {
			t.Errorf("conflict %s: mine and theirs are the same value %s", k.ID, k.Mine.Value)
		}
		cases[k.Sag] = true
	}
	if len(cases) != DemoConflicts {
		t.Errorf("conflicts on %d cases, want %d different ones", len(cases), DemoConflicts)
	}

	again, _ := demoConflicts(t, 1, 45)
	key := func(ks []app.Conflict) []string {
		var out []string
		for _, k := range ks {
			out = append(out, string(k.Sag)+" "+string(k.Mine.Value)+" "+string(k.Theirs.Value))
		}
		slices.Sort(out)
		return out
	}
	if got, want := key(again), key(ks); !slices.Equal(got, want) {
		t.Errorf("the same seed gave other conflicts:\n%q\nwant\n%q", got, want)
	}
}
