package main

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/app/text"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/store"
	"feltsag.dk/feltsag/sync/wire"
	"feltsag.dk/feltsag/ui"
)

// Issue 10's client figures, measured on the real parts: a replica of
// 5,000 demo cases (app/demo, built through the engine, stored encrypted
// by store as a sync would), the account of cmd/feltsag over it, and the
// screens of ui in Fyne's test driver. Benchmarks report (b.ReportMetric)
// and never fail on a slow machine; docs/performance.md has the figures.
// Run: go test -tags migrated_fynedo -run '^$' -bench Client5000 ./cmd/feltsag/

const benchPassword = "korrekt hest batteri hæfteklamme"

// benchCases is the size of the caseload issue 10 sets its targets for.
const benchCases = 5000

// benchReplica writes the data folder of a caseworker with 5,000 demo
// cases on this computer: the settings file and the encrypted replica,
// unlocked with benchPassword (a cheap KDF: Argon2id is excluded from the
// targets and measured by store's BenchmarkArgon2id).
func benchReplica(b *testing.B, rules *app.Rules) string {
	b.Helper()
	pop, err := demo.Generate(rules, 1, benchCases, app.DateOf(time.Now()))
	if err != nil {
		b.Fatal(err)
	}
	cw, err1 := app.NewID(rand.Reader)
	dev, err2 := app.NewID(rand.Reader)
	if err := firstError(err1, err2); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	a := benchAccount(b, dir, rules)
	cfg := config{Server: "http://127.0.0.1:1", User: "bench", Caseworker: cw, Device: dev}
	path, err := a.replicaPath(cfg)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Create(path, benchPassword, a.storeOpts)
	if err != nil {
		b.Fatal(err)
	}
	for start := 0; start < len(pop.Sager); start += 500 {
		var batch []*app.Sag
		for i := start; i < min(len(pop.Sager), start+500); i++ {
			batch = append(batch, &pop.Sager[i])
		}
		if err := db.PutConfirmed(batch...); err != nil {
			b.Fatal(err)
		}
	}
	if err := firstError(db.Close(), a.saveConfig(cfg)); err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchAccount(b *testing.B, dir string, rules *app.Rules) *account {
	b.Helper()
	opts := store.Options{KDF: store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}, Sleep: func(time.Duration) {}}
	a := newAccount(dir, app.NewEngine(rules), opts, "bench", wire.BundleDigest(nil), slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Cleanup(a.Close)
	return a
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// benchClient is the client's window over the account, as runWindow wires
// it, with slow work run in place (so a call returns when its screen is
// up) and the search's debounced audit call never due.
type benchClient struct {
	w    fyne.Window
	a    *account
	c    *ui.Client
	stop context.CancelFunc
}

func newBenchClient(b *testing.B, dir string, rules *app.Rules, cat *text.Catalogue) *benchClient {
	b.Helper()
	a := benchAccount(b, dir, rules)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1280, 760))
	c := ui.New(ui.Options{
		Window: w, Account: a, Cases: a, Sync: a, Rules: rules, Texts: cat,
		Go:        func(f func()) { f() },
		AfterFunc: func(time.Duration, func()) func() bool { return func() bool { return true } },
	})
	ctx, cancel := context.WithCancel(context.Background())
	c.Start(ctx)
	return &benchClient{w: w, a: a, c: c, stop: cancel}
}

func (bc *benchClient) close() {
	bc.stop()
	bc.w.Close()
	bc.a.Close()
}

// find returns the first widget of type T on the window, else nil.
func find[T fyne.CanvasObject](w fyne.Window, ok func(T) bool) T {
	var zero T
	for _, o := range test.LaidOutObjects(w.Content()) {
		if t, is := o.(T); is && ok(t) {
			return t
		}
	}
	return zero
}

// unlock types the password on the unlock screen and submits it; it
// returns when the main window shows the case list.
func (bc *benchClient) unlock(b *testing.B) {
	b.Helper()
	var pw *widget.Entry
	for _, e := range textEntries(bc.w.Content()) {
		if e.Password {
			pw = e
			break
		}
	}
	if pw == nil {
		b.Fatal("no password field on the start screen")
	}
	pw.SetText(benchPassword)
	pw.OnSubmitted(pw.Text) // Enter
	if n := bc.list(b).Length(); n != benchCases {
		b.Fatalf("the list shows %d cases, want %d", n, benchCases)
	}
}

func (bc *benchClient) list(b *testing.B) *widget.List {
	b.Helper()
	l := find(bc.w, func(*widget.List) bool { return true })
	if l == nil {
		b.Fatal("no case list on the window")
	}
	return l
}

