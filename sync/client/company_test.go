package client_test

import (
	"encoding/json"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/wire"
)

// TestCompanyCommandsPushedAndAcked: a company's commands saved offline
// are pushed like a case's (the wire carries them as app.Command, the
// kind names the record kind), in outbox order with their base; the acks
// empty the outbox, and the server's company record that follows becomes
// the replica's confirmed company.
func TestCompanyCommandsPushedAndAcked(t *testing.T) {
	db := newReplica(t)
	actor := app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}
	id := newID(t)
	at := time.Now()
	opret := app.VCommand{ID: newID(t), Virksomhed: id, Actor: actor, At: at, Body: &app.OpretVirksomhed{CVR: "13748136", Navn: "Østerå Tømrer ApS",
		Sektor: app.SektorPrivat, Adresse: app.Adresse{Vej: "Åboulevarden 1", Postnr: "8000", By: "Aarhus C"}}}
	kontakt := app.VCommand{ID: newID(t), Virksomhed: id, Actor: actor, At: at, Body: &app.TilfoejKontaktperson{KontaktpersonID: "k1", Navn: "Karen", Rolle: "leder"}}
	wireCarriesCompanies(t, opret.Command())
	var local *app.Virksomhed
	for _, c := range []app.VCommand{opret, kontakt} {
		r, err := db.CommitVirksomhed(c)
		if err != nil {
			t.Fatalf("CommitVirksomhed %s: %v", c.Body.Kind(), err)
		}
		local = r.Virksomhed
	}
	server := local.Clone()
	server.Version = 2
	data, err := json.Marshal(server)
	if err != nil {
		t.Fatal(err)
	}
	srv := newFakeServer(t, play(func(c *srvConn) {
		if h := c.greet(app.Cursor{Epoch: 1, Seq: 2}); h.Pending != 2 {
			c.fail("hello says %d pending, want 2", h.Pending)
		}
		pid, cmds := c.push()
		if len(cmds) != 2 || cmds[0].Command.ID != opret.ID || cmds[1].Command.ID != kontakt.ID {
			c.fail("push %+v, want both company commands in outbox order", cmds)
		}
		for _, pc := range cmds {
			if pc.Command.RecordKind() != app.RecordVirksomhed || pc.Command.Sag != id {
				c.fail("pushed %+v as a %s command", pc.Command, pc.Command.RecordKind())
			}
		}
		if vc, ok := cmds[1].Command.Virksomhed(); !ok || vc.Body.(*app.TilfoejKontaktperson).Navn != "Karen" {
			c.fail("the contact did not survive the wire: %+v", cmds[1].Command)
		}
		c.ackAll(pid, cmds, app.AckApplied)
		pid = c.pull(app.Cursor{Epoch: 1})
		c.send(pid, &wire.Changes{Page: app.Page{Records: []app.Record{{Kind: app.RecordVirksomhed, ID: id, Version: 2, Seq: 2, Data: data}},
			Cursor: app.Cursor{Epoch: 1, Seq: 2}, Snapshot: true}})
		c.idle()
	}))
	h := start(t, db, srv, client.Options{})
	h.until("the sync", synced)

	if got := pendingIDs(t, db); len(got) != 0 {
		t.Errorf("outbox after the acks: %v", got)
	}
	for _, c := range []app.VCommand{opret, kontakt} {
		if r, ok, err := db.Result(c.ID); err != nil || !ok || r.Status != app.AckApplied || r.Sag != id || r.Kind != c.Body.Kind() {
			t.Errorf("Result(%s) = %+v, %v, %v", c.Body.Kind(), r, ok, err)
		}
	}
	list, err := db.Companies()
	if err != nil || len(list) != 1 || list[0].Version != 2 || list[0].Pending != 0 || list[0].ReadOnly {
		t.Fatalf("Companies = %+v, %v", list, err)
	}
	v, err := db.ViewCompany(id, actor)
	if err != nil || v.Version != 2 || len(v.Kontakter) != 1 {
		t.Fatalf("ViewCompany = %+v, %v", v, err)
	}
}

// wireCarriesCompanies fails the test when the protocol's codec refuses a
// company command in a push (it did until the server side of issue 11:
// the push's schema check knew only the case's kinds).
func wireCarriesCompanies(t *testing.T, c app.Command) {
	t.Helper()
	b, err := wire.Encode(wire.Frame{ID: newID(t), Body: &wire.Push{Commands: []wire.PushCommand{{Seq: 1, Command: c}}}})
	if err != nil {
		t.Fatalf("encode a push: %v", err)
	}
	if _, err := wire.Decode(b); err != nil {
		t.Fatalf("sync/wire refuses a company command in a push: %v", err)
	}
}
