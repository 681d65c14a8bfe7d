package app_test

import (
	"encoding/json"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
)

// stepClock is a wall clock the test moves by hand.
type stepClock struct{ t time.Time }

func (c *stepClock) now() time.Time { return c.t }

func TestClockMonotonic(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0))
	wall := &stepClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	c := app.NewClock("enhedaaaaaaaaaaa", wall.now, app.HLC{})
	prev := app.HLC{}
	for i := range 10_000 {
		// The wall clock jumps forward, stands still and goes backwards.
		wall.t = wall.t.Add(time.Duration(r.IntN(5)-2) * time.Millisecond)
		var h app.HLC
		if r.IntN(3) == 0 {
			remote := app.HLC{Wall: wall.t.UnixMilli() + int64(r.IntN(2000)-1000), Logical: uint16(r.IntN(5)), Device: "andenaaaaaaaaaaa"}
			c.Observe(remote)
			h = c.Last()
			if h.Compare(remote) <= 0 && remote.Wall-wall.t.UnixMilli() < app.MaxClockSkew.Milliseconds() {
				t.Fatalf("step %d: after observing %v the clock is at %v, not after it", i, remote, h)
			}
		} else {
			h = c.Now()
		}
		if h.Compare(prev) <= 0 {
			t.Fatalf("step %d: %v is not after %v", i, h, prev)
		}
		prev = h
	}
}

func TestClockCounterOverflowBorrowsAMillisecond(t *testing.T) {
	wall := &stepClock{t: time.UnixMilli(1_000_000)}
	c := app.NewClock("enhedaaaaaaaaaaa", wall.now, app.HLC{Wall: 1_000_000, Logical: 1<<16 - 2})
	a, b := c.Now(), c.Now()
	if a.Logical != 1<<16-1 || b.Wall != 1_000_001 || b.Logical != 0 {
		t.Fatalf("got %v then %v, want counter 65535 then the next millisecond", a, b)
	}
}

func TestClockObserveClampsSkew(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	c := app.NewClock("enhedaaaaaaaaaaa", func() time.Time { return now }, app.HLC{})
	tests := []struct {
		name   string
		ahead  time.Duration
		skewed bool
	}{
		{"at the limit", app.MaxClockSkew, false},
		{"one millisecond over", app.MaxClockSkew + time.Millisecond, true},
		{"a year ahead", 365 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remote := app.HLC{Wall: now.Add(tt.ahead).UnixMilli(), Device: "andenaaaaaaaaaaa"}
			if got := c.Observe(remote); got != tt.skewed {
				t.Fatalf("Observe skewed = %v, want %v", got, tt.skewed)
			}
			if tt.skewed && c.Last().Wall > now.Add(app.MaxClockSkew).UnixMilli() {
				t.Fatalf("clock followed a skewed timestamp to %v", c.Last().Time())
			}
		})
	}
}

func TestClampHLC(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	h, skewed, err := app.ClampHLC(app.HLC{Wall: now.Add(time.Hour).UnixMilli(), Logical: 7, Device: "enhedaaaaaaaaaaa"}, now)
	if err != nil || !skewed || h.Wall != now.UnixMilli() || h.Logical != 7 {
		t.Fatalf("ClampHLC an hour ahead = %v, %v, %v", h, skewed, err)
	}
	for _, wall := range []int64{-1, app.MaxHLCWall + 1} {
		if _, _, err := app.ClampHLC(app.HLC{Wall: wall, Device: "enhedaaaaaaaaaaa"}, now); app.ErrorCode(err) != app.CodeInvalid {
			t.Errorf("ClampHLC wall %d: error %v, want invalid", wall, err)
		}
	}
}

func TestHLCTextRoundTripAndOrder(t *testing.T) {
	hs := []app.HLC{
		{Wall: 1_700_000_000_000, Logical: 2, Device: "bbbbbbbbbbbbbbbb"},
		{Wall: 1_700_000_000_000, Logical: 2, Device: "aaaaaaaaaaaaaaaa"},
		{Wall: 1_700_000_000_000, Logical: 10, Device: "aaaaaaaaaaaaaaaa"},
		{Wall: 1_600_000_000_000, Logical: 65535, Device: "aaaaaaaaaaaaaaaa"},
		{Wall: app.MaxHLCWall, Device: "aaaaaaaaaaaaaaaa"},
	}
	texts := make([]string, len(hs))
	for i, h := range hs {
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var back app.HLC
		if err := json.Unmarshal(b, &back); err != nil || back != h {
			t.Fatalf("round trip of %v: %v, %v", h, back, err)
		}
		texts[i] = h.String()
		if got := app.UnpackHLC(h.Pack(), h.Device); got != h {
			t.Fatalf("Pack/Unpack of %v = %v", h, got)
		}
	}
	byText := append([]app.HLC(nil), hs...)
	sort.Slice(byText, func(i, j int) bool { return byText[i].String() < byText[j].String() })
	byCompare := append([]app.HLC(nil), hs...)
	sort.Slice(byCompare, func(i, j int) bool { return byCompare[i].Compare(byCompare[j]) < 0 })
	for i := range byText {
		if byText[i] != byCompare[i] {
			t.Fatalf("text order %v differs from Compare order %v", byText, byCompare)
		}
	}
}

func TestHLCBadText(t *testing.T) {
	for _, s := range []string{
		`"x"`, `"0000000000000.0000.aaaaaaaaaaaaaaaa"`, `"00000000000g.0000.aaaaaaaaaaaaaaaa"`,
		`"000000000000.00000.aaaaaaaaaaaaaaaa"`, `"000000000000.0000."`, `"000000000000.0000.0101901234"`,
		`"-00000000001.0000.aaaaaaaaaaaaaaaa"`,
	} {
		var h app.HLC
		if err := json.Unmarshal([]byte(s), &h); err == nil {
			t.Errorf("%s decoded to %v, want an error", s, h)
		}
	}
}

func TestCursor(t *testing.T) {
	c := app.Cursor{Epoch: 3, Seq: 1 << 40}
	b, _ := c.MarshalBinary()
	var back app.Cursor
	if err := back.UnmarshalBinary(b); err != nil || back != c {
		t.Fatalf("round trip: %v, %v", back, err)
	}
	if err := back.UnmarshalBinary(nil); err != nil || !back.IsZero() {
		t.Fatalf("empty: %v, %v", back, err)
	}
	if err := back.UnmarshalBinary(make([]byte, 15)); app.ErrorCode(err) != app.CodeInvalid {
		t.Fatalf("15 bytes: %v, want invalid", err)
	}
	if !(app.Cursor{Epoch: 1, Seq: 4}).Before(app.Cursor{Epoch: 1, Seq: 5}) {
		t.Error("1:4 should be before 1:5")
	}
	if (app.Cursor{Epoch: 1, Seq: 4}).Before(app.Cursor{Epoch: 2, Seq: 5}) || (app.Cursor{Epoch: 2, Seq: 5}).Before(app.Cursor{Epoch: 1, Seq: 4}) {
		t.Error("cursors of different epochs must not be ordered")
	}
}
