package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/pdf"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

const adminUsage = `Brug: feltsagd admin [flag] KOMMANDO

Administration af en kørende feltsagd via dens admin-API. Adgangskoden læses fra
FELTSAGD_ADMIN_PASSWORD eller fra første linje på standard input.

  -server URL      serverens adresse (standard http://127.0.0.1:8443)
  -user BRUGER     administratorens brugernavn (standard admin)
  -insecure        godtag et selvsigneret certifikat (kun til udvikling, --dev)

Kommandoer:
  user add BRUGER NAVN [sagsbehandler|admin]   opret en konto; adgangskoden skrives ud
  user disable BRUGER                          spær en konto og luk dens forbindelser
  user password BRUGER                         ny adgangskode; den skrives ud
  user team BRUGER HOLD                        sæt en konto på et hold ("-" = intet hold); holdet
                                               deler sine virksomheder
  device revoke ENHED                          tilbagekald en enhed; den slettes ved næste kontakt
  assign SAG BRUGER                            flyt en sag til en sagsbehandler ("-" = ingen)
  company assign VIRKSOMHED BRUGER             gør en konsulent ansvarlig for en virksomhed ("-" = ingen)
  conflicts [BRUGER]                           vis åbne konflikter (JSON)
  accesslog SAG [FIL|-]                        en borgers adgangslog (aktindsigt) som CSV;
                                               som PDF når FIL ender på .pdf (sprog: FELTSAG_LANG)
  backup FIL                                   sikkerhedskopi af serverens data, mens den kører
`

// adminDevice is the device id the admin tool signs in from: one per
// user, since a device belongs to the account that enrolled it.
func adminDevice(user string) app.ID { return app.ID("feltsagd-admin-" + user) }

// runAdmin runs one admin command against a running server.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, tx texts, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("admin", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, adminUsage) }
	base := fl.String("server", "http://127.0.0.1:8443", "")
	user := fl.String("user", "admin", "")
	insecure := fl.Bool("insecure", false, "")
	if err := fl.Parse(args); err != nil {
		return exitError{"bad flags"}
	}
	rest := fl.Args()
	if len(rest) == 0 {
		fmt.Fprint(stderr, adminUsage)
		return exitError{"no command"}
	}
	hc := &http.Client{Timeout: 5 * time.Minute}
	if *insecure {
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // explicit -insecure for --dev servers
	}
	password := getenv("FELTSAGD_ADMIN_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("feltsagd admin: ingen adgangskode (sæt FELTSAGD_ADMIN_PASSWORD eller skriv den på standard input)")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	sess, err := client.Login(ctx, hc, *base, *user, password, adminDevice(*user), "feltsagd admin")
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	a := adminClient{hc: hc, base: strings.TrimRight(*base, "/"), token: sess.AccessToken, tx: tx, user: *user}
	if err := a.run(ctx, rest, stdout); err != nil {
		return err
	}
	return nil
}

type adminClient struct {
	hc    *http.Client
	base  string
	token string
	tx    texts
	user  string // the administrator, named on an exported document
}

func (a adminClient) run(ctx context.Context, args []string, stdout io.Writer) error {
	need := func(n int) error {
		if len(args) < n {
			return fmt.Errorf("feltsagd admin %s: for få argumenter\n\n%s", strings.Join(args, " "), adminUsage)
		}
		return nil
	}
	cmd := strings.Join(args[:min(2, len(args))], " ")
	switch {
	case cmd == "user add":
		if err := need(4); err != nil {
			return err
		}
		rolle := app.RoleCaseworker
		if len(args) > 4 {
			rolle = args[4]
		}
		pw, err := newPassword()
		if err != nil {
			return err
		}
		if err := a.call(ctx, http.MethodPost, "accounts", server.AdminAccount{ID: app.ID(args[2]), Navn: args[3], Rolle: rolle, Password: pw}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "konto %s oprettet; adgangskode: %s\n", args[2], pw)
	case cmd == "user disable":
		if err := need(3); err != nil {
			return err
		}
		if err := a.call(ctx, http.MethodPost, "accounts/"+url.PathEscape(args[2])+"/disable", nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "konto %s spærret\n", args[2])
	case cmd == "user password":
		if err := need(3); err != nil {
			return err
		}
		pw, err := newPassword()
		if err != nil {
			return err
		}
		if err := a.call(ctx, http.MethodPost, "accounts/"+url.PathEscape(args[2])+"/password", server.AdminPassword{Password: pw}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ny adgangskode til %s: %s\n", args[2], pw)
	case cmd == "user team":
		if err := need(4); err != nil {
			return err
		}
		team := args[3]
		if team == "-" {
			team = ""
		}
		if err := a.call(ctx, http.MethodPost, "accounts/"+url.PathEscape(args[2])+"/team", server.AdminTeam{Team: app.ID(team)}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "konto %s → hold %s\n", args[2], args[3])
	case cmd == "company assign":
		if err := need(4); err != nil {
			return err
		}
		owner := args[3]
		if owner == "-" {
			owner = ""
		}
		if err := a.call(ctx, http.MethodPost, "assign", server.AdminAssign{Virksomhed: app.ID(args[2]), Owner: app.ID(owner)}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "virksomhed %s → %s\n", args[2], args[3])
	case cmd == "device revoke":
		if err := need(3); err != nil {
			return err
		}
		if err := a.call(ctx, http.MethodPost, "devices/"+url.PathEscape(args[2])+"/revoke", nil, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "enhed %s tilbagekaldt\n", args[2])
	case args[0] == "assign":
		if err := need(3); err != nil {
			return err
		}
		owner := args[2]
		if owner == "-" {
			owner = ""
		}
		if err := a.call(ctx, http.MethodPost, "assign", server.AdminAssign{Sag: app.ID(args[1]), Owner: app.ID(owner)}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "sag %s → %s\n", args[1], args[2])
	case args[0] == "conflicts":
		path := "conflicts"
		if len(args) > 1 {
			path += "?owner=" + url.QueryEscape(args[1])
		}
		var cs []app.Conflict
		if err := a.call(ctx, http.MethodGet, path, nil, &cs); err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cs)
	case args[0] == "accesslog":
		if err := need(2); err != nil {
			return err
		}
		dest := "-"
		if len(args) > 2 {
			dest = args[2]
		}
		if strings.EqualFold(filepath.Ext(dest), ".pdf") {
			return a.accessLogPDF(ctx, app.ID(args[1]), dest, time.Now())
		}
		return a.download(ctx, "accesslog/"+url.PathEscape(args[1]), dest, stdout)
	case args[0] == "backup":
		if err := need(2); err != nil {
			return err
		}
		return a.download(ctx, "backup", args[1], stdout)
	default:
		return fmt.Errorf("feltsagd admin: ukendt kommando %q\n\n%s", strings.Join(args, " "), adminUsage)
	}
	return nil
}

