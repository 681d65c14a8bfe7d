package server

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// The admin API (docs/protocol.md §1.3) lets an administrator run feltsagd's
// admin commands against the running server, so that a disabled account's
// live connections close at once and an online backup is consistent. Every
// request needs the access token of an enabled account with the admin role
// on a device that is not revoked; every action is written to the ledger's
// audit with the administrator as actor.

// Admin request bodies.
type (
	// AdminAccount creates an account.
	AdminAccount struct {
		ID       app.ID `json:"id"`
		Navn     string `json:"navn"`
		Rolle    string `json:"rolle"`
		Password string `json:"password"`
	}
	// AdminPassword sets an account's password.
	AdminPassword struct {
		Password string `json:"password"`
	}
	// AdminAssign puts a case, or a company (Virksomhed set instead of
	// Sag), in a caseworker's scope ("" = nobody's).
	AdminAssign struct {
		Sag        app.ID `json:"sag,omitempty"`
		Virksomhed app.ID `json:"virksomhed,omitempty"`
		Owner      app.ID `json:"owner"`
	}
	// AdminTeam puts an account in a team ("" = none).
	AdminTeam struct {
		Team app.ID `json:"team"`
	}
)

// adminHandler mounts the admin endpoints under wire.PathAdmin.
func (s *Server) adminHandler(mux *http.ServeMux) {
	mux.HandleFunc("POST "+wire.PathAdmin+"accounts", s.admin(s.adminCreate))
	mux.HandleFunc("POST "+wire.PathAdmin+"accounts/{id}/disable", s.admin(s.adminDisable))
	mux.HandleFunc("POST "+wire.PathAdmin+"accounts/{id}/password", s.admin(s.adminPassword))
	mux.HandleFunc("POST "+wire.PathAdmin+"accounts/{id}/team", s.admin(s.adminTeam))
	mux.HandleFunc("POST "+wire.PathAdmin+"devices/{id}/revoke", s.admin(s.adminRevoke))
	mux.HandleFunc("POST "+wire.PathAdmin+"assign", s.admin(s.adminAssign))
	mux.HandleFunc("GET "+wire.PathAdmin+"conflicts", s.admin(s.adminConflicts))
	mux.HandleFunc("GET "+wire.PathAdmin+"accesslog/{sag}", s.admin(s.adminAccessLog))
	mux.HandleFunc("GET "+wire.PathAdmin+"backup", s.admin(s.adminBackup))
}

// adminFunc is an admin endpoint: it returns the audit record of what it
// did (nil for nothing to record) or an error.
type adminFunc func(w http.ResponseWriter, r *http.Request, admin principal) (*app.AuditRecord, *app.Error)

// admin authenticates an admin, runs h and audits what it did.
func (s *Server) admin(h adminFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.originAllowed(r) {
			s.stats.authFailures.Add(1)
			s.writeHTTPError(w, errOrigin())
			return
		}
		p, e := s.authenticate(r)
		if e == nil && (p.revoked || p.rolle != app.RoleAdmin) {
			e = app.Errorf(app.CodeUnauthorized, "", "unauthorized.sync.admin")
		}
		if e != nil {
			s.stats.authFailures.Add(1)
			s.writeHTTPError(w, e)
			return
		}
		rec, e := h(w, r, p)
		if e != nil {
			s.writeHTTPError(w, e)
			return
		}
		if rec == nil {
			return
		}
		rec.At, rec.Actor = s.now(), app.Actor{Rolle: app.RoleAdmin, ID: p.account}
		if err := s.ledger.Update(func(tx app.LedgerTx) error {
			_, err := tx.AppendAudit(app.LedgerAudit{Record: *rec})
			return err
		}); err != nil {
			s.log.Error("admin audit", "err", app.Describe(app.AsError(err)))
		}
		s.log.Info("admin", "admin", string(p.account), "action", rec.Action, "kind", rec.Kind)
	}
}

// writeJSON answers 200 with v.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) adminCreate(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	var req AdminAccount
	if e := readJSON(w, r, &req); e != nil {
		return nil, e
	}
	if err := s.CreateAccount(req.ID, req.Navn, req.Rolle, req.Password); err != nil {
		return nil, app.AsError(err)
	}
	w.WriteHeader(http.StatusCreated)
	return &app.AuditRecord{Action: app.ActionAdminAccount, Kind: "create:" + string(req.ID)}, nil
}

func (s *Server) adminDisable(_ http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	id := app.ID(r.PathValue("id"))
	if err := s.DisableAccount(id); err != nil {
		return nil, app.AsError(err)
	}
	return &app.AuditRecord{Action: app.ActionAdminAccount, Kind: "disable:" + string(id)}, nil
}

