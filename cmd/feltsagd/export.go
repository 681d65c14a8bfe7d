package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/pgledger"
)

// feltsagd export / import / compare move a ledger between the embedded
// bbolt file and PostgreSQL (both ways) as a dump (app.DumpRow, one JSON
// line each after a header line) and compare two ledgers or dumps table
// by table (app.DumpSums).

const exportUsage = `Brug: feltsagd export (-data FIL | -db postgres://…) [-o UDFIL]

Skriver hele serverens ledger som en dump (JSON-linjer): epoke og logposition, hver post
på sin logposition, hver sagsbehandlers scope, anvendte kommando-id'er, konflikter,
revisionsspor, konti, enheder, sessioner og indstillinger. Alt læses i én
læsetransaktion, så dumpen er konsistent.

En kørende indlejret server holder sin datafil låst: tag først en konsistent kopi med
feltsagd admin backup (en læsetransaktion i den kørende server), og eksportér kopien.
PostgreSQL kan eksporteres mens noderne kører.

  -data FIL  den indlejrede datafil (bbolt)
  -db URL    PostgreSQL-databasen (standard $FELTSAGD_DB)
  -o UDFIL   hvor dumpen skrives (standard: standard-ud)
`

const importUsage = `Brug: feltsagd import (-data FIL | -db postgres://…) [-i DUMP]

Indlæser en dump fra feltsagd export i en tom ledger, i én transaktion: en ny datafil,
eller en database der lige er oprettet med feltsagd migrate (kør som skemaets ejer).
Epoke og alle positioner bevares, så klienterne fortsætter uden nyt øjebliksbillede.
Stop serveren, der skrev dumpen, før den nye startes.

  -data FIL  den indlejrede datafil (bbolt), ny eller tom
  -db URL    PostgreSQL-databasen (standard $FELTSAGD_DB)
  -i DUMP    dumpen (standard: standard-ind)
`

const compareUsage = `Brug: feltsagd compare A B

Sammenligner to ledgere tabel for tabel: antal rækker og en kontrolsum (SHA-256,
uafhængig af rækkefølgen). A og B er hver en datafil (bbolt), en database
(postgres://…) eller en dump fra feltsagd export. Afslutter med fejl, når de afviger.
`

// dumpHeader is the first line of a dump.
type dumpHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

const dumpFormat = "feltsag-ledger-dump"

// dumpLedger is a ledger that export, import and compare can use.
type dumpLedger interface {
	app.LedgerDumper
	Close() error
}

// openDumpLedger opens the PostgreSQL ledger at db when it is set, else
// the bbolt file at path; must says the file must exist already.
func openDumpLedger(ctx context.Context, path, db string, must bool) (dumpLedger, error) {
	if db != "" {
		return pgledger.Open(ctx, db, pgledger.Options{})
	}
	if must {
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
	}
	return ledger.Open(path, ledger.Options{})
}

func runExport(ctx context.Context, args []string, getenv func(string) string, tx texts, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	data := fl.String("data", "", "")
	db := fl.String("db", getenv("FELTSAGD_DB"), "")
	out := fl.String("o", "-", "")
	if err := fl.Parse(args); err != nil {
		return exitError{"bad flags"}
	}
	if (*data == "") == (*db == "") || fl.NArg() > 0 {
		fmt.Fprint(stderr, exportUsage)
		return exitError{"bad flags"}
	}
	led, err := openDumpLedger(ctx, *data, *db, true)
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	defer led.Close()
	w := stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	var sums app.DumpSums
	if err := writeDump(led, w, &sums); err != nil {
		return errors.New(tx.err(err, nil))
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		printSums(stderr, sums.Tables())
	}
	return nil
}

// writeDump writes led's dump to w and counts it in sums.
func writeDump(led app.LedgerDumper, w io.Writer, sums *app.DumpSums) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(dumpHeader{Format: dumpFormat, Version: 1}); err != nil {
		return err
	}
	if err := led.Export(func(r app.DumpRow) error {
		if err := sums.Add(r); err != nil {
			return err
		}
		return enc.Encode(r)
	}); err != nil {
		return err
	}
	return bw.Flush()
}

