package store_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/nacl/box"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/testkit"
	"feltsag.dk/feltsag/store"
)

// Benchmarks report numbers (b.ReportMetric) and never fail on a slow
// machine. Run: go test -run '^$' -bench . -benchtime 2000x ./store/

// realisticSag returns a case of about 2.5–3 KB of JSON: address, a
// kontaktgruppe with history, visitation, two absences, three meetings, a
// published plan and four notes.
func realisticSag(i int) *app.Sag {
	cpr, _ := app.ParseCPR(fmt.Sprintf("%02d%02d%02d%04d", i%28+1, i%12+1, 60+i%40, i%10000))
	d := func(m, day int) app.Date { return app.MustDate(2026, time.Month(m), day) }
	s := &app.Sag{
		ID: app.ID(fmt.Sprintf("sag-%06d", i)), Version: int64(i%50 + 1), Ansvarlig: "cw1",
		Borger: app.Borger{CPR: cpr, Navn: fmt.Sprintf("Borger Nummer %d Sørensen", i), Telefon: "+45 12 34 56 78",
			Email: fmt.Sprintf("borger%d@example.dk", i), Adresse: app.Adresse{Vej: "Søndergade 117, 2. th.", Postnr: "8000", By: "Aarhus C"}},
		Kontaktgruppe: &app.KGForloeb{KG: 1, Periode: app.Period{Start: d(1, 5)}, RegelSet: "2026-02"},
		KGHistorik:    []app.KGForloeb{{KG: 2, Periode: app.Period{Start: app.MustDate(2025, 3, 1), Slut: d(1, 4)}, RegelSet: "2025-07"}},
		Tilmelding:    app.Tilmelding{Status: app.Tilmeldt, Kategori: app.KatModtager, Ledighedsstatus: "ledig", Siden: d(1, 5), FoersteDato: d(1, 5)},
		Visitation:    app.Visitation{Kategori: "jobparat", Dato: d(1, 12), RegelSet: "2026-02"},
	}
	for j := 0; j < 2; j++ {
		s.Fravaer = append(s.Fravaer, app.Fravaer{ID: app.ID(fmt.Sprintf("f-%d-%d", i, j)), Type: "ferie", Periode: app.Period{Start: d(2, 2+j*7), Slut: d(2, 6+j*7)},
			Anmeldt: d(1, 20), Registreret: d(1, 20), Kommentar: "Ferie aftalt med borgeren ved samtalen; ingen bemærkninger.", RegelSet: "2026-02"})
	}
	for j := 0; j < 3; j++ {
		s.Samtaler = append(s.Samtaler, app.Samtale{ID: app.ID(fmt.Sprintf("s-%d-%d", i, j)), Type: "jobsamtale", Dato: d(2+j, 10), Tid: "10:30",
			Form: "fremmoede", Status: app.SamtaleAfholdt, Booket: d(1, 15), RegelSet: "2026-02"})
	}
	s.Planer = []app.Plan{{ID: app.ID(fmt.Sprintf("p-%d", i)), Type: app.PlanJob, Status: app.PlanOffentliggjort, Version: 2, Oprettet: d(1, 12),
		Aendret: time.Date(2026, 1, 12, 11, 0, 0, 0, time.UTC), RegelSet: "2026-02", PlanIndhold: app.PlanIndhold{
			Jobmaal:       []string{"Lagermedarbejder", "Chauffør (kategori C)"},
			Jobsoegning:   app.Jobsoegningskrav{AntalPrUge: 2, Stillinger: []string{"lager", "transport"}, Geografi: "Østjylland", Kanaler: []string{"Jobnet"}},
			Aktiviteter:   []app.Aktivitet{{Type: "virksomhedspraktik", Udbyder: "Lager A/S", Periode: app.Period{Start: d(3, 2), Slut: d(4, 24)}, Timer: 30}},
			NaesteKontakt: app.Kontakt{Dato: d(4, 28), Form: "fremmoede", Hvem: "Jobcentret indkalder"},
			Ansvarlig:     app.Sagsbehandler{Navn: "Karen Sagsbehandler", Telefon: "87 65 43 21", Organisation: "Jobcenter Aarhus"}}}}
	for j := 0; j < 4; j++ {
		s.Notater = append(s.Notater, app.Notat{ID: app.ID(fmt.Sprintf("n-%d-%d", i, j)), Forfatter: "cw1", Tid: time.Date(2026, 1, 10+j, 9, 0, 0, 0, time.UTC),
			Tekst: "Borgeren deltog i samtalen og fortalte om sin jobsøgning. Vi aftalte to ansøgninger om ugen og opfølgning om fire uger."})
	}
	return s
}

