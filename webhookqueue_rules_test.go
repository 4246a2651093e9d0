package porter_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// The documented values these tests hold the code to, from the README and
// seed 000, written out rather than read from the code's constants.
var (
	seedRetryTable   = []time.Duration{5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}
	disableFailures  = 50
	disableAfter     = 5 * 24 * time.Hour
	maxRetryAfter    = time.Hour
	jitterPercentMax = 10
)

// The real jitter function (not the nil the other fixtures set) lengthens
// every delay by 0 to 10 %, never more, never less, on every schedule.
func TestRetryJitterWithinTenPercent(t *testing.T) {
	q := porter.NewWebhookQueue(nil, "node", func() string { return "att" })
	if q.Jitter == nil {
		t.Fatal("a new queue has no jitter")
	}
	delays := append([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 6 * time.Second, 8 * time.Second, 30 * time.Second}, seedRetryTable...)
	for _, d := range delays {
		hi := d + d*time.Duration(jitterPercentMax)/100
		lo, top := hi, d
		for range 2000 {
			got := q.Jitter(d)
			if got < d || got > hi {
				t.Fatalf("jitter(%s) = %s, outside [%s, %s]", d, got, d, hi)
			}
			lo, top = min(lo, got), max(top, got)
		}
		// It does spread: 2000 uniform draws all in one half of the range
		// happen once in 2^2000.
		if mid := d + d/20; top < mid || lo > mid {
			t.Fatalf("jitter(%s) spans only [%s, %s]", d, lo, top)
		}
	}
}

// Seed 000's table end to end, with the real jitter: five attempts, the
// retries 5 min, 30 min, 2 h and 6 h apart plus at most 10 %, then failed.
func TestQueueSeedRetryTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.q.Jitter = porter.NewWebhookQueue(f.svc, "x", nil).Jitter
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		for i, want := range seedRetryTable {
			f.answer(d, 500)
			got := f.delivery(f.org, d.ID)
			if got.Status != porter.DeliveryPending || got.NextAttemptAt == nil {
				t.Fatalf("after attempt %d: %+v", i+1, got)
			}
			wait := got.NextAttemptAt.Sub(f.now)
			if wait < want || wait > want+want/10 {
				t.Fatalf("retry %d due after %s, want %s plus at most 10 %%", i+1, wait, want)
			}
			// Not a moment early.
			f.now = got.NextAttemptAt.Add(-time.Millisecond)
			if ds := f.claim(hook.ID, 1); len(ds) != 0 {
				t.Fatalf("retry %d claimed before it was due", i+1)
			}
			f.now = *got.NextAttemptAt
			ds := f.claim(hook.ID, 1)
			if len(ds) != 1 || ds[0].Attempt != i+2 {
				t.Fatalf("retry %d: claimed %+v", i+1, ds)
			}
			d = ds[0]
		}
		f.answer(d, 500)
		if got := f.delivery(f.org, d.ID); got.Status != porter.DeliveryFailed || got.AttemptCount != 5 {
			t.Fatalf("after the fifth attempt: %+v", got)
		}
	})
}

// A 410 fails its delivery at once, whatever is left of the schedule, as
// a failed delivery (webhook.delivery_failed with the 410), and disables
// the webhook.
func TestQueueGoneFailsAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		f.answer(d, 410)
		got := f.delivery(f.org, d.ID)
		if got.Status != porter.DeliveryFailed || got.AttemptCount != 1 || got.NextAttemptAt != nil || got.Error != "HTTP 410" ||
			got.ResponseStatus == nil || *got.ResponseStatus != 410 {
			t.Fatalf("after a 410: %+v", got)
		}
		failed := f.events("webhook.delivery_failed")
		if len(failed) != 1 || !strings.Contains(string(failed[0].Data), `"response_status":410`) {
			t.Fatalf("webhook.delivery_failed after a 410: %d", len(failed))
		}
		if w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID); w.Enabled || !strings.Contains(w.DisabledReason, "410") {
			t.Fatalf("webhook after a 410: %+v", w)
		}
	})
}

