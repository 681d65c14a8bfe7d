package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/pdf"
)

const demoUsage = `Brug: feltsagd demo KOMMANDO [flag]

Demodata er syntetiske borgere (navne, adresser og CPR-numre er genererede),
de samme for samme --seed og --date, uanset --size.

Kommandoer:
  list   én linje pr. demoborger: nummer, maskeret CPR, navn, kontaktgruppe,
         plantype og et skøn over antal sider
         feltsagd demo list [--seed S] [--size N] [--date ÅÅÅÅ-MM-DD]
  plan   skriv en demoborgers plan som PDF
         feltsagd demo plan --citizen N --out FIL.pdf [--seed S] [--size N]
                            [--date ÅÅÅÅ-MM-DD] [--lang da|en] [--plan ID]
`

// Limits on the demo flags.
const (
	maxDemoSize     = 1_000_000
	defaultDemoSize = 100
)

// runDemo runs "feltsagd demo list|plan".
func runDemo(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, demoUsage)
		return exitError{"no demo subcommand"}
	}
	switch args[0] {
	case "list":
		return demoList(ctx, args[1:], tx, stdout, stderr)
	case "plan":
		return demoPlan(args[1:], tx, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, demoUsage)
		return nil
	}
	fmt.Fprintf(stderr, "feltsagd demo: ukendt kommando %q\n\n%s", args[0], demoUsage)
	return exitError{"unknown demo subcommand"}
}

// demoOpts are the flags of the demo commands.
type demoOpts struct {
	seed    int64
	size    int
	citizen int // 1-based; 0 = not given
	date    string
	out     string
	lang    string
	plan    string

	tx texts // renders errors in the user's language

	today   app.Date
	printed time.Time
	rules   *app.Rules
}

// parse reads the flags of "demo <cmd>" and checks them. Errors are
// already reported on stderr.
func (o *demoOpts) parse(cmd string, args []string, stderr io.Writer) error {
	fset := flag.NewFlagSet("feltsagd demo "+cmd, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, demoUsage+"\nFlag:\n")
		fset.PrintDefaults()
	}
	fset.Int64Var(&o.seed, "seed", 1, "frø for demodata; samme frø giver samme borgere")
	fset.IntVar(&o.size, "size", defaultDemoSize, "antal demoborgere")
	fset.StringVar(&o.date, "date", "", "dagen demodata og planen gælder, ÅÅÅÅ-MM-DD (standard: i dag)")
	if cmd == "plan" {
		fset.IntVar(&o.citizen, "citizen", 0, "demoborgerens nummer, 1 til --size (se feltsagd demo list)")
		fset.StringVar(&o.out, "out", "", "PDF-filen planen skrives til (en almindelig fil, ny eller eksisterende); - skriver til standard output")
		fset.StringVar(&o.lang, "lang", "da", "sprog: da eller en")
		fset.StringVar(&o.plan, "plan", "", "planens id (standard: borgerens seneste plan)")
	}
	if err := fset.Parse(args); err != nil {
		return exitError{err.Error()}
	}
	if fset.NArg() > 0 {
		return o.fail(stderr, cmd, fmt.Sprintf("uventet argument %q; alle valg gives som flag, fx --citizen 3", fset.Arg(0)))
	}
	return o.check(cmd, stderr)
}

// check validates the flags and loads the rules.
func (o *demoOpts) check(cmd string, stderr io.Writer) error {
	if o.size < 1 || o.size > maxDemoSize {
		return o.fail(stderr, cmd, fmt.Sprintf("--size skal være mellem 1 og %d", maxDemoSize))
	}
	if err := o.when(); err != nil {
		return o.fail(stderr, cmd, "--date: "+o.tx.err(err, o.rules))
	}
	if cmd == "plan" {
		switch {
		case o.citizen == 0:
			return o.fail(stderr, cmd, fmt.Sprintf("--citizen mangler: vælg en demoborger fra 1 til %d (se feltsagd demo list)", o.size))
		case o.citizen < 1 || o.citizen > o.size:
			return o.fail(stderr, cmd, fmt.Sprintf("demoborger %d findes ikke: vælg et nummer fra 1 til %d (--size %d)", o.citizen, o.size, o.size))
		case o.out == "":
			return o.fail(stderr, cmd, "--out mangler: angiv filen, planen skal skrives til, fx plan.pdf (eller - for standard output)")
		case o.lang != "da" && o.lang != "en":
			return o.fail(stderr, cmd, fmt.Sprintf("--lang %q: brug da eller en", o.lang))
		}
	}
	rules, err := loadRules("")
	if err != nil {
		return o.fail(stderr, cmd, "regeltabellerne kan ikke indlæses: "+o.tx.err(err, o.rules))
	}
	if _, err := rules.ForDate(o.today); err != nil {
		return o.fail(stderr, cmd, "--date: "+o.tx.err(err, o.rules))
	}
	o.rules = rules
	return nil
}

