package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"feltsag.dk/feltsag/app"
)

// historyLimit is how many of a case's audit records the Historik tab
// reads: the newest, which is what a caseworker looks for, and a bounded
// read of the replica's log.
const historyLimit = 500

// historyTab is the Historik tab: the replica's audit records about the
// case, newest first — every view, change, print, saved PDF and search
// that found it, with who, when and from which device — so the
// caseworker can see the log of their own access (the replica keeps this
// computer's records; the server's audit has every device's).
type historyTab struct {
	v       *caseView
	recs    []app.AuditRecord
	pending map[app.ID]bool // commands not yet sent
	note    *widget.Label
	list    *widget.List
	content fyne.CanvasObject
}

func newHistoryTab(v *caseView) *historyTab {
	h := &historyTab{v: v, note: widget.NewLabel("")}
	h.note.Wrapping = fyne.TextWrapWord
	h.note.Importance = widget.LowImportance
	h.list = widget.NewList(
		func() int { return len(h.recs) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			return container.New(&tightVBox{}, head, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(h.recs) {
				return
			}
			box := o.(*fyne.Container)
			head, what := h.lines(h.recs[i])
			box.Objects[0].(*widget.Label).SetText(head)
			box.Objects[1].(*widget.Label).SetText(what)
		},
	)
	h.content = container.NewBorder(h.note, nil, nil, nil, h.list)
	return h
}

// load reads the case's history off the Fyne goroutine and shows it.
func (h *historyTab) load() {
	c := h.v.c
	id := h.v.sag.ID
	c.o.Go(func() {
		recs, err := c.o.Cases.History(id, historyLimit)
		pend, perr := c.o.Cases.Pending()
		fyne.Do(func() {
			if err != nil {
				h.recs = nil
				h.note.Importance = widget.DangerImportance
				h.note.SetText(c.tx.errText(err))
				h.list.Refresh()
				return
			}
			h.pending = map[app.ID]bool{}
			if perr == nil {
				for _, p := range pend {
					h.pending[p.Command.ID] = true
				}
			}
			h.recs = recs
			h.note.Importance = widget.LowImportance
			key := "history.intro"
			if len(recs) >= historyLimit {
				key = "history.intro_limited"
			}
			h.note.SetText(lang.L(key, map[string]any{"Antal": len(recs)}))
			h.list.Refresh()
		})
	})
}

// lines are a record's two lines: when, who and from where; then what.
func (h *historyTab) lines(r app.AuditRecord) (head, what string) {
	who := string(r.Actor.ID)
	if r.Actor.Rolle == app.RolleSystem || who == "" {
		who = lang.L("history.system")
	}
	head = lang.L("history.meta", map[string]any{"Dato": formatDate(r.At), "Tid": r.At.Local().Format("15:04"),
		"Hvem": who, "Enhed": h.device()})
	switch r.Action {
	case app.ActionViewed:
		what = lang.L("history.viewed")
	case app.ActionChanged:
		what = lang.L("history.changed", map[string]any{"Hvad": kindText(r.Kind)})
		if h.pending[r.Command] {
			what += " · " + lang.L("history.not_sent")
		}
	case app.ActionPrinted:
		what = lang.L("history.printed", map[string]any{"Dokument": documentText(r.Kind)})
	case app.ActionExported:
		what = lang.L("history.exported", map[string]any{"Dokument": documentText(r.Kind)})
	case app.ActionSearched:
		what = lang.L("history.searched")
	case app.ActionPurged:
		what = lang.L("history.purged")
	default:
		what = r.Action
	}
	return head, what
}

// device names the computer the records are from: the replica's own.
func (h *historyTab) device() string { return h.v.c.thisDevice().name }

// kindText names a command kind ("gem_plan" → "Plan gemt"), or the kind.
func kindText(kind string) string {
	key := "history.kind." + kind
	if s := lang.L(key); s != key {
		return s
	}
	return kind
}

// documentText names a printed document kind, or the generic word.
func documentText(kind string) string {
	key := "history.document." + kind
	if s := lang.L(key); kind != "" && s != key {
		return s
	}
	return lang.L("history.document")
}