func (s *Server) adminPassword(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	id := app.ID(r.PathValue("id"))
	var req AdminPassword
	if e := readJSON(w, r, &req); e != nil {
		return nil, e
	}
	if err := s.SetPassword(id, req.Password); err != nil {
		return nil, app.AsError(err)
	}
	return &app.AuditRecord{Action: app.ActionAdminAccount, Kind: "password:" + string(id)}, nil
}

func (s *Server) adminRevoke(_ http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	id := app.ID(r.PathValue("id"))
	if err := s.RevokeDevice(id); err != nil {
		return nil, app.AsError(err)
	}
	return &app.AuditRecord{Action: app.ActionAdminAccount, Kind: "revoke:" + string(id)}, nil
}

func (s *Server) adminAssign(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	var req AdminAssign
	if e := readJSON(w, r, &req); e != nil {
		return nil, e
	}
	if req.Virksomhed != "" {
		if req.Sag != "" {
			return nil, app.Errorf(app.CodeInvalid, "", "invalid.sync.assign_one").WithField("virksomhed")
		}
		if err := s.AssignCompany(req.Virksomhed, req.Owner); err != nil {
			return nil, app.AsError(err)
		}
		return &app.AuditRecord{Action: app.ActionAdminAssign, Sag: req.Virksomhed, Kind: app.RecordVirksomhed + ":owner:" + string(req.Owner)}, nil
	}
	if err := s.Assign(req.Sag, req.Owner); err != nil {
		return nil, app.AsError(err)
	}
	return &app.AuditRecord{Action: app.ActionAdminAssign, Sag: req.Sag, Kind: "owner:" + string(req.Owner)}, nil
}

func (s *Server) adminTeam(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	id := app.ID(r.PathValue("id"))
	var req AdminTeam
	if e := readJSON(w, r, &req); e != nil {
		return nil, e
	}
	if err := s.SetTeam(id, req.Team); err != nil {
		return nil, app.AsError(err)
	}
	return &app.AuditRecord{Action: app.ActionAdminAccount, Kind: "team:" + string(id) + ":" + string(req.Team)}, nil
}

func (s *Server) adminConflicts(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	cs, err := s.Conflicts(app.ID(r.URL.Query().Get("owner")))
	if err != nil {
		return nil, app.AsError(err)
	}
	if cs == nil {
		cs = []app.Conflict{}
	}
	writeJSON(w, cs)
	return nil, nil
}

// AccessLogHeader is the header of the aktindsigt CSV: who viewed or
// changed what, when, from which device.
func AccessLogHeader() []string {
	return []string{"tid", "handling", "rolle", "bruger", "enhed", "kommando", "art", "felt", "loebenummer"}
}

// adminAccessLog answers one case's access log as CSV (aktindsigt): every
// audit record the ledger holds that concerns the case, in the ledger's
// order. The export itself is audited against the case.
func (s *Server) adminAccessLog(w http.ResponseWriter, r *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	sag := app.ID(r.PathValue("sag"))
	if err := sag.Validate(); err != nil {
		return nil, app.AsError(err)
	}
	var recs []app.LedgerAudit
	if err := s.ledger.View(func(tx app.LedgerTx) error {
		var err error
		recs, err = tx.AuditFor(sag)
		return err
	}); err != nil {
		return nil, app.AsError(err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="adgangslog-`+string(sag)+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(AccessLogHeader())
	for _, a := range recs {
		_ = cw.Write([]string{a.Record.At.UTC().Format(time.RFC3339), a.Record.Action, a.Record.Actor.Rolle, string(a.Record.Actor.ID),
			string(a.Device), string(a.Record.Command), a.Record.Kind, a.Field, strconv.FormatUint(a.Seq, 10)})
	}
	cw.Flush()
	return &app.AuditRecord{Action: app.ActionExported, Sag: sag, Kind: "adgangslog"}, nil
}

// adminBackup streams a consistent copy of the ledger (Options.Backup).
func (s *Server) adminBackup(w http.ResponseWriter, _ *http.Request, _ principal) (*app.AuditRecord, *app.Error) {
	switch {
	case s.opts.Backup == nil && s.opts.BackupByDatabase:
		return nil, app.Errorf(app.CodeNotFound, "", "not_found.sync.backup_database")
	case s.opts.Backup == nil:
		return nil, app.Errorf(app.CodeNotFound, "", "not_found.sync.backup")
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="feltsagd-backup.db"`)
	if _, err := s.opts.Backup(w); err != nil {
		// The status line is sent: the client sees a short body, and the
		// copy fails bbolt's check when opened.
		s.log.Error("backup", "err", app.Describe(app.AsError(err)))
		return nil, nil
	}
	return &app.AuditRecord{Action: app.ActionAdminBackup}, nil
}
