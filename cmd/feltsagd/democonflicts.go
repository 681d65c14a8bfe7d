package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// DemoConflicts is how many conflicts a demo ledger leaves waiting for
// the first demo caseworker (the one make demo signs in as).
const DemoConflicts = 3

// The two devices of the demo caseworker that made the waiting
// conflicts: the office desktop changed the visitation first, the laptop
// (offline meanwhile) changed it too and was too late.
const (
	demoDesk   app.ID = "demo-kontor"
	demoLaptop app.ID = "demo-baerbar"
)

// seedDemoConflicts leaves DemoConflicts conflicts waiting for owner on
// the first of their cases (by name) where two different visitations both
// apply,
// made by the server's own merge: the desk's change is applied, the
// laptop's concurrent change of the same protected field becomes the
// conflict. The cases and values depend only on the demo population and
// the date, so a demo of the same seed shows the same conflicts. It
// returns how many it made.
func seedDemoConflicts(srv *server.Server, rules *app.Rules, owner app.ID, cases []app.Sag, now time.Time) (int, error) {
	eng := app.NewEngine(rules)
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: owner}
	var seq uint64
	made := 0
	// In the order the case list shows them (by name), so the first
	// screen of the list shows their badges.
	order := make([]int, len(cases))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(cases[a].Borger.Navn, cases[b].Borger.Navn) })
	for _, i := range order {
		if made == DemoConflicts {
			break
		}
		s := &cases[i]
		first, second, ok := twoVisitations(eng, rules, s, actor, now)
		if !ok {
			continue
		}
		seq++
		n := strconv.Itoa(made + 1)
		// Both made on the case as imported (version 1), as two devices
		// that had synced it would.
		push := func(dev app.ID, id string, body app.Body) (app.AckResult, error) {
			pc := wire.PushCommand{Seq: seq, Base: 1, HLC: app.HLC{Wall: now.UnixMilli(), Device: dev},
				Command: app.Command{ID: app.ID(id), Sag: s.ID, Actor: actor, At: now, Body: body}}
			res, err := srv.PushAs(owner, dev, []wire.PushCommand{pc})
			if err != nil {
				return app.AckResult{}, err
			}
			return res[0], nil
		}
		r, err := push(demoDesk, "demo-konflikt-"+n+"-kontor", first)
		if err != nil {
			return made, err
		}
		if r.Status != app.AckApplied {
			continue
		}
		r, err = push(demoLaptop, "demo-konflikt-"+n+"-baerbar", second)
		if err != nil {
			return made, err
		}
		if r.Status == app.AckConflict {
			made++
		}
	}
	return made, nil
}

// twoVisitations returns two visitations of different categories that
// both apply to s now (the second also after the first), in the order of
// the categories' codes; ok is false when the case has no two.
func twoVisitations(eng *app.Engine, rules *app.Rules, s *app.Sag, actor app.Actor, now time.Time) (first, second *app.Visiter, ok bool) {
	rs, err := rules.ForDate(app.DateOf(now))
	if err != nil {
		return nil, nil, false
	}
	try := func(s *app.Sag, kode string) (*app.Sag, bool) {
		v := &app.Visiter{Kategori: kode, Begrundelse: "Vurderet ved samtale"}
		res, err := eng.Execute(s, app.Command{ID: "demo-proeve", Sag: s.ID, Actor: actor, At: now, Body: v})
		if err != nil {
			return nil, false
		}
		return res.Sag, true
	}
	codes := slices.Sorted(maps.Keys(rs.Kategorier))
	for _, a := range codes {
		if a == s.Visitation.Kategori {
			continue
		}
		after, ok := try(s, a)
		if !ok {
			continue
		}
		for _, b := range codes {
			if b == a || b == s.Visitation.Kategori {
				continue
			}
			if _, ok := try(s, b); !ok {
				continue
			}
			if _, ok := try(after, b); ok {
				return &app.Visiter{Kategori: a, Begrundelse: "Vurderet ved samtale"},
					&app.Visiter{Kategori: b, Begrundelse: "Borgeren oplyste nyt ved telefonsamtale"}, true
			}
		}
	}
	return nil, nil, false
}

// printDemoConflicts says where the waiting conflicts are.
func printDemoConflicts(srv *server.Server, owner app.ID, out io.Writer) error {
	ks, err := srv.Conflicts(owner)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "demodata: %d konflikter venter hos %s\n", len(ks), owner)
	return err
}
