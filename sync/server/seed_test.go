package server_test

import (
	"testing"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/wire"
)

// TestPushAsSeedsThroughTheMerge: PushAs merges as a push of the device
// would, enrolling a new device: a second device's concurrent change of a
// protected field opens a conflict routed to the owner. Another account's
// device and an unknown account are refused.
func TestPushAsSeedsThroughTheMerge(t *testing.T) {
	r := newRig(t)
	r.caseworker("cw1", "dev-1")
	r.caseworker("cw2", "dev-2")
	r.seed("sag-1", "cw1")
	tests := []struct {
		name, device string
		cmd          app.ID
		kategori     string
		want         string
	}{
		{"a new device's change applies", "desk", "c-1", "match2", app.AckApplied},
		// Nothing else changed scope in this push: the device lookup's
		// not-found must not become the push's error.
		{"another new device's concurrent change conflicts", "laptop", "c-2", "match3", app.AckConflict},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.srv.PushAs("cw1", app.ID(tt.device), nil)
			if err != nil || len(res) != 0 {
				t.Fatalf("PushAs of nothing = %v, %v", res, err)
			}
			res, err = r.srv.PushAs("cw1", app.ID(tt.device), []wire.PushCommand{cmd(uint64(i+1), tt.cmd, "sag-1", "cw1", 1, &app.Visiter{Kategori: tt.kategori})})
			if err != nil {
				t.Fatalf("PushAs: %v", err)
			}
			wantStatus(t, res[0], tt.want, "")
		})
	}
	if ks, _ := r.srv.Conflicts("cw1"); len(ks) != 1 || ks[0].Mine.Device != "laptop" || ks[0].Theirs.Device != "desk" {
		t.Errorf("conflicts %+v, want the laptop's against the desk's", ks)
	}
	if _, err := r.srv.PushAs("cw1", "dev-2", nil); app.ErrorCode(err) != app.CodeUnauthorized {
		t.Errorf("PushAs with cw2's device = %v, want unauthorized", err)
	}
	if _, err := r.srv.PushAs("nobody", "dev-9", nil); app.ErrorCode(err) != app.CodeNotFound {
		t.Errorf("PushAs for an unknown account = %v, want not_found", err)
	}
}
