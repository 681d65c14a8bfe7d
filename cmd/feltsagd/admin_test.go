package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/app/demo"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/sync/wire"
)

// admin runs `feltsagd admin` against d as user with password and
// returns its output.
func (d *demoServer) admin(t *testing.T, user, password string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"FELTSAGD_ADMIN_PASSWORD": password, "LANG": "da_DK.UTF-8"}
	err := run(context.Background(), append([]string{"admin", "-server", "http://" + d.addr, "-user", user}, args...),
		func(k string) string { return env[k] }, &out, &errOut)
	return out.String() + errOut.String(), err
}

func login(t *testing.T, addr, user, password string) int {
	t.Helper()
	body, _ := json.Marshal(wire.LoginRequest{User: app.ID(user), Password: password, Device: app.ID("dev-" + user)})
	resp, err := http.Post("http://"+addr+wire.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdmin drives every admin command against a running demo server:
// accounts, disabling, passwords, assignment, conflicts, the access log and
// an online backup, and checks that a caseworker may not use them.
func TestAdmin(t *testing.T) {
	d := startDemo(t, 45)
	pop, err := demo.Generate(testkit.Rules(t), 1, 45, app.DateOf(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	cw0, cw1 := pop.Sagsbehandlere[0].Brugernavn, pop.Sagsbehandlere[1].Brugernavn
	sag := pop.Sager[0].ID
	adminPW := DemoPassword(DemoAdmin)

	if out, err := d.admin(t, cw0, DemoPassword(cw0), "conflicts"); err == nil || !strings.Contains(out+err.Error(), "administrator") {
		t.Errorf("a caseworker used the admin API: %v %s", err, out)
	}
	if _, err := d.admin(t, DemoAdmin, "forkert", "conflicts"); err == nil {
		t.Error("wrong admin password accepted")
	}

	out, err := d.admin(t, DemoAdmin, adminPW, "user", "add", "ny01", "Ny Sagsbehandler")
	if err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	pw := strings.TrimSpace(out[strings.LastIndex(out, ":")+1:])
	if code := login(t, d.addr, "ny01", pw); code != http.StatusOK {
		t.Fatalf("new account signs in: %d", code)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "user", "password", "ny01"); err != nil {
		t.Fatalf("user password: %v %s", err, out)
	}
	if code := login(t, d.addr, "ny01", pw); code != http.StatusUnauthorized {
		t.Errorf("old password after reset: %d, want 401", code)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "user", "disable", cw1); err != nil {
		t.Fatalf("user disable: %v %s", err, out)
	}
	if code := login(t, d.addr, cw1, DemoPassword(cw1)); code == http.StatusOK {
		t.Error("disabled account signs in")
	}

	if out, err := d.admin(t, DemoAdmin, adminPW, "assign", string(sag), "ny01"); err != nil {
		t.Fatalf("assign: %v %s", err, out)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "assign", "findes-ikke", "ny01"); err == nil {
		t.Errorf("assign of a nonexistent case: %s", out)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "user", "team", "ny01", "nord"); err != nil || !strings.Contains(out, "hold nord") {
		t.Errorf("user team: %v %s", err, out)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "user", "team", "findes-ikke", "nord"); err == nil {
		t.Errorf("user team of a nonexistent account: %s", out)
	}
	if out, err := d.admin(t, DemoAdmin, adminPW, "company", "assign", "findes-ikke", "ny01"); err == nil {
		t.Errorf("company assign of a nonexistent company: %s", out)
	}
	out, err = d.admin(t, DemoAdmin, adminPW, "conflicts")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Fatalf("conflicts: %v %s", err, out)
	}

	out, err = d.admin(t, DemoAdmin, adminPW, "accesslog", string(sag))
	if err != nil {
		t.Fatalf("accesslog: %v %s", err, out)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 || strings.Join(rows[0], ",") != "tid,handling,rolle,bruger,enhed,kommando,art,felt,loebenummer" {
		t.Fatalf("accesslog CSV: %v\n%s", err, out)
	}
	var assigned bool
	for _, r := range rows[1:] {
		assigned = assigned || (r[1] == app.ActionAdminAssign && r[3] == DemoAdmin)
	}
	if !assigned {
		t.Errorf("the assignment is not in the case's access log:\n%s", out)
	}
	pdfPath := filepath.Join(t.TempDir(), "adgangslog.pdf")
	if out, err := d.admin(t, DemoAdmin, adminPW, "accesslog", string(sag), pdfPath); err != nil {
		t.Fatalf("accesslog as PDF: %v %s", err, out)
	}
	if doc, err := os.ReadFile(pdfPath); err != nil || !bytes.HasPrefix(doc, []byte("%PDF-")) {
		t.Errorf("accesslog %s is not a PDF: %v", pdfPath, err)
	} else if text, err := exec.Command("pdftotext", "-enc", "UTF-8", pdfPath, "-").Output(); err == nil {
		if flat := strings.Join(strings.Fields(string(text)), " "); !strings.Contains(flat, "Sag "+string(sag)) || !strings.Contains(flat, "Tildelt") {
			t.Errorf("the access log PDF lacks the case or the assignment:\n%s", flat)
		}
	}

	dest := filepath.Join(t.TempDir(), "backup.db")
	if out, err := d.admin(t, DemoAdmin, adminPW, "backup", dest); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	db, err := bbolt.Open(dest, 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer db.Close()
	if err := db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Errorf("the backup fails bbolt's check: %v", err)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v", fi, err)
	}
}
