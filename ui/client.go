package ui

import (
	"context"
	"crypto/rand"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/text"
)

// DefaultIdleLock is how long the client waits without input before it
// locks and hides every citizen's data.
const DefaultIdleLock = 10 * time.Minute

// Options configure New. Window, Account, Cases and Sync are required.
type Options struct {
	Window  fyne.Window
	Account Account
	Cases   Caseload
	Sync    Sync
	// Documents prints the plan, saves it as PDF and previews it; nil
	// disables those buttons.
	Documents Documents
	// Companies is the field kit's data (the consultant's companies and
	// candidates); nil hides the Virksomheder screens.
	Companies Companies
	// FieldDocuments prints and saves agreements and visit summaries; nil
	// disables those buttons.
	FieldDocuments FieldDocuments
	// Decisions records decisions on conflicts and lists rejected
	// commands; default: Cases, when it implements Decisions.
	Decisions Decisions
	// Rules are the rule tables: the Overblik's duties and deadlines, the
	// dry runs of the forms and the plan, and the names of kontaktgrupper,
	// categories and fravær types.
	Rules *app.Rules
	// RulesInForce, when set, returns the rules the replica executes
	// commands with now: a rule bundle from the server may replace Rules
	// while the window is open. The screens ask it each time they read the
	// rules; nil, or a nil result, means Rules.
	RulesInForce func() *app.Rules
	// Texts renders errors, duties and deadlines in the UI's language; nil
	// shows their keys (tests that do not look at them).
	Texts *text.Catalogue

	IdleLock time.Duration          // default DefaultIdleLock
	Now      func() time.Time       // default time.Now
	NewID    func() (app.ID, error) // default app.NewID(crypto/rand)
	// Go runs slow work (unlock, sign-in, a search, a commit) off the Fyne
	// goroutine; default `go f()`. Tests run it in place.
	Go func(f func())
	// AfterFunc runs f after d unless stop is called first; default
	// time.AfterFunc. The search field logs its query with it.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)

	// Settings keeps the caseworker's choices (the language); nil hides
	// the settings button.
	Settings Settings
	// DeviceName names this computer in the Historik tab (the replica's
	// audit records are all this computer's); "" says "this computer".
	DeviceName string

	// About is the small print under the start screens (version, rule set).
	About string

	// OnScreen, when set, is told the name of every screen shown:
	// "sign_in", "first_sync", "unlock", "sign_in_again", "main"; then
	// "case_list" when the main window's list first shows cases, "case"
	// when an opened case is drawn and "plan_preview" when the plan's
	// pages are (the smoke test and the demo wait for these in the log).
	OnScreen func(name string)

	// SignIn fills the first-run form (server address, user name) and,
	// with a password, submits it at once: the demo signs in this way.
	SignIn SignInForm
}

// SignInForm is what the first-run form is filled with.
type SignInForm struct {
	Server, User, Password string
}

// Client is the desktop client's window: the start screens, the main
// window with the case list, the case view and the sync status line, and
// the inactivity lock. Every method runs on the Fyne goroutine.
type Client struct {
	o  Options
	w  fyne.Window
	tx texts

	lastInput time.Time // last user activity, for the inactivity lock
	status    SyncStatus

	start *startScreen // the sign-in, first sync or unlock screen shown, else nil
	main  *mainScreen  // the main window's content while unlocked, else nil

	dialogs []dialog.Dialog // the dialogs open, the top one last (Escape closes it)
}

