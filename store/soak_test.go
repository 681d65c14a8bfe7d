package store_test

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// soak reports whether the long runs are wanted: SOAK=1, or FELTSAG_SOAK as
// the Makefile exports it.
func soak() bool { return os.Getenv("SOAK") != "" || os.Getenv("FELTSAG_SOAK") != "" }

// seedFromEnv returns FELTSAG_SEED when set, to replay a failure, else a
// fresh seed; the caller logs it.
func seedFromEnv(t *testing.T) uint64 {
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