// BenchmarkClient5000 measures issue 10's three client targets over 5,000
// cases:
//
//   - cold-start: loading the rules, texts and translations as main does,
//     then from the password's submit to the main window listing 5,000
//     cases (opening and unlocking the replica, decrypting and indexing
//     it, the list screen); the KDF's time is subtracted (target ≤ 1 s).
//   - keystroke: one character typed into the search field, which filters
//     the 5,000 cases and shows the result (target ≤ 16 ms).
//   - open: selecting a case in the list until its view is on the window:
//     the replica's View (audit record and fsync included), the Overblik
//     with its rules, timeline and lists (target ≤ 50 ms).
func BenchmarkClient5000(b *testing.B) {
	test.NewTempApp(b)
	b.Setenv("LANG", "da_DK.UTF-8")
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		b.Fatal(err)
	}
	cat, err := text.Load(assets.I18n(), assets.I18nDir)
	if err != nil {
		b.Fatal(err)
	}
	if err := ui.LoadTranslations(); err != nil {
		b.Fatal(err)
	}
	dir := benchReplica(b, rules)

	b.Run("cold-start", func(b *testing.B) {
		var total, cpu, startup, kdf, check, load []time.Duration
		for b.Loop() {
			t0, c0 := time.Now(), cpuTime()
			rules, err := app.LoadRules(assets.Rules())
			if err != nil {
				b.Fatal(err)
			}
			cat, err := text.Load(assets.I18n(), assets.I18nDir)
			if err != nil {
				b.Fatal(err)
			}
			if err := ui.LoadTranslations(); err != nil {
				b.Fatal(err)
			}
			bc := newBenchClient(b, dir, rules, cat)
			t1 := time.Now()
			bc.unlock(b)
			st := bc.a.db.Stats()
			k := st.KDF
			check, load = append(check, st.Check), append(load, st.Load)
			total, cpu = append(total, time.Since(t0)-k), append(cpu, cpuTime()-c0-k)
			startup, kdf = append(startup, t1.Sub(t0)), append(kdf, k)
			bc.close()
		}
		b.ReportMetric(ms(p(total, 50)), "p50-ms")
		b.ReportMetric(ms(p(total, 100)), "max-ms")
		b.ReportMetric(ms(p(cpu, 50)), "cpu-p50-ms")
		b.ReportMetric(ms(p(startup, 50)), "rules+texts-p50-ms")
		b.ReportMetric(ms(p(kdf, 50)), "kdf-excluded-p50-ms")
		b.ReportMetric(ms(p(check, 50)), "store-check-p50-ms")
		b.ReportMetric(ms(p(load, 50)), "store-load-p50-ms")
	})

	bc := newBenchClient(b, dir, rules, cat)
	defer bc.close()
	bc.unlock(b)

	b.Run("keystroke", func(b *testing.B) {
		var search *widget.Entry
		for _, e := range textEntries(bc.w.Content()) {
			if !e.Password && !e.MultiLine {
				search = e
				break
			}
		}
		if search == nil {
			b.Fatal("no search field")
		}
		queries := []string{"martin", "søren niel", "0101", "jensen a", "zz"}
		var d, cpu []time.Duration
		for i := 0; b.Loop(); i++ {
			q := queries[i%len(queries)]
			search.SetText("")
			for _, r := range q {
				start, c0 := time.Now(), cpuTime()
				test.Type(search, string(r))
				d, cpu = append(d, time.Since(start)), append(cpu, cpuTime()-c0)
			}
		}
		b.ReportMetric(ms(p(d, 50)), "p50-ms")
		b.ReportMetric(ms(p(cpu, 50)), "cpu-p50-ms")
		b.ReportMetric(ms(p(d, 95)), "p95-ms")
		b.ReportMetric(ms(p(d, 100)), "max-ms")
		search.SetText("")
	})

	b.Run("open", func(b *testing.B) {
		l := bc.list(b)
		if n := l.Length(); n != benchCases {
			b.Fatalf("the list shows %d cases, want %d", n, benchCases)
		}
		cases, err := bc.a.List()
		if err != nil {
			b.Fatal(err)
		}
		var d, cpu, view []time.Duration
		for i := 0; b.Loop(); i++ {
			row := (i * 997) % benchCases
			l.ScrollTo(row)
			start, c0 := time.Now(), cpuTime()
			l.Select(row)
			d, cpu = append(d, time.Since(start)), append(cpu, cpuTime()-c0)
			// The replica's part alone (one more audit record): its fsync
			// is most of the difference between wall and CPU time.
			start = time.Now()
			if _, err := bc.a.View(cases[row].ID, bc.a.Actor()); err != nil {
				b.Fatal(err)
			}
			view = append(view, time.Since(start))
		}
		if tabs := find(bc.w, func(*container.AppTabs) bool { return true }); tabs == nil {
			b.Fatal("no case view after selecting a case")
		}
		b.ReportMetric(ms(p(d, 50)), "p50-ms")
		b.ReportMetric(ms(p(cpu, 50)), "cpu-p50-ms")
		b.ReportMetric(ms(p(d, 95)), "p95-ms")
		b.ReportMetric(ms(p(d, 100)), "max-ms")
		b.ReportMetric(ms(p(view, 50)), "store-view-p50-ms")
	})
}

// p returns the q-th percentile of d (0 < q ≤ 100).
func p(d []time.Duration, q int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*q)/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
