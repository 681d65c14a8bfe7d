package server

import (
	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// PushAs merges commands as the caseworker's device would push them, but
// without a connection: for seeding a ledger (feltsagd serve --demo
// leaves a few conflicts waiting this way, made by the real merge). The
// account must be an enabled caseworker; a new device is enrolled to it,
// a device of another account is refused. The results are those an ack
// would carry; conflicts are routed and announced, and the owners poked,
// as after any push.
//
// Errors: not_found (the ledger's) for an unknown account;
// unauthorized (unauthorized.sync.device_other) for another account's
// device, (unauthorized.sync.disabled) for a disabled account.
func (s *Server) PushAs(account, device app.ID, cmds []wire.PushCommand) ([]app.AckResult, error) {
	var p principal
	err := s.ledger.View(func(tx app.LedgerTx) error {
		acc, err := tx.Account(account)
		if err != nil {
			return err
		}
		if acc.Disabled {
			return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.disabled")
		}
		dev, err := tx.Device(device)
		switch {
		case err == nil && dev.Account != account:
			return app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.device_other").WithField("device")
		case err != nil && !isNotFound(err):
			return err
		}
		p = principal{account: acc.ID, rolle: acc.Rolle, device: device}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out, err := s.push(p, cmds)
	if err != nil {
		return nil, err
	}
	s.afterPush(nil, p, out)
	return out.results, nil
}
