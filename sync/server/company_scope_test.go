package server_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"feltsag.dk/feltsag/app"
	"feltsag.dk/feltsag/sync/server"
	"feltsag.dk/feltsag/sync/wire"
)

// placedWorld is a company firma-1 owned by vk1 where cw1's citizen
// (sag-1) is placed until 20 days from now; vk2 and cw2 have nothing yet.
func placedWorld(t *testing.T) (*rig, map[app.ID]wire.Tokens) {
	t.Helper()
	r := newRig(t)
	toks := map[app.ID]wire.Tokens{}
	for _, id := range []app.ID{"vk1", "vk2", "cw1", "cw2"} {
		toks[id] = r.caseworker(id, app.ID("d-"+string(id)))
	}
	r.seed("sag-1", "cw1")
	day := app.DateOf(t0)
	r.seedCompany(placed(company(t, "firma-1"), "pl-1", "sag-1", app.Period{Start: day.AddDays(-10), Slut: day.AddDays(20)}), "vk1")
	return r, toks
}

func visit(id string) app.VBody {
	return &app.RegistrerVirksomhedskontakt{KontaktID: app.ID(id), Form: "telefon", Formaal: "Opfølgning"}
}

// ids lists a changes frame's records as kind:id, a removal with a "-".
func ids(ch *wire.Changes) []string {
	var out []string
	for _, r := range ch.Records {
		s := r.Kind + ":" + string(r.ID)
		if r.Removed {
			s = "-" + s
		}
		out = append(out, s)
	}
	return out
}

