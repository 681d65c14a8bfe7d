package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/assets"
)

// startWidth is the width of the start screens' column.
const startWidth = 420

// signInTimeout bounds a sign-in and the creation of the replica.
const signInTimeout = 2 * time.Minute

// startScreen is one of the screens before the main window: the first
// sign-in, the first sync's progress or the unlock. Widgets are kept so
// tests can type and tap.
type startScreen struct {
	server, user, password *fieldEntry
	submit                 *widget.Button
	message                *widget.Label
	busy                   *widget.ProgressBarInfinite

	// The first sync.
	progress *widget.ProgressBar
	detail   *widget.Label
	began    time.Time // when the first record arrived, for the time left
	skip     *widget.Button

	onStatus func(SyncStatus) // the screen's reaction to a sync status, or nil
}

// syncStatus follows the first sync: progress, and the main window once
// it is complete.
func (s *startScreen) syncStatus(st SyncStatus) {
	if s.onStatus != nil {
		s.onStatus(st)
	}
}

// showSignIn shows the first-run form: server address, user name and
// password. With SignIn.Password set it submits itself (the demo).
func (c *Client) showSignIn() {
	s := &startScreen{
		server:   newTextField(),
		user:     newTextField(),
		password: newPasswordField(),
		message:  widget.NewLabel(""),
		busy:     widget.NewProgressBarInfinite(),
	}
	s.server.SetPlaceHolder(lang.L("start.server_hint"))
	s.server.SetText(c.o.SignIn.Server)
	s.user.SetText(c.o.SignIn.User)
	s.password.SetText(c.o.SignIn.Password)
	s.submit = widget.NewButtonWithIcon(lang.L("start.sign_in"), theme.LoginIcon(), func() { c.signIn(s) })
	s.submit.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { c.signIn(s) }
	form := widget.NewForm(
		widget.NewFormItem(lang.L("start.server"), s.server),
		widget.NewFormItem(lang.L("start.user"), s.user),
		widget.NewFormItem(lang.L("start.password"), s.password),
	)
	intro := wrapped(lang.L("start.first_intro"))
	c.showStart(s, lang.L("start.first_title"), intro, form, s.submit, s.busy, s.message)
	c.o.OnScreen("sign_in")
	switch {
	case c.o.SignIn.Password != "":
		c.signIn(s)
	case s.server.Text == "":
		c.w.Canvas().Focus(s.server)
	default:
		c.w.Canvas().Focus(s.password)
	}
}

// signIn signs in off the Fyne goroutine, then follows the first sync.
func (c *Client) signIn(s *startScreen) {
	server, user, pw := strings.TrimSpace(s.server.Text), strings.TrimSpace(s.user.Text), s.password.Text
	if server == "" || user == "" || pw == "" {
		s.fail(lang.L("start.fill_all"))
		return
	}
	s.working(lang.L("start.signing_in"))
	c.o.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), signInTimeout)
		defer cancel()
		err := c.o.Account.SignIn(ctx, server, user, pw)
		fyne.Do(func() {
			if c.start != s {
				return
			}
			if err != nil {
				s.password.SetText("")
				s.fail(c.tx.errText(err))
				return
			}
			c.showFirstSync()
		})
	})
}

// showFirstSync shows the progress of the first sync: cases received of
// the total and the time left. The main window follows when it is
// complete; the caseworker may also go on while it runs.
func (c *Client) showFirstSync() {
	s := &startScreen{
		progress: widget.NewProgressBar(),
		detail:   widget.NewLabel(lang.L("first_sync.waiting")),
		message:  widget.NewLabel(""),
		busy:     widget.NewProgressBarInfinite(),
	}
	s.detail.Alignment = fyne.TextAlignCenter
	s.skip = widget.NewButton(lang.L("first_sync.continue"), c.showMain)
	s.progress.TextFormatter = func() string {
		return fmt.Sprintf("%.0f %%", 100*s.progress.Value)
	}
	s.progress.Hide()
	s.onStatus = func(st SyncStatus) { c.firstSync(s, st) }
	c.showStart(s, lang.L("first_sync.title"), wrapped(lang.L("first_sync.intro")), s.busy, s.progress, s.detail, s.message, s.skip)
	s.busy.Show()
	c.o.OnScreen("first_sync")
	s.syncStatus(c.status)
}

