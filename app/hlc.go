package app

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock timestamp (Kulkarni et al., 2014): the
// wall-clock time in Unix milliseconds (48 bits, enough until the year
// 10889), a logical counter that orders events within one millisecond and
// across devices whose clocks disagree, and the device that minted it, which
// breaks the last tie. HLC orders and displays events; it never decides a
// conflict — the base versions a command carries do (DESIGN §5.4).
//
// On the wire and in files an HLC is the text "wwwwwwwwwwww.cccc.device":
// twelve hex digits of milliseconds, four of the counter and the device id,
// so the text sorts in the same order as Compare.
type HLC struct {
	Wall    int64  // Unix milliseconds, 0 ≤ Wall < 2^48
	Logical uint16 // counter within Wall
	Device  ID     // who minted it; "" only for the zero HLC
}

// MaxHLCWall is the largest wall time an HLC can hold.
const MaxHLCWall = 1<<48 - 1

// MaxClockSkew is how far ahead of the server's clock a device's HLC may be.
// A timestamp further ahead is clamped to the server's time and the device
// flagged (its clock is wrong), so one bad laptop cannot push every later
// timestamp into the future.
const MaxClockSkew = 5 * time.Minute

// IsZero reports whether h is the zero HLC (no event yet).
func (h HLC) IsZero() bool { return h.Wall == 0 && h.Logical == 0 && h.Device == "" }

// Compare orders two HLCs: by wall time, then counter, then device id. It
// returns -1, 0 or +1.
func (h HLC) Compare(o HLC) int {
	switch {
	case h.Wall != o.Wall:
		return cmpInt(h.Wall < o.Wall)
	case h.Logical != o.Logical:
		return cmpInt(h.Logical < o.Logical)
	case h.Device != o.Device:
		return cmpInt(h.Device < o.Device)
	}
	return 0
}

func cmpInt(less bool) int {
	if less {
		return -1
	}
	return 1
}

// Pack returns wall and counter as one number (wall<<16 | counter), the
// form stored in a replica's metadata. The device is not part of it.
func (h HLC) Pack() uint64 { return uint64(h.Wall)<<16 | uint64(h.Logical) }

// UnpackHLC is the inverse of Pack for device dev.
func UnpackHLC(v uint64, dev ID) HLC {
	return HLC{Wall: int64(v >> 16), Logical: uint16(v), Device: dev}
}

// Time returns the wall-clock part as a time in UTC.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Wall).UTC() }

// String returns the text form.
func (h HLC) String() string {
	if h.IsZero() {
		return ""
	}
	return fmt.Sprintf("%012x.%04x.%s", h.Wall, h.Logical, h.Device)
}

// MarshalText writes the text form.
func (h HLC) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads the text form strictly. The empty text is the zero HLC.
// Errors: invalid.
func (h *HLC) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*h = HLC{}
		return nil
	}
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 3 || len(parts[0]) != 12 || len(parts[1]) != 4 {
		return errHLC()
	}
	wall, err1 := strconv.ParseUint(parts[0], 16, 48)
	n, err2 := strconv.ParseUint(parts[1], 16, 16)
	dev := ID(parts[2])
	if err1 != nil || err2 != nil || dev.Validate() != nil {
		return errHLC()
	}
	*h = HLC{Wall: int64(wall), Logical: uint16(n), Device: dev}
	return nil
}

func errHLC() *Error {
	return Errorf(CodeInvalid, "", "invalid.hlc").WithField("hlc")
}

// ClampHLC checks a timestamp received from a device against the receiver's
// clock now. A timestamp more than MaxClockSkew ahead is clamped to now (its
// counter kept) and reported as skewed, so the caller can flag the device.
// Errors: invalid for a wall time before 1970 or beyond the 48 bits.
func ClampHLC(h HLC, now time.Time) (HLC, bool, error) {
	if h.Wall < 0 || h.Wall > MaxHLCWall {
		return HLC{}, false, errHLC()
	}
	limit := now.Add(MaxClockSkew).UnixMilli()
	if h.Wall > limit {
		h.Wall = now.UnixMilli()
		return h, true, nil
	}
	return h, false, nil
}

// Clock mints HLC timestamps for one device. It is safe for concurrent use.
// The zero Clock is not usable: call NewClock.
type Clock struct {
	mu     sync.Mutex
	device ID
	now    func() time.Time
	last   HLC
}

// NewClock returns a clock for device that continues after last (the value
// a replica stored; the zero HLC for a new device) and reads the wall clock
// with now (time.Now when nil).
func NewClock(device ID, now func() time.Time, last HLC) *Clock {
	if now == nil {
		now = time.Now
	}
	last.Device = device
	return &Clock{device: device, now: now, last: last}
}

// Now returns a timestamp for a local event, later than every timestamp this
// clock has returned or observed, even when the wall clock went backwards.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := min(c.now().UnixMilli(), MaxHLCWall)
	if wall > c.last.Wall {
		c.last = HLC{Wall: wall, Device: c.device}
	} else {
		c.tick()
	}
	return c.last
}

// Observe merges a timestamp received from elsewhere (a server record, an
// ack) so that later local events sort after it. A remote timestamp more than
// MaxClockSkew ahead of this clock's wall time is clamped first; skewed
// reports that.
func (c *Clock) Observe(remote HLC) (skewed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	remote, skewed, err := ClampHLC(remote, now)
	if err != nil {
		return true
	}
	wall := min(now.UnixMilli(), MaxHLCWall)
	switch {
	case wall > c.last.Wall && wall > remote.Wall:
		c.last = HLC{Wall: wall, Device: c.device}
	case remote.Wall > c.last.Wall:
		c.last = HLC{Wall: remote.Wall, Logical: remote.Logical, Device: c.device}
		c.tick()
	case remote.Wall == c.last.Wall && remote.Logical > c.last.Logical:
		c.last.Logical = remote.Logical
		c.tick()
	default:
		c.tick()
	}
	return skewed
}

// tick advances the counter; when it would overflow, the clock borrows the
// next millisecond (a device never mints 65,536 events in one).
func (c *Clock) tick() {
	if c.last.Logical == 1<<16-1 {
		c.last.Wall++
		c.last.Logical = 0
		return
	}
	c.last.Logical++
}

// Last returns the latest timestamp minted or observed, for storing.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}
