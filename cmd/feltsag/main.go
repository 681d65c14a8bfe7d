// Command feltsag is Feltsag's desktop client. It is the composition root
// for the Fyne side: it creates the Fyne application, loads the translations
// and the rules, and wires the encrypted replica (store), the sync engine
// (sync/client) and the sign-in into the screens of ui (account.go).
//
// Flags:
//
//	-server URL   fill the first-run form with this server address
//	-user NAME    and this user name
//	-data DIR     keep the replica and the settings here instead of the OS's
//	              application-data folder
//
// FELTSAG_DEMO_PASSWORD, when set, signs in at once with -server and -user
// (make demo does this against feltsagd serve --demo). It is read from the
// environment so that it never shows in the process list, and it is never
// logged.
//
// FELTSAG_SMOKE=1 lets the smoke test walk the client through its screens
// with steps on standard input (smoke.go); it adds nothing a caseworker
// sees.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/wire"
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
	server := flags.String("server", "", "fill the sign-in form with this server address")
	user := flags.String("user", "", "fill the sign-in form with this user name")
	data := flags.String("data", "", "folder for the replica and settings (default: the OS's application-data folder)")
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
	dir := *data
	if dir == "" {
		var err error
		if dir, err = dataDir(); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	prefs, err := loadSettings(dir)
	if err != nil {
		log.Warn("settings", "err", err)
	}
	if err := ui.LoadTranslations(); err != nil {
		return err
	}
	if err := ui.SetLanguage(prefs.Language()); err != nil {
		return err
	}
	form := ui.SignInForm{Server: *server, User: *user, Password: getenv(demoPasswordEnv)}
	var steps io.Reader
	if getenv(smokeEnv) == "1" {
		steps = os.Stdin
	}
	return runWindow(ctx, dir, form, prefs, log, steps)
}

// demoPasswordEnv names the variable make demo passes the demo
// caseworker's password in.
const demoPasswordEnv = "FELTSAG_DEMO_PASSWORD"

// dataDir is the folder store.DefaultPath puts replicas in. The ids only
// name a file in it, which is not used.
func dataDir() (string, error) {
	p, err := store.DefaultPath("feltsag", "settings")
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// runWindow shows the client and blocks until the window is closed or ctx
// is cancelled (Ctrl-C, SIGTERM); then it stops sync and closes the replica.
// steps, when not nil, are the smoke test's (smoke.go).
func runWindow(ctx context.Context, dir string, form ui.SignInForm, prefs ui.Settings, log *slog.Logger, steps io.Reader) error {
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		return fmt.Errorf("load the rule tables: %s", errorText(err))
	}
	files, err := wire.RuleFilesOf(assets.Rules())
	if err != nil {
		return fmt.Errorf("read the rule tables: %w", err)
	}
	cat, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		return err
	}
	acct := newAccount(dir, app.NewEngine(rules), store.Options{}, version, wire.BundleDigest(files), log)
	defer acct.Close()
	docs := newDocuments(cat, rules, acct, acct.User)
	docs.inForce = acct.RulesInForce
	defer docs.Close()
	if form.Server == "" && form.User == "" {
		form.Server, form.User = acct.Prefill()
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.Icon()))
	w := a.NewWindow(lang.L("app.name"))
	w.Resize(fyne.NewSize(1280, 760))
	w.CenterOnScreen()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := ui.New(ui.Options{
		Window: w, Account: acct, Cases: acct, Companies: acct, Sync: acct, Documents: docs, Rules: rules, RulesInForce: acct.RulesInForce,
		Texts: cat, Settings: prefs, FieldDocuments: newFieldDocuments(docs),
		SignIn: form, About: about(version, rules, app.DateOf(time.Now())), DeviceName: acct.deviceName,
		OnScreen: func(name string) { log.Info("screen", "name", name) },
	})
	c.Start(ctx)
	if steps != nil {
		go driveSmoke(steps, c, fyne.Do, log)
	}
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

// about is the start screens' small print: the version and the rule set
// in force today.
func about(version string, rules *app.Rules, today app.Date) string {
	line := lang.L("status.version", map[string]any{"Version": version})
	if rs, err := rules.ForDate(today); err == nil {
		line += " · " + lang.L("status.rules_today", map[string]any{"Dato": today.Dansk(), "Version": rs.Version})
	}
	return line
}