// New returns the client for o.Window; Start shows its first screen.
func New(o Options) *Client {
	if o.IdleLock <= 0 {
		o.IdleLock = DefaultIdleLock
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Go == nil {
		o.Go = func(f func()) { go f() }
	}
	if o.AfterFunc == nil {
		o.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if o.OnScreen == nil {
		o.OnScreen = func(string) {}
	}
	if o.NewID == nil {
		o.NewID = func() (app.ID, error) { return app.NewID(rand.Reader) }
	}
	if o.Decisions == nil {
		o.Decisions, _ = o.Cases.(Decisions)
	}
	if o.Decisions == nil {
		o.Decisions = noDecisions{}
	}
	c := &Client{o: o, w: o.Window}
	c.tx = texts{cat: o.Texts, names: rulesNames{c}}
	c.lastInput = o.Now()
	return c
}

// rules returns the rules in force (Options.RulesInForce), else
// Options.Rules.
func (c *Client) rules() *app.Rules {
	if c.o.RulesInForce != nil {
		if r := c.o.RulesInForce(); r != nil {
			return r
		}
	}
	return c.o.Rules
}

// rulesNames names codes from the rules in force.
type rulesNames struct{ c *Client }

// Name implements text.Names.
func (n rulesNames) Name(kind, code, lang string) (string, bool) {
	r := n.c.rules()
	if r == nil {
		return "", false
	}
	return r.Name(kind, code, lang)
}

// Start shows the sign-in screen on a first run, else the unlock screen,
// and follows the sync engine's status until ctx ends. Call it once, on
// the Fyne goroutine, before the window is shown.
func (c *Client) Start(ctx context.Context) {
	c.addShortcuts()
	if c.o.Account.FirstRun() {
		c.showSignIn()
	} else {
		c.showUnlock("")
	}
	go c.follow(ctx)
}

// follow hands every sync status change and the inactivity clock to the
// Fyne goroutine until ctx ends.
func (c *Client) follow(ctx context.Context) {
	tick := time.NewTicker(idleTick(c.o.IdleLock))
	defer tick.Stop()
	updates := c.o.Sync.Updates()
	for {
		select {
		case <-ctx.Done():
			return
		case <-updates:
			st := c.o.Sync.Status()
			fyne.Do(func() { c.setStatus(st) })
		case <-tick.C:
			fyne.Do(c.checkIdle)
		}
	}
}

// idleTick is how often the inactivity lock looks at the clock: a tenth of
// the limit, between 1 s and 30 s.
func idleTick(limit time.Duration) time.Duration {
	return min(max(limit/10, time.Second), 30*time.Second)
}

// setStatus shows a new sync status on whatever screen is up.
func (c *Client) setStatus(st SyncStatus) {
	c.status = st
	if c.start != nil {
		c.start.syncStatus(st)
	}
	if c.main != nil {
		c.main.syncStatus(st)
	}
}

// touch records user activity for the inactivity lock.
func (c *Client) touch() { c.lastInput = c.o.Now() }

// checkIdle locks the client when nobody has used it for IdleLock.
func (c *Client) checkIdle() {
	open := c.main != nil || c.start != nil && c.start.skip != nil // the sign-in-again screen leaves the replica open
	if open && c.o.Now().Sub(c.lastInput) >= c.o.IdleLock {
		c.lock(lang.L("lock.idle"))
	}
}

// lock forgets every screen that shows a citizen, locks the replica and
// asks for the password.
func (c *Client) lock(why string) {
	// The replica is open in the main window and while the caseworker
	// signs in again after an expired session (showSignInAgain offers
	// the way back without a password).
	if c.main == nil && (c.start == nil || c.start.skip == nil) {
		return
	}
	for _, d := range slices.Backward(slices.Clone(c.dialogs)) { // a dialog may show citizens (the rejected commands)
		d.Hide()
	}
	c.dialogs = nil
	if c.main != nil {
		c.main.close()
		c.main = nil
	}
	c.o.Account.Lock()
	c.showUnlock(why)
}

// showMain replaces the start screens by the main window.
func (c *Client) showMain() {
	c.start = nil
	c.touch()
	c.main = newMainScreen(c)
	c.w.SetContent(c.main.content)
	c.o.OnScreen("main") // before the list is read: it names "case_list" next
	c.main.syncStatus(c.status)
	c.main.reload()
	c.main.focusSearch()
}

// addShortcuts binds Ctrl+F (search), Ctrl+N (new note), Ctrl+L (lock),
// Ctrl+P (print the open case's plan), Ctrl+S (save the form the cursor
// is in), Ctrl+Page Down/Up (the open case's next/previous tab), Alt+1
// and Alt+2 (the caseload or the companies, when Options.Companies is set) and
// Escape (close the dialog on top).
func (c *Client) addShortcuts() {
	cv := c.w.Canvas()
	add := func(key fyne.KeyName, fn func()) {
		cv.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			c.touch()
			fn()
		})
	}
	add(fyne.KeyF, func() {
		if c.main != nil {
			c.main.focusSearch()
		}
	})
	// Alt+1 and Alt+2 switch between the caseload and the companies
	// (ui/fieldkit.go), when the field kit is there.
	for key, companies := range map[fyne.KeyName]bool{fyne.Key1: false, fyne.Key2: true} {
		cv.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) {
			c.touch()
			if c.main != nil && c.main.field != nil {
				c.main.field.showCompanies(companies)
			}
		})
	}
	add(fyne.KeyN, func() {
		if c.main != nil && !c.main.companiesShown() {
			c.main.focusNote()
		}
	})
	add(fyne.KeyL, func() { c.lock(lang.L("lock.manual")) })
	add(fyne.KeyP, func() {
		if c.main != nil && c.main.view != nil && !c.main.companiesShown() {
			c.main.view.plan.onPrint()
		}
	})
	add(fyne.KeyS, func() { // save the form the cursor is in (ui/form.go)
		if c.main != nil && c.main.field != nil && c.main.field.saveFocused() {
			return
		}
		if c.main != nil && c.main.view != nil {
			c.main.view.saveFocused()
		}
	})
	// Ctrl+Page Down and Ctrl+Page Up show the open case's next and
	// previous tab: Fyne's tabs take no keyboard focus.
	add(fyne.KeyPageDown, func() { c.nextTab(1) })
	add(fyne.KeyPageUp, func() { c.nextTab(-1) })
	cv.SetOnTypedKey(c.onKey)
}