func seedMany(b *testing.B, db *store.DB, n int) []*app.Sag {
	b.Helper()
	var all []*app.Sag
	for start := 0; start < n; start += 500 {
		var batch []*app.Sag
		for i := start; i < min(n, start+500); i++ {
			batch = append(batch, realisticSag(i))
		}
		if err := db.PutConfirmed(batch...); err != nil {
			b.Fatal(err)
		}
		all = append(all, batch...)
	}
	return all
}

func p50(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkCommit alternates a local command commit (engine, encryption,
// view + outbox + sealed outbox + audit, fsync; a server key is set, as in
// production) with a bare bbolt commit of two small puts on another file in
// the same folder, so the ratio compares like with like.
func BenchmarkCommit(b *testing.B) { benchCommit(b, true) }

// BenchmarkCommitUnsealed is BenchmarkCommit without a server key: no
// sealed copy of the outbox entry (the cost of sealing is the difference).
func BenchmarkCommitUnsealed(b *testing.B) { benchCommit(b, false) }

func benchCommit(b *testing.B, sealed bool) {
	opts, _ := testOptions(b)
	dir := b.TempDir()
	db := MustCreate(b, filepath.Join(dir, "bench.db"), opts)
	if sealed {
		pub, _, err := box.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.SetServerKey(*pub); err != nil {
			b.Fatal(err)
		}
	}
	cases := seedMany(b, db, 500)
	js, _ := json.Marshal(cases[0])
	bare, err := bolt.Open(filepath.Join(dir, "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	cmds := make([]app.Command, b.N)
	for i := range cmds {
		cmds[i] = notat(b, cases[i%len(cases)].ID, "Telefonsamtale med borgeren om jobsøgning og næste samtale.")
	}
	local, base := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
	pages := db.PagesWritten()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := db.Commit(cmds[i]); err != nil {
			b.Fatal(err)
		}
		local = append(local, time.Since(start))
		start = time.Now()
		if err := bareCommit(bare, i); err != nil {
			b.Fatal(err)
		}
		base = append(base, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64(db.PagesWritten()-pages)/float64(b.N), "pages/commit")
	b.ReportMetric(ms(p50(local)), "commit-p50-ms")
	b.ReportMetric(ms(p50(base)), "bare-p50-ms")
	b.ReportMetric(float64(p50(local))/float64(p50(base)), "ratio")
	b.ReportMetric(float64(len(js)), "case-bytes")
}

func bareCommit(db *bolt.DB, i int) error {
	return db.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte("b"))
		if err != nil {
			return err
		}
		if err := bk.Put([]byte(fmt.Sprintf("a%d", i)), []byte("small value one")); err != nil {
			return err
		}
		return bk.Put([]byte(fmt.Sprintf("b%d", i)), []byte("small value two"))
	})
}

// BenchmarkBareCommit is the disk's physical limit on its own: one bbolt
// commit of two small puts.
func BenchmarkBareCommit(b *testing.B) {
	bare, err := bolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := bareCommit(bare, i); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.ReportMetric(ms(p50(d)), "p50-ms")
}

// BenchmarkOpenUnlockLoad5000 opens a file of 5,000 realistic cases,
// unlocks it (a cheap KDF, subtracted), authenticates every value and
// builds the search index, then lists the cases.
func BenchmarkOpenUnlockLoad5000(b *testing.B) {
	opts, _ := testOptions(b)
	path := filepath.Join(b.TempDir(), "5000.db")
	db := MustCreate(b, path, opts)
	seedMany(b, db, 5000)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	var total, check, load []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		db, err := store.Open(path, opts)
		if err == nil {
			err = db.Unlock(testPassword)
		}
		if err != nil {
			b.Fatal(err)
		}
		list, err := db.List()
		if err != nil || len(list) != 5000 {
			b.Fatalf("list: %d, %v", len(list), err)
		}
		st := db.Stats()
		total = append(total, time.Since(start)-st.KDF)
		check, load = append(check, st.Check), append(load, st.Load)
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
	b.ReportMetric(ms(p50(total)), "open+unlock+load-p50-ms")
	b.ReportMetric(ms(p50(check)), "check-p50-ms")
	b.ReportMetric(ms(p50(load)), "decrypt+index-p50-ms")
	b.ReportMetric(float64(store.FileSize(path))/(1<<20), "file-MiB")
}

// BenchmarkArgon2id is the key derivation alone: the design's floor
// (t=3, m=64 MiB, p=4) and DefaultKDF. cold-ms is the first derivation
// after the heap was returned to the OS, as at a real unlock (page faults
// for the memory included); p50-ms is repeated derivations, what an
// attacker pays per guess on this machine.
func BenchmarkArgon2id(b *testing.B) {
	for _, tc := range []struct {
		name string
		p    store.KDFParams
	}{
		{"floor-t3-m64MiB-p4", store.KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}},
		{"default", store.DefaultKDF()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			salt := make([]byte, 16)
			_, _ = rand.Read(salt)
			derive := func() time.Duration {
				start := time.Now()
				argon2.IDKey([]byte(testPassword), salt, tc.p.Time, tc.p.MemoryKiB, tc.p.Threads, 32)
				return time.Since(start)
			}
			debug.FreeOSMemory()
			cold := derive()
			d := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d = append(d, derive())
			}
			b.ReportMetric(ms(cold), "cold-ms")
			b.ReportMetric(ms(p50(d)), "p50-ms")
		})
	}
}

