package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/client"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// The server's SIGKILL loop (issue 9, "A SIGKILL loop for the server"): a
// child process (this test binary again) serves a real sync/server on a
// ledger file; the parent pushes commands over websockets from several
// devices at once, records every ack, and SIGKILLs the child at random
// moments. After each restart every command pushed so far is pushed again:
// an acknowledged one must come back duplicate with its version, an
// unacknowledged one applied or duplicate. At the end the ledger file
// itself must hold every acknowledged command exactly once.

// envServerChild makes the test binary the server child (its value is the
// folder of the ledger).
const envServerChild = "FELTSAG_SIM_SERVER_CHILD"

// killCases are the cases the child seeds and the parent writes notes to.
var killCases = []app.ID{"sag-1", "sag-2", "sag-3", "sag-4"}

// killDevices push at the same time, so kills land inside group commits.
var killDevices = []app.ID{"dev-k1", "dev-k2", "dev-k3"}

func init() {
	if dir := os.Getenv(envServerChild); dir != "" {
		os.Exit(serverChild(dir))
	}
}

// serverChild serves until it is killed. It creates the account and the
// cases only when the ledger does not hold them yet.
func serverChild(dir string) int {
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 2 }
	eng, err := testkit.LoadEngine()
	if err != nil {
		return fail(err)
	}
	led, err := ledger.Open(filepath.Join(dir, "ledger.db"), ledger.Options{LockTimeout: 5 * time.Second})
	if err != nil {
		return fail(err)
	}
	srv, err := server.New(server.Options{Ledger: led, Engine: eng, Logger: slog.New(slog.DiscardHandler),
		Password:  server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}})
	if err != nil {
		return fail(err)
	}
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, password); err != nil && app.ErrorCode(err) != app.CodeConflict {
		return fail(err)
	}
	for _, id := range killCases {
		err := led.View(func(tx app.LedgerTx) error { _, err := tx.Record(app.RecordSag, id); return err })
		if notFound(err) {
			s := &app.Sag{ID: id, Borger: app.Borger{Navn: "Test Borger"}}
			err = srv.ImportCase(s, "cw1")
		}
		if err != nil {
			return fail(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	fmt.Println("addr", ln.Addr())
	return fail(http.Serve(ln, srv.Handler()))
}

// killRun is the parent's memory across kills.
type killRun struct {
	t    *testing.T
	rng  *rand.Rand
	mu   sync.Mutex
	sent map[app.ID]wire.PushCommand // every command pushed, by id
	ack  map[app.ID]app.AckResult    // the first ack of each
	seq  uint64
	n    int // commands minted
}

// batch mints 1–8 new commands of dev.
func (k *killRun) batch(dev app.ID) []wire.PushCommand {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]wire.PushCommand, 1+k.rng.IntN(8))
	for i := range out {
		out[i] = k.mint(dev)
	}
	return out
}

// mint makes one command; k.mu is held.
func (k *killRun) mint(dev app.ID) wire.PushCommand {
	k.n++
	k.seq++
	id := app.ID(fmt.Sprintf("k-%s-%d", dev, k.n))
	sag := killCases[k.rng.IntN(len(killCases))]
	cmd := app.Command{ID: id, Sag: sag, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, At: time.Now().UTC(),
		Body: &app.TilfoejNotat{NotatID: app.ID("n" + string(id)), Tekst: "notat"}}
	pc := wire.PushCommand{Seq: k.seq, Command: cmd}
	k.sent[id] = pc
	return pc
}

// record keeps an ack; a later ack of the same command must agree.
func (k *killRun) record(r app.AckResult) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	first, ok := k.ack[r.Command]
	if !ok {
		if r.Status != app.AckApplied && r.Status != app.AckDuplicate {
			return fmt.Errorf("command %s answered %s (%v)", r.Command, r.Status, r.Error)
		}
		k.ack[r.Command] = r
		return nil
	}
	if r.Status != app.AckDuplicate || r.Version != first.Version {
		return fmt.Errorf("command %s acknowledged %s v%d before the kill, %s v%d after it", r.Command, first.Status, first.Version, r.Status, r.Version)
	}
	return nil
}

// killConn is one device's websocket to the child.
type killConn struct {
	ws *websocket.Conn
	n  int
}

