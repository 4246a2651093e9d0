package delivery

import (
	"testing"
	"time"
)

// Wake-ups fire once per due time, in time order, on the given clock
// (moved a year here), and not after stop.
func TestWakeups(t *testing.T) {
	offset := 365 * 24 * time.Hour
	now := func() time.Time { return time.Now().Add(offset) }
	fired := make(chan time.Time, 10)
	w := &wakeups{now: now, fire: func() { fired <- now() }}
	base := now()
	w.add(base.Add(150 * time.Millisecond))
	w.add(base.Add(50 * time.Millisecond)) // earlier: re-arms
	for i, want := range []time.Duration{50 * time.Millisecond, 150 * time.Millisecond} {
		select {
		case at := <-fired:
			if at.Before(base.Add(want)) {
				t.Fatalf("wake-up %d at %s, before its time %s", i, at.Sub(base), want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("wake-up %d (%s) never fired", i, want)
		}
	}
	w.add(now().Add(50 * time.Millisecond))
	w.stop()
	select {
	case <-fired:
		t.Fatal("fired after stop")
	case <-time.After(200 * time.Millisecond):
	}
	// Bounded: the latest are dropped, the sweep finds them.
	w2 := &wakeups{now: now, fire: func() {}}
	defer w2.stop()
	for i := range maxWakeups + 100 {
		w2.add(base.Add(time.Hour + time.Duration(maxWakeups+100-i)*time.Second))
	}
	w2.mu.Lock()
	n, first := len(w2.at), w2.at[0]
	w2.mu.Unlock()
	if n != maxWakeups || !first.Equal(base.Add(time.Hour+time.Second)) {
		t.Fatalf("kept %d wake-ups from %s", n, first.Sub(base))
	}
}
