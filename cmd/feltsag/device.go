package main

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/ui"
)

var _ ui.ThisDevice = (*account)(nil)

// Device implements ui.ThisDevice: the device id this replica signed in
// with ("" before the first sign-in). The Konflikter tab names a side
// made here as this computer.
func (a *account) Device() app.ID {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg.Device
}
