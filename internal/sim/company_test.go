package sim

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"feltsag.dk/feltsag/app"
)

// Companies in the simulator (issue 11). A seed's world also holds 2–3
// companies, each owned by one of the caseworkers (the responsible
// consultant) and imported with ImportCompany; the caseworkers are in one
// team (server.SetTeam), except, in half of the worlds, the last one, who
// then sees a company only as a reader by placement (a company has 0–2
// placements of the world's citizens, some of them ended). Devices save
// company commands as they save a case's, offline or not (gen_test.go
// vbody): visits and contact persons (append), the staff counts of the
// company and of its P-unit and a placement's period (protected), the
// register data and job openings (lww). A reader's command is pushed as
// any and must be rejected not_assigned. The reassign step moves a
// company to another consultant now and then (AssignCompany), and a case
// reassigned while its citizen is placed at a company moves the company's
// reader (the server's refresh writes the company again).
//
// The same invariants as for cases are checked (check_test.go): every ack
// in the ledger, each command applied once (the company's versions are
// exactly the applied commands, the assignments and the refreshes of a
// case's reassignment, and replaying them from the imported company gives
// the server's record), concurrent lww changes in the audit trail,
// concurrent protected changes in the conflict queue, the replicas equal
// to the server for their scope, no company outside a device's scope —
// and the scope itself against an oracle of the team and the placements.

// simTeam is the team of the world's consultants.
const simTeam app.ID = "team-1"

// simPUnit is the companies' P-unit: it passes the modulus-11 check.
const simPUnit app.PNummer = "1000000007"

// companyShare is the percentage of edits that are a company's command.
const companyShare = 40

// coWorld is what the simulation knows of the companies.
type coWorld struct {
	ids     []app.ID
	owner   map[app.ID]app.ID          // the responsible consultant now
	initial map[app.ID]*app.Virksomhed // as imported: version 1
	assigns map[app.ID][]assignment    // AssignCompany and the version it made
	windows map[app.ID][]refreshWindow // case reassignments that may write a company
	team    map[app.ID]bool            // the accounts in simTeam
}

// refreshWindow is a case's reassignment while its citizen is placed at a
// company: the company's version before and after the server's Assign.
// The reassignment may write the company once in between (its Readers
// change), at a version no command explains.
type refreshWindow struct {
	lo, hi int64
	sag    app.ID
}

// companyCounters say what a run did with companies.
type companyCounters struct {
	committed, refusedLocally      int
	applied, conflict, rejected    int
	readerRejected                 int // rejected not_assigned: a reader's or a former writer's command
	assigns, refreshes, placements int
}

// count counts the server's answer to a company command.
func (c *companyCounters) count(r app.AckResult) {
	switch r.Status {
	case app.AckApplied:
		c.applied++
	case app.AckConflict:
		c.conflict++
	case app.AckRejected:
		c.rejected++
		if r.Error != nil && r.Error.Key == "unauthorized.sync.not_assigned" {
			c.readerRejected++
		}
	}
}

func (c *companyCounters) add(o companyCounters) {
	c.committed += o.committed
	c.refusedLocally += o.refusedLocally
	c.applied += o.applied
	c.conflict += o.conflict
	c.rejected += o.rejected
	c.readerRejected += o.readerRejected
	c.assigns += o.assigns
	c.refreshes += o.refreshes
	c.placements += o.placements
}

func (c companyCounters) String() string {
	return fmt.Sprintf("companies: commands saved %d (refused locally %d), applied %d, conflict %d, rejected %d (not_assigned %d); "+
		"company reassignments %d, reader refreshes %d, placements seeded %d",
		c.committed, c.refusedLocally, c.applied, c.conflict, c.rejected, c.readerRejected, c.assigns, c.refreshes, c.placements)
}