// BenchmarkReadAll10000 decrypts and authenticates 10,000 records (the
// confirmed state and the view of 5,000 cases); the second variant also
// decodes every case from JSON.
func BenchmarkReadAll10000(b *testing.B) {
	opts, _ := testOptions(b)
	db := MustCreate(b, filepath.Join(b.TempDir(), "10000.db"), opts)
	seedMany(b, db, 5000)
	for _, decode := range []bool{false, true} {
		name := map[bool]string{false: "decrypt", true: "decrypt+json"}[decode]
		b.Run(name, func(b *testing.B) {
			d := make([]time.Duration, 0, b.N)
			var n, size int
			for i := 0; i < b.N; i++ {
				start := time.Now()
				var err error
				if n, size, err = db.OpenAll(decode, store.BucketConfirmed, store.BucketView); err != nil || n != 10000 {
					b.Fatalf("%d records, %v", n, err)
				}
				d = append(d, time.Since(start))
			}
			b.ReportMetric(ms(p50(d)), "p50-ms")
			b.ReportMetric(float64(size)/float64(n), "bytes/record")
		})
	}
}

// BenchmarkSearch is one name search over 5,000 cases, audit record
// (fsync) included.
func BenchmarkSearch(b *testing.B) {
	opts, _ := testOptions(b)
	db := MustCreate(b, filepath.Join(b.TempDir(), "s.db"), opts)
	seedMany(b, db, 5000)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := db.Search(strings.Repeat("nummer 12", 1), caseworker); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.ReportMetric(ms(p50(d)), "p50-ms")
}