// readDump reads a dump's rows from r.
func readDump(r io.Reader) iter.Seq2[app.DumpRow, error] {
	return func(yield func(app.DumpRow, error) bool) {
		dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
		var h dumpHeader
		if err := dec.Decode(&h); err != nil || h.Format != dumpFormat {
			yield(app.DumpRow{}, fmt.Errorf("not a feltsagd dump (format %q): %v", h.Format, err))
			return
		}
		if h.Version != 1 {
			yield(app.DumpRow{}, fmt.Errorf("dump version %d; this feltsagd reads version 1", h.Version))
			return
		}
		for {
			var row app.DumpRow
			err := dec.Decode(&row)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(app.DumpRow{}, fmt.Errorf("read the dump: %w", err))
				return
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, tx texts, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, importUsage) }
	data := fl.String("data", "", "")
	db := fl.String("db", getenv("FELTSAGD_DB"), "")
	in := fl.String("i", "-", "")
	if err := fl.Parse(args); err != nil {
		return exitError{"bad flags"}
	}
	if (*data == "") == (*db == "") || fl.NArg() > 0 {
		fmt.Fprint(stderr, importUsage)
		return exitError{"bad flags"}
	}
	r := stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	led, err := openDumpLedger(ctx, *data, *db, false)
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	defer led.Close()
	var sums app.DumpSums
	rows := func(yield func(app.DumpRow, error) bool) {
		for row, err := range readDump(r) {
			if err == nil {
				err = sums.Add(row)
			}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
	if err := led.Import(rows); err != nil {
		return errors.New(tx.err(err, nil))
	}
	if err := led.Close(); err != nil {
		return errors.New(tx.err(err, nil))
	}
	printSums(stdout, sums.Tables())
	return nil
}

// sumsOf checksums a ledger or a dump: a postgres:// URL, a dump file
// (it starts with the dump's header) or a bbolt file.
func sumsOf(ctx context.Context, where string) ([]app.TableSum, error) {
	var sums app.DumpSums
	if strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://") {
		led, err := pgledger.Open(ctx, where, pgledger.Options{})
		if err != nil {
			return nil, err
		}
		defer led.Close()
		if err := led.Export(sums.Add); err != nil {
			return nil, err
		}
		return sums.Tables(), nil
	}
	f, err := os.Open(where)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, len(`{"format"`))
	n, _ := io.ReadFull(f, head)
	if bytes.Equal(head[:n], []byte(`{"format"`)) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		for row, err := range readDump(f) {
			if err != nil {
				return nil, err
			}
			if err := sums.Add(row); err != nil {
				return nil, err
			}
		}
		return sums.Tables(), nil
	}
	f.Close()
	led, err := ledger.Open(where, ledger.Options{})
	if err != nil {
		return nil, err
	}
	defer led.Close()
	if err := led.Export(sums.Add); err != nil {
		return nil, err
	}
	return sums.Tables(), nil
}

func runCompare(ctx context.Context, args []string, tx texts, stdout, stderr io.Writer) error {
	if len(args) != 2 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, compareUsage)
		return exitError{"bad flags"}
	}
	a, err := sumsOf(ctx, args[0])
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	b, err := sumsOf(ctx, args[1])
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	differ := printCompare(stdout, a, b)
	if differ > 0 {
		return exitError{fmt.Sprintf("%d tables differ", differ)}
	}
	fmt.Fprintln(stdout, "ens: alle tabeller har samme rækker")
	return nil
}

// printSums prints a table's row count and checksum a line each.
func printSums(w io.Writer, sums []app.TableSum) {
	for _, s := range sums {
		fmt.Fprintf(w, "%-10s %8d  %s\n", s.Table, s.Rows, s.Sum)
	}
}

// printCompare prints both sides' counts and checksums table by table and
// returns how many tables differ.
func printCompare(w io.Writer, a, b []app.TableSum) int {
	bs := map[string]app.TableSum{}
	for _, s := range b {
		bs[s.Table] = s
	}
	differ := 0
	fmt.Fprintf(w, "%-10s %8s %8s  %-16s %-16s\n", "tabel", "rækker A", "rækker B", "sum A", "sum B")
	seen := map[string]bool{}
	line := func(sa, sb app.TableSum) {
		mark := ""
		if sa.Rows != sb.Rows || sa.Sum != sb.Sum {
			mark = "  AFVIGER"
			differ++
		}
		fmt.Fprintf(w, "%-10s %8d %8d  %-16.16s %-16.16s%s\n", cmp.Or(sa.Table, sb.Table), sa.Rows, sb.Rows, sa.Sum, sb.Sum, mark)
	}
	for _, sa := range a {
		seen[sa.Table] = true
		line(sa, bs[sa.Table])
	}
	for _, sb := range b {
		if !seen[sb.Table] {
			line(app.TableSum{}, sb)
		}
	}
	return differ
}

const newEpochUsage = `Brug: feltsagd new-epoch (-data FIL | -db postgres://…)

Flytter ledgeren til en ny epoke, så hver klient henter et nyt øjebliksbillede ved næste
synkronisering. Kør det efter en genindlæsning fra en sikkerhedskopi (pg_restore, en
kopieret datafil) og før serveren startes: kopien er ældre end klienternes markører, og
uden ny epoke ville de springe det over, der skrives på de genbrugte positioner.

  -data FIL  den indlejrede datafil (bbolt)
  -db URL    PostgreSQL-databasen (standard $FELTSAGD_DB)
`

// runNewEpoch moves a ledger to a new epoch (after a restore).
func runNewEpoch(ctx context.Context, args []string, getenv func(string) string, tx texts, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("new-epoch", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, newEpochUsage) }
	data := fl.String("data", "", "")
	db := fl.String("db", getenv("FELTSAGD_DB"), "")
	if err := fl.Parse(args); err != nil {
		return exitError{"bad flags"}
	}
	if (*data == "") == (*db == "") || fl.NArg() > 0 {
		fmt.Fprint(stderr, newEpochUsage)
		return exitError{"bad flags"}
	}
	var led app.Ledger
	var err error
	if *db != "" {
		led, err = pgledger.Open(ctx, *db, pgledger.Options{})
	} else if _, err = os.Stat(*data); err == nil {
		led, err = ledger.Open(*data, ledger.Options{})
	}
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	defer led.Close()
	var old, now app.Cursor
	if err := led.Update(func(t app.LedgerTx) error {
		var err error
		if old, err = t.Head(); err != nil {
			return err
		}
		now, err = t.NewEpoch()
		return err
	}); err != nil {
		return errors.New(tx.err(err, nil))
	}
	fmt.Fprintf(stdout, "ny epoke %d (før %d); loggen fortsætter fra position %d\n", now.Epoch, old.Epoch, now.Seq)
	return led.Close()
}
