package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
	"feltsag.dk/feltsag/ui"
)

// dayDeadline bounds every wait of the day's test for something the
// sync engines do in the background.
const dayDeadline = 20 * time.Second

// The citizen whose case both devices work on.
const (
	daySag  app.ID = "sag-ida"
	dayNavn string = "Ida Søndergaard"
)

// dayServer is the real sync server over a bbolt ledger, on a socket.
type dayServer struct {
	srv *server.Server
	led *ledger.DB
	url string
}

// newDayServer starts the server with one caseworker, cw1, who owns two
// cases: Ida Søndergaard's (registered, KG1, not yet visited, with a
// published jobplan) and another.
func newDayServer(t *testing.T) *dayServer {
	t.Helper()
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{
		Ledger: led, Engine: testkit.Engine(t),
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { _ = srv.Close(); ts.Close() })
	if err := srv.CreateAccount("cw1", "Kåre Sørensen", app.RoleCaseworker, serverPassword); err != nil {
		t.Fatal(err)
	}
	start := app.MustDate(2026, 1, 5)
	for i, c := range []struct {
		id   app.ID
		navn string
	}{{daySag, dayNavn}, {"sag-duc", "Duc Krogh Schrøder"}} {
		s := testkit.NewSag(t, start, testkit.SagArgs{ID: c.id, Navn: c.navn,
			CPR: testkit.SynthCPR(t, app.MustDate(1990, 1, 1), (i+1)*100).Digits(), Start: start, NoVisitation: true})
		s.Ansvarlig = "cw1"
		s.Kontaktgruppe.RegelSet = "2026-02"
		s.Tilmelding.Ledighedsstatus = "ledig"
		if c.id == daySag {
			s = withPublishedPlan(t, s)
		}
		if err := srv.ImportCase(s, "cw1"); err != nil {
			t.Fatal(err)
		}
	}
	return &dayServer{srv: srv, led: led, url: ts.URL}
}

// withPublishedPlan gives s a published jobplan, made by the domain's own
// commands as a caseworker would have made it before the day began.
func withPublishedPlan(t *testing.T, s *app.Sag) *app.Sag {
	t.Helper()
	eng := testkit.Engine(t)
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
	indhold := app.PlanIndhold{Jobmaal: []string{"Lagermedarbejder"}, Jobsoegning: app.Jobsoegningskrav{AntalPrUge: 3},
		Ansvarlig: app.Sagsbehandler{ID: "cw1", Navn: "Kåre Sørensen", Organisation: "Jobcenter Aarhus"}}
	for i, b := range []app.Body{&app.GemPlan{PlanID: "plan-1", Type: app.PlanJob, Indhold: indhold}, &app.OffentliggoerPlan{PlanID: "plan-1"}} {
		res, err := eng.Execute(s, app.Command{ID: app.ID("seed-" + string(rune('a'+i))), Sag: s.ID, Actor: actor, At: time.Now(), Body: b})
		if err != nil {
			t.Fatalf("seed the plan: %v", err)
		}
		s = res.Sag
	}
	return s
}