// nextTab shows the open case's tab step places on, round.
func (c *Client) nextTab(step int) {
	if c.main == nil || c.main.view == nil || c.main.companiesShown() {
		return
	}
	tabs := c.main.view.tabs
	n := len(tabs.Items)
	tabs.SelectIndex(((tabs.SelectedIndex()+step)%n + n) % n)
}

// showDialog shows d and keeps it among the open dialogs until it
// closes, when onClosed (if set) runs: Escape closes the top one, and the
// lock closes them all.
func (c *Client) showDialog(d dialog.Dialog, onClosed func()) {
	c.dialogs = append(c.dialogs, d)
	d.SetOnClosed(func() {
		if i := slices.Index(c.dialogs, d); i >= 0 {
			c.dialogs = slices.Delete(c.dialogs, i, i+1)
		}
		if onClosed != nil {
			onClosed()
		}
	})
	d.Show()
}

// showError shows err in a dialog.
func (c *Client) showError(err error) { c.showDialog(dialog.NewError(err, c.w), nil) }

// closeDialog closes the dialog on top, as its Cancel or Close button
// would; false when none is open.
func (c *Client) closeDialog() bool {
	if len(c.dialogs) == 0 {
		return false
	}
	c.dialogs[len(c.dialogs)-1].Hide()
	return true
}

// onKey handles the keys typed while no widget has the focus: Escape
// closes the dialog on top (a dialog takes the focus from the window
// behind it, so this is where Escape lands in an open dialog until one of
// its fields is chosen).
func (c *Client) onKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		c.touch()
		if !c.closeDialog() && c.main != nil && c.main.field != nil && c.main.field.active {
			c.main.field.back() // a company form or the candidates
		}
	}
}

// Lock locks the client now, as Ctrl+L does.
func (c *Client) Lock() { c.lock(lang.L("lock.manual")) }

// OpenFirst opens the first case the list shows, as Enter in the search
// field does; it does nothing before the main window is up. The smoke
// test drives the client with it (cmd/feltsag, FELTSAG_SMOKE).
func (c *Client) OpenFirst() {
	if c.main != nil {
		c.main.list.openFirst("")
	}
}

// ShowPlanPreview shows the open case's Plan tab with its preview, as
// choosing the tab and "Forhåndsvis" does; it does nothing while no case
// is open. OnScreen is told "plan_preview" when the pages are drawn.
func (c *Client) ShowPlanPreview() {
	if c.main == nil || c.main.view == nil {
		return
	}
	v := c.main.view
	v.tabs.Select(v.planTab)
	v.plan.sub.SelectIndex(1)
}

// ShowCompanyList shows the companies instead of the cases, as Alt+2
// does; it does nothing without the field kit (Options.Companies).
// OnScreen is told "company_list" when the first list is drawn.
func (c *Client) ShowCompanyList() {
	if c.main != nil && c.main.field != nil {
		c.main.field.showCompanies(true)
	}
}

// OpenFirstCompany opens the first company the list shows, as Enter in
// the company search does; it does nothing while the cases are shown.
// OnScreen is told "company" when the card is drawn.
func (c *Client) OpenFirstCompany() {
	if c.main != nil && c.main.field != nil && c.main.field.active {
		c.main.field.list.search.OnSubmitted(c.main.field.list.search.Text)
	}
}

// mainScreen is the main window's content while the replica is unlocked.
type mainScreen struct {
	c       *Client
	list    *caseList
	view    *caseView // the open case, or nil
	right   *fyne.Container
	split   *container.Split
	field   *fieldKit // the companies (Options.Companies), or nil
	status  *statusBar
	dec     decisionsUI // conflicts and rejected commands (rejected.go)
	content fyne.CanvasObject
}

