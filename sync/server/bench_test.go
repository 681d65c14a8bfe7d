package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store/ledger"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// Benchmarks report numbers and never fail on a slow machine. Run:
// go test -tags migrated_fynedo -run '^$' -bench . ./sync/server/
// (cmd/feltsag-load measures the same paths end to end, with clients).

// BenchmarkPushFrame pushes frames of 100 note commands, each on another
// ~2.5 KB case, to a server over the embedded bbolt ledger through a real
// socket, and reports the server's time per command: decode, replay
// check, authorisation, the domain command, merge, ledger commit (fsync)
// and the ack.
func BenchmarkPushFrame(b *testing.B) {
	const perFrame = 100
	led, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = led.Close() })
	srv, err := server.New(server.Options{Ledger: led, Engine: testkit.Engine(b), Password: server.PasswordParams{Memory: 64, Time: 1, Threads: 1},
		RuleFiles: []wire.RuleFile{{Name: "regelsaet.csv", Data: "version,navn\n"}}, RateLimit: 1e6, RateBurst: 1e6})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(func() { _ = srv.Close(); ts.Close() })
	if err := srv.CreateAccount("cw1", "Sagsbehandler", app.RoleCaseworker, "pw"); err != nil {
		b.Fatal(err)
	}
	const cases = 1000
	for i := range cases {
		s := testkit.NewSag(b, app.DateOf(time.Now()), testkit.SagArgs{ID: app.ID(fmt.Sprintf("sag-%d", i))})
		for k := range 17 {
			s.Notater = append(s.Notater, app.Notat{ID: app.ID(fmt.Sprintf("n%d", k)), Tid: time.Now().UTC(),
				Tekst: fmt.Sprintf("Opfølgning nr. %d på sag %d: borgeren deltog i samtale, æøå ÆØÅ.", k, i)})
		}
		if err := srv.ImportCase(s, "cw1"); err != nil {
			b.Fatal(err)
		}
	}
	body, _ := json.Marshal(wire.LoginRequest{User: "cw1", Password: "pw", Device: "dev-1", DeviceName: "bench"})
	resp, err := http.Post(ts.URL+wire.PathLogin, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	var tok wire.Tokens
	err = json.NewDecoder(resp.Body).Decode(&tok)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+wire.PathSync, map[string][]string{"Authorization": {"Bearer " + tok.AccessToken}})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	call := func(id app.ID, m wire.Message) wire.Frame {
		data, err := wire.Encode(wire.Frame{ID: id, Body: m})
		if err != nil {
			b.Fatal(err)
		}
		if err := ws.WriteMessage(websocket.TextMessage, data); err != nil {
			b.Fatal(err)
		}
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				b.Fatal(err)
			}
			f, err := wire.Decode(data)
			if err != nil {
				b.Fatal(err)
			}
			if f.ID == id {
				return f
			}
		}
	}
	call("h", &wire.Hello{Device: "dev-1", AppVersion: "bench"})
	frames := make([]*wire.Push, b.N)
	seq := uint64(0)
	for i := range frames {
		p := &wire.Push{}
		for k := range perFrame {
			seq++
			c := app.Command{ID: app.ID(fmt.Sprintf("c-%d-%d", i, k)), Sag: app.ID(fmt.Sprintf("sag-%d", (i*perFrame+k)%cases)),
				Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, At: time.Now().UTC(),
				Body: &app.TilfoejNotat{NotatID: app.ID(fmt.Sprintf("b-%d-%d", i, k)), Tekst: "Belastningsnotat: opfølgning aftalt."}}
			p.Commands = append(p.Commands, wire.PushCommand{Seq: seq, Command: c, Base: 1})
		}
		frames[i] = p
	}
	b.ResetTimer()
	w0, cpu0 := writtenBytes(), cpuTime()
	start := time.Now()
	for i, p := range frames {
		f := call(app.ID(fmt.Sprintf("p%d", i)), p)
		ack, ok := f.Body.(*wire.Ack)
		if !ok || len(ack.Results) != perFrame || ack.Results[0].Status != app.AckApplied {
			b.Fatalf("push answered %T %+v", f.Body, f.Body)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(b.N*perFrame), "µs/command")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*perFrame), "cpu-µs/command")
	if w0 >= 0 {
		b.ReportMetric(float64(writtenBytes()-w0)/float64(b.N*perFrame), "disk-B/command")
	}
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writtenBytes is how many bytes this process has caused to be written to
// storage (Linux /proc/self/io), or -1.
func writtenBytes() int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}
