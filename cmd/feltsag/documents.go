package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/pdf"
	"feltsag.dk/feltsag/ui"
)

// auditLog is where a print or a saved PDF is recorded: the replica's
// audit log (account.LogKind over store.DB.LogKind).
type auditLog interface {
	LogKind(actor app.Actor, action string, caseID app.ID, kind string) error
}

// documents implements ui.Documents: it renders the plan with the pdf
// package, records every print and saved PDF in the replica's audit log
// before the document leaves the program, hands prints to the operating
// system and rasterises the preview with pdftoppm. Nothing of it needs
// the network.
type documents struct {
	texts *text.Catalogue
	rules *app.Rules
	// inForce, when set, returns the rules the replica enforces now (a
	// bundle from the server may replace rules); the plan is printed with
	// them.
	inForce func() *app.Rules
	audit   auditLog
	now     func() time.Time
	lang    func() string // the UI's language: the document's
	// user names the caseworker who prints in the footer when the plan's
	// responsible caseworker is someone else (the sign-in's user name).
	user func() string
	// handoff gives a rendered file to the OS's print handler (printFile);
	// tests see the file here.
	handoff func(path string) error
	// rasterise draws the pages of the PDF at path as PNG files in dir and
	// returns their paths in page order; nil means no rasteriser here.
	rasterise func(path, dir string) ([]string, error)

	once     gosync.Once
	renderer *pdf.Renderer // made at the first document: cutting the font takes tens of ms
	rerr     error

	mu  gosync.Mutex
	tmp string // the folder prints and previews are written in, 0700; removed by Close
	n   int
}

var _ ui.Documents = (*documents)(nil)

// newDocuments returns the documents of the running client: prints go to
// the OS handler of this platform, previews through pdftoppm when it is
// installed.
func newDocuments(texts *text.Catalogue, rules *app.Rules, audit auditLog, user func() string) *documents {
	d := &documents{texts: texts, rules: rules, audit: audit, now: time.Now, lang: ui.Language, user: user,
		handoff: func(path string) error { return printFile(runtime.GOOS, path, exec.LookPath, runCommand) }}
	if bin, err := exec.LookPath("pdftoppm"); err == nil {
		d.rasterise = func(path, dir string) ([]string, error) { return pdftoppm(bin, path, dir) }
	}
	return d
}

// pdf returns the renderer, made at the first document.
func (d *documents) pdf() (*pdf.Renderer, error) {
	d.once.Do(func() { d.renderer, d.rerr = pdf.New(d.texts) })
	return d.renderer, d.rerr
}

// rulesNow returns the rules documents are made with: those the replica
// enforces now, else the shipped ones.
func (d *documents) rulesNow() *app.Rules {
	if d.inForce != nil {
		return d.inForce()
	}
	return d.rules
}

// render makes the document of planID on s.
func (d *documents) render(s *app.Sag, planID app.ID, actor app.Actor) ([]byte, pdf.Info, error) {
	r, err := d.pdf()
	if err != nil {
		return nil, pdf.Info{}, err
	}
	rules := d.rulesNow()
	in := pdf.Input{Sag: *s, PlanID: planID, Rules: rules, Printed: d.now(), Lang: d.lang(),
		PrintedBy: app.Sagsbehandler{ID: actor.ID, Navn: string(actor.ID)}}
	if d.user != nil && d.user() != "" {
		in.PrintedBy.Navn = d.user()
	}
	if i := s.FindPlan(planID); i >= 0 {
		if a := s.Planer[i].Ansvarlig; a.ID == actor.ID && a.Navn != "" {
			in.PrintedBy = a
		}
	}
	var buf bytes.Buffer
	info, err := r.Render(&buf, in)
	return buf.Bytes(), info, err
}

// tempFile writes b to a new file in the client's temporary folder.
func (d *documents) tempFile(name string, b []byte) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tmp == "" {
		dir, err := os.MkdirTemp("", "feltsag-")
		if err != nil {
			return "", app.Internal(fmt.Errorf("temporary folder: %w", err))
		}
		d.tmp = dir
	}
	d.n++
	path := filepath.Join(d.tmp, fmt.Sprintf("%s-%d.pdf", name, d.n))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", app.Internal(fmt.Errorf("write %s: %w", filepath.Base(path), err))
	}
	return path, nil
}

