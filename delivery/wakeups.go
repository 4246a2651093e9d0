package delivery

import (
	"slices"
	"sync"
	"time"
)

// maxWakeups bounds the retry times an engine keeps; later ones are found
// by the sweep, whose interval is small beside their delays.
const maxWakeups = 4096

// wakeups calls fire when a retry this node scheduled comes due. Without
// it a retry waits for the next sweep too, up to SweepInterval past its
// time: on a short schedule ([2, 4, 6, 8] s) that was 2.7/5.0/7.0/9.0 s,
// far past the documented 10 % jitter.
type wakeups struct {
	mu    sync.Mutex
	at    []time.Time // pending, sorted
	timer *time.Timer
	now   func() time.Time
	fire  func()
	done  bool
}

// add schedules a wake-up at at (on the queue's clock).
func (w *wakeups) add(at ...time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var first time.Time
	if len(w.at) > 0 {
		first = w.at[0]
	}
	for _, t := range at {
		i, _ := slices.BinarySearchFunc(w.at, t, func(a, b time.Time) int { return a.Compare(b) })
		if i < maxWakeups {
			w.at = slices.Insert(w.at, i, t)
		}
	}
	if len(w.at) > maxWakeups {
		w.at = w.at[:maxWakeups]
	}
	if len(w.at) > 0 && !w.at[0].Equal(first) {
		w.arm()
	}
}

// arm sets the timer for the earliest wake-up; w.mu is held.
func (w *wakeups) arm() {
	if w.timer != nil {
		w.timer.Stop()
	}
	if len(w.at) == 0 || w.done {
		return
	}
	// A millisecond late: the stored time may be rounded up to the
	// engine's precision, and a claim an instant early finds nothing due.
	w.timer = time.AfterFunc(max(w.at[0].Sub(w.now()), 0)+time.Millisecond, w.expire)
}

func (w *wakeups) expire() {
	w.mu.Lock()
	now := w.now()
	n := 0
	for n < len(w.at) && !w.at[n].After(now) {
		n++
	}
	w.at = slices.Delete(w.at, 0, n)
	w.arm()
	w.mu.Unlock()
	if n > 0 {
		w.fire()
	}
}

// stop ends the wake-ups.
func (w *wakeups) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
}