// A 410 to a test delivery is the endpoint saying it is gone: the webhook
// is disabled as for any 410 (though a test's other failures say nothing).
func TestQueueGoneOnTestDeliveryDisables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		if _, err := f.svc.TestWebhook(f.ctx, f.org, hook.ID, porter.TestInput{}); err != nil {
			t.Fatal(err)
		}
		ds := f.claim(hook.ID, 1)
		if len(ds) != 1 || !ds[0].Test {
			t.Fatalf("claimed %+v", ds)
		}
		fx := f.answer(ds[0], 410)
		if len(fx.Disabled) != 1 || fx.Disabled[0] != hook.ID {
			t.Fatalf("effects of a test's 410: %+v", fx)
		}
		if w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID); w.Enabled || !strings.Contains(w.DisabledReason, "410") {
			t.Fatalf("webhook after a test's 410: %+v", w)
		}
		if len(f.events("webhook.disabled")) != 1 {
			t.Fatal("no webhook.disabled after a test's 410")
		}
	})
}

// Within one fan-out batch, an ordered webhook gets the first event of
// each resource leased, never a later one behind it.
func TestQueueOrderedHoldWithinOneBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.fanOut() // the fixture's own events
		f.webhook(f.org, porter.WebhookInput{Events: []string{"property.*"}, Ordered: true})
		a := f.property(f.org, "A")
		if _, err := f.svc.UpdateProperty(f.ctx, f.org, a.ID, porter.PropertyInput{Name: ptr("A2")}); err != nil {
			t.Fatal(err)
		}
		f.property(f.org, "B")
		leased, n, err := f.q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.now.Add(time.Minute), true })
		if err != nil || n != 4 { // with the webhook's own webhook.created
			t.Fatalf("fan-out took %d events, %v", n, err)
		}
		var got []string
		for _, d := range leased {
			var body struct {
				Data struct{ Name string } `json:"data"`
			}
			json.Unmarshal(d.Body, &body)
			got = append(got, d.EventType+" "+body.Data.Name)
		}
		if len(leased) != 2 || got[0] != "property.created A" || got[1] != "property.created B" {
			t.Fatalf("fan-out leased %q, want A's and B's creations only", got)
		}
	})
}

// A webhook failing for 5 days is disabled, not before (under a clock
// the test moves a day at a time).
func TestQueueDisabledAfterFiveDaysFailing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{}})
		start := f.now
		fail := func(at time.Duration) *porter.Effects {
			t.Helper()
			f.now = start.Add(at)
			f.property(f.org, fmt.Sprint("P", at))
			f.fanOut()
			ds := f.claim(hook.ID, 1)
			if len(ds) != 1 {
				t.Fatalf("at %s: claimed %d", at, len(ds))
			}
			return f.answer(ds[0], 500)
		}
		for _, at := range []time.Duration{0, 24 * time.Hour, 48 * time.Hour, 96 * time.Hour, disableAfter - time.Minute} {
			if fx := fail(at); len(fx.Disabled) != 0 {
				t.Fatalf("disabled after failing for %s", at)
			}
		}
		fx := fail(disableAfter + time.Minute)
		if len(fx.Disabled) != 1 {
			t.Fatalf("not disabled after failing for 5 days: %+v", fx)
		}
		w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID)
		if w.Enabled || !strings.Contains(w.DisabledReason, "failed since "+start.Format(porter.TimeLayout)) {
			t.Fatalf("webhook %+v", w)
		}
	})
}

// 50 consecutive failed deliveries disable a webhook; 49 do not.
func TestQueueDisabledAfterFiftyFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{}})
		for i := range disableFailures {
			f.property(f.org, fmt.Sprint("P", i))
		}
		f.fanOut()
		ds := f.claim(hook.ID, 100)
		if len(ds) != disableFailures {
			t.Fatalf("claimed %d", len(ds))
		}
		for i, d := range ds {
			f.now = f.now.Add(time.Minute) // well inside 5 days
			fx := f.answer(d, 500)
			if last := i == disableFailures-1; last != (len(fx.Disabled) == 1) {
				t.Fatalf("after %d failures: disabled %v", i+1, fx.Disabled)
			}
		}
		w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID)
		if w.Enabled || w.DisabledReason != "50 consecutive deliveries failed" {
			t.Fatalf("webhook %+v", w)
		}
	})
}