// BenchmarkApplyPage10000 is the replica's part of a first sync: 10,000
// pulled cases applied into a fresh encrypted replica in 20 pages of 500
// (as the sync client gathers them), one transaction and fsync each.
// Decoding the frames and the network are not in it (sync/wire's
// benchmarks). Reports CPU (user + system) and wall time per sync and the
// file's size.
func BenchmarkApplyPage10000(b *testing.B) {
	const n, per = 10000, 500
	var pages []app.Page
	for start := 0; start < n; start += per {
		p := app.Page{Cursor: app.Cursor{Epoch: 1, Seq: uint64(start + per)}, HasMore: start+per < n}
		for i := start; i < start+per; i++ {
			p.Records = append(p.Records, caseRecord(b, realisticSag(i), int64(i%50+1), uint64(i+1)))
		}
		pages = append(pages, p)
	}
	opts, _ := testOptions(b)
	var wall, cpu []time.Duration
	var size int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), fmt.Sprintf("sync-%d.db", i))
		db := MustCreate(b, path, opts)
		b.StartTimer()
		start, c0 := time.Now(), cpuTime()
		for _, p := range pages {
			if err := db.ApplyPage(p); err != nil {
				b.Fatal(err)
			}
		}
		wall, cpu = append(wall, time.Since(start)), append(cpu, cpuTime()-c0)
		b.StopTimer()
		_ = db.Close()
		size = store.FileSize(path)
		b.StartTimer()
	}
	b.ReportMetric(ms(p50(wall)), "wall-p50-ms")
	b.ReportMetric(ms(p50(cpu)), "cpu-p50-ms")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}

// realisticVirksomhed returns a company of a consultant's portfolio: two
// P-units, three contacts, 20 contact-log entries, two openings, two places
// and two placements (about 8 KB of JSON).
func realisticVirksomhed(i int) *app.Virksomhed {
	d := func(m, day int) app.Date { return app.MustDate(2026, time.Month(m), day) }
	v := &app.Virksomhed{ID: app.ID(fmt.Sprintf("virksomhed-%06d", i)), Version: 3, Ansvarlig: "cw1", CVR: "13748136",
		Navn: fmt.Sprintf("Virksomhed %d Østerå ApS", i), Sektor: app.SektorPrivat, Branchekode: "433200",
		Adresse: app.Adresse{Vej: fmt.Sprintf("Industrivej %d", i%200+1), Postnr: fmt.Sprintf("%d", 8000+i%300), By: "Aarhus"},
		Ansatte: app.Ansatte{SenesteMaaned: 40, Gns12Mdr: 38}}
	for j, p := range []app.PNummer{"1000000007", "1000000015"} {
		v.Enheder = append(v.Enheder, app.Produktionsenhed{PNummer: p, Navn: fmt.Sprintf("Afdeling %d", j), Ansatte: 20,
			Adresse: app.Adresse{Vej: "Havnevej 2", Postnr: "8000", By: "Aarhus C"}})
	}
	for j := 0; j < 3; j++ {
		v.Kontakter = append(v.Kontakter, app.Kontaktperson{ID: app.ID(fmt.Sprintf("k-%d", j)), Navn: "Karen Kontaktperson", Rolle: "leder",
			Telefon: "+45 87 65 43 21", Email: "karen@example.dk"})
	}
	for j := 0; j < 20; j++ {
		v.KontaktLog = append(v.KontaktLog, app.Virksomhedskontakt{ID: app.ID(fmt.Sprintf("b-%d", j)), Dato: d(1+j%3, 1+j), Form: "besoeg",
			Formaal: "Opfølgning på praktik", Udfald: "Aftalt to nye praktikpladser fra næste måned; virksomheden ønsker kandidater med truckcertifikat."})
	}
	for j := 0; j < 2; j++ {
		v.Jobordrer = append(v.Jobordrer, app.Jobordre{ID: app.ID(fmt.Sprintf("j-%d", j)), Titel: "Lagermedarbejder", Disco: "932100", Timer: 37,
			Antal: 2, Periode: app.Period{Start: d(3, 1)}, Status: "aaben"})
		v.Pladser = append(v.Pladser, app.Plads{ID: app.ID(fmt.Sprintf("pl-%d", j)), Ordning: app.OrdningPraktik, PNummer: "1000000007",
			Titel: "Lager", Antal: 3, Timer: 37, Periode: app.Period{Start: d(1, 1)}})
		v.Placeringer = append(v.Placeringer, app.Placering{ID: app.ID(fmt.Sprintf("p-%d", j)), Sag: app.ID(fmt.Sprintf("sag-%06d", i*2+j)),
			Plads: app.ID(fmt.Sprintf("pl-%d", j)), Ordning: app.OrdningPraktik, PNummer: "1000000007", Periode: app.Period{Start: d(2, 1), Slut: d(3, 15)}, Timer: 30})
	}
	return v
}