// record is the server's state of case id.
func (d *dayServer) record(t *testing.T, id app.ID) *app.Sag {
	t.Helper()
	var s app.Sag
	err := d.led.View(func(tx app.LedgerTx) error {
		rec, err := tx.Record(app.RecordSag, id)
		if err != nil {
			return err
		}
		return json.Unmarshal(rec.Data, &s)
	})
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

// audit is the server's audit trail of case id (aktindsigt).
func (d *dayServer) audit(t *testing.T, id app.ID) []app.LedgerAudit {
	t.Helper()
	var out []app.LedgerAudit
	err := d.led.View(func(tx app.LedgerTx) error {
		var err error
		out, err = tx.AuditFor(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cutProxy stands between one client and the server: a TCP proxy whose
// cable the test pulls (cut) and plugs in again (restore). Cut closes
// every live connection and refuses new ones, as a lost network does.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    gosync.Mutex
	up    bool
	conns map[net.Conn]struct{}
	wg    gosync.WaitGroup
}

func newCutProxy(t *testing.T, serverURL string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: strings.TrimPrefix(serverURL, "http://"), up: true, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

// url is the address the client is given.
func (p *cutProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		up := p.up
		p.mu.Unlock()
		if !up {
			_ = c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		if !p.track(c, s) {
			continue
		}
		p.wg.Add(2)
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// track adds a connection pair, unless the cable was cut meanwhile.
func (p *cutProxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		_ = a.Close()
		_ = b.Close()
		return false
	}
	p.conns[a], p.conns[b] = struct{}{}, struct{}{}
	return true
}

func (p *cutProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// cut takes the client offline.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for c := range p.conns {
		_ = c.Close()
	}
}

// restore brings the network back.
func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = true
}

// statusPump is the account as ui.Sync, with the window's status updates
// delivered when the test says (show) instead of whenever the engine has
// one. Fyne's test driver runs fyne.Do on the calling goroutine, so the
// client's follow goroutine would change widgets while the test reads
// them; the pump keeps that goroutine parked in Status between shows, so
// each update runs while the test goroutine waits for it, and the real
// path (follow → setStatus → the status line, the conflicts, the case read
// again) still runs.
type statusPump struct {
	*account
	updates chan struct{}
	next    chan ui.SyncStatus
	done    chan struct{}
}

func newStatusPump(a *account) *statusPump {
	return &statusPump{account: a, updates: make(chan struct{}), next: make(chan ui.SyncStatus), done: make(chan struct{})}
}

// Updates implements ui.Sync.
func (p *statusPump) Updates() <-chan struct{} { return p.updates }

// Status implements ui.Sync for the client's follow goroutine: it waits
// for the status the test shows. When the test is over, that goroutine
// ends here (it must not touch a window being closed).
func (p *statusPump) Status() ui.SyncStatus {
	select {
	case st := <-p.next:
		return st
	case <-p.done:
		runtime.Goexit()
		return ui.SyncStatus{}
	}
}

// park sends the first update: follow then waits in Status.
func (p *statusPump) park() { p.updates <- struct{}{} }

// show hands the engine's current status to the window and returns when
// the window has shown it (follow is back in Status).
func (p *statusPump) show() {
	p.next <- p.account.Status()
	p.updates <- struct{}{}
}

// stop ends the follow goroutine.
func (p *statusPump) stop() { close(p.done) }

// dayClient is one device: the account over its own replica, its window,
// and what its print handler received.
type dayClient struct {
	t       *testing.T
	name    string
	a       *account
	net     *cutProxy
	pump    *statusPump
	win     window
	printed chan []byte
}

// newDayClient wires a client as runWindow does — account, documents,
// ui.New — with a test window, an injected print handler and the pump.
func newDayClient(t *testing.T, name string, srv *dayServer) *dayClient {
	t.Helper()
	d := &dayClient{t: t, name: name, net: newCutProxy(t, srv.url), printed: make(chan []byte, 4)}
	d.a = newTestAccount(t, t.TempDir())
	d.a.deviceName = name
	docs := newDocuments(testkit.Catalogue(t), testkit.Rules(t), d.a, d.a.User)
	docs.lang = func() string { return "da" }
	docs.handoff = func(path string) error {
		b, err := os.ReadFile(path)
		d.printed <- b
		return err
	}
	t.Cleanup(docs.Close)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1366, 1000)) // tall enough for the Historik list to show the whole day
	d.pump = newStatusPump(d.a)
	c := ui.New(ui.Options{
		Window: w, Account: d.a, Cases: d.a, Sync: d.pump, Documents: docs,
		Rules: testkit.Rules(t), Texts: testkit.Catalogue(t), DeviceName: name,
		SignIn:   ui.SignInForm{Server: d.net.url(), User: "cw1"},
		IdleLock: time.Hour,
		Go:       func(f func()) { f() },
		AfterFunc: func(_ time.Duration, f func()) func() bool {
			f()
			return func() bool { return false }
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	c.Start(ctx)
	d.pump.park()
	t.Cleanup(func() {
		cancel()
		d.pump.stop()
	})
	d.win = window{t: t, w: w}
	return d
}

// wait polls ok, waking at every status change of the engine, until it
// holds or dayDeadline passes.
func (d *dayClient) wait(what string, ok func() bool) {
	d.t.Helper()
	began := time.Now()
	defer func() { d.t.Logf("%s: %s after %v", d.name, what, time.Since(began).Round(time.Millisecond)) }()
	deadline := time.After(dayDeadline)
	tick := time.NewTicker(50 * time.Millisecond) // some conditions are the server's, which has no channel here
	defer tick.Stop()
	for !ok() {
		select {
		case <-d.a.Updates():
		case <-tick.C:
		case <-deadline:
			d.t.Fatalf("%s: %s: timed out; status %+v", d.name, what, d.a.Status())
		}
	}
	d.pump.show()
}

// synced reports whether the engine is online with nothing left to send.
func (d *dayClient) synced() bool {
	st := d.a.Status()
	return st.Online && !st.Syncing && st.Pending == 0 && st.LastError == nil && !st.LastSync.IsZero()
}

// signIn signs in through the first-run form and waits for the first
// sync to bring the case list.
func (d *dayClient) signIn() {
	d.t.Helper()
	d.win.formPassword(serverPassword)
	d.win.tapButton("Log ind")
	d.wait("the first sync", func() bool { return !d.a.Status().LastSync.IsZero() })
	d.see("the case list", "2 af 2 sager", dayNavn)
}

// offline pulls the cable and waits until the engine knows.
func (d *dayClient) offline() {
	d.t.Helper()
	d.net.cut()
	d.wait("offline", func() bool { return !d.a.Status().Online })
	d.see("Offline in the status line", "Offline ·")
}

// reconnect plugs the cable in, presses "Synkronisér nu" and waits until
// everything saved here is sent and answered.
func (d *dayClient) reconnect() {
	d.t.Helper()
	d.net.restore()
	d.win.tapButton("Synkronisér nu")
	d.wait("reconnected and synced", d.synced)
}

// openCase searches for the citizen by name and opens the first hit
// (Enter), as a caseworker does with Ctrl+F.
func (d *dayClient) openCase() {
	d.t.Helper()
	fyne.DoAndWait(func() {
		// The search field is ui's own Entry (it lets the window's
		// shortcuts through); any field that takes text will do here.
		f, ok := d.win.w.Canvas().Focused().(interface {
			fyne.Focusable
			SetText(string)
		})
		if !ok {
			d.t.Fatalf("%s: the search field does not have the cursor", d.name)
		}
		f.SetText("")
		test.Type(f, "Ida")
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	d.see("the case view", dayNavn+" · ")
}

// tab selects the case view's tab.
func (d *dayClient) tab(name string) {
	d.t.Helper()
	var ok bool
	fyne.DoAndWait(func() { ok = d.win.tab(name) })
	if !ok {
		d.t.Fatalf("%s: no tab %q; the window shows %q", d.name, name, d.win.labels())
	}
}

// field returns the widget of the form row labelled label in the shown
// tab: the first form that has one.
func field[T fyne.CanvasObject](d *dayClient, label string) T {
	d.t.Helper()
	var zero T
	for _, o := range d.win.objects() {
		box, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for i := 0; i+1 < len(box.Objects); i++ {
			if l, ok := box.Objects[i].(*widget.Label); ok && l.Text == label && l.Visible() {
				if w := below[T](box.Objects[i+1]); len(w) > 0 {
					return w[0]
				}
			}
		}
	}
	d.t.Fatalf("%s: no field %q; the window shows %q", d.name, label, d.win.labels())
	return zero
}

// entryField is the text field labelled label (textEntries).
func entryField(d *dayClient, label string) *widget.Entry {
	d.t.Helper()
	for _, o := range d.win.objects() {
		box, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		for i := 0; i+1 < len(box.Objects); i++ {
			if l, ok := box.Objects[i].(*widget.Label); ok && l.Text == label && l.Visible() {
				if e := textEntries(box.Objects[i+1]); len(e) > 0 {
					return e[0]
				}
			}
		}
	}
	d.t.Fatalf("%s: no text field %q; the window shows %q", d.name, label, d.win.labels())
	return nil
}

// print presses Ctrl+P and returns the PDF the print handler received.
func (d *dayClient) print() []byte {
	d.t.Helper()
	began := time.Now()
	defer func() { d.t.Logf("%s: printed in %v", d.name, time.Since(began).Round(time.Millisecond)) }()
	fyne.DoAndWait(func() {
		ctrlP := &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
		d.win.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlP)
	})
	select {
	case b := <-d.printed:
		if !bytes.HasPrefix(b, []byte("%PDF")) || pageCount(b) < 1 {
			d.t.Fatalf("%s: the print handler got %d bytes with %d pages", d.name, len(b), pageCount(b))
		}
		return b
	default:
		d.tab("Plan")
		d.t.Fatalf("%s: Ctrl+P printed nothing; the window shows %q", d.name, d.win.labels())
		return nil
	}
}

// pdfText is the text of a PDF by pdftotext, or "" without it.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return ""
	}
	cmd := exec.Command(bin, "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestDayOfTwoDevices is issue 10's caseworker's day, end to end: two
// clients wired as cmd/feltsag wires them (the real account over real
// encrypted replicas, the real sync engine, the real documents over the
// pdf package, Fyne's test driver for each window) against the real sync
// server on a socket, each behind a proxy whose cable the test pulls.
//
// The two clients are the same caseworker's two devices (the laptop taken
// to an outreach location and the office desktop): the server lets only a
// case's owner change it (a colleague's push is refused as not assigned,
// sync/server merge.go decide), and a conflict is routed to the owner,
// so two devices of the owner is the situation in which one person's
// offline work meets their own other work.
//
// Both sign in and sync, then go offline. The laptop registers a
// sygemelding through the Fravær form, seeing the afmelding among the
// consequences before saving; the desktop visits the citizen (Visitation
// form, with its begrundelse) and adds a note; both print the plan. The
// laptop reconnects first: its sygemelding is applied. Then the desktop:
// its note merges, and its visitation — which, run again on the server's
// state, rewrites what the sygemelding restores at raskmelding, a
// protected field the desktop never saw — becomes a conflict in the
// owner's Konflikter tab with base, mine and theirs. It is resolved there
// with a note; both windows converge to the server's state; every step is
// in each device's Historik and in the server's audit.
//
// Concurrency: the server, both sync engines and the proxies run for
// real on their own goroutines. Fyne's test driver runs fyne.Do on the
// calling goroutine, so the screens' slow work runs in place (Options.Go,
// as plan_window_test.go does) and each window takes its sync status
// updates through statusPump, at the points where the test waits.
func TestDayOfTwoDevices(t *testing.T) {
	began := time.Now()
	test.NewTempApp(t)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "da_DK.UTF-8")
	if err := ui.LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	srv := newDayServer(t)
	laptop := newDayClient(t, "Bærbar KS", srv)
	office := newDayClient(t, "Kontor KS", srv)
	today := app.DateOf(time.Now())
	step := func(what string) { t.Logf("%v: %s", time.Since(began).Round(time.Millisecond), what) }

	step("1. sign in, sync, go offline")
	// 1. Both sign in and sync; both go offline.
	laptop.signIn()
	office.signIn()
	laptop.openCase()
	office.openCase()
	laptop.offline()
	office.offline()

	step("2a. the laptop: sygemelding, print")
	// 2a. The laptop registers a sygemelding through the Fravær form.
	laptop.tab("Fravær")
	fyne.DoAndWait(func() {
		field[*widget.Select](laptop, "Type").SetSelected("Sygdom – sygemelding")
		test.Type(entryField(laptop, "Start"), today.Dansk())
	})
	afmelding := "Borgeren afmeldes som ledig fra " + today.Dansk()
	laptop.see("the afmelding among the consequences before saving", "Det sker, når du gemmer", afmelding)
	if p, _ := laptop.a.Pending(); len(p) != 0 {
		t.Fatalf("the dry run saved %d commands", len(p))
	}
	laptop.win.tapButton("Gem lokalt")
	laptop.see("Gemt lokalt", "Gemt lokalt.")
	laptopPDF := laptop.print()

	step("2b. the desktop: visitation, note, print")
	// 2b. The office desktop visits the citizen and adds a note.
	office.tab("Visitation")
	fyne.DoAndWait(func() {
		field[*widget.Select](office, "Kategori").SetSelected("Match 1 – jobklar")
		test.Type(entryField(office, "Begrundelse"), "Klar til job efter samtale")
	})
	office.see("the visitation's consequences", "Det sker, når du gemmer")
	office.win.tapButton("Gem lokalt")
	office.see("Gemt lokalt", "Gemt lokalt.")
	fyne.DoAndWait(func() {
		ctrlN := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
		office.win.w.Canvas().(fyne.Shortcutable).TypedShortcut(ctrlN)
		e, ok := office.win.w.Canvas().Focused().(interface{ TextEntry() *widget.Entry })
		if !ok {
			t.Fatal("Ctrl+N did not put the cursor in a note")
		}
		test.Type(e.TextEntry(), "Ida ringede: vil gerne i praktik")
	})
	office.win.tapButton("Tilføj notat")
	office.see("the note in the journal", "Ida ringede: vil gerne i praktik")
	desktopPDF := office.print()

	for _, d := range []*dayClient{laptop, office} {
		d.pump.show()
		d.see("changes not sent in the status line", "ikke sendt ·")
	}
	// Each paper shows the case as that device knows it.
	if lt, dt := pdfText(t, laptopPDF), pdfText(t, desktopPDF); lt != "" {
		if !strings.Contains(lt, "Lagermedarbejder") || !strings.Contains(dt, "Lagermedarbejder") {
			t.Errorf("a printed plan lacks its job goal:\nlaptop:\n%s\ndesktop:\n%s", lt, dt)
		}
		if !strings.Contains(lt, "ygemeld") || strings.Contains(dt, "ygemeld") {
			t.Errorf("the laptop's plan should name the sygemelding and the office's not:\nlaptop:\n%s\ndesktop:\n%s", lt, dt)
		}
	}

	step("3. reconnect: the laptop, then the desktop")
	// 3. The laptop reconnects first, then the office desktop.
	laptop.reconnect()
	if s := srv.record(t, daySag); len(s.Fravaer) != 1 || s.Tilmelding.ErTilmeldt() {
		t.Fatalf("the server after the laptop: %d fravær, tilmeldt %v", len(s.Fravaer), s.Tilmelding.ErTilmeldt())
	}
	office.reconnect()
	s := srv.record(t, daySag)
	if !slices.ContainsFunc(s.Notater, func(n app.Notat) bool { return n.Tekst == "Ida ringede: vil gerne i praktik" }) {
		t.Errorf("the note did not merge: %+v", s.Notater)
	}
	if s.Visitation.Kategori != "" {
		t.Errorf("the visitation was applied (%q) instead of waiting for a decision", s.Visitation.Kategori)
	}
	ks, err := srv.srv.Conflicts("cw1")
	if err != nil || len(ks) != 1 {
		t.Fatalf("server conflicts = %+v, %v; want one", ks, err)
	}
	k := ks[0]
	if !strings.HasPrefix(k.Field, "fravaer/") || k.Mine.Device == "" {
		t.Errorf("the conflict: field %q, mine from %q", k.Field, k.Mine.Device)
	}

	step("3. the conflict in the Konflikter tab")
	// The conflict in the office's Konflikter tab: base, mine, theirs.
	// Routed to the owner: both devices hold it (the notice follows the
	// push's answer).
	for _, d := range []*dayClient{laptop, office} {
		d.wait("the conflict on the device", func() bool {
			ks, err := d.a.Conflicts(daySag)
			return err == nil && len(ks) == 1
		})
		d.win.must("the open conflict in the status line", func() bool { return d.hasButton("1 konflikt venter") })
	}
	office.tab("Konflikter (1)")
	office.see("base, mine and theirs", "Konflikt om fravær", "Før (fælles udgangspunkt)", "Din ændring", "Serverens værdi (gælder nu)",
		"foer.kategori: Match 1 – jobklar", "cw1 · denne computer (Kontor KS) · ")
	fyne.DoAndWait(func() {
		radios := below[*widget.RadioGroup](office.win.w.Content())
		if len(radios) != 1 {
			t.Fatalf("%d decisions shown", len(radios))
		}
		radios[0].SetSelected("Brug min ændring")
		for _, e := range textEntries(office.win.w.Content()) {
			if e.MultiLine && e.PlaceHolder != "" && e.Visible() && strings.Contains(strings.ToLower(e.PlaceHolder), "begrund") {
				test.Type(e, "Visitationen gælder; sygemeldingen står")
			}
		}
	})
	office.win.tapButton("Afgør konflikt")
	// The engine is online: the decision may be answered before the tab
	// reads the conflict again, so either the decision or no conflict.
	office.win.must("the decision", func() bool {
		return office.win.hasLabel("Afgjort: Brug min ændring") || office.win.hasLabel("Ingen åbne konflikter på sagen.")
	})

	step("3. both converge")
	// Both converge to the server's state.
	office.wait("the decision answered", func() bool {
		ks, err := srv.srv.Conflicts("cw1")
		return err == nil && len(ks) == 0 && office.synced()
	})
	want := srv.record(t, daySag)
	if want.Visitation.Kategori != "match1" || len(want.Fravaer) != 1 || want.Fravaer[0].Foer == nil || want.Fravaer[0].Foer.Kategori != "match1" {
		t.Errorf("the server after the decision: visitation %q, fravær %+v", want.Visitation.Kategori, want.Fravaer)
	}
	for _, d := range []*dayClient{laptop, office} {
		d.wait("the server's state", func() bool {
			v, err := d.a.View(daySag, d.a.Actor())
			ks, kerr := d.a.Conflicts(daySag)
			return err == nil && kerr == nil && v.Version == want.Version && len(ks) == 0 && d.synced()
		})
		got, err := d.a.View(daySag, d.a.Actor())
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s: the replica's case differs from the server's:\n got %s\nwant %s", d.name, gb, wb)
		}
		d.tab("Overblik")
		d.see("the server's state in the window", "Match 1 – jobklar (fra "+today.Dansk()+")", "Sygdom – sygemelding fra "+today.Dansk(), "Afmeldt "+today.Dansk(), "alt er sendt")
		d.tab("Journal")
		d.see("the merged note", "Ida ringede: vil gerne i praktik")
		d.tab("Konflikter")
		d.see("no conflict left", "Ingen åbne konflikter på sagen.")
	}

	step("4. Historik and the server's audit")
	// 4. Every step in each device's Historik and in the server's audit.
	steps := map[*dayClient][]string{
		laptop: {"Ændring: Fravær registreret", "Sendt til udskrivning: Min Plan (jobplan)"},
		office: {"Ændring: Visiteret", "Ændring: Notat tilføjet", "Sendt til udskrivning: Min Plan (jobplan)", "Ændring: Konflikt afgjort: min ændring brugt"},
	}
	for _, d := range []*dayClient{laptop, office} {
		d.tab("Historik")
		d.see("every step in Historik", append(steps[d], "denne computer ("+d.name+")")...)
	}
	kinds := func() map[string]bool {
		got := map[string]bool{}
		for _, r := range srv.audit(t, daySag) {
			got[string(r.Device)+" "+r.Record.Action+"/"+r.Record.Kind] = true
		}
		return got
	}
	devLaptop, devDesktop := laptop.a.cfg.Device, office.a.cfg.Device
	wantAudit := []string{
		string(devLaptop) + " changed/registrer_fravaer", string(devLaptop) + " printed/min_plan", string(devLaptop) + " viewed/",
		string(devDesktop) + " changed/visiter", string(devDesktop) + " changed/tilfoej_notat", string(devDesktop) + " printed/min_plan",
		string(devDesktop) + " changed/" + "resolve_mine", string(devDesktop) + " viewed/",
	}
	office.wait("every step in the server's audit", func() bool {
		got := kinds()
		for _, w := range wantAudit {
			if !got[w] {
				return false
			}
		}
		return true
	})
	// The value the decision replaced is in the server's audit too.
	if !slices.ContainsFunc(srv.audit(t, daySag), func(r app.LedgerAudit) bool {
		return r.Field == k.Field && len(r.Overwritten) > 0
	}) {
		t.Errorf("the server's audit lacks the fravær the decision overwrote")
	}
	t.Logf("the day took %v", time.Since(began).Round(time.Millisecond))
}

// see fails the test unless every one of texts is in a visible label
// (one walk over the window: each walk lays out and measures every widget).
func (d *dayClient) see(what string, texts ...string) {
	d.t.Helper()
	var shown []string
	fyne.DoAndWait(func() {
		for _, o := range d.win.objects() {
			if l, ok := o.(*widget.Label); ok && l.Visible() && l.Text != "" {
				shown = append(shown, l.Text)
			}
		}
	})
	for _, want := range texts {
		if !slices.ContainsFunc(shown, func(s string) bool { return strings.Contains(s, want) }) {
			d.t.Fatalf("%s: no %s (%q); the window shows %q", d.name, what, want, shown)
		}
	}
}

// hasButton reports whether a visible button's text contains s.
func (d *dayClient) hasButton(s string) bool {
	var ok bool
	fyne.DoAndWait(func() {
		for _, o := range d.win.objects() {
			if b, isB := o.(*widget.Button); isB && b.Visible() && strings.Contains(b.Text, s) {
				ok = true
			}
		}
	})
	return ok
}
