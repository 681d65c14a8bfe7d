package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// renewer returns the Account's Renewer, if it has one.
func (c *Client) renewer() (Renewer, bool) {
	r, ok := c.o.Account.(Renewer)
	return r, ok
}

// showSignInAgain asks for the password alone to sign in on the server
// again (Renewer): why says what happened. With offline set the replica
// is still unlocked (an expired session) and the caseworker may go back
// to the main window without syncing; else (the offline grace period ran
// out) the client stays locked until the sign-in succeeds.
func (c *Client) showSignInAgain(why string, offline bool) {
	r, ok := c.renewer()
	if !ok {
		c.showUnlock(why)
		return
	}
	if c.main != nil {
		c.main.close()
		c.main = nil
	}
	s := &startScreen{
		password: newPasswordField(),
		message:  widget.NewLabel(""),
		busy:     widget.NewProgressBarInfinite(),
	}
	s.submit = widget.NewButtonWithIcon(lang.L("start.sign_in"), theme.LoginIcon(), func() { c.signInAgain(s, r) })
	s.submit.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { c.signInAgain(s, r) }
	form := widget.NewForm(widget.NewFormItem(lang.L("start.password"), s.password))
	objects := []fyne.CanvasObject{wrapped(why), form, s.submit, s.busy, s.message}
	if offline {
		s.skip = widget.NewButton(lang.L("start.again_later"), c.showMain)
		objects = append(objects, s.skip)
	}
	c.showStart(s, lang.L("start.again_title"), objects...)
	c.o.OnScreen("sign_in_again")
	c.w.Canvas().Focus(s.password)
}

// signInAgain signs in off the Fyne goroutine and shows the main window.
func (c *Client) signInAgain(s *startScreen, r Renewer) {
	pw := s.password.Text
	if pw == "" {
		s.fail(lang.L("start.fill_password"))
		return
	}
	s.working(lang.L("start.signing_in_again"))
	c.o.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), signInTimeout)
		defer cancel()
		err := r.SignInAgain(ctx, pw)
		fyne.Do(func() {
			if c.start != s {
				return
			}
			if err != nil {
				s.password.SetText("")
				s.fail(c.tx.errText(err))
				c.w.Canvas().Focus(s.password)
				return
			}
			c.showMain()
		})
	})
}

// signInAgainFromMain is the status line's "Log ind igen": the session
// expired while the main window was open.
func (c *Client) signInAgainFromMain() {
	c.touch()
	c.showSignInAgain(lang.L("start.again_session"), true)
}
