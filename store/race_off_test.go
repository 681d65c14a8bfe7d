//go:build !race

package store_test

// raceEnabled: the tests run with -race, which also turns on checkptr.
const raceEnabled = false