// TestCompanyReaderCannotWrite: the owner of a citizen placed at a
// company reads it but may not write it (not_assigned), and a consultant
// who joins the owner's team may (admin API, audited).
func TestCompanyReaderCannotWrite(t *testing.T) {
	r, toks := placedWorld(t)
	pc, _ := r.connect(toks["cw1"])
	wantStatus(t, pc.push(vcmd(1, "c-1", "firma-1", "cw1", 1, visit("k-1")))[0], app.AckRejected, "unauthorized.sync.not_assigned")
	pv, _ := r.connect(toks["vk2"])
	wantStatus(t, pv.push(vcmd(1, "v-1", "firma-1", "vk2", 1, visit("k-2")))[0], app.AckRejected, "unauthorized.sync.not_assigned")

	if err := r.srv.CreateAccount("adm", "Administrator", app.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	adm := r.mustLogin("adm", password, "feltsagd-admin-adm")
	for _, id := range []app.ID{"vk1", "vk2"} {
		if st, key := r.adminCall(adm, http.MethodPost, "accounts/"+string(id)+"/team", server.AdminTeam{Team: "nord"}); st != http.StatusOK {
			t.Fatalf("team %s: %d %s", id, st, key)
		}
	}
	if st, key := r.adminCall(adm, http.MethodPost, "accounts/vk9/team", server.AdminTeam{Team: "nord"}); st != http.StatusNotFound {
		t.Errorf("team of an unknown account: %d %s, want 404", st, key)
	}
	wantStatus(t, pv.push(vcmd(2, "v-2", "firma-1", "vk2", 1, visit("k-3")))[0], app.AckApplied, "")
}

// TestCompanyReaderPulls: the owner of a placed citizen pulls the company;
// the owner's team member does too once in the team.
func TestCompanyReaderPulls(t *testing.T) {
	r, toks := placedWorld(t)
	pc, _ := r.connect(toks["cw1"])
	if got := ids(pc.pull(app.Cursor{}, 0)); !slices.Contains(got, "virksomhed:firma-1") {
		t.Errorf("cw1's snapshot %v, want the company where its citizen is placed", got)
	}
	if err := r.srv.SetTeam("vk1", "nord"); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.SetTeam("vk2", "nord"); err != nil {
		t.Fatal(err)
	}
	pv, _ := r.connect(toks["vk2"])
	if got := ids(pv.pull(app.Cursor{}, 0)); !slices.Equal(got, []string{"virksomhed:firma-1"}) {
		t.Errorf("vk2's snapshot %v, want the team's company", got)
	}
	rec, _ := r.companyRecord("firma-1")
	if want := []app.ID{"cw1", "vk2"}; !slices.Equal(rec.Readers, want) {
		t.Errorf("Readers %v, want %v", rec.Readers, want)
	}
}

// TestCompanyFollowsCaseHandover: a placed citizen's case handed over to
// another caseworker moves the company's reader: the previous owner gets
// a removal, the new one the company.
func TestCompanyFollowsCaseHandover(t *testing.T) {
	r, toks := placedWorld(t)
	p1, w1 := r.connect(toks["cw1"])
	if err := r.srv.Assign("sag-1", "cw2"); err != nil {
		t.Fatal(err)
	}
	rec, _ := r.companyRecord("firma-1")
	if !slices.Equal(rec.Readers, []app.ID{"cw2"}) {
		t.Errorf("Readers %v, want [cw2]", rec.Readers)
	}
	ch := p1.pull(w1.Cursor, 0)
	if got := ids(ch); !slices.Contains(got, "-virksomhed:firma-1") || !slices.Contains(got, "-sag:sag-1") {
		t.Errorf("cw1's pull %v, want the case and the company removed", got)
	}
	p2, _ := r.connect(toks["cw2"])
	if got := ids(p2.pull(app.Cursor{}, 0)); !slices.Contains(got, "virksomhed:firma-1") {
		t.Errorf("cw2's snapshot %v, want the company", got)
	}
}

// TestCompanyReassigned: a company given to another consultant is
// removed from the previous owner's scope (reason reassigned) and its
// open conflicts follow it; a command the previous owner made before is
// still taken and flagged for the new owner.
func TestCompanyReassigned(t *testing.T) {
	r, toks := placedWorld(t)
	if err := r.srv.SetTeam("vk1", "nord"); err != nil {
		t.Fatal(err)
	}
	if err := r.srv.SetTeam("cw2", "nord"); err != nil {
		t.Fatal(err)
	}
	p1, w1 := r.connect(toks["vk1"])
	pt, _ := r.connect(toks["cw2"]) // vk1's team mate opens a conflict for vk1
	base, _ := r.companyRecord("firma-1")
	wantStatus(t, p1.push(vcmd(1, "a-1", "firma-1", "vk1", base.Version, &app.OpdaterAnsatte{SenesteMaaned: 22, Gns12Mdr: 21}))[0], app.AckApplied, "")
	k := pt.push(vcmd(1, "t-1", "firma-1", "cw2", base.Version, &app.OpdaterAnsatte{SenesteMaaned: 30, Gns12Mdr: 25}))[0]
	wantStatus(t, k, app.AckConflict, "")

	if err := r.srv.AssignCompany("firma-1", "vk2"); err != nil {
		t.Fatal(err)
	}
	rec, v := r.companyRecord("firma-1")
	if rec.Owner != "vk2" || v.Ansvarlig != "vk2" {
		t.Errorf("owner %q ansvarlig %q, want vk2", rec.Owner, v.Ansvarlig)
	}
	if ks, _ := r.srv.Conflicts("vk2"); len(ks) != 1 || ks[0].ID != k.Conflict {
		t.Errorf("vk2's conflicts %+v, want the company's", ks)
	}
	// vk1's command made before the reassignment (base below it) lands.
	res := p1.push(vcmd(2, "a-2", "firma-1", "vk1", base.Version, visit("k-1")))[0]
	wantStatus(t, res, app.AckApplied, "")
	if res.Handover != "vk2" {
		t.Errorf("handover %q, want flagged for vk2", res.Handover)
	}
	ch := p1.pull(w1.Cursor, 0)
	if got := ids(ch); !slices.Contains(got, "-virksomhed:firma-1") {
		t.Fatalf("vk1's pull %v, want the company removed", got)
	}
	if ch.Scope == nil || len(ch.Scope.Removed) != 1 || ch.Scope.Removed[0].Reason != wire.ReasonReassigned || ch.Scope.Removed[0].Kind != app.RecordVirksomhed {
		t.Errorf("scope delta %+v, want firma-1 reassigned", ch.Scope)
	}
	// Once the removal was delivered (and the grace for a command saved
	// while that sync ran is over), an old base is refused.
	r.clock.Add(3 * time.Minute)
	wantStatus(t, p1.push(vcmd(3, "a-3", "firma-1", "vk1", base.Version, visit("k-2")))[0], app.AckRejected, "unauthorized.sync.not_assigned")
	if err := r.srv.AssignCompany("firma-x", "vk2"); app.AsError(err).Code != app.CodeNotFound {
		t.Errorf("AssignCompany of an unknown company: %v, want not_found", err)
	}
}

// TestCompanyTeamLeaver: a consultant who leaves the team keeps the
// commands it made on the team's companies before (flagged for the
// owner) and writes nothing new on them after.
func TestCompanyTeamLeaver(t *testing.T) {
	r, toks := placedWorld(t)
	for _, id := range []app.ID{"vk1", "vk2"} {
		if err := r.srv.SetTeam(id, "nord"); err != nil {
			t.Fatal(err)
		}
	}
	base, _ := r.companyRecord("firma-1")
	if err := r.srv.SetTeam("vk2", ""); err != nil {
		t.Fatal(err)
	}
	p, _ := r.connect(toks["vk2"])
	res := p.push(vcmd(1, "v-1", "firma-1", "vk2", base.Version, visit("k-1")))[0]
	wantStatus(t, res, app.AckApplied, "")
	if res.Handover != "vk1" {
		t.Errorf("handover %q, want flagged for the owner vk1", res.Handover)
	}
	now, _ := r.companyRecord("firma-1")
	wantStatus(t, p.push(vcmd(2, "v-2", "firma-1", "vk2", now.Version, visit("k-2")))[0], app.AckRejected, "unauthorized.sync.not_assigned")
	// Once the removal reached the device, an old base is refused too.
	if got := ids(p.pull(app.Cursor{}, 0)); slices.Contains(got, "virksomhed:firma-1") {
		t.Errorf("vk2's snapshot %v still holds the team's company", got)
	}
	r.clock.Add(3 * time.Minute)
	wantStatus(t, p.push(vcmd(3, "v-3", "firma-1", "vk2", base.Version, visit("k-3")))[0], app.AckRejected, "unauthorized.sync.not_assigned")
}