// seedCompanies puts n realistic companies on the device through one page.
func seedCompanies(b *testing.B, db *store.DB, n int) []*app.Virksomhed {
	b.Helper()
	vs := make([]*app.Virksomhed, n)
	recs := make([]app.Record, n)
	for i := range vs {
		vs[i] = realisticVirksomhed(i)
		data, err := json.Marshal(vs[i])
		if err != nil {
			b.Fatal(err)
		}
		recs[i] = app.Record{Kind: app.RecordVirksomhed, ID: vs[i].ID, Version: vs[i].Version, Seq: uint64(i + 1), Data: data}
	}
	if err := db.ApplyPage(app.Page{Records: recs, Cursor: app.Cursor{Epoch: 1, Seq: uint64(n)}}); err != nil {
		b.Fatal(err)
	}
	return vs
}

// BenchmarkCommitVirksomhed commits a visit (registrer_virksomhedskontakt)
// on one of 200 realistic companies: engine, view, outbox, audit, one fsync.
func BenchmarkCommitVirksomhed(b *testing.B) {
	opts, _ := testOptions(b)
	db := MustCreate(b, filepath.Join(b.TempDir(), "bench.db"), opts)
	vs := seedCompanies(b, db, 200)
	js, _ := json.Marshal(vs[0])
	cmds := make([]app.VCommand, b.N)
	for i := range cmds {
		cmds[i] = app.VCommand{ID: newID(b), Virksomhed: vs[i%len(vs)].ID, Actor: caseworker, At: eventTime,
			Body: &app.RegistrerVirksomhedskontakt{KontaktID: newID(b), Dato: app.DateOf(eventTime), Form: "besoeg", Formaal: "Besøg om praktik"}}
	}
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := db.CommitVirksomhed(cmds[i]); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(ms(p50(d)), "commit-p50-ms")
	b.ReportMetric(float64(len(js)), "company-bytes")
}

// BenchmarkUnlockCompanies500 is what a portfolio of 500 realistic
// companies adds to Unlock: every company view is decoded to build the
// list with the day's counts.
func BenchmarkUnlockCompanies500(b *testing.B) {
	opts, _ := testOptions(b)
	path := filepath.Join(b.TempDir(), "500.db")
	db := MustCreate(b, path, opts)
	seedCompanies(b, db, 500)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	var load []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := store.Open(path, opts)
		if err == nil {
			err = db.Unlock(testPassword)
		}
		if err != nil {
			b.Fatal(err)
		}
		list, err := db.Companies()
		if err != nil || len(list) != 500 {
			b.Fatalf("companies: %d, %v", len(list), err)
		}
		load = append(load, db.Stats().Load)
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
	b.ReportMetric(ms(p50(load)), "decrypt+index-p50-ms")
	b.ReportMetric(float64(store.FileSize(path))/(1<<20), "file-MiB")
}

// BenchmarkCandidates5000 is the field kit's candidates search as the
// client runs it: a place of one of 50 companies, ranked over a caseload
// of 5,000 realistic cases from the profiles beside the list lines (the
// first search after unlock, which builds them, is outside the timer), with
// every placement on the device and the search's audit record (one fsync).
func BenchmarkCandidates5000(b *testing.B) {
	opts, _ := testOptions(b)
	db := MustCreate(b, filepath.Join(b.TempDir(), "kandidater.db"), opts)
	seedMany(b, db, 5000)
	vs := seedCompanies(b, db, 50)
	rules := testkit.Rules(b)
	today := app.MustDate(2026, 3, 2)
	if _, err := db.Candidates(vs[0].ID, "pl-0", caseworker, rules, today); err != nil {
		b.Fatal(err)
	}
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := db.Candidates(vs[i%len(vs)].ID, "pl-0", caseworker, rules, today); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.ReportMetric(ms(p50(d)), "search-p50-ms")
}
