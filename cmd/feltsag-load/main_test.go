package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// TestFiguresSmall runs every figure but the peer at a tiny scale against
// an in-process bench server: each prints its line and the summary.
func TestFiguresSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and a dozen clients")
	}
	o, err := parseFlags([]string{"-inproc", "-dir", t.TempDir(), "-cases", "40", "-commands", "10", "-runs", "1",
		"-clients", "3", "-per-client", "4", "-idle", "5", "-rate", "40", "-duration", "300ms",
		"-steps", "30", "-step", "300ms", "-max-conns", "2", "-profile", "0", "-ping", "100ms"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := runFigures(ctx, o, &out, io.Discard); err != nil {
		t.Fatalf("runFigures: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"sync  run 1: 40 cases",
		"push  run 1: 10 offline commands",
		"max  2 raw connections offered 30 commands/s",
		"load 3 clients at 40 commands/s",
		"idle: 5 connections signed in",
		"initial sync of 40 cases:",
		"10 offline commands acked+recorded:",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestParseUsers(t *testing.T) {
	tests := []struct {
		in   string
		want []app.ID
	}{
		{"", nil},
		{"cw1, cw2,", []app.ID{"cw1", "cw2"}},
		{"bench-c%05d:3", []app.ID{"bench-c00000", "bench-c00001", "bench-c00002"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUsers(tt.in)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("parseUsers(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := parseUsers("bench-%d:x"); err == nil {
		t.Error("parseUsers of a bad count = nil error, want one")
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(d, tt.p); got != tt.want {
			t.Errorf("percentile(1..100 ms, %v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

// TestBenchSagHasThePeersShape: a benchmark case is within 10% of the
// PouchDB peer's document in bytes and has its 17 notes.
func TestBenchSagHasThePeersShape(t *testing.T) {
	s := benchSag(1, bigAccount)
	got, peer := sagSize(s), peerDocSize()
	if len(s.Notater) != NotesPerCase || got < peer*9/10 || got > peer*11/10 {
		t.Errorf("case of %d notes, %d bytes; want %d notes and %d bytes ±10%%", len(s.Notater), got, NotesPerCase, peer)
	}
}
