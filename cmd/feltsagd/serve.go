package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/assets"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/store/pgledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// Version is feltsagd's version, sent in welcome.
const Version = "0.2.0"

const serveUsage = `Brug: feltsagd serve [flag]

Starter synkroniseringsserveren på én indlejret bbolt-fil: ingen anden proces.
Med -db bruger den i stedet en PostgreSQL-database (skemaet lægges af feltsagd migrate).

  -addr ADRESSE    lyt her (standard 127.0.0.1:8443); ws:// kun på loopback
  -data FIL        serverens ledger (standard feltsagd.db)
  -db URL          PostgreSQL i stedet for filen: postgres://rolle@vært/db?sslmode=…
                   (standard $FELTSAGD_DB, så adgangskoden ikke står på kommandolinjen)
  -cert FIL -key FIL  TLS-certifikat og nøgle (wss://)
  -dev             lav et selvsigneret certifikat (kun til udvikling)
  -origin URL      tilladt Origin (kan gentages); klienten sender ingen
  -demo            demodata i en midlertidig mappe; adgangskoder skrives ved start
  -demo-size N     antal demoborgere (standard 200)
  -demo-seed S     demoens seed (standard 1)
  -demo-dir MAPPE  læg demo-ledgeren her i stedet for en midlertidig mappe
`

// serveFlags are feltsagd serve's settings.
type serveFlags struct {
	addr, data, db, cert, key string
	dev, demo                 bool
	origins                   []string
	demoSize                  int
	demoSeed                  int64
	demoDir                   string
}

func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveFlags, error) {
	var f serveFlags
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, serveUsage) }
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8443", "")
	fl.StringVar(&f.data, "data", "feltsagd.db", "")
	fl.StringVar(&f.db, "db", getenv("FELTSAGD_DB"), "")
	fl.StringVar(&f.cert, "cert", "", "")
	fl.StringVar(&f.key, "key", "", "")
	fl.BoolVar(&f.dev, "dev", false, "")
	fl.BoolVar(&f.demo, "demo", false, "")
	fl.IntVar(&f.demoSize, "demo-size", 200, "")
	fl.Int64Var(&f.demoSeed, "demo-seed", 1, "")
	fl.StringVar(&f.demoDir, "demo-dir", "", "")
	fl.Func("origin", "", func(s string) error { f.origins = append(f.origins, s); return nil })
	if err := fl.Parse(args); err != nil {
		return f, exitError{"bad flags"}
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "feltsagd serve: uventet argument %q\n\n%s", fl.Arg(0), serveUsage)
		return f, exitError{"bad flags"}
	}
	if f.demoSize < 1 || f.demoSize > 100_000 {
		fmt.Fprintf(stderr, "feltsagd serve: -demo-size skal være 1–100000\n")
		return f, exitError{"bad flags"}
	}
	return f, nil
}