// Retry-After lengthens a retry up to one hour, never shortens it.
func TestQueueRetryAfterCappedAtOneHour(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{60}})
		cases := []struct {
			retryAfter, want time.Duration
		}{
			{30 * time.Second, time.Minute},          // the schedule's delay is longer
			{59 * time.Minute, 59 * time.Minute},     // honoured
			{2 * time.Hour, maxRetryAfter},           // capped
			{30 * 24 * time.Hour, maxRetryAfter},     // capped
			{maxRetryAfter, maxRetryAfter},           // at the cap
			{maxRetryAfter + time.Second, time.Hour}, // just past it
		}
		for range cases {
			f.property(f.org, "P")
		}
		f.fanOut()
		ds := f.claim(hook.ID, 10)
		if len(ds) != len(cases) {
			t.Fatalf("claimed %d", len(ds))
		}
		for i, c := range cases {
			d := ds[i]
			a := &porter.DeliveryAttempt{ID: d.LeaseToken, Number: 1, StartedAt: f.now, URL: "u", RequestHeaders: map[string]string{},
				ResponseHeaders: map[string]string{}, ResponseStatus: ptr(503), Error: "HTTP 503"}
			if _, err := f.q.Record(f.ctx, []*porter.Result{{Delivery: d, Attempt: a, RetryAfter: c.retryAfter}}); err != nil {
				t.Fatal(err)
			}
			got := f.delivery(f.org, d.ID)
			if got.NextAttemptAt == nil || got.NextAttemptAt.Sub(f.now) != c.want {
				t.Errorf("Retry-After %s: next attempt %v after now, want %s", c.retryAfter, got.NextAttemptAt, c.want)
			}
		}
	})
}

// A failing endpoint subscribed to its own failures does not feed itself:
// the failed delivery of a webhook.delivery_failed records nothing more.
func TestQueueDeliveryFailedDoesNotFeedItself(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created", "webhook.delivery_failed"}, RetrySchedule: &[]int{}})
		f.property(f.org, "A")
		f.fanOut()
		ds := f.claim(hook.ID, 10)
		if len(ds) != 1 || ds[0].EventType != "property.created" {
			t.Fatalf("claimed %+v", ds)
		}
		f.answer(ds[0], 500)
		if n := len(f.events("webhook.delivery_failed")); n != 1 {
			t.Fatalf("%d webhook.delivery_failed", n)
		}
		for round := range 3 {
			f.fanOut()
			ds = f.claim(hook.ID, 10)
			if round == 0 && (len(ds) != 1 || ds[0].EventType != "webhook.delivery_failed") {
				t.Fatalf("claimed %+v, want the webhook.delivery_failed", ds)
			}
			for _, d := range ds {
				if d.EventType == "webhook.delivery_failed" && round > 0 {
					t.Fatalf("round %d: another webhook.delivery_failed to deliver", round)
				}
				f.answer(d, 500)
			}
		}
		if n := len(f.events("webhook.delivery_failed")); n != 1 {
			t.Fatalf("a failed webhook.delivery_failed recorded another: %d", n)
		}
	})
}

// An ordered delivery that fails for good releases the next event of its
// resource, as one that succeeds does: the hold lasts while it is retried,
// not forever.
func TestQueueOrderedFailureReleasesNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.fanOut() // the fixture's own events
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.*"}, Ordered: true, RetrySchedule: &[]int{}})
		a := f.property(f.org, "A")
		if _, err := f.svc.UpdateProperty(f.ctx, f.org, a.ID, porter.PropertyInput{Name: ptr("A2")}); err != nil {
			t.Fatal(err)
		}
		f.fanOut()
		ds := f.claim(hook.ID, 10)
		if len(ds) != 1 || ds[0].EventType != "property.created" {
			t.Fatalf("claimed %+v, want A's creation alone", ds)
		}
		fx := f.answer(ds[0], 500) // the only attempt: failed
		if got := f.delivery(f.org, ds[0].ID); got.Status != porter.DeliveryFailed {
			t.Fatalf("%+v", got)
		}
		if len(fx.Due) != 1 || fx.Due[0] != hook.ID {
			t.Fatalf("a failed ordered delivery did not release the next: %+v", fx)
		}
		next := f.claim(hook.ID, 10)
		if len(next) != 1 || next[0].EventType != "property.updated" {
			t.Fatalf("claimed %+v, want A's update", next)
		}
	})
}