func newMainScreen(c *Client) *mainScreen {
	m := &mainScreen{c: c}
	m.list = newCaseList(c, m.open)
	m.list.loaded = m.caseloadLoaded
	m.status = newStatusBar(m.syncNow, c.signInAgainFromMain)
	m.wireDecisions()
	m.right = container.NewStack(emptyCase())
	lockBtn := widget.NewButtonWithIcon(lang.L("lock.button"), theme.VisibilityOffIcon(), c.Lock)
	title := widget.NewLabelWithStyle(lang.L("app.name"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	who := widget.NewLabel(string(c.o.Account.Actor().ID))
	right := container.NewHBox(who, lockBtn)
	if c.o.Settings != nil {
		right.Add(widget.NewButtonWithIcon(lang.L("settings.button"), theme.SettingsIcon(), func() {
			c.touch()
			c.showSettings()
		}))
	}
	top := container.NewBorder(nil, widget.NewSeparator(), title, right)
	var left fyne.CanvasObject = m.list.content
	if c.o.Companies != nil {
		m.field = newFieldKit(m)
		left = m.field.leftSide()
	}
	split := container.NewHSplit(left, m.right)
	split.Offset = 0.34
	m.split = split
	m.content = container.NewBorder(top, m.status.box, nil, nil, split)
	return m
}

// emptyCase is the right-hand side before a case is chosen.
func emptyCase() fyne.CanvasObject {
	l := widget.NewLabel(lang.L("case.none"))
	l.Alignment = fyne.TextAlignCenter
	l.Importance = widget.LowImportance
	return container.NewCenter(l)
}

func (m *mainScreen) syncNow() {
	m.c.touch()
	m.c.o.Sync.Retry()
}

// syncStatus shows st in the status line and refreshes the case list: a
// sync may have brought new cases or acknowledged changes.
func (m *mainScreen) syncStatus(st SyncStatus) {
	m.status.show(StatusText(st, m.c.o.Now(), m.c.tx.errText))
	_, renews := m.c.renewer()
	m.status.needSignIn(st.NeedSignIn && renews)
	m.reload()
	m.syncedDecisions()
}

func (m *mainScreen) reload() {
	m.list.reload()
	if m.field != nil {
		m.field.reload()
	}
}

// caseloadLoaded reads the open case again when the caseload holds
// another version of it than the screen shows: a sync brought a change
// made elsewhere (another device's note, a decided conflict), which the
// caseworker must see without opening the case again.
func (m *mainScreen) caseloadLoaded(all []app.CaseSummary) {
	if m.view == nil {
		return
	}
	id, shown := m.view.sag.ID, m.view.sag.Version
	if i := slices.IndexFunc(all, func(s app.CaseSummary) bool { return s.ID == id }); i >= 0 && all[i].Version != shown {
		m.reread(id)
	}
}

// companiesShown reports whether the field kit's companies are shown in
// place of the cases: the case's shortcuts then do nothing.
func (m *mainScreen) companiesShown() bool { return m.field != nil && m.field.active }

func (m *mainScreen) focusSearch() {
	if m.field != nil {
		m.field.focusSearch()
		return
	}
	m.c.w.Canvas().Focus(m.list.search)
}

func (m *mainScreen) focusNote() {
	if m.view != nil {
		m.view.focusNote()
	}
}

// open shows the case id on the right, read (and logged) off the Fyne
// goroutine.
func (m *mainScreen) open(id app.ID) {
	actor := m.c.o.Account.Actor()
	m.c.o.Go(func() {
		s, err := m.c.o.Cases.View(id, actor)
		fyne.Do(func() {
			if m.c.main != m {
				return // locked meanwhile: show nothing
			}
			if err != nil {
				m.right.Objects = []fyne.CanvasObject{errorPane(m.c.tx.errText(err))}
				m.right.Refresh()
				return
			}
			m.view = newCaseView(m.c, s, m.list.reload)
			m.right.Objects = []fyne.CanvasObject{m.view.content}
			m.right.Refresh()
			m.c.o.OnScreen("case")
		})
	})
}

// close drops every reference to citizen data (the inactivity lock).
func (m *mainScreen) close() {
	m.list.close()
	if m.field != nil {
		m.field.close()
	}
	m.view = nil
	m.right.Objects = nil
}

// errorPane shows an error message, wrapped, with a warning icon.
func errorPane(msg string) fyne.CanvasObject {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, l)
}
