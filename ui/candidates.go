package ui

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// candidatesPane lists the citizens in the consultant's own scope who fit
// a job opening or a place, best first, each with why (Companies.
// Candidates ranks them; the search is logged there). "Henvis" opens the
// referral form and, for a place, "Placer" the placement form, both with
// their dry run before anything is saved.
type candidatesPane struct {
	k      *fieldKit
	v      *app.Virksomhed
	target app.ID
	plads  *app.Plads // the place, or nil for a job opening
	what   string

	list    *fyne.Container
	message *widget.Label
	content fyne.CanvasObject

	shown  []app.Kandidat
	henvis []*widget.Button
	placer []*widget.Button
}

// showCandidates shows the candidates for the opening or place target of
// v, titled what; p is the place, nil for an opening.
func (k *fieldKit) showCandidates(v *app.Virksomhed, target app.ID, what string, p *app.Plads) {
	cp := &candidatesPane{k: k, v: v, target: target, plads: p, what: what, list: container.NewVBox()}
	cp.message = widget.NewLabel(lang.L("field.candidates.busy"))
	cp.message.Wrapping = fyne.TextWrapWord
	back := widget.NewButtonWithIcon(lang.L("field.back"), theme.NavigateBackIcon(), func() { k.c.touch(); k.back() })
	title := widget.NewLabelWithStyle(lang.L("field.candidates.title", map[string]any{"Hvad": what, "Virksomhed": v.Navn}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	top := container.NewVBox(container.NewBorder(nil, nil, nil, back, title), cp.message)
	cp.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(cp.list))
	k.cands = cp
	k.push(cp.content, nil)
	actor := k.c.o.Account.Actor()
	k.c.o.Go(func() {
		found, err := k.c.o.Companies.Candidates(v.ID, target, actor)
		fyne.Do(func() {
			if k.cands != cp {
				return
			}
			if err != nil {
				cp.say(k.c.tx.errText(err), widget.DangerImportance)
				return
			}
			cp.show(found)
		})
	})
}

func (cp *candidatesPane) say(s string, imp widget.Importance) {
	cp.message.Importance = imp
	cp.message.SetText(s)
	showIf(cp.message, s != "")
}

// show lists the candidates in the order given (best first).
func (cp *candidatesPane) show(found []app.Kandidat) {
	k := cp.k
	cp.shown = found
	cp.list.RemoveAll()
	if len(found) == 0 {
		cp.say(lang.L("field.candidates.none"), widget.MediumImportance)
	} else {
		cp.say(lang.L("field.candidates.intro"), widget.LowImportance)
	}
	for i, kand := range found {
		head := widget.NewLabelWithStyle(lang.L("field.candidates.line", map[string]any{"Nr": i + 1, "Navn": kand.Navn, "CPR": kand.CPR, "Score": kand.Score}),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		box := container.NewVBox(head)
		if len(kand.Grunde) == 0 {
			// The search listed them: in the scheme's target group and
			// free at the start, with nothing for or against.
			// Italic, not dim: the disabled colour is all but invisible
			// in the light theme.
			l := widget.NewLabelWithStyle(lang.L("field.candidates.no_reasons"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
		}
		for _, g := range kand.Grunde {
			l := bullet(k.grundText(g), false)
			if g.Imod {
				l.Text = "− " + l.Text[len("• "):]
				l.Importance = widget.WarningImportance
			}
			box.Add(l)
		}
		h := widget.NewButtonWithIcon(lang.L("field.henvis"), theme.MailSendIcon(), func() { k.c.touch(); cp.refer(kand, false) })
		cp.henvis = append(cp.henvis, h)
		buttons := container.NewHBox(h)
		if cp.plads != nil {
			pb := widget.NewButtonWithIcon(lang.L("field.placer"), theme.ConfirmIcon(), func() { k.c.touch(); cp.refer(kand, true) })
			cp.placer = append(cp.placer, pb)
			buttons.Add(pb)
		}
		// The buttons keep their height at the top, beside the name, however
		// many reasons the candidate has.
		cp.list.Add(container.NewBorder(nil, nil, nil, container.NewVBox(buttons), box))
		cp.list.Add(widget.NewSeparator())
	}
	cp.list.Refresh()
}

// refer reads the candidate's case (the view is logged) and opens the
// referral or the placement form over the list.
func (cp *candidatesPane) refer(kand app.Kandidat, place bool) {
	k := cp.k
	actor := k.c.o.Account.Actor()
	k.c.o.Go(func() {
		s, err := k.c.o.Cases.View(kand.Sag, actor)
		fyne.Do(func() {
			if k.cands != cp || k.form != nil {
				return
			}
			if err != nil {
				cp.say(k.c.tx.errText(err), widget.DangerImportance)
				return
			}
			if place {
				k.showForm(newPlacerForm(k, cp.v, s, *cp.plads))
			} else {
				k.showForm(newHenvisForm(k, cp.v, s, cp.target, cp.plads != nil, cp.what))
			}
		})
	})
}

// grundMessage is a candidate's reason as a catalogue message.
type grundMessage app.Grund

func (g grundMessage) MessageKey() string               { return g.Key }
func (g grundMessage) MessageParams() map[string]string { return maps.Clone(g.Params) }

// grundText renders a reason through the catalogue of texts; a key the
// catalogue does not have falls back to Fyne's translations, then the key.
func (k *fieldKit) grundText(g app.Grund) string {
	if k.c.tx.cat != nil && k.c.tx.cat.Has(Language(), g.Key) {
		return k.c.tx.message(grundMessage(g))
	}
	params := make(map[string]any, len(g.Params))
	for p, v := range g.Params {
		params[p] = v
	}
	return lang.L(g.Key, params)
}
