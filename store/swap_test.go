package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestInterruptedCompactionRecovered replays the states a crash can leave
// during Purge's compaction swap; Open must end with one good file and no
// leftovers.
func TestInterruptedCompactionRecovered(t *testing.T) {
	tests := []struct {
		name  string
		crash func(t *testing.T, path string, raw []byte)
	}{
		{"crash while compacting", func(t *testing.T, path string, raw []byte) {
			mustNoErr(t, os.WriteFile(path+".compact", raw[:len(raw)/3], 0o600), "partial copy")
		}},
		{"crash between the renames", func(t *testing.T, path string, raw []byte) {
			mustNoErr(t, os.Rename(path, path+".old"), "rename")
			mustNoErr(t, os.WriteFile(path+".compact", raw, 0o600), "complete copy")
		}},
		{"crash before the old file was scrubbed", func(t *testing.T, path string, raw []byte) {
			mustNoErr(t, os.WriteFile(path+".old", raw, 0o600), "old file")
		}},
		{"renamed away, and a link where the copy was", func(t *testing.T, path string, raw []byte) {
			mustNoErr(t, os.Rename(path, path+".old"), "rename")
			target := filepath.Join(t.TempDir(), "target")
			mustNoErr(t, os.WriteFile(target, []byte("not ours"), 0o600), "target")
			mustNoErr(t, os.Symlink(target, path+".compact"), "symlink")
			t.Cleanup(func() {
				if b, err := os.ReadFile(target); err != nil || string(b) != "not ours" {
					t.Errorf("the link's target was touched: %q, %v", b, err)
				}
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _ := testOptions(t)
			path := filepath.Join(t.TempDir(), "swap.db")
			db := MustCreate(t, path, opts)
			s := seed(t, db, canaryCPR, canaryName)
			mustNoErr(t, db.Close(), "Close")
			raw, err := os.ReadFile(path)
			mustNoErr(t, err, "read")
			tt.crash(t, path, raw)

			db = MustReopen(t, path, opts)
			if _, err := db.View(s.ID, caseworker); err != nil {
				t.Fatalf("case lost: %v", err)
			}
			for _, left := range []string{".old", ".compact"} {
				if _, err := os.Lstat(path + left); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s left behind", left)
				}
			}
		})
	}
}
