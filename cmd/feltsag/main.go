// Command feltsag is Feltsag's desktop client. It is the composition root
// for the Fyne side: it creates the Fyne application, loads the translations
// and wires the screens in ui to what they need.
//
// For now it shows a placeholder home screen with status lines; the case
// list, sync and the local store arrive with their issues.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/ui"
)

// appID must match Details.ID in FyneApp.toml: Fyne keys preferences and
// storage by it.
const appID = "dk.feltsag.app"

// version is overridden at link time by the Makefile
// (-ldflags "-X main.version=..."), which reads it from FyneApp.toml.
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "feltsag: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run parses the flags and runs the client until its window closes or ctx is
// cancelled. getenv is unused until the client reads configuration.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("feltsag", flag.ContinueOnError)
	flags.SetOutput(stderr)
	showVersion := flags.Bool("version", false, "print the version and exit")
	if err := flags.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *showVersion {
		_, err := fmt.Fprintln(stdout, version)
		return err
	}
	if err := ui.LoadTranslations(); err != nil {
		return err
	}
	return runWindow(ctx)
}

// runWindow shows the home screen and blocks until the window is closed or
// ctx is cancelled (Ctrl-C, SIGTERM).
func runWindow(ctx context.Context) error {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon()))
	w := a.NewWindow(lang.L("app.name"))
	w.SetContent(ui.NewHome(statusLines(version, app.DateOf(time.Now()))))
	w.Resize(fyne.NewSize(1000, 700))
	w.CenterOnScreen()
	stopQuit := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stopQuit()
	w.ShowAndRun()
	return nil
}

// errorText renders err in the UI's language through the catalogue of
// texts (the same files lang.L reads).
func errorText(err error) string {
	cat, lerr := text.Load(assets.I18n(), assets.I18nDir)
	if lerr != nil {
		return lerr.Error()
	}
	return cat.Error(ui.Language(), err, nil)
}

// statusLines are the home screen's status lines, translated: the version,
// the rule sets the client enforces, and what comes later.
func statusLines(version string, today app.Date) []string {
	lines := []string{lang.L("status.version", map[string]any{"Version": version})}
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		lines = append(lines, lang.L("status.rules_error", map[string]any{"Fejl": errorText(err)}))
		return append(lines, lang.L("status.sync_later"))
	}
	for _, s := range rules.Sets {
		lines = append(lines, lang.L("status.rules", map[string]any{"Version": s.Version, "Fra": s.Periode.Start.Dansk(), "Navn": s.Navn}))
	}
	if rs, err := rules.ForDate(today); err == nil {
		lines = append(lines, lang.L("status.rules_today", map[string]any{"Dato": today.Dansk(), "Version": rs.Version}))
	}
	return append(lines, lang.L("status.pdf"), lang.L("status.sync_later"))
}
