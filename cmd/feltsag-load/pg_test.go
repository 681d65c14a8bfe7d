package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/pgledger"
)

// TestFiguresPostgres runs the sync, push, max and load figures at a tiny
// scale against a bench server over a real PostgreSQL database (-db), and
// checks that the seed and the pushed commands are in that database.
func TestFiguresPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL, a server and a few clients")
	}
	pg := pgtest.Start(t)
	url := pg.URL(pg.NewDatabase(t), "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := pgledger.Migrate(ctx, url, pgledger.MigrateOptions{}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	o, err := parseFlags([]string{"-inproc", "-db", url, "-dir", t.TempDir(), "-only", "sync,push,max,load",
		"-cases", "30", "-commands", "10", "-runs", "1", "-clients", "3", "-per-client", "4", "-idle", "0",
		"-rate", "30", "-duration", "300ms", "-steps", "20", "-step", "300ms", "-max-conns", "2", "-profile", "0"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runFigures(ctx, o, &out, io.Discard); err != nil {
		t.Fatalf("runFigures: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"over the PostgreSQL ledger",
		"sync  run 1: 30 cases",
		"push  run 1: 10 offline commands",
		"max  2 raw connections offered 20 commands/s",
		"load 3 clients at 30 commands/s",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	led, err := pgledger.Open(ctx, url, pgledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	err = led.View(func(tx app.LedgerTx) error {
		if _, err := tx.Account(clientAccount(2)); err != nil {
			t.Errorf("account %s not in the database: %v", clientAccount(2), err)
		}
		ids, err := tx.Scope(bigAccount, app.RecordSag)
		if err != nil {
			return err
		}
		if got, want := len(ids), 30; got != want {
			t.Errorf("%s owns %d cases in the database, want %d", bigAccount, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
