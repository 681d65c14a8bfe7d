// Command layercheck fails when a Feltsag package imports across a layer
// boundary that DESIGN.md §2 forbids:
//
//   - app (and below) imports the standard library only;
//   - store imports app, bbolt and x/crypto, and the server's ledger
//     (store/ledger) only app and bbolt; its conformance suite
//     (store/ledger/ledgertest) only app; the PostgreSQL ledger
//     (store/pgledger) only app and pgx; sync imports app,
//     gorilla/websocket and x/crypto, and never reaches store or pdf;
//     pdf imports app, assets and fpdf;
//   - ui imports app, assets and Fyne, and never reaches fyne.io/fyne/v2/app,
//     store, sync or pdf, directly or not;
//   - store, sync and pdf never reach ui or Fyne;
//   - assets imports only embed, io and io/fs;
//   - no package of the module takes the name of a standard library package
//     (a package sync would hide the standard library's in every importer).
//   - no package imports internal/testkit or internal/pgtest (tests do).
//
// It reads the import graph from `go list -deps -json` run in the module root
// (-dir), so it sees what the compiler sees for the given build tags. Test
// files are not checked: a test may wire real adapters.
//
// Usage: go run ./.ci/layercheck [-dir .] [-tags migrated_fynedo]
//
// It lives under .ci/ on purpose: `./...` skips dot-directories, so the
// checker is not part of the product, and `go run ./.ci/layercheck` still
// works because the path is named explicitly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "layercheck: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// errViolations is returned when at least one forbidden import was found; the
// violations themselves have been printed already.
var errViolations = errors.New("forbidden imports found (see above); DESIGN.md §2 lists the layers")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("layercheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dir := flags.String("dir", ".", "module root to check")
	tags := flags.String("tags", "migrated_fynedo", "build tags, comma-separated")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	g, err := loadGraph(ctx, *dir, *tags)
	if err != nil {
		return err
	}
	vs := check(g)
	for _, v := range vs {
		fmt.Fprintln(stdout, v)
	}
	shadows := shadowing(g)
	for _, s := range shadows {
		fmt.Fprintln(stdout, s)
	}
	if len(vs) > 0 || len(shadows) > 0 {
		return errViolations
	}
	fmt.Fprintf(stdout, "layercheck: %d packages in %s, layers ok\n", len(g.own), g.module)
	return nil
}
