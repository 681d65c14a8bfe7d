package ui

import "fyne.io/fyne/v2"

// The fields below are fieldEntry (ui/vform.go) in the shapes
// widget.NewEntry, widget.NewMultiLineEntry and widget.NewPasswordEntry
// make, for the text fields outside the forms (the Plan tab, the journal
// note, the conflict note, the start screens): the window's shortcuts
// work with the cursor in them.

// newTextField is a one-line field, as widget.NewEntry makes it.
func newTextField() *fieldEntry {
	e := newFieldEntry()
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	return e
}

// newMultiLineField is a multi-line field, as widget.NewMultiLineEntry
// makes it: Enter is a new line, and copy, paste, select all and undo
// stay the field's own.
func newMultiLineField() *fieldEntry {
	e := newTextField()
	e.MultiLine = true
	return e
}

// newPasswordField is a password field with the button that shows the
// password, as widget.NewPasswordEntry makes it (the Entry adds the
// button when it is drawn).
func newPasswordField() *fieldEntry {
	e := newTextField()
	e.Password = true
	return e
}
