package server_test

import (
	"crypto/sha256"
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestAuditUploadStoreGenesis: a device's audit chain as the store writes
// it (the first record's Prev is 32 zero bytes, store.VerifyAudit) is
// stored as verified, not counted broken.
func TestAuditUploadStoreGenesis(t *testing.T) {
	r := newRig(t)
	tok := r.caseworker("cw1", "dev-1")
	p, _ := r.connect(tok)
	prev := make([]byte, sha256.Size)
	var recs []app.AuditRecord
	for i := 1; i <= 3; i++ {
		a := app.AuditRecord{Seq: uint64(i), At: t0, Actor: app.Actor{Rolle: app.RolleSagsbehandler, ID: "cw1"}, Action: app.ActionViewed, Sag: "sag-1", Prev: prev}
		h, err := a.ChainHash()
		if err != nil {
			t.Fatal(err)
		}
		a.Hash, prev = h, h
		recs = append(recs, a)
	}
	p.send("u1", &wire.AuditUpload{Device: "dev-1", Records: recs})
	if ack := p.readType(wire.TypeAuditAck).Body.(*wire.AuditAck); ack.Through != 3 {
		t.Fatalf("ack %+v, want through 3", ack)
	}
	if n := r.srv.Stats().AuditBroken; n != 0 {
		t.Errorf("%d records counted broken, want none", n)
	}
}
