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
