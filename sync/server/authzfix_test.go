package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// adminCall makes one admin request and returns its status and error key.
func (r *rig) adminCall(tok wire.Tokens, method, path string, body any) (int, string) {
	r.t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, r.ts.URL+wire.PathAdmin+path, bytes.NewReader(b))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var e wire.HTTPError
	if resp.StatusCode >= 300 {
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error == nil {
			r.t.Fatalf("%s %s: %d without an error body", method, path, resp.StatusCode)
		}
		return resp.StatusCode, e.Error.Key
	}
	return resp.StatusCode, ""
}

// TestAdminRefusalStatus: the admin API answers an unknown case or
// account with 404 and an existing account with 409 (docs/protocol.md
// §1.3), not 500 (it did: every code but unauthorized and invalid was an
// internal error).
func TestAdminRefusalStatus(t *testing.T) {
	r := newRig(t)
	if err := r.srv.CreateAccount("adm", "Administrator", app.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	adm := r.mustLogin("adm", password, "feltsagd-admin-adm")
	r.caseworker("cw1", "dev-1")
	tests := []struct {
		name, method, path string
		body               any
		status             int
		key                string
	}{
		{"assign an unknown case", http.MethodPost, "assign", server.AdminAssign{Sag: "sag-404", Owner: "cw1"}, http.StatusNotFound, "not_found.ledger_record"},
		{"assign an unknown company", http.MethodPost, "assign", server.AdminAssign{Virksomhed: "firma-404", Owner: "cw1"}, http.StatusNotFound, "not_found.ledger_record"},
		{"assign a case and a company at once", http.MethodPost, "assign", server.AdminAssign{Sag: "sag-1", Virksomhed: "firma-1", Owner: "cw1"}, http.StatusBadRequest, "invalid.sync.assign_one"},
		{"team of an unknown account", http.MethodPost, "accounts/cw9/team", server.AdminTeam{Team: "nord"}, http.StatusNotFound, "not_found.ledger_account"},
		{"a malformed team", http.MethodPost, "accounts/cw1/team", server.AdminTeam{Team: "Nord Hold"}, http.StatusBadRequest, "invalid.id.id_contain_only"},
		{"disable an unknown account", http.MethodPost, "accounts/cw9/disable", nil, http.StatusNotFound, "not_found.ledger_account"},
		{"revoke an unknown device", http.MethodPost, "devices/dev-9/revoke", nil, http.StatusNotFound, "not_found.ledger_device"},
		{"create an existing account", http.MethodPost, "accounts", server.AdminAccount{ID: "cw1", Navn: "X", Rolle: app.RoleCaseworker, Password: "x"}, http.StatusConflict, "conflict.sync.account_exists"},
		{"backup without a backup", http.MethodGet, "backup", nil, http.StatusNotFound, "not_found.sync.backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, key := r.adminCall(adm, tt.method, tt.path, tt.body)
			if st != tt.status || key != tt.key {
				t.Errorf("got %d %q, want %d %q", st, key, tt.status, tt.key)
			}
		})
	}
}

// TestAuditUploadActorFromSession: a device's audit records name its own
// caseworker (or its system, for a purge); a record in another
// caseworker's name is refused (it was stored, and the citizen's access
// log showed the other caseworker).
func TestAuditUploadActorFromSession(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-2", "cw2")
	p, _ := r.connect(tok)
	rec := app.AuditRecord{Seq: 1, At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw2"}, Action: app.ActionViewed, Sag: "sag-2"}
	rec.Hash, _ = rec.ChainHash()
	p.send("a1", &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{rec}})
	f := p.readType(wire.TypeError)
	if e := f.Body.(*wire.Error); f.ID != "a1" || e.Key != "unauthorized.sync.actor" || e.Field != "body.records[0].actor" {
		t.Fatalf("upload in cw2's name: %s %+v, want unauthorized.sync.actor", f.ID, e)
	}
	var held []app.LedgerAudit
	_ = r.ledger.View(func(tx app.LedgerTx) error {
		var err error
		held, err = tx.AuditFor("sag-2")
		return err
	})
	if len(held) != 0 {
		t.Fatalf("the ledger holds %+v", held)
	}
	// The device's own records, and its system's, are taken.
	own := app.AuditRecord{Seq: 1, At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Action: app.ActionViewed, Sag: "sag-2"}
	own.Hash, _ = own.ChainHash()
	sys := app.AuditRecord{Seq: 2, At: t0, Actor: app.Actor{Rolle: app.RolleSystem}, Action: app.ActionPurged, Sag: "sag-2", Prev: own.Hash}
	sys.Hash, _ = sys.ChainHash()
	p.send("a2", &wire.AuditUpload{Device: "dev-1", Records: []app.AuditRecord{own, sys}})
	if ack := p.readType(wire.TypeAuditAck).Body.(*wire.AuditAck); ack.Through != 2 {
		t.Fatalf("own records: through %d, want 2", ack.Through)
	}
}

// TestReassignReroutesConflicts: an open conflict follows its case to the
// new owner. Before, it stayed with the previous owner, who was sent it at
// every hello and could still resolve it "mine" on a case no longer theirs.
func TestReassignReroutesConflicts(t *testing.T) {
	r := newRig(t)
	t1 := r.caseworker("cw1", "dev-1")
	t2 := r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	a, _ := r.connect(t1)
	a2, _ := r.connect(r.mustLogin("cw1", password, "dev-1b")) // concurrent: another device of cw1
	wantStatus(t, a2.push(cmd(1, "c-1", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match2"}))[0], app.AckApplied, "")
	res := a.push(cmd(2, "c-2", "sag-1", "cw1", 1, &app.Visiter{Kategori: "match3"}))[0]
	wantStatus(t, res, app.AckConflict, "")
	b, _ := r.connect(t2)
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	if got := b.readType(wire.TypeConflict).Body.(*wire.ConflictNotice); got.Conflict.ID != res.Conflict || got.Conflict.Owner != "cw2" {
		t.Fatalf("new owner's notice %+v, want conflict %s routed to cw2", got.Conflict, res.Conflict)
	}
	if ks, _ := r.srv.Conflicts("cw1"); len(ks) != 0 {
		t.Errorf("cw1 still has %d conflicts", len(ks))
	}
	if ks, _ := r.srv.Conflicts("cw2"); len(ks) != 1 || ks[0].ID != res.Conflict {
		t.Errorf("cw2's conflicts %+v, want %s", ks, res.Conflict)
	}
	before, _ := r.record("sag-1")
	a.send("r1", &wire.Resolve{Conflict: res.Conflict, Decision: app.ResolveTakeMine})
	f := a.readType(wire.TypeError)
	if e := f.Body.(*wire.Error); f.ID != "r1" || e.Key != "not_found.sync.conflict" {
		t.Fatalf("previous owner's resolve: %+v, want not_found.sync.conflict", e)
	}
	if after, _ := r.record("sag-1"); after.Version != before.Version {
		t.Fatalf("previous owner's resolve changed the case to v%d", after.Version)
	}
	b.send("r2", &wire.Resolve{Conflict: res.Conflict, Decision: app.ResolveKeepTheirs})
	if got := b.readType(wire.TypeResolved).Body.(*wire.Resolved); got.Error != nil {
		t.Fatalf("new owner's resolve: %+v", got)
	}
}