func dialChild(ctx context.Context, addr string, dev app.ID) (*killConn, error) {
	sess, err := client.Login(ctx, nil, "http://"+addr, "cw1", password, dev, "kill")
	if err != nil {
		return nil, err
	}
	ws, _, err := websocket.DefaultDialer.DialContext(ctx, "ws://"+addr+wire.PathSync, http.Header{"Authorization": {"Bearer " + sess.AccessToken}})
	if err != nil {
		return nil, err
	}
	c := &killConn{ws: ws}
	f, err := c.call(&wire.Hello{Device: dev, AppVersion: "1.0.0"})
	if err != nil {
		_ = ws.Close()
		return nil, err
	}
	if _, ok := f.Body.(*wire.Welcome); !ok {
		_ = ws.Close()
		return nil, fmt.Errorf("hello answered with %s", f.Body.Type())
	}
	return c, nil
}

// call sends a request and reads until its answer.
func (c *killConn) call(m wire.Message) (wire.Frame, error) {
	c.n++
	id := app.ID(fmt.Sprintf("r%d", c.n))
	b, err := wire.Encode(wire.Frame{ID: id, Body: m})
	if err != nil {
		return wire.Frame{}, err
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return wire.Frame{}, err
	}
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return wire.Frame{}, err
		}
		f, err := wire.Decode(data)
		if err != nil {
			return wire.Frame{}, err
		}
		if f.ID == id {
			return f, nil
		}
	}
}

// push sends commands and checks and records the ack.
func (k *killRun) push(c *killConn, cmds []wire.PushCommand) error {
	f, err := c.call(&wire.Push{Commands: cmds})
	if err != nil {
		return err
	}
	ack, ok := f.Body.(*wire.Ack)
	if !ok {
		return fmt.Errorf("push answered with %s %+v", f.Body.Type(), f.Body)
	}
	if len(ack.Results) != len(cmds) {
		return fmt.Errorf("%d results for %d commands", len(ack.Results), len(cmds))
	}
	for _, r := range ack.Results {
		if err := k.record(r); err != nil {
			return err
		}
	}
	return nil
}

// startChild starts the server child on dir and returns it with its
// address.
func startChild(t *testing.T, dir string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envServerChild+"="+dir)
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "addr "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, addr, stderr
		}
	}
	_ = cmd.Wait()
	t.Fatalf("the server child did not start: %s", stderr)
	return nil, "", nil
}