// seedCompanies puts the consultants in the team and imports the
// companies: after the cases (a placement names a case) and before the
// devices enrol.
func (w *world) seedCompanies() {
	srv, _ := w.server()
	w.co = coWorld{owner: map[app.ID]app.ID{}, initial: map[app.ID]*app.Virksomhed{},
		assigns: map[app.ID][]assignment{}, windows: map[app.ID][]refreshWindow{}, team: map[app.ID]bool{}}
	outsider := w.rng.IntN(2) == 0
	for i, acc := range w.accounts {
		if outsider && i == len(w.accounts)-1 {
			break
		}
		if err := srv.SetTeam(acc, simTeam); err != nil {
			w.tb.Fatalf("seed %d: SetTeam: %v", w.seed, err)
		}
		w.co.team[acc] = true
	}
	today := app.DateOf(simStart)
	for n := range 2 + w.rng.IntN(2) {
		id := app.ID(fmt.Sprintf("virk-%d", n+1))
		owner := pick(w.rng, w.accounts)
		v := w.newCompany(id, n)
		for k := range w.rng.IntN(3) {
			start := today.AddDays(-10 - w.rng.IntN(50))
			slut := today.AddDays(5 + w.rng.IntN(90))
			if w.rng.IntN(5) == 0 {
				slut = today.AddDays(-1 - w.rng.IntN(5)) // ended: no reader
			}
			v.Placeringer = append(v.Placeringer, app.Placering{ID: app.ID(fmt.Sprintf("placering-%d", k+1)), Sag: pick(w.rng, w.cases),
				Plads: "praktik", Ordning: app.OrdningPraktik, PNummer: simPUnit, Periode: app.Period{Start: start, Slut: slut},
				Timer: 20, RegelSet: "2026-02"})
			w.n.co.placements++
		}
		if err := srv.ImportCompany(v, owner); err != nil {
			w.tb.Fatalf("seed %d: ImportCompany: %v", w.seed, err)
		}
		first := v.Clone()
		first.Version, first.Ansvarlig = 1, owner
		w.co.ids = append(w.co.ids, id)
		w.co.owner[id], w.co.initial[id] = owner, first
	}
}

// newCompany builds company id through the engine as of simStart: one
// P-unit with its staff, the company's staff, a praktik place and a job
// opening.
func (w *world) newCompany(id app.ID, n int) *app.Virksomhed {
	w.tb.Helper()
	start := app.DateOf(simStart).AddDays(-90)
	var v *app.Virksomhed
	for i, body := range []app.VBody{
		&app.OpretVirksomhed{CVR: synthCVR(n), Navn: fmt.Sprintf("Østerå Tømrer %d ApS", n+1), Sektor: app.SektorPrivat,
			Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}},
		&app.RegistrerEnhed{PNummer: string(simPUnit), Navn: "Værkstedet"},
		&app.OpdaterAnsatte{PNummer: simPUnit, Ansatte: 10},
		&app.OpdaterAnsatte{SenesteMaaned: 20, Gns12Mdr: 20},
		&app.GemPlads{PladsID: "praktik", Ordning: app.OrdningPraktik, PNummer: simPUnit, Titel: "Tømrer", Antal: 5, Timer: 37,
			Periode: app.Period{Start: start}},
		&app.GemJobordre{JobordreID: "jobordre-1", Titel: "Tømrer", Disco: "7115", Timer: 37, Antal: 1,
			Periode: app.Period{Start: start}, Status: "aaben"},
	} {
		res, err := w.engine.ExecuteVirksomhed(v, app.VCommand{ID: app.ID("seed-" + strconv.Itoa(i)), Virksomhed: id,
			Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "seed"}, At: simStart, Body: body}, nil)
		if err != nil {
			w.tb.Fatalf("seed %d: company %s: %s: %v", w.seed, id, body.Kind(), err)
		}
		v = res.Virksomhed
	}
	return v
}

// synthCVR returns a valid CVR number (modulus 11), the n-th of a series.
func synthCVR(n int) string {
	weights := []int{2, 7, 6, 5, 4, 3, 2}
	for k := n; ; k++ {
		d := strconv.Itoa(2_000_000 + k*7_919)
		sum := 0
		for i := range 7 {
			sum += int(d[i]-'0') * weights[i]
		}
		if sum%11 == 1 {
			continue // no check digit makes it valid
		}
		return d + strconv.Itoa((11-sum%11)%11)
	}
}