// Print implements ui.Documents: render, record, then hand the file to
// the OS. The file stays in the temporary folder until the client closes
// (a viewer opened by xdg-open or open reads it later).
func (d *documents) Print(s *app.Sag, planID app.ID, actor app.Actor) error {
	b, info, err := d.render(s, planID, actor)
	if err != nil {
		return err
	}
	path, err := d.tempFile(fileName(info.Kind), b)
	if err != nil {
		return err
	}
	if err := d.audit.LogKind(actor, app.ActionPrinted, s.ID, string(info.Kind)); err != nil {
		_ = os.Remove(path)
		return err
	}
	if err := d.handoff(path); err != nil {
		return app.Errorf(app.CodeInternal, "", "internal.print_failed", "fejl", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// Save implements ui.Documents: render, record, then write into w.
func (d *documents) Save(s *app.Sag, planID app.ID, actor app.Actor, w io.Writer) error {
	b, info, err := d.render(s, planID, actor)
	if err != nil {
		return err
	}
	if err := d.audit.LogKind(actor, app.ActionExported, s.ID, string(info.Kind)); err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return app.Internal(fmt.Errorf("save the PDF: %w", err))
	}
	return nil
}

// Preview implements ui.Documents: the same document, drawn by pdftoppm
// at screen resolution; the files are removed again at once. The preview
// shows what the window shows already (View logged it), so it is no
// audit event.
func (d *documents) Preview(s *app.Sag, planID app.ID, actor app.Actor) ([]image.Image, error) {
	if d.rasterise == nil {
		return nil, nil
	}
	b, info, err := d.render(s, planID, actor)
	if err != nil {
		return nil, err
	}
	path, err := d.tempFile(fileName(info.Kind)+"-preview", b)
	if err != nil {
		return nil, err
	}
	defer os.Remove(path)
	dir, err := os.MkdirTemp(filepath.Dir(path), "preview-")
	if err != nil {
		return nil, app.Internal(err)
	}
	defer os.RemoveAll(dir)
	pages, err := d.rasterise(path, dir)
	if err != nil {
		return nil, app.Internal(fmt.Errorf("draw the preview: %w", err))
	}
	out := make([]image.Image, 0, len(pages))
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			return nil, app.Internal(err)
		}
		img, err := png.Decode(f)
		_ = f.Close()
		if err != nil {
			return nil, app.Internal(fmt.Errorf("read page %s: %w", filepath.Base(p), err))
		}
		out = append(out, img)
	}
	return out, nil
}

// Close removes the temporary folder with every print and preview.
func (d *documents) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.tmp != "" {
		_ = os.RemoveAll(d.tmp)
		d.tmp = ""
	}
}

// fileName names a document's file without naming the citizen: file
// names show in print queues and recent-file lists.
func fileName(k pdf.Kind) string { return strings.ReplaceAll(string(k), "_", "-") }

// previewDPI is the preview's resolution: an A4 page 827 pixels wide,
// drawn smaller in the window (sharp also on a scaled display) and quick
// to rasterise.
const previewDPI = 100

// pdftoppm draws every page of path as dir/page-N.png.
func pdftoppm(bin, path, dir string) ([]string, error) {
	out, err := exec.Command(bin, "-r", fmt.Sprint(previewDPI), "-png", path, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return nil, err
	}
	// page-1 … page-9 or page-01 … page-12: the same width, so names sort.
	slices.Sort(pages)
	return pages, nil
}

// printCommands are the commands that hand a file to the OS on goos, in
// the order tried: lp prints to the default printer; where there is none
// (or no lp), the desktop's open handler shows the PDF with its own print
// button. Windows uses the shell's print verb.
func printCommands(goos, path string) [][]string {
	switch goos {
	case "windows":
		quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
		return [][]string{
			{"powershell", "-NoProfile", "-NonInteractive", "-Command", "Start-Process -FilePath " + quoted + " -Verb Print"},
			{"rundll32", "url.dll,FileProtocolHandler", path},
		}
	case "darwin":
		return [][]string{{"lp", path}, {"open", path}}
	}
	return [][]string{{"lp", path}, {"xdg-open", path}}
}

// printFile runs the first of printCommands that is installed and
// succeeds.
func printFile(goos, path string, lookPath func(string) (string, error), run func(name string, args ...string) error) error {
	var errs []error
	for _, c := range printCommands(goos, path) {
		bin, err := lookPath(c[0])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: not installed", c[0]))
			continue
		}
		if err := run(bin, c[1:]...); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c[0], err))
			continue
		}
		return nil
	}
	return errors.Join(errs...)
}

// runCommand runs a handler and waits for it (lp returns once the job is
// spooled, xdg-open and open once the viewer is started).
func runCommand(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
