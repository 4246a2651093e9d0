//go:build race

package delivery_test

// raceEnabled: under the race detector everything, SQLite included (it is
// Go), runs several times slower, so load tests commit fewer events.
const raceEnabled = true