// companyEdit saves one company command on a device, as a consultant
// does, and reports whether the device has a company to edit.
func (w *world) companyEdit(d *device) bool {
	list, err := d.db.Companies()
	if err != nil || len(list) == 0 {
		return false
	}
	s := list[w.rng.IntN(len(list))]
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: d.account}
	view, err := d.db.ViewCompany(s.ID, actor)
	if err != nil {
		return true
	}
	at := d.now()
	vc := app.VCommand{ID: w.newID(), Virksomhed: s.ID, Actor: actor, At: at, Body: vbody(w.rng, view, app.DateOf(at), w.newID)}
	if _, err := d.db.CommitVirksomhed(vc); err != nil {
		w.n.refusedLocally++
		w.n.co.refusedLocally++
		return true
	}
	w.n.committed++
	w.n.co.committed++
	w.mint(d, vc.ID)
	return true
}

// companyVersions returns the version of each company with a placement
// of case sag (all companies when sag is "").
func (w *world) companyVersions(sag app.ID) map[app.ID]int64 {
	_, led := w.server()
	out := map[app.ID]int64{}
	err := led.View(func(tx app.LedgerTx) error {
		for _, id := range w.co.ids {
			rec, err := tx.Record(app.RecordVirksomhed, id)
			if err != nil {
				return err
			}
			v, err := decodeCompany(rec.Data, rec.Version)
			if err != nil {
				return err
			}
			if sag == "" || slices.ContainsFunc(v.Placeringer, func(p app.Placering) bool { return p.Sag == sag }) {
				out[id] = rec.Version
			}
		}
		return nil
	})
	if err != nil {
		w.tb.Fatalf("seed %d: reading the companies: %v", w.seed, err)
	}
	return out
}

// reassignCompany moves a company to another consultant, mid-flight:
// half the time one with an open conflict, when there is one (the
// conflict must follow the company to its new owner).
func (w *world) reassignCompany(i int) {
	id := pick(w.rng, w.co.ids)
	if open := w.conflicted(app.RecordVirksomhed); len(open) > 0 && w.rng.IntN(2) == 0 {
		id = pick(w.rng, open)
	}
	prev := w.co.owner[id]
	others := slices.DeleteFunc(slices.Clone(w.accounts), func(a app.ID) bool { return a == prev })
	to := pick(w.rng, others)
	srv, led := w.server()
	if err := srv.AssignCompany(id, to); err != nil {
		w.tb.Fatalf("seed %d: AssignCompany: %v", w.seed, err)
	}
	var v int64
	err := led.View(func(tx app.LedgerTx) error {
		b, err := tx.Meta("handover/" + app.RecordVirksomhed + ":" + string(id) + "/" + string(prev))
		if err != nil {
			return err
		}
		vs, _, _ := strings.Cut(string(b), "/")
		v, err = strconv.ParseInt(vs, 10, 64)
		return err
	})
	if err != nil {
		w.tb.Fatalf("seed %d: handover mark of %s: %v", w.seed, id, err)
	}
	w.note("%d reassign company %s %s→%s at v%d", i, id, prev, to, v)
	w.co.owner[id] = to
	w.co.assigns[id] = append(w.co.assigns[id], assignment{version: v, owner: to})
	w.n.co.assigns++
	w.gate.open()
}

