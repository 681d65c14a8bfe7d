// Package sim holds the sync simulator and the server's SIGKILL loop, as
// tests only: a real sync/server over a real bbolt ledger, behind real
// loopback sockets and a fault-injecting TCP proxy, and several devices
// with real encrypted stores and sync/client engines, all driven by one
// seeded schedule of edits and faults (sim_test.go). The world holds
// cases and the field kit's companies (company_test.go: a team, readers by
// placement, company commands of every merge policy, company
// reassignments). After each run the invariants of issue 9 are checked,
// for cases and companies alike (check_test.go). Run one seed with
//
//	SIM_SEED=N go test -tags migrated_fynedo -run TestSimulator ./internal/sim/
//
// The package has no code of its own besides this comment.
package sim
