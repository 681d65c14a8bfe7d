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