// conflicted returns the records of kind with an open conflict, sorted.
func (w *world) conflicted(kind string) []app.ID {
	_, led := w.server()
	var out []app.ID
	err := led.View(func(tx app.LedgerTx) error {
		open, err := tx.Conflicts("")
		for _, k := range open {
			if k.RecordKind() == kind {
				out = append(out, k.Sag)
			}
		}
		return err
	})
	if err != nil {
		w.tb.Fatalf("seed %d: reading the conflicts: %v", w.seed, err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// observeCompanies checks on a live device that no company's version
// went back since the last look.
func (w *world) observeCompanies(d *device) {
	list, err := d.db.Companies()
	if err != nil {
		return
	}
	for _, c := range list {
		if c.Version < d.versions[c.ID] {
			w.violate("%s: version of company %s went back from %d to %d", d.id, c.ID, d.versions[c.ID], c.Version)
		}
		d.versions[c.ID] = max(d.versions[c.ID], c.Version)
	}
}

// ----- the checks -----

// checkCompanyHistory is checkHistory for a company: its versions
// 2..head are exactly the applied commands, the assignments and at most
// one refresh per case reassignment that could have moved a reader;
// replaying them from the imported company gives the server's record,
// every concurrent lww change left the value it replaced in the audit
// trail, and no concurrent protected change was applied.
func (w *world) checkCompanyHistory(tx app.LedgerTx, id app.ID) error {
	rec, err := tx.Record(app.RecordVirksomhed, id)
	if err != nil {
		return err
	}
	events, err := w.commandEvents(tx, id, w.co.owner[id])
	if err != nil {
		return err
	}
	for _, a := range w.co.assigns[id] {
		events = append(events, event{version: a.version, assign: &a})
	}
	byVersion := map[int64]event{}
	for _, e := range events {
		if prev, ok := byVersion[e.version]; ok {
			w.violate("company %s: version %d is both %s and %s (a command applied twice?)", id, e.version, prev.what(), e.what())
			return nil
		}
		byVersion[e.version] = e
	}
	windows := slices.Clone(w.co.windows[id])
	var ordered []event
	for v := int64(2); v <= rec.Version; v++ {
		if e, ok := byVersion[v]; ok {
			ordered = append(ordered, e)
			delete(byVersion, v)
			continue
		}
		i := slices.IndexFunc(windows, func(win refreshWindow) bool { return win.lo < v && v <= win.hi })
		if i < 0 {
			w.violate("company %s: version %d of the history is explained by no command, assignment or case reassignment (a version skipped, or an unknown write)", id, v)
			return nil
		}
		w.n.co.refreshes++
		ordered = append(ordered, event{version: v, refresh: windows[i].sag})
		windows = slices.Delete(windows, i, i+1)
	}
	for v, e := range byVersion {
		w.violate("company %s: the server is at version %d, its history has %s at version %d", id, rec.Version, e.what(), v)
		return nil
	}
	w.checkCompanyWriters(id, ordered)
	audit, err := tx.AuditFor(id)
	if err != nil {
		return err
	}
	state := w.co.initial[id].Clone()
	writer := map[string]mark{}
	for _, e := range ordered {
		switch {
		case e.assign != nil:
			state.Ansvarlig, state.Version = e.assign.owner, e.version
			continue
		case e.refresh != "":
			state.Version = e.version // the Readers changed, the data did not
			continue
		}
		vc, ok := e.cmd.pend.Command.Virksomhed()
		if !ok {
			w.violate("company %s: command %s at version %d is a case's", id, e.cmd.pend.Command.ID, e.version)
			return nil
		}
		vc.Actor = app.Actor{Rolle: app.RolleSagsbehandler, ID: e.account}
		res, err := w.engine.ExecuteVirksomhed(state, vc, nil)
		if err != nil {
			w.violate("company %s: replaying %s (%s) at version %d: %v", id, vc.ID, vc.Body.Kind(), e.version, err)
			return nil
		}
		err = w.checkConcurrent("company "+string(id), e, res.Changes, state.Versions, writer, audit, func(field string) (json.RawMessage, error) {
			old, _, err := app.VirksomhedFieldValue(state, field)
			return old, err
		})
		if err != nil {
			return err
		}
		next := res.Virksomhed
		next.Version = e.version
		next.Versions = nextVersions(state.Versions, res.Changes, e, writer)
		if next.Ansvarlig == "" {
			next.Ansvarlig = state.Ansvarlig
		}
		state = next
	}
	got, err := normalCompany(rec.Data, rec.Version)
	if err != nil {
		return err
	}
	want, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if d := diff(want, got); d != "" {
		w.violate("company %s: the server's record is not its history replayed: %s", id, d)
	}
	w.checkCompanyScope(rec, state)
	return nil
}

// checkCompanyWriters checks that every command applied on company id
// came from an account that may write it: one of its owners (a previous
// owner's commands made before a reassignment are taken) or a team mate
// of one. A reader by placement, and anybody else, only reads.
func (w *world) checkCompanyWriters(id app.ID, events []event) {
	owners := map[app.ID]bool{w.co.initial[id].Ansvarlig: true}
	for _, a := range w.co.assigns[id] {
		owners[a.owner] = true
	}
	teamOwned := false
	for o := range owners {
		teamOwned = teamOwned || w.co.team[o]
	}
	for _, e := range events {
		if e.cmd == nil || owners[e.account] || teamOwned && w.co.team[e.account] {
			continue
		}
		w.violate("company %s: %s's command %s (%s) was applied at version %d, but %s never owned the company nor shared a team with its owner",
			id, e.account, e.cmd.pend.Command.ID, e.cmd.pend.Command.Body.Kind(), e.version, e.account)
	}
}

// checkCompanyScope checks a company's owner and Readers against what the
// simulation knows: the owner is the last one assigned; the Readers are
// the owner's team mates (when the owner is in the team) and the owners of
// the cases placed there — each placement that has not ended by now must
// have its reader, one that ended may still have it until the company's
// next write (docs/protocol.md §4.3.4) — and nobody else.
func (w *world) checkCompanyScope(rec app.LedgerRecord, v *app.Virksomhed) {
	owner := w.co.owner[rec.ID]
	if rec.Owner != owner {
		w.violate("company %s: owned by %s, assigned to %s", rec.ID, rec.Owner, owner)
	}
	must, may := map[app.ID]bool{}, map[app.ID]bool{}
	if w.co.team[owner] {
		for acc := range w.co.team {
			if acc != owner {
				must[acc], may[acc] = true, true
			}
		}
	}
	today := app.DateOf(w.clock.Now())
	for _, p := range v.Placeringer {
		o := w.owner[p.Sag]
		if o == owner {
			continue
		}
		may[o] = true
		if p.Periode.Slut.IsZero() || !p.Periode.Slut.Before(today) {
			must[o] = true
		}
	}
	for _, r := range rec.Readers {
		if !may[r] {
			w.violate("company %s: %s is a reader, but neither a team mate of %s nor the owner of a case placed there", rec.ID, r, owner)
		}
	}
	for _, acc := range slices.Sorted(maps.Keys(must)) {
		if !slices.Contains(rec.Readers, acc) {
			w.violate("company %s: %s is not a reader (team mate of %s, or owner of a case placed there now)", rec.ID, acc, owner)
		}
	}
}

// checkCompanyReplicas compares a device's companies with the server: the
// companies of its caseworker's scope (owned, or read as a team mate or
// by placement), no others, each the same.
func (w *world) checkCompanyReplicas(tx app.LedgerTx, d *device) error {
	scope, err := tx.Scope(d.account, app.RecordVirksomhed)
	if err != nil {
		return err
	}
	list, err := d.db.Companies()
	if err != nil {
		w.violate("%s: Companies: %v", d.id, err)
		return nil
	}
	var held []app.ID
	for _, c := range list {
		held = append(held, c.ID)
	}
	for _, id := range held {
		if !slices.Contains(scope, id) {
			w.violate("%s: holds company %s, which is not in %s's scope", d.id, id, d.account)
		}
	}
	for _, id := range scope {
		if !slices.Contains(held, id) {
			w.violate("%s: lacks company %s of %s's scope", d.id, id, d.account)
			continue
		}
		rec, err := tx.Record(app.RecordVirksomhed, id)
		if err != nil {
			return err
		}
		view, err := d.db.ViewCompany(id, app.Actor{Rolle: app.RolleSagsbehandler, ID: d.account})
		if err != nil {
			w.violate("%s: ViewCompany %s: %v", d.id, id, err)
			continue
		}
		mine, err := json.Marshal(view)
		if err != nil {
			return err
		}
		theirs, err := normalCompany(rec.Data, rec.Version)
		if err != nil {
			return err
		}
		if dd := diff(theirs, mine); dd != "" {
			w.violate("%s: company %s differs from the server's: %s", d.id, id, dd)
		}
	}
	return nil
}

func decodeCompany(data []byte, v int64) (*app.Virksomhed, error) {
	var c app.Virksomhed
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	c.Version = v
	return &c, nil
}

// normalCompany decodes a record's data as a company at version v and
// encodes it again, so that two companies compare as JSON.
func normalCompany(data []byte, v int64) ([]byte, error) {
	c, err := decodeCompany(data, v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(c)
}
