package ledger_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/store/ledger"
)

// BenchmarkUpdateParallel shows group commit: g goroutines each doing
// small Updates (one record of about 2 KB and its applied command, like
// one pushed command) on a real file with fsync. goroutines=1 is the
// serial loop: one commit and one fsync per Update. ops/s is Updates per
// second over all goroutines; commits/s would be ops/s divided by the
// batch size.
//
//	LANG=da_DK.UTF-8 go test -tags migrated_fynedo -run '^$' -bench UpdateParallel -benchtime 2s ./store/ledger/
func BenchmarkUpdateParallel(b *testing.B) {
	pad := strings.Repeat("x", 2000)
	for _, g := range []int{1, 2, 8, 64, 256} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			db, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range g {
				wg.Go(func() {
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						id := app.ID(fmt.Sprintf("s%d", i))
						err := db.Update(func(tx app.LedgerTx) error {
							if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1",
								Data: []byte(`{"pad":"` + pad + `"}`)}); err != nil {
								return err
							}
							return tx.PutApplied(app.AppliedCommand{ID: "c" + id, Sag: id, At: time.Unix(i, 0)})
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
		})
	}
}

// BenchmarkChangesSnapshot pages a full snapshot of one caseworker's
// scope of 10,000 records of about 2 KB (the initial-sync size),
// 500 records a page, each page in its own read transaction as a server
// would serve it.
func BenchmarkChangesSnapshot(b *testing.B) {
	const records, pageSize = 10_000, 500
	db, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pad := strings.Repeat("x", 2000)
	for start := 0; start < records; start += 1000 {
		err := db.Update(func(tx app.LedgerTx) error {
			for i := start; i < start+1000; i++ {
				id := app.ID(fmt.Sprintf("s%d", i))
				if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1",
					Data: []byte(`{"pad":"` + pad + `"}`)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var after uint64
		n := 0
		for {
			var page []app.Record
			if err := db.View(func(tx app.LedgerTx) (err error) { page, err = tx.Changes("cw1", after, pageSize); return err }); err != nil {
				b.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			n += len(page)
			after = page[len(page)-1].Seq
		}
		if n != records {
			b.Fatalf("snapshot of %d records, want %d", n, records)
		}
	}
}

// BenchmarkPutRecordReaders rewrites one company of about 2 KB shared
// with n readers, one Update (one fsync) each, every other write dropping
// the last reader and the next adding it back: n live scope entries and
// one removal or none per write.
//
//	LANG=da_DK.UTF-8 go test -tags migrated_fynedo -run '^$' -bench PutRecordReaders -benchtime 1s ./store/ledger/
func BenchmarkPutRecordReaders(b *testing.B) {
	pad := strings.Repeat("x", 2000)
	for _, n := range []int{0, 10, 100, 1000} {
		b.Run(fmt.Sprintf("readers=%d", n), func(b *testing.B) {
			db, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			readers := make([]app.ID, n)
			for i := range readers {
				readers[i] = app.ID(fmt.Sprintf("r%04d", i))
			}
			v := int64(0)
			for b.Loop() {
				v++
				rs := readers
				if v%2 == 0 && n > 0 {
					rs = readers[:n-1]
				}
				if err := db.Update(func(tx app.LedgerTx) error {
					_, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordVirksomhed, ID: "v1", Version: v, Owner: "cw1", Readers: rs,
						Data: []byte(`{"pad":"` + pad + `"}`)})
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
