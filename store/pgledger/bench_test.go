package pgledger_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/internal/pgtest"
	"feltsag.dk/feltsag/store/pgledger"
)

// BenchmarkUpdateParallel is store/ledger's benchmark of the same name on
// PostgreSQL with fsync on: g goroutines each doing small Updates (one
// record of about 2 KB and its applied command, like one pushed command).
// "record" takes a log position, so its writers queue on the ledger row
// until each commits (one WAL flush each); "no-record" writes only the
// applied command, which no lock serialises, and shows what the log's
// ordering costs.
//
//	LANG=da_DK.UTF-8 go test -tags migrated_fynedo -run '^$' -bench UpdateParallel -benchtime 2s ./store/pgledger/
func BenchmarkUpdateParallel(b *testing.B) {
	c := pgtest.StartDurable(b)
	template := c.NewDatabase(b)
	if _, err := pgledger.Migrate(context.Background(), c.URL(template, ""), pgledger.MigrateOptions{}); err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("x", 2000)
	for _, kind := range []string{"record", "no-record"} {
		for _, g := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", kind, g), func(b *testing.B) {
				db, err := pgledger.Open(context.Background(), c.URL(c.NewDatabaseFrom(b, template), ""), pgledger.Options{MaxConns: int32(g)})
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
								if kind == "record" {
									if _, err := tx.PutRecord(app.LedgerRecord{Kind: app.RecordSag, ID: id, Version: 1, Owner: "cw1",
										Data: []byte(`{"pad":"` + pad + `"}`)}); err != nil {
										return err
									}
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
}

// BenchmarkPutRecordReaders is store/ledger's benchmark of the same name
// on PostgreSQL with fsync on: one company of about 2 KB rewritten with n
// readers, one Update each, every other write dropping the last reader.
//
//	LANG=da_DK.UTF-8 go test -tags migrated_fynedo -run '^$' -bench PutRecordReaders -benchtime 1s ./store/pgledger/
func BenchmarkPutRecordReaders(b *testing.B) {
	c := pgtest.StartDurable(b)
	template := c.NewDatabase(b)
	if _, err := pgledger.Migrate(context.Background(), c.URL(template, ""), pgledger.MigrateOptions{}); err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("x", 2000)
	for _, n := range []int{0, 10, 100, 1000} {
		b.Run(fmt.Sprintf("readers=%d", n), func(b *testing.B) {
			db, err := pgledger.Open(context.Background(), c.URL(c.NewDatabaseFrom(b, template), ""), pgledger.Options{})
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