// call sends body as JSON and decodes the answer into out (nil: ignore).
func (a adminClient) call(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	resp, err := a.do(ctx, method, path, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out)
}

func (a adminClient) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, a.base+wire.PathAdmin+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("feltsagd admin: serveren svarer ikke (server unreachable): %w", err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		var he wire.HTTPError
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(b, &he) == nil && he.Error != nil {
			return nil, errors.New(a.tx.err(he.Error, nil))
		}
		return nil, fmt.Errorf("feltsagd admin: serveren svarede %s", resp.Status)
	}
	return resp, nil
}

// download writes an answer's body to dest ("-" = stdout) through the
// same rules as --out: only regular files.
func (a adminClient) download(ctx context.Context, path, dest string, stdout io.Writer) error {
	resp, err := a.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if dest == "-" {
		_, err := io.Copy(stdout, resp.Body)
		return err
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return err
	}
	return writeFile(dest, buf.Bytes())
}

// accessLogPDF fetches a case's access log as CSV and writes it to dest
// as a PDF document in the administrator's language (aktindsigt on
// paper). The server audits the export as it does the CSV's.
func (a adminClient) accessLogPDF(ctx context.Context, sag app.ID, dest string, now time.Time) error {
	if err := sag.Validate(); err != nil {
		return errors.New(a.tx.err(err, nil))
	}
	var buf bytes.Buffer
	if err := a.download(ctx, "accesslog/"+url.PathEscape(string(sag)), "-", &buf); err != nil {
		return err
	}
	entries, err := parseAccessLog(buf.Bytes())
	if err != nil {
		return fmt.Errorf("feltsagd admin accesslog: serverens svar kan ikke læses: %w", err)
	}
	r, err := pdf.New(a.tx.cat)
	if err != nil {
		return err
	}
	var doc bytes.Buffer
	if _, err := r.AccessLog(&doc, pdf.AccessLogInput{Sag: sag, Entries: entries, Printed: now, PrintedBy: a.user, Lang: a.tx.lang}); err != nil {
		return errors.New(a.tx.err(err, nil))
	}
	return writeFile(dest, doc.Bytes())
}

// parseAccessLog reads the aktindsigt CSV (server.AccessLogHeader's
// columns, in that order).
func parseAccessLog(b []byte) ([]pdf.AccessEntry, error) {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, err
	}
	head := server.AccessLogHeader()
	if len(rows) == 0 || !slices.Equal(rows[0], head) {
		return nil, fmt.Errorf("the header is not %q", strings.Join(head, ","))
	}
	var out []pdf.AccessEntry
	for i, r := range rows[1:] {
		at, err := time.Parse(time.RFC3339, r[0])
		if err != nil {
			return nil, fmt.Errorf("row %d: time %q: %w", i+2, r[0], err)
		}
		seq, err := strconv.ParseUint(r[8], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("row %d: position %q: %w", i+2, r[8], err)
		}
		out = append(out, pdf.AccessEntry{At: at, Action: r[1], Role: r[2], User: app.ID(r[3]), Device: app.ID(r[4]),
			Command: app.ID(r[5]), Kind: r[6], Field: r[7], Seq: seq})
	}
	return out, nil
}

// newPassword returns a random password of 20 characters.
func newPassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