// TestServerSIGKILL kills the server child at least ten times while three
// devices push (100 times with SOAK).
func TestServerSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill loop is skipped in -short mode")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SIM_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("seed %d (replay: SIM_SEED=%d go test -tags migrated_fynedo -run TestServerSIGKILL ./internal/sim/)", seed, seed)
	kills := 12
	if os.Getenv("SOAK") != "" || os.Getenv("FELTSAG_SOAK") != "" {
		kills = 100
	}
	k := &killRun{t: t, rng: rand.New(rand.NewPCG(seed, 9)), sent: map[app.ID]wire.PushCommand{}, ack: map[app.ID]app.AckResult{}}
	dir := t.TempDir()
	ctx := context.Background()
	for run := 0; run <= kills; run++ {
		cmd, addr, stderr := startChild(t, dir)
		// Pushed again: every command not acknowledged before the kill
		// (it is settled now: applied, or duplicate when the server had
		// committed it), and up to 64 acknowledged ones, which must come
		// back duplicate with their version (all of them are checked in
		// the ledger file at the end).
		c, err := dialChild(ctx, addr, killDevices[0])
		if err != nil {
			t.Fatalf("run %d: connecting after the restart: %v (%s)", run, err, stderr)
		}
		var ids []app.ID
		k.mu.Lock()
		for _, id := range slices.Sorted(maps.Keys(k.sent)) {
			if _, ok := k.ack[id]; !ok || k.rng.IntN(len(k.sent)+1) < 64 {
				ids = append(ids, id)
			}
		}
		k.mu.Unlock()
		for len(ids) > 0 {
			n := min(len(ids), wire.MaxCommandsPerPush)
			var cmds []wire.PushCommand
			for i, id := range ids[:n] {
				k.mu.Lock()
				pc := k.sent[id]
				k.mu.Unlock()
				pc.Seq = uint64(i + 1)
				cmds = append(cmds, pc)
			}
			if err := k.push(c, cmds); err != nil {
				t.Fatalf("run %d: replay after the kill: %v", run, err)
			}
			ids = ids[n:]
		}
		_ = c.ws.Close()
		if run == kills {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			break
		}
		// Push from every device until the kill.
		target := 5 + k.rng.IntN(25)
		jitter := time.Duration(k.rng.IntN(3000)) * time.Microsecond
		acked := make(chan struct{}, 1024)
		var wg sync.WaitGroup
		var perr error
		var pmu sync.Mutex
		for _, dev := range killDevices {
			wg.Go(func() {
				c, err := dialChild(ctx, addr, dev)
				if err != nil {
					return // killed before it connected
				}
				defer c.ws.Close()
				for {
					if err := k.push(c, k.batch(dev)); err != nil {
						var ce *websocket.CloseError
						var ne net.Error
						if !errors.As(err, &ce) && !errors.As(err, &ne) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
							pmu.Lock()
							perr = err
							pmu.Unlock()
						}
						return
					}
					select {
					case acked <- struct{}{}:
					default:
					}
				}
			})
		}
		for range target {
			<-acked
		}
		time.Sleep(jitter) // moves the kill to a random point among the pushes in flight
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		wg.Wait()
		if perr != nil {
			t.Fatalf("run %d: %v", run, perr)
		}
	}
	verifyKillLedger(t, filepath.Join(dir, "ledger.db"), k)
	t.Logf("%d kills, %d commands pushed, %d acknowledged, every one present exactly once", kills, len(k.sent), len(k.ack))
}

// verifyKillLedger opens the ledger the child left and checks that every
// acknowledged command is in it once: its applied record with its
// version, its note once in its case, and per case the versions of the
// applied commands exactly 2..head.
func verifyKillLedger(t *testing.T, path string, k *killRun) {
	t.Helper()
	led, err := ledger.Open(path, ledger.Options{})
	if err != nil {
		t.Fatalf("Open after the last kill: %v", err)
	}
	defer led.Close()
	if err := led.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	err = led.View(func(tx app.LedgerTx) error {
		versions := map[app.ID][]int64{}
		for id, r := range k.ack {
			a, err := tx.Applied(id)
			if err != nil {
				return fmt.Errorf("acknowledged command %s: %w", id, err)
			}
			if a.Result.Status != app.AckApplied || a.Result.Version != r.Version {
				return fmt.Errorf("command %s: acknowledged v%d, the ledger holds %s v%d", id, r.Version, a.Result.Status, a.Result.Version)
			}
			sag := k.sent[id].Command.Sag
			versions[sag] = append(versions[sag], r.Version)
		}
		for _, sag := range killCases {
			rec, err := tx.Record(app.RecordSag, sag)
			if err != nil {
				return err
			}
			s, err := decodeCase(rec.Data)
			if err != nil {
				return err
			}
			notes := map[app.ID]int{}
			for _, n := range s.Notater {
				notes[n.ID]++
			}
			for id, r := range k.ack {
				if k.sent[id].Command.Sag != sag {
					continue
				}
				if c := notes[app.ID("n"+string(id))]; c != 1 {
					return fmt.Errorf("%s holds the note of %s %d times (acknowledged v%d)", sag, id, c, r.Version)
				}
			}
			if len(notes) != len(s.Notater) || len(s.Notater) != len(versions[sag]) {
				return fmt.Errorf("%s: %d notes (%d distinct) for %d acknowledged commands", sag, len(s.Notater), len(notes), len(versions[sag]))
			}
			vs := slices.Sorted(slices.Values(versions[sag]))
			for i, v := range vs {
				if v != int64(i+2) {
					return fmt.Errorf("%s: versions of its commands %v, want 2..%d each once", sag, vs, rec.Version)
				}
			}
			if rec.Version != int64(len(vs)+1) {
				return fmt.Errorf("%s at version %d after %d commands", sag, rec.Version, len(vs))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func decodeCase(data []byte) (*app.Sag, error) {
	var s app.Sag
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