// runServe starts the server and serves until ctx ends.
func runServe(ctx context.Context, args []string, getenv func(string) string, tx texts, stdout, stderr io.Writer) error {
	f, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tr, err := transportFor(f.addr, f.cert, f.key, f.dev, time.Now())
	if err != nil {
		return err
	}
	path := f.data
	if f.demo && f.db == "" {
		dir := f.demoDir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "feltsagd-demo-"); err != nil {
				return err
			}
			defer os.RemoveAll(dir)
		}
		path = filepath.Join(dir, "feltsagd-demo.db")
	}
	led, err := openLedger(ctx, path, f.db)
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	defer led.Close()
	srv, err := newServer(led, f.origins, log)
	if err != nil {
		return errors.New(tx.err(err, nil))
	}
	if led.link != nil {
		stop := led.link.run(ctx, srv, log)
		defer stop()
	}
	defer srv.Close()
	if f.demo {
		if err := seedDemo(srv, led, f.demoSeed, f.demoSize, stdout); err != nil {
			return errors.New(tx.err(err, nil))
		}
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("kan ikke lytte på %s (cannot listen): %w", f.addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler())
	mux.Handle("GET /metrics", metricsHandler(srv))
	hs := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second, // a slowloris upgrade is cut here
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		TLSConfig:         tr.tls,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	scheme := "ws"
	if tr.tls != nil {
		scheme = "wss"
		ln = tlsListener(ln, tr)
	}
	fmt.Fprintf(stdout, "feltsagd %s lytter på %s://%s%s (ledger %s)\n", Version, scheme, ln.Addr(), wire.PathSync, led.where)
	if tr.fingerprint != "" {
		fmt.Fprintf(stdout, "selvsigneret certifikat, SHA-256 %s\n", tr.fingerprint)
	}
	log.Info("serving", "addr", ln.Addr().String(), "tls", tr.tls != nil, "demo", f.demo)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Close() // websockets are hijacked: Shutdown does not close them
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// servedLedger is the ledger feltsagd serves: the embedded bbolt file or
// a PostgreSQL database.
type servedLedger struct {
	app.Ledger
	where  string                           // for the start line: the file, or the database without its password
	backup func(w io.Writer) (int64, error) // the admin API's online backup; nil on PostgreSQL (pg_dump does it)
	link   *nodeLink                        // PostgreSQL: pokes to and from the other nodes on the database
}

// openLedger opens the PostgreSQL ledger at db when it is set, else the
// bbolt file at path.
func openLedger(ctx context.Context, path, db string) (*servedLedger, error) {
	if db != "" {
		led, err := pgledger.Open(ctx, db, pgledger.Options{})
		if err != nil {
			return nil, err
		}
		return &servedLedger{Ledger: led, where: redactDB(db), link: newNodeLink(led)}, nil
	}
	led, err := ledger.Open(path, ledger.Options{})
	if err != nil {
		return nil, err
	}
	return &servedLedger{Ledger: led, where: path, backup: led.Backup}, nil
}

// newServer makes a server over led with the embedded rule tables.
func newServer(led *servedLedger, origins []string, log *slog.Logger) (*server.Server, error) {
	rules, err := app.LoadRules(assets.Rules())
	if err != nil {
		return nil, err
	}
	files, err := wire.RuleFilesOf(assets.Rules())
	if err != nil {
		return nil, err
	}
	opts := server.Options{
		Ledger: led.Ledger, Engine: app.NewEngine(rules), Logger: log,
		AllowedOrigins: origins, RuleFiles: files, AppVersion: Version, Backup: led.backup,
	}
	if led.link != nil {
		opts.Poked = led.link.poked
		opts.Announce = led.link.announce
		opts.BackupByDatabase = true
	}
	return server.New(opts)
}

// nodeLink connects this node to the other feltsagd nodes on the same
// PostgreSQL database: the pokes it gives its own clients go out as a
// NOTIFY, and the others' come in through a listener that pokes this
// node's clients (pgledger.Notify, Listen).
//
// The server's announcements (closes, wipes, notices: server.NodeEvent)
// go the same way but are never dropped: a full queue makes the
// announcing goroutine (an admin request, a push) wait for room. A node
// whose listener lost its connection may have missed some: it re-checks
// its live connections against the database (server.Recheck).
type nodeLink struct {
	pg     *pgledger.DB
	id     string
	out    chan pgledger.Poke
	events chan pgledger.Poke
	done   chan struct{} // closed when run stops: announce no longer waits
}

func newNodeLink(pg *pgledger.DB) *nodeLink {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &nodeLink{pg: pg, id: hex.EncodeToString(b[:]), out: make(chan pgledger.Poke, 1024),
		events: make(chan pgledger.Poke, 256), done: make(chan struct{})}
}

// announce is the server's Options.Announce: it queues e for the other
// nodes and waits for room rather than drop it, until run stops.
func (l *nodeLink) announce(e server.NodeEvent) {
	b, err := json.Marshal(e)
	if err != nil {
		return // a NodeEvent of ids and a small notice always marshals
	}
	select {
	case l.events <- pgledger.Poke{Node: l.id, Event: b}:
	case <-l.done:
	}
}

// poked is the server's Options.Poked: it never blocks. A poke dropped
// when the queue is full reaches the other nodes through their fallback
// poll of the log's head, within a second.
func (l *nodeLink) poked(head app.Cursor, owners []app.ID) {
	select {
	case l.out <- pgledger.Poke{Node: l.id, Head: head, Owners: owners}:
	default:
	}
}

// run sends this node's pokes and listens for the others' until ctx ends
// or stop is called; stop waits for both goroutines.
func (l *nodeLink) run(ctx context.Context, srv *server.Server, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			var p pgledger.Poke
			select {
			case p = <-l.events: // events first: a close must not wait behind pokes
			default:
				select {
				case p = <-l.events:
				case p = <-l.out:
				case <-ctx.Done():
					return
				}
			}
			if err := l.pg.Notify(ctx, p); err != nil && ctx.Err() == nil {
				// The other nodes' listeners lose their connections too
				// when the database is away, and re-check on return.
				log.Warn("notify the other nodes", "err", app.Describe(err))
			}
		}
	})
	wg.Go(func() {
		_ = l.pg.Listen(ctx, pgledger.ListenOptions{}, func(p pgledger.Poke) {
			switch {
			case p.Lost:
				// Announcements may have been lost with the connection.
				if n, err := srv.Recheck(); err != nil {
					log.Warn("re-check connections after the listener reconnected", "err", app.Describe(app.AsError(err)))
				} else if n > 0 {
					log.Info("connections ended by the re-check after the listener reconnected", "n", n)
				}
				srv.PokeOwners(p.Head)
			case p.Node == l.id:
			case p.Event != nil:
				var e server.NodeEvent
				if json.Unmarshal(p.Event, &e) == nil {
					srv.ApplyNodeEvent(e)
				}
			default:
				srv.PokeOwners(p.Head, p.Owners...)
			}
		})
	})
	return func() { cancel(); close(l.done); wg.Wait() }
}