// firstSync is startScreen.syncStatus for the first-sync screen.
func (c *Client) firstSync(s *startScreen, st SyncStatus) {
	if !st.LastSync.IsZero() {
		c.showMain()
		return
	}
	if st.LastError != nil {
		s.message.SetText(c.tx.errText(st.LastError))
		s.message.Importance = widget.WarningImportance
		s.message.Show()
	} else {
		s.message.Hide()
	}
	if !st.FirstSync || st.Total <= 0 {
		return
	}
	now := c.o.Now()
	if s.began.IsZero() && st.Received > 0 {
		s.began = now
	}
	s.busy.Hide()
	s.progress.Show()
	s.progress.SetValue(float64(st.Received) / float64(st.Total))
	line := lang.L("first_sync.count", map[string]any{"Modtaget": st.Received, "I_alt": st.Total})
	if left, ok := timeLeft(s.began, now, st.Received, st.Total); ok {
		line += " · " + lang.L("first_sync.left", map[string]any{"Sekunder": int(left.Round(time.Second) / time.Second)})
	}
	s.detail.SetText(line)
}

// timeLeft estimates the time the rest of a sync takes at the rate so far.
func timeLeft(began, now time.Time, received, total int) (time.Duration, bool) {
	spent := now.Sub(began)
	if began.IsZero() || received <= 0 || spent <= 0 || received >= total {
		return 0, false
	}
	return time.Duration(float64(spent) / float64(received) * float64(total-received)), true
}

// showUnlock asks for the password of the existing replica; why says why
// the client is locked ("" at start).
func (c *Client) showUnlock(why string) {
	s := &startScreen{
		password: newPasswordField(),
		message:  widget.NewLabel(""),
		busy:     widget.NewProgressBarInfinite(),
	}
	s.submit = widget.NewButtonWithIcon(lang.L("start.unlock"), theme.LoginIcon(), func() { c.unlock(s) })
	s.submit.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { c.unlock(s) }
	intro := lang.L("start.unlock_intro")
	if why != "" {
		intro = why
	}
	form := widget.NewForm(widget.NewFormItem(lang.L("start.password"), s.password))
	c.showStart(s, lang.L("start.unlock_title"), wrapped(intro), form, s.submit, s.busy, s.message)
	c.o.OnScreen("unlock")
	c.w.Canvas().Focus(s.password)
}

// unlock opens the replica off the Fyne goroutine (Argon2id takes about a
// second on purpose).
func (c *Client) unlock(s *startScreen) {
	pw := s.password.Text
	if pw == "" {
		s.fail(lang.L("start.fill_password"))
		return
	}
	s.working(lang.L("start.unlocking"))
	c.o.Go(func() {
		err := c.o.Account.Unlock(pw)
		fyne.Do(func() {
			if c.start != s {
				return
			}
			if err != nil {
				c.unlockFailed(s, err)
				return
			}
			c.showMain()
		})
	})
}

// unlockFailed shows why the unlock failed. When the replica is gone (too
// many wrong passwords erased it) the caseworker must sign in again.
func (c *Client) unlockFailed(s *startScreen, err error) {
	msg := c.tx.errText(err)
	if r, ok := c.renewer(); ok && r.NeedsSignIn() && !c.o.Account.FirstRun() {
		c.showSignInAgain(msg, false) // the offline grace period ran out
		return
	}
	if c.o.Account.FirstRun() {
		c.showSignIn()
		c.start.fail(msg)
		return
	}
	s.password.SetText("")
	s.fail(msg)
	c.w.Canvas().Focus(s.password)
}

// showStart shows a start screen: the icon, a title and the objects in a
// centred column.
func (c *Client) showStart(s *startScreen, title string, objects ...fyne.CanvasObject) {
	c.start = s
	s.busy.Hide()
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Hide()
	icon := canvas.NewImageFromResource(fyne.NewStaticResource("Icon.png", assets.Icon()))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSquareSize(72))
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameHeadingText
	column := container.NewVBox(append([]fyne.CanvasObject{container.NewCenter(icon), heading}, objects...)...)
	if c.o.About != "" {
		about := widget.NewLabel(c.o.About)
		about.Alignment = fyne.TextAlignCenter
		about.Importance = widget.LowImportance
		about.Wrapping = fyne.TextWrapWord
		column.Add(about)
	}
	c.w.SetContent(container.NewVScroll(container.New(&columnLayout{width: startWidth}, column)))
}

// working disables the form and shows the busy bar with a line.
func (s *startScreen) working(line string) {
	s.submit.Disable()
	s.busy.Show()
	s.message.Importance = widget.MediumImportance
	s.message.SetText(line)
	s.message.Show()
}

// fail enables the form again and shows why it failed.
func (s *startScreen) fail(msg string) {
	s.submit.Enable()
	s.busy.Hide()
	s.message.Importance = widget.DangerImportance
	s.message.SetText(msg)
	s.message.Show()
}

// wrapped is a label that wraps at the column's width.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}
