package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Sync is what the screens need of the sync engine. cmd/feltsag adapts
// sync/client's engine; ui never imports it.
type Sync interface {
	// Status returns the current state of sync.
	Status() SyncStatus
	// Updates receives a value after the status changed; read Status then.
	// The channel stays the same for the life of the client, across
	// sign-ins and locks.
	Updates() <-chan struct{}
	// Kick says a command was just saved: push it now when online.
	Kick()
	// Retry cuts a wait between connections short ("Synkronisér nu").
	Retry()
}

// SyncStatus is what the status line shows about sync.
type SyncStatus struct {
	Online        bool      // connected and welcomed by the server
	Syncing       bool      // pushing or pulling right now
	LastSync      time.Time // end of the last complete sync; zero before one
	Pending       int       // commands saved here and not yet acknowledged
	OldestPending time.Time // when the oldest of them was saved
	LastError     error     // why the last attempt failed (an *app.Error), nil after a complete sync
	// FirstSync is set while a snapshot (a first sync) is being pulled:
	// Received of Total records (Total 0 when the server did not say).
	FirstSync bool
	Received  int
	Total     int
	Stopped   bool // sync has ended for good (device wiped or replaced, app too old)
	// NeedSignIn is set when sync waits for the caseworker's password:
	// the session expired and could not be renewed (Renewer).
	NeedSignIn bool
}

// waitWarn is how long a change may wait unsent before the status line says
// for how many days it has waited.
const waitWarn = 24 * time.Hour

// StatusText returns the status line for st as of now, e.g. "Offline ·
// sidst synkroniseret 07.12.2026 kl. 08:14 · 12 ændringer ikke sendt i 3
// dage", and whether it is a warning (changes have waited a day or more, or
// the last attempt failed). errText renders the last error.
func StatusText(st SyncStatus, now time.Time, errText func(error) string) (string, bool) {
	var parts []string
	switch {
	case st.Stopped:
		parts = append(parts, lang.L("sync.stopped"))
	case st.Online && st.Syncing:
		parts = append(parts, lang.L("sync.syncing"))
	case st.Online:
		parts = append(parts, lang.L("sync.online"))
	default:
		parts = append(parts, lang.L("sync.offline"))
	}
	if st.LastSync.IsZero() {
		parts = append(parts, lang.L("sync.never"))
	} else {
		parts = append(parts, lang.L("sync.last", map[string]any{"Dato": formatDate(st.LastSync), "Tid": st.LastSync.Local().Format("15:04")}))
	}
	warn := false
	switch {
	case st.Pending == 0:
		parts = append(parts, lang.L("sync.all_sent"))
	case !st.OldestPending.IsZero() && now.Sub(st.OldestPending) >= waitWarn:
		warn = true
		days := int(now.Sub(st.OldestPending) / (24 * time.Hour))
		varighed := lang.L(countKey("sync.days", days), map[string]any{"Dage": strconv.Itoa(days)})
		parts = append(parts, lang.L(countKey("sync.pending_days", st.Pending), map[string]any{"Antal": st.Pending, "Varighed": varighed}))
	default:
		parts = append(parts, lang.L(countKey("sync.pending", st.Pending), map[string]any{"Antal": st.Pending}))
	}
	if st.LastError != nil {
		warn = true
		parts = append(parts, errText(st.LastError))
	}
	return strings.Join(parts, " · "), warn
}

// countKey picks the singular or plural form of a key: key.one or
// key.other.
func countKey(key string, n int) string {
	if n == 1 {
		return key + ".one"
	}
	return key + ".other"
}

// formatDate writes t's local date in the language's date format
// (format.dato in the catalogue: dd.mm.åååå in Danish).
func formatDate(t time.Time) string {
	return t.Local().Format(lang.L("format.dato"))
}

// statusBar is the always-visible line at the bottom of the main window:
// the sync status, the caseload's open conflicts and the rejected commands
// (each a button that shows them, hidden when there are none), and
// "Synkronisér nu".
type statusBar struct {
	text      *widget.Label
	icon      *widget.Icon
	conflicts *widget.Button
	rejected  *widget.Button
	syncNow   *widget.Button
	signIn    *widget.Button // "Log ind igen", shown while SyncStatus.NeedSignIn
	box       *fyne.Container
}

func newStatusBar(onSyncNow, onSignIn func()) *statusBar {
	b := &statusBar{
		text:      widget.NewLabel(""),
		icon:      widget.NewIcon(theme.InfoIcon()),
		conflicts: widget.NewButtonWithIcon("", theme.WarningIcon(), nil),
		rejected:  widget.NewButtonWithIcon("", theme.ErrorIcon(), nil),
		syncNow:   widget.NewButtonWithIcon(lang.L("sync.now"), theme.ViewRefreshIcon(), onSyncNow),
		signIn:    widget.NewButtonWithIcon(lang.L("sync.sign_in_again"), theme.LoginIcon(), onSignIn),
	}
	b.signIn.Importance = widget.HighImportance
	b.signIn.Hide()
	b.text.Truncation = fyne.TextTruncateEllipsis
	b.conflicts.Importance = widget.WarningImportance
	b.rejected.Importance = widget.DangerImportance
	b.conflicts.Hide()
	b.rejected.Hide()
	b.box = container.NewBorder(widget.NewSeparator(), nil, b.icon, container.NewHBox(b.conflicts, b.rejected, b.signIn, b.syncNow), b.text)
	return b
}

// showCounts shows the open conflicts of the caseload and the rejected
// commands not yet dismissed; call it on the Fyne goroutine.
func (b *statusBar) showCounts(conflicts, rejected int) {
	setCount(b.conflicts, "status.conflicts", conflicts)
	setCount(b.rejected, "status.rejected", rejected)
	b.box.Refresh() // the buttons' row changed width: lay the line out again
}

// setCount shows n on a button with the singular or plural of key, or
// hides it for 0.
func setCount(btn *widget.Button, key string, n int) {
	if n <= 0 {
		btn.Hide()
		return
	}
	btn.SetText(lang.L(countKey(key, n), map[string]any{"Antal": n}))
	btn.Show()
}

// needSignIn shows or hides the "Log ind igen" button.
func (b *statusBar) needSignIn(need bool) {
	if need == b.signIn.Visible() {
		return
	}
	if need {
		b.signIn.Show()
	} else {
		b.signIn.Hide()
	}
	b.box.Refresh() // the buttons' width changed: lay the line out again
}

// show sets the line; call it on the Fyne goroutine.
func (b *statusBar) show(line string, warn bool) {
	b.text.SetText(line)
	if warn {
		b.icon.SetResource(theme.WarningIcon())
		b.text.Importance = widget.WarningImportance
	} else {
		b.icon.SetResource(theme.InfoIcon())
		b.text.Importance = widget.MediumImportance
	}
	b.text.Refresh()
}
