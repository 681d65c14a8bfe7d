package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDemoPlanOutRefusesNonFiles: --out writes regular files only. A
// device, a folder or a link to a device is refused with a Danish message
// and left as it was (as root, renaming over /dev/null would replace the
// device node).
func TestDemoPlanOutRefusesNonFiles(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "null")
	haveDev := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)) == nil // a private /dev/null (root only)
	link := filepath.Join(dir, "link.pdf")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, out, want string
		mode            fs.FileMode // type the path must still have afterwards
		needsDev        bool
	}{
		{name: "device node", out: dev, want: "er ikke en almindelig fil", mode: fs.ModeDevice | fs.ModeCharDevice, needsDev: true},
		{name: "link to a device", out: link, want: "er ikke en almindelig fil", mode: fs.ModeSymlink},
		{name: "named pipe", out: fifo, want: "er ikke en almindelig fil", mode: fs.ModeNamedPipe},
		{name: "folder", out: dir, want: "det er en mappe", mode: fs.ModeDir},
	}
	devRefused := false // the private device node was refused and kept, so /dev/null is safe to try
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsDev && !haveDev {
				t.Skip("cannot make a device node here (needs root)")
			}
			refused := checkRefused(t, tc.out, tc.want, tc.mode)
			if tc.needsDev {
				devRefused = refused
			}
		})
	}
	t.Run("/dev/null", func(t *testing.T) {
		if !devRefused {
			t.Skip("the private device node was not refused; not risking the real /dev/null")
		}
		checkRefused(t, "/dev/null", "er ikke en almindelig fil", fs.ModeDevice|fs.ModeCharDevice)
	})
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".feltsag-") {
			t.Errorf("left a temporary file behind: %s", e.Name())
		}
	}
	if tmps, _ := filepath.Glob("/dev/.feltsag-*"); len(tmps) > 0 {
		t.Errorf("left temporary files in /dev: %v", tmps)
	}
}

// checkRefused runs demo plan --out out and reports whether it was
// refused with want and out still has type mode. It never stops the test
// early: the caller decides on its answer.
func checkRefused(t *testing.T, out, want string, mode fs.FileMode) bool {
	t.Helper()
	ok := true
	_, stderr, err := runCmd(t, "demo", "plan", "--citizen", "1", "--out", out, "--date", demoDate)
	if err == nil {
		t.Errorf("--out %s: no error", out)
		ok = false
	}
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, want)
		ok = false
	}
	switch fi, err := os.Lstat(out); {
	case err != nil:
		t.Errorf("%s: %v", out, err)
		ok = false
	case fi.Mode().Type() != mode:
		t.Errorf("%s is now %v, want type %v", out, fi.Mode(), mode)
		ok = false
	}
	return ok
}

// TestDemoPlanOutWritesFiles: a new file, an existing file and a link to a
// file are written; the link stays a link.
func TestDemoPlanOutWritesFiles(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "gammel.pdf")
	target := filepath.Join(dir, "maal.pdf")
	link := filepath.Join(dir, "link.pdf")
	for _, p := range []string{existing, target} {
		if err := os.WriteFile(p, []byte("gammelt indhold"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("maal.pdf", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, out, read string }{
		{"new file", filepath.Join(dir, "ny.pdf"), filepath.Join(dir, "ny.pdf")},
		{"existing file", existing, existing},
		{"link to a file", link, target},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, stderr, err := runCmd(t, "demo", "plan", "--citizen", "1", "--out", tc.out, "--date", demoDate); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			b, err := os.ReadFile(tc.read)
			if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("%s: %v, or not a PDF", tc.read, err)
			}
		})
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode().Type() != fs.ModeSymlink {
		t.Errorf("the link was replaced (%v)", err)
	}
}
