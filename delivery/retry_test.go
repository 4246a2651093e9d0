package delivery_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/storetest"
)

// movedClock runs the engine on a clock offset from the wall clock, so
// that a rule reading time.Now instead of the queue's clock shows.
func movedClock(f *fixture, offset *atomic.Int64) {
	f.svc.Now = func() time.Time { return time.Now().Add(400*24*time.Hour + time.Duration(offset.Load())) }
}

// A short schedule keeps the documented bound end to end: each retry
// arrives its delay plus at most 10 % after the attempt before, with the
// real jitter. The sweep is a minute here: a retry that waited for it
// (as every retry did, adding up to a second: [2,4,6,8] s arrived
// 2.7/5.0/7.0/9.0 s apart) fails at once.
func TestRetryJitterBoundEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, func(w http.ResponseWriter, r *request) { w.WriteHeader(http.StatusInternalServerError) })
		f := newFixture(t, s)
		var offset atomic.Int64
		movedClock(f, &offset)
		f.realJitter = true
		f.run(delivery.Config{SweepInterval: time.Minute})
		schedule := []int{1, 2, 1}
		f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &schedule})
		f.property("A")
		prev := rc.next(t)
		for i, sec := range schedule {
			d := time.Duration(sec) * time.Second
			r := rc.next(t)
			gap := r.At.Sub(prev.At)
			// The slack is the recording and claiming around the delay on a
			// loaded machine (under -race, beside other builds); a retry
			// that waited for the sweep would be 60 s late.
			if gap < d || gap > d+d/10+time.Second {
				t.Errorf("retry %d arrived %s after the attempt before, want %s plus at most 10 %%", i+1, gap, d)
			}
			prev = r
		}
	})
}

// Retry-After in seconds or as an HTTP date lengthens the wait, up to one
// hour.
func TestRetryAfterForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFixture(t, s)
		var offset atomic.Int64
		movedClock(f, &offset)
		f.run(delivery.Config{})
		date := func(d time.Duration) string { return f.svc.Now().Add(d).UTC().Format(http.TimeFormat) }
		cases := []struct {
			name, header string
			status       int
			want         time.Duration
		}{
			{"seconds", "120", http.StatusTooManyRequests, 2 * time.Minute},
			{"HTTP date", date(3 * time.Minute), http.StatusServiceUnavailable, 3 * time.Minute},
			{"seconds past the cap", "7200", http.StatusServiceUnavailable, time.Hour},
			{"HTTP date past the cap", date(5 * time.Hour), http.StatusTooManyRequests, time.Hour},
			{"on a 500, ignored", "120", http.StatusInternalServerError, time.Minute},
		}
		for _, c := range cases {
			rc := newReceiver(t, func(w http.ResponseWriter, r *request) {
				w.Header().Set("Retry-After", c.header)
				w.WriteHeader(c.status)
			})
			w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, RetrySchedule: &[]int{60, 3600 * 24}})
			f.property("A " + c.name)
			d := f.wait(w.ID, "retrying", func(d *porter.Delivery) bool { return d.AttemptCount == 1 && d.ResponseStatus != nil })
			if d.NextAttemptAt == nil {
				t.Fatalf("%s: not retried: %+v", c.name, d)
			}
			// Measured from the attempt; the HTTP date has whole seconds.
			wait := d.NextAttemptAt.Sub(d.Attempts[0].StartedAt)
			if wait < c.want-2*time.Second || wait > c.want+2*time.Second {
				t.Errorf("%s (%d, Retry-After %s): next attempt %s after the first, want %s", c.name, c.status, c.header, wait, c.want)
			}
			// Each case's endpoint only: the next waits its turn.
			if _, err := f.svc.UpdateWebhook(f.ctx, f.org, w.ID, porter.WebhookPatch{Enabled: ptr(false)}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// During a rotation the previous secret signs too, for 24 hours: a
// receiver still holding it verifies deliveries sent 23 h 59 min after the
// rotation, and not those sent 24 h 1 min after it. Checked against the
// Standard Webhooks scheme computed here, not the code's signer.
func TestPreviousSecretSignsFor24Hours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		rc := newReceiver(t, nil)
		f := newFixture(t, s)
		var offset atomic.Int64
		movedClock(f, &offset)
		f.run(delivery.Config{})
		old, next := "whsec_"+strings.Repeat("A", 43)+"=", "whsec_"+strings.Repeat("B", 43)+"="
		w := f.webhook(porter.WebhookInput{URL: rc.URL, Events: []string{"property.created"}, Secret: &old})
		f.property("before")
		if r := rc.next(t); !signedBy(t, r, old) {
			t.Fatal("not signed by the only secret")
		}
		if _, err := f.svc.RotateWebhookSecret(f.ctx, f.org, w.ID, porter.RotateSecretInput{Secret: &next}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			after    time.Duration
			oldSigns bool
		}{
			{0, true},
			{24*time.Hour - time.Minute, true},
			{24*time.Hour + time.Minute, false},
		} {
			offset.Store(int64(c.after))
			name := "after " + c.after.String()
			f.property(name)
			// The delivery of this property: on a loaded machine an
			// earlier one may arrive again (a retry after a slow answer).
			r := rc.next(t)
			for !strings.Contains(string(r.Body), name) {
				r = rc.next(t)
			}
			if !signedBy(t, r, next) {
				t.Errorf("%s after the rotation: not signed by the new secret", c.after)
			}
			if got := signedBy(t, r, old); got != c.oldSigns {
				t.Errorf("%s after the rotation: signed by the previous secret = %v, want %v", c.after, got, c.oldSigns)
			}
		}
	})
}

// signedBy says whether r's webhook-signature has a v1 signature by secret.
func signedBy(t *testing.T, r *request, secret string) bool {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(r.Header.Get("Webhook-Id") + "." + r.Header.Get("Webhook-Timestamp") + "."))
	m.Write(r.Body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, sig := range strings.Fields(r.Header.Get("Webhook-Signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}