// when sets the demo date and the print time: noon on --date, or now.
func (o *demoOpts) when() error {
	if o.date == "" {
		o.printed = time.Now().In(app.Copenhagen())
		o.today = app.DateOf(o.printed)
		return nil
	}
	d, err := app.ParseDate(o.date)
	if err != nil {
		return err
	}
	o.today, o.printed = d, d.Start().Add(12*time.Hour)
	return nil
}

// fail reports msg on stderr and returns the exit error.
func (o *demoOpts) fail(stderr io.Writer, cmd, msg string) error {
	fmt.Fprintf(stderr, "feltsagd demo %s: %s\n", cmd, msg)
	return exitError{msg}
}

// demoList prints one line per demo citizen. It streams: each citizen is
// generated, printed and dropped, so memory does not grow with --size.
func demoList(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	o := demoOpts{tx: tx}
	if err := o.parse("list", args, stderr); err != nil {
		return err
	}
	rs, _ := o.rules.ForDate(o.today)
	cols := listColumns(o.size, rs)
	w := bufio.NewWriter(stdout)
	cols.write(w, "Nr", "CPR", "Navn", "KG", "Kontaktgruppe", "Plan", "Akt.", "Sider (skøn)")
	for i := range o.size {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s, err := demo.Citizen(o.rules, o.seed, i, o.today)
		if err != nil {
			return o.fail(stderr, "list", o.tx.err(err, o.rules))
		}
		cols.write(w, listCells(rs, i+1, &s)...)
	}
	if err := w.Flush(); err != nil {
		return o.fail(stderr, "list", "kan ikke skrive listen: "+why(err))
	}
	return nil
}

// Widths of the demo list's columns that do not depend on the data.
const (
	listCPRWidth  = 11 // DDMMYY-XXXX
	listNavnWidth = 30 // longer names are clipped
	listKGWidth   = 4  // KG29
	listKGNavnMax = 40 // kontaktgruppe names are clipped to this
	listPlanWidth = 30 // uddannelsesplan/offentliggjort
	listAktWidth  = 4  // Akt.
)

// columns are the widths of a list's columns (the last is not padded),
// fixed before the first line so the list can be written as it is made.
type columns []int

// listColumns returns the demo list's columns for size citizens under rs.
func listColumns(size int, rs *app.RuleSet) columns {
	kgNavn := len("Kontaktgruppe")
	for _, d := range rs.KG {
		kgNavn = max(kgNavn, utf8.RuneCountInString(clip(d.Navn, listKGNavnMax)))
	}
	nr := max(len("Nr"), len(strconv.Itoa(size)))
	return columns{nr, listCPRWidth, listNavnWidth, listKGWidth, kgNavn, listPlanWidth, listAktWidth, 0}
}

// write writes one line of cells, each padded to its column's width and
// two spaces apart; a cell wider than its column pushes the rest right.
// Trailing blanks are dropped. Errors stay in w (a bufio.Writer keeps the
// first one for Flush).
func (c columns) write(w io.Writer, cells ...string) {
	var b strings.Builder
	for i, cell := range cells {
		b.WriteString(cell)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(0, c[i]-utf8.RuneCountInString(cell))+2))
		}
	}
	io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
}

// listCells are one citizen's cells of demo list.
func listCells(rs *app.RuleSet, nr int, s *app.Sag) []string {
	kg, navn := "–", ""
	if s.Kontaktgruppe != nil {
		kg = fmt.Sprintf("KG%d", s.Kontaktgruppe.KG)
		if d := rs.KG[s.Kontaktgruppe.KG]; d != nil {
			navn = d.Navn
		}
	}
	plan, akt, pages := "–", "", ""
	if n := len(s.Planer); n > 0 {
		p := &s.Planer[n-1]
		plan = p.Type + "/" + p.Status
		akt = strconv.Itoa(len(p.Aktiviteter))
		pages = strconv.Itoa(estimatePages(s, p))
	}
	return []string{strconv.Itoa(nr), s.Borger.CPR.Masked(), clip(s.Borger.Navn, listNavnWidth), kg, clip(navn, listKGNavnMax), plan, akt, pages}
}

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// estimatePages guesses how many A4 pages plan p of s prints on, from the
// heights the pdf package's layout gives its parts (in mm, 255 mm of text
// per page); TestEstimatePages keeps it within a page of the truth.
func estimatePages(s *app.Sag, p *app.Plan) int {
	mm := 75.0 + 120 + 40 // head and parties, rights, signature
	mm += 30 + 5*float64(len(s.Fravaer))
	mm += 25 + 5*float64(len(p.Jobmaal)+len(p.Uddannelsesmaal))
	if p.Paalaeg != nil {
		mm += 20
	}
	mm += 30 + 11*float64(len(p.Aktiviteter))
	if n := len(p.Stabiliserende) + len(p.AndreIndsatser); n > 0 || p.Mentor != "" {
		mm += 18 + 5*float64(n)
	}
	mm += 35
	if p.Afgoerelser || p.Paalaeg != nil {
		mm += 30
	}
	if p.SDP != nil {
		mm += 30 + 5*float64(len(p.SDP.Tiltag))
	}
	return int(mm/255) + 1
}

// demoPlan renders a demo citizen's plan to --out.
func demoPlan(args []string, tx texts, stdout, stderr io.Writer) error {
	o := demoOpts{tx: tx}
	if err := o.parse("plan", args, stderr); err != nil {
		return err
	}
	i := o.citizen - 1
	s, err := demo.Citizen(o.rules, o.seed, i, o.today)
	if err != nil {
		return o.fail(stderr, "plan", o.tx.err(err, o.rules))
	}
	planID := app.ID(o.plan)
	if planID == "" && len(s.Planer) > 0 {
		planID = s.Planer[len(s.Planer)-1].ID
	}
	cw := demo.CaseworkerOf(o.seed, i)
	r, err := pdf.New(o.tx.cat)
	if err != nil {
		return o.fail(stderr, "plan", o.tx.err(err, o.rules))
	}
	var buf bytes.Buffer
	info, err := r.Render(&buf, pdf.Input{Sag: s, PlanID: planID, Rules: o.rules, Printed: o.printed, Lang: o.lang,
		PrintedBy: app.Sagsbehandler{ID: cw.ID, Navn: cw.Navn, Telefon: cw.Telefon, Email: cw.Email, Organisation: cw.Organisation},
		Jobcenter: cw.Organisation})
	if err != nil {
		return o.fail(stderr, "plan", fmt.Sprintf("demoborger %d: %s", o.citizen, o.tx.err(err, o.rules)))
	}
	report := stdout
	if o.out == "-" {
		report = stderr
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return o.fail(stderr, "plan", "kan ikke skrive til standard output: "+err.Error())
		}
	} else if err := writeFile(o.out, buf.Bytes()); err != nil {
		return o.fail(stderr, "plan", err.Error())
	}
	fmt.Fprintf(report, "Skrev %s: %s, version %d (%s), %d sider, %d kB – demoborger %d: %s, CPR %s\n",
		o.out, kindNames[info.Kind], info.Version, info.Status, info.Pages, (info.Bytes+512)/1024, o.citizen, s.Borger.Navn, s.Borger.CPR.Masked())
	return nil
}

// kindNames names the document kinds in Danish.
var kindNames = map[pdf.Kind]string{
	pdf.KindMinPlan:         "Min Plan (jobplan)",
	pdf.KindUddannelsesplan: "Min Plan (uddannelsesplan)",
	pdf.KindSDPAftale:       "Aftale om opfølgning (sygedagpenge)",
}

// writeFile writes data to path through a temporary file in the same
// directory, so a failure never leaves half a PDF. The file is readable by
// its owner only: even demo plans look like personal data.
//
// Only regular files are written: path may be new, an existing file, or a
// symbolic link to a file (the file is replaced, the link kept). A device,
// a named pipe, a socket or a folder is refused, since the final rename
// would replace it: as root, --out /dev/null would swap the device node for
// a PDF. The check is repeated just before the rename; what appears at the
// path between that check and the rename is replaced all the same, as with
// any rename.
func writeFile(path string, data []byte) error {
	dest, err := regularTarget(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".feltsag-*.pdf")
	if err != nil {
		return fmt.Errorf("kan ikke skrive %s: %s", path, why(err))
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("kan ikke skrive %s: %s", path, why(err))
	}
	if _, err := regularTarget(path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("kan ikke skrive %s: %s", path, why(err))
	}
	return nil
}

// regularTarget returns the path writeFile may replace for path: path
// itself when it is new or a regular file, the file a symbolic link points
// to, or a Danish error for anything else.
func regularTarget(path string) (string, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, nil
	case err != nil:
		return "", fmt.Errorf("kan ikke skrive %s: %s", path, why(err))
	}
	dest := path
	if fi.Mode().Type() == fs.ModeSymlink {
		if dest, err = filepath.EvalSymlinks(path); err != nil {
			return "", fmt.Errorf("kan ikke skrive %s: det er et link til noget, der ikke findes; angiv et filnavn, fx plan.pdf", path)
		}
		if fi, err = os.Stat(dest); err != nil {
			return "", fmt.Errorf("kan ikke skrive %s: %s", path, why(err))
		}
	}
	switch {
	case fi.IsDir():
		return "", fmt.Errorf("kan ikke skrive %s: det er en mappe; angiv et filnavn, fx %s", path, filepath.Join(path, "plan.pdf"))
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("kan ikke skrive %s: den er ikke en almindelig fil, men %s. Angiv et filnavn, fx plan.pdf, eller - for standard output",
			path, fileKind(fi.Mode()))
	}
	return dest, nil
}

// fileKind names a file type that is not a regular file, in Danish.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDevice != 0:
		return "en enhed (som /dev/null)"
	case m&fs.ModeNamedPipe != 0:
		return "en navngiven pipe"
	case m&fs.ModeSocket != 0:
		return "en sokkel"
	}
	return "en særlig fil"
}

// why says in Danish why a file operation failed.
func why(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "mappen findes ikke"
	case errors.Is(err, fs.ErrPermission):
		return "ingen skriveadgang"
	case errors.Is(err, fs.ErrExist):
		return "filen findes allerede"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
