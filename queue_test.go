package porter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// queueFixture is one organization with a webhook, a queue on a clock the
// test moves, and a second organization for isolation.
type queueFixture struct {
	t     *testing.T
	ctx   context.Context
	svc   *porter.Service
	q     *porter.WebhookQueue
	org   int64
	other int64
	now   time.Time
	ids   atomic.Int64
}

func newQueueFixture(t *testing.T, s porter.Store) *queueFixture {
	t.Helper()
	f := &queueFixture{t: t, ctx: context.Background(), now: time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)}
	f.svc = porter.NewService(s, "http://porter.test", nil)
	f.svc.Now = func() time.Time { return f.now }
	f.svc.Secrets, _ = porter.NewSecretBox(bytes.Repeat([]byte{7}, 32))
	f.q = porter.NewWebhookQueue(f.svc, "node-a", func() string { return fmt.Sprintf("att_%d", f.ids.Add(1)) })
	f.q.Jitter = nil
	for _, p := range []*int64{&f.org, &f.other} {
		org, err := f.svc.CreateOrganization(f.ctx, "Org")
		if err != nil {
			t.Fatal(err)
		}
		*p = org.ID
	}
	if _, err := f.svc.CreateStaff(f.ctx, f.org, porter.StaffInput{Name: ptr("Ada Admin"), Email: ptr("ada@example.com"), Role: ptr("admin")}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *queueFixture) webhook(org int64, in porter.WebhookInput) *porter.Webhook {
	f.t.Helper()
	if in.URL == "" {
		in.URL = "https://hooks.example.com/porter"
	}
	w, err := f.svc.CreateWebhook(f.ctx, org, in)
	if err != nil {
		f.t.Fatal(err)
	}
	return w.Webhook
}

func (f *queueFixture) property(org int64, name string) *porter.Property {
	f.t.Helper()
	p, err := f.svc.CreateProperty(f.ctx, org, porter.PropertyInput{Name: &name})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// fanOut drains the outbox without leasing anything: every delivery is left due.
func (f *queueFixture) fanOut() {
	f.t.Helper()
	for {
		_, n, err := f.q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return time.Time{}, false })
		if err != nil {
			f.t.Fatal(err)
		}
		if n < 100 {
			return
		}
	}
}

func (f *queueFixture) claim(hookID int64, n int) []*porter.QueuedDelivery {
	f.t.Helper()
	ds, err := f.q.Claim(f.ctx, []porter.ClaimWant{{WebhookID: hookID, N: n, LeaseUntil: f.now.Add(time.Minute)}})
	if err != nil {
		f.t.Fatal(err)
	}
	return ds
}

// answer records a response with status code to d's attempt.
func (f *queueFixture) answer(d *porter.QueuedDelivery, code int) *porter.Effects {
	f.t.Helper()
	a := &porter.DeliveryAttempt{ID: d.LeaseToken, Number: d.Attempt, StartedAt: f.now, DurationMS: 12, URL: "https://hooks.example.com/porter",
		RequestHeaders: map[string]string{"X-Pm-Event": d.EventType}, ResponseHeaders: map[string]string{}}
	if code > 0 {
		a.ResponseStatus = &code
		a.ResponseBody = "ok"
		if code >= 300 {
			a.Error = fmt.Sprintf("HTTP %d", code)
		}
	} else {
		a.Error = "connection refused"
	}
	fx, err := f.q.Record(f.ctx, []*porter.Result{{Delivery: d, Attempt: a}})
	if err != nil {
		f.t.Fatal(err)
	}
	return fx
}

func (f *queueFixture) delivery(org, id int64) *porter.Delivery {
	f.t.Helper()
	d, err := f.svc.Delivery(f.ctx, org, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *queueFixture) events(typ string) []*porter.Event {
	f.t.Helper()
	l, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{Types: []string{typ}})
	if err != nil {
		f.t.Fatal(err)
	}
	return l.Items
}

func TestQueueFanOutClaimRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.property(f.org, "Before") // before any subscription: history, not delivered
		f.fanOut()
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.*"}})
		other := f.webhook(f.org, porter.WebhookInput{Events: []string{"tenant.created"}})
		otherOrgHook := f.webhook(f.other, porter.WebhookInput{Events: []string{"*"}})
		p := f.property(f.org, "Maple Court")
		f.fanOut()

		if got := f.claim(other.ID, 10); len(got) != 0 {
			t.Fatalf("a webhook not subscribed got %d deliveries", len(got))
		}
		ds := f.claim(hook.ID, 10)
		if len(ds) != 1 {
			t.Fatalf("claimed %d deliveries, want 1", len(ds))
		}
		d := ds[0]
		if d.Attempt != 1 || d.LeaseToken == "" || d.EventType != "property.created" || d.OrgID != f.org || d.Test {
			t.Fatalf("claimed %+v", d)
		}
		var body map[string]any
		if err := json.Unmarshal(d.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body["event"] != "property.created" || body["id"] != d.EventID || body["data"].(map[string]any)["name"] != "Maple Court" ||
			!strings.HasPrefix(d.EventID, "evt_") {
			t.Fatalf("body %s", d.Body)
		}
		// Leased: not claimable again.
		if again := f.claim(hook.ID, 10); len(again) != 0 {
			t.Fatalf("a leased delivery was claimed twice")
		}
		// The other organization's webhook saw nothing of this one's.
		for _, d := range f.claim(otherOrgHook.ID, 10) {
			if d.OrgID != f.other || strings.HasPrefix(d.EventType, "property.") {
				t.Fatalf("another organization's webhook got %+v", d)
			}
		}
		pending := f.delivery(f.org, d.ID)
		if pending.Status != porter.DeliveryPending || pending.AttemptCount != 1 {
			t.Fatalf("pending delivery %+v", pending)
		}

		f.now = f.now.Add(time.Second)
		f.answer(d, 200)
		got := f.delivery(f.org, d.ID)
		if got.Status != porter.DeliverySucceeded || got.AttemptCount != 1 || got.CompletedAt == nil || got.NextAttemptAt != nil ||
			got.ResponseStatus == nil || *got.ResponseStatus != 200 || len(got.Attempts) != 1 {
			t.Fatalf("succeeded delivery %+v", got)
		}
		a := got.Attempts[0]
		if a.ID != d.LeaseToken || a.Number != 1 || a.DurationMS != 12 || a.RequestHeaders["X-Pm-Event"] != "property.created" || a.ResponseBody != "ok" {
			t.Fatalf("attempt %+v", a)
		}
		// A second record of the same attempt changes nothing.
		if fx := f.answer(d, 500); len(fx.Disabled) != 0 {
			t.Fatal("a stale record disabled the webhook")
		}
		if got := f.delivery(f.org, d.ID); got.Status != porter.DeliverySucceeded {
			t.Fatalf("a stale record moved the delivery: %+v", got)
		}

		list, err := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{Status: "succeeded"})
		if err != nil || list.Total != 1 || list.Items[0].ID != d.ID {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if list, _ := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{Event: "property.updated"}); list.Total != 0 {
			t.Fatalf("event filter: %+v", list)
		}
		_, err = f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{Event: "nope"})
		wantCode(t, err, porter.EINVALID, "event")
		_, err = f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{Status: "lost"})
		wantCode(t, err, porter.EINVALID, "status")

		// Isolation: another organization sees none of it.
		_, err = f.svc.Delivery(f.ctx, f.other, d.ID)
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.WebhookDeliveries(f.ctx, f.other, hook.ID, porter.DeliveryFilter{})
		wantCode(t, err, porter.ENOTFOUND, "")
		_, err = f.svc.ReplayDelivery(f.ctx, f.other, d.ID)
		wantCode(t, err, porter.ENOTFOUND, "")

		// Updates carry previous_attributes.
		if _, err := f.svc.UpdateProperty(f.ctx, f.org, p.ID, porter.PropertyInput{Name: ptr("Maple Court East")}); err != nil {
			t.Fatal(err)
		}
		f.fanOut()
		ds = f.claim(hook.ID, 10)
		if len(ds) != 1 || !bytes.Contains(ds[0].Body, []byte(`"previous_attributes":{"name":"Maple Court"}`)) {
			t.Fatalf("update delivery: %d, %s", len(ds), ds[0].Body)
		}
	})
}

func TestQueueRetriesThenFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{60, 600}})
		f.property(f.org, "A")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		f.answer(d, 503)
		got := f.delivery(f.org, d.ID)
		if got.Status != porter.DeliveryPending || got.NextAttemptAt == nil || !got.NextAttemptAt.Equal(f.now.Add(time.Minute)) {
			t.Fatalf("after a 503: %+v", got)
		}
		if ds := f.claim(hook.ID, 1); len(ds) != 0 {
			t.Fatal("claimed before the retry was due")
		}
		f.now = f.now.Add(time.Minute)
		d = f.claim(hook.ID, 1)[0]
		if d.Attempt != 2 {
			t.Fatalf("second attempt numbered %d", d.Attempt)
		}
		// Retry-After beyond the schedule's delay wins.
		a := &porter.DeliveryAttempt{ID: d.LeaseToken, Number: 2, StartedAt: f.now, URL: "u", RequestHeaders: map[string]string{}, ResponseHeaders: map[string]string{}, ResponseStatus: ptr(429)}
		if _, err := f.q.Record(f.ctx, []*porter.Result{{Delivery: d, Attempt: a, RetryAfter: 20 * time.Minute}}); err != nil {
			t.Fatal(err)
		}
		if got := f.delivery(f.org, d.ID); !got.NextAttemptAt.Equal(f.now.Add(20 * time.Minute)) {
			t.Fatalf("Retry-After not honoured: %v", got.NextAttemptAt)
		}
		f.now = f.now.Add(20 * time.Minute)
		d = f.claim(hook.ID, 1)[0]
		f.answer(d, 0) // connection refused: the last attempt
		got = f.delivery(f.org, d.ID)
		if got.Status != porter.DeliveryFailed || got.AttemptCount != 3 || len(got.Attempts) != 3 || got.Error != "connection refused" || got.ResponseStatus != nil {
			t.Fatalf("after the last attempt: %+v", got)
		}
		failed := f.events("webhook.delivery_failed")
		if len(failed) != 1 || !bytes.Contains(failed[0].Data, []byte(`"event_id":"`+d.EventID+`"`)) {
			t.Fatalf("webhook.delivery_failed events: %d", len(failed))
		}
		mail := f.mail()
		if len(mail) != 1 || mail[0].To != "ada@example.com" || !strings.Contains(mail[0].Subject, "failing") {
			t.Fatalf("admin mail: %+v", mail)
		}

		// Replay sends it again with a fresh schedule.
		r, err := f.svc.ReplayDelivery(f.ctx, f.org, d.ID)
		if err != nil || r.Status != porter.DeliveryPending || r.CompletedAt != nil {
			t.Fatalf("replay = %+v, %v", r, err)
		}
		d = f.claim(hook.ID, 1)[0]
		if d.Attempt != 4 || d.RetryFrom != 3 {
			t.Fatalf("replayed attempt %d from %d", d.Attempt, d.RetryFrom)
		}
		_, err = f.svc.ReplayDelivery(f.ctx, f.org, d.ID)
		wantCode(t, err, porter.ECONFLICT, "being attempted")
		f.answer(d, 500)
		if got := f.delivery(f.org, d.ID); got.Status != porter.DeliveryPending || !got.NextAttemptAt.Equal(f.now.Add(time.Minute)) {
			t.Fatalf("a replay restarts the schedule: %+v", got)
		}
	})
}

func (f *queueFixture) mail() []*porter.Message {
	f.t.Helper()
	var out []*porter.Message
	err := f.svc.Store.View(f.ctx, f.org, func(tx porter.Tx) error {
		var err error
		out, err = tx.Messages(f.ctx, nil)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestQueueGoneDisables(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		f.property(f.org, "B")
		f.fanOut()
		ds := f.claim(hook.ID, 1)
		fx := f.answer(ds[0], 410)
		if len(fx.Disabled) != 1 || fx.Disabled[0] != hook.ID {
			t.Fatalf("effects %+v", fx)
		}
		w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID)
		if w.Enabled || !strings.Contains(w.DisabledReason, "410") {
			t.Fatalf("webhook after 410: %+v", w)
		}
		if f.q.Subscription(hook.ID) != nil {
			t.Fatal("a disabled webhook is still a subscription")
		}
		// Its other delivery failed too, and nothing more is claimed.
		l, _ := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{Status: "failed"})
		if l.Total != 2 {
			t.Fatalf("failed deliveries after 410: %d", l.Total)
		}
		if got := f.claim(hook.ID, 5); len(got) != 0 {
			t.Fatal("claimed for a disabled webhook")
		}
		if len(f.events("webhook.disabled")) != 1 {
			t.Fatal("no webhook.disabled event")
		}
		// No new deliveries while disabled; replay and recover say why.
		f.property(f.org, "C")
		f.fanOut()
		if l, _ := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{}); l.Total != 2 {
			t.Fatalf("deliveries made for a disabled webhook: %d", l.Total)
		}
		_, err := f.svc.ReplayDelivery(f.ctx, f.org, ds[0].ID)
		wantCode(t, err, porter.ECONFLICT, "disabled")
		// Enabled again, recover sends what failed.
		if _, err := f.svc.UpdateWebhook(f.ctx, f.org, hook.ID, porter.WebhookPatch{Enabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		since := porter.NewTime(f.now.Add(-time.Hour))
		rec, err := f.svc.RecoverWebhook(f.ctx, f.org, hook.ID, porter.RecoverInput{Since: &since})
		if err != nil || rec.Requeued != 2 {
			t.Fatalf("recover = %+v, %v", rec, err)
		}
		if got := f.claim(hook.ID, 5); len(got) != 2 {
			t.Fatalf("claimed %d after recover", len(got))
		}
		_, err = f.svc.RecoverWebhook(f.ctx, f.org, hook.ID, porter.RecoverInput{})
		wantCode(t, err, porter.EINVALID, "since")
	})
}

func TestQueueConsecutiveFailuresDisable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.q.DisableAfterFailures = 3
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{}})
		for i := range 4 {
			f.property(f.org, fmt.Sprint("P", i))
		}
		f.fanOut()
		ds := f.claim(hook.ID, 10)
		if len(ds) != 4 {
			t.Fatalf("claimed %d", len(ds))
		}
		f.answer(ds[0], 500)
		f.answer(ds[1], 200) // a success resets the run
		f.answer(ds[2], 500)
		if w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID); !w.Enabled {
			t.Fatal("disabled too early")
		}
		f.answer(ds[3], 500)
		f.property(f.org, "P4")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		fx := f.answer(d, 500)
		if len(fx.Disabled) != 1 {
			t.Fatalf("not disabled after 3 consecutive failures: %+v", fx)
		}
		w, _ := f.svc.Webhook(f.ctx, f.org, hook.ID)
		if w.Enabled || !strings.Contains(w.DisabledReason, "3 consecutive") {
			t.Fatalf("webhook %+v", w)
		}
		// Mail: the run that started at ds[0], the one at ds[2], the disabling.
		if m := f.mail(); len(m) != 3 || !strings.Contains(m[2].Subject, "disabled") {
			t.Fatalf("admin mail: %d", len(m))
		}
	})
}

func TestQueueOrdered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.*"}, Ordered: true})
		a := f.property(f.org, "A")
		if _, err := f.svc.UpdateProperty(f.ctx, f.org, a.ID, porter.PropertyInput{Name: ptr("A2")}); err != nil {
			t.Fatal(err)
		}
		f.property(f.org, "B")
		// Fan-out leases what it may: the first event of each resource.
		if _, _, err := f.q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.now.Add(time.Minute), true }); err != nil {
			t.Fatal(err)
		}
		all, _ := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{})
		if all.Total != 3 {
			t.Fatalf("%d deliveries", all.Total)
		}
		// The update of A waits for A's creation, still in flight.
		if got := f.claim(hook.ID, 10); len(got) != 0 {
			t.Fatalf("claimed %d while earlier events of their resources are pending", len(got))
		}
		// Give the lease up for lost: A's creation comes back before its update.
		f.now = f.now.Add(2 * time.Minute)
		got := f.claim(hook.ID, 10)
		if len(got) != 2 || got[0].EventType != "property.created" || got[1].EventType != "property.created" {
			t.Fatalf("claimed %+v", got)
		}
		var first *porter.QueuedDelivery
		for _, d := range got {
			if bytes.Contains(d.Body, []byte(`"name":"A"`)) {
				first = d
			} else {
				f.answer(d, 200) // B's creation
			}
		}
		fx := f.answer(first, 500) // failing: holds back A's update
		if len(fx.Due) != 0 {
			t.Fatalf("a retry released the next: %+v", fx)
		}
		if got := f.claim(hook.ID, 10); len(got) != 0 {
			t.Fatalf("claimed %d behind a failing delivery", len(got))
		}
		// A lost lease counts as an attempt: this retry is the schedule's second step.
		f.now = f.now.Add(30 * time.Minute)
		d := f.claim(hook.ID, 10)
		if len(d) != 1 || d[0].ID != first.ID {
			t.Fatalf("claimed %+v, want the retry of A's creation", d)
		}
		fx = f.answer(d[0], 200)
		if len(fx.Due) != 1 || fx.Due[0] != hook.ID {
			t.Fatalf("effects %+v", fx)
		}
		next := f.claim(hook.ID, 10)
		if len(next) != 1 || next[0].EventType != "property.updated" {
			t.Fatalf("claimed %+v, want A's update", next)
		}
	})
}

func TestQueueLeaseRelease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		leased, n, err := f.q.FanOut(f.ctx, 100, func(*porter.Subscription) (time.Time, bool) { return f.now.Add(time.Minute), true })
		if err != nil || n == 0 || len(leased) != 1 || leased[0].Attempt != 1 || len(leased[0].Body) == 0 || leased[0].ID == 0 {
			t.Fatalf("fan-out leased %+v, %d, %v", leased, n, err)
		}
		if err := f.q.Release(f.ctx, leased); err != nil {
			t.Fatal(err)
		}
		got := f.claim(hook.ID, 1)
		if len(got) != 1 || got[0].Attempt != 1 || got[0].LeaseToken == leased[0].LeaseToken {
			t.Fatalf("after release, claimed %+v", got)
		}
		// A stale lease's record is stored as an attempt but moves nothing.
		f.answer(leased[0], 200)
		if d := f.delivery(f.org, got[0].ID); d.Status != porter.DeliveryPending || len(d.Attempts) != 1 {
			t.Fatalf("stale record: %+v", d)
		}
		f.answer(got[0], 200)
		if d := f.delivery(f.org, got[0].ID); d.Status != porter.DeliverySucceeded {
			t.Fatalf("%+v", d)
		}
	})
}

func TestQueueTestDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"payment.*"}})
		d, err := f.svc.TestWebhook(f.ctx, f.org, hook.ID, porter.TestInput{Event: "payment.received"})
		if err != nil || !d.Test || d.Event != "payment.succeeded" || !strings.HasPrefix(d.EventID, "evt_test_") {
			t.Fatalf("test = %+v, %v", d, err)
		}
		_, err = f.svc.TestWebhook(f.ctx, f.org, hook.ID, porter.TestInput{Event: "tenant.created"})
		wantCode(t, err, porter.EINVALID, "payment.succeeded")
		_, err = f.svc.TestWebhook(f.ctx, f.other, hook.ID, porter.TestInput{})
		wantCode(t, err, porter.ENOTFOUND, "")
		ds := f.claim(hook.ID, 5)
		if len(ds) != 1 || !ds[0].Test {
			t.Fatalf("claimed %+v", ds)
		}
		var body map[string]any
		json.Unmarshal(ds[0].Body, &body)
		if body["test"] != true || body["event"] != "payment.succeeded" || body["id"] != d.EventID || body["data"].(map[string]any)["amount"] == nil {
			t.Fatalf("test body %s", ds[0].Body)
		}
		// A failed test is not retried and says nothing of the webhook's health.
		f.answer(ds[0], 500)
		if got := f.delivery(f.org, d.ID); got.Status != porter.DeliveryFailed {
			t.Fatalf("%+v", got)
		}
		if len(f.events("webhook.delivery_failed")) != 0 || len(f.mail()) != 0 {
			t.Fatal("a failed test alerted")
		}
	})
}

func TestQueuePrune(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		for i := range 3 {
			f.property(f.org, fmt.Sprint("P", i))
		}
		f.fanOut()
		ds := f.claim(hook.ID, 2)
		for _, d := range ds {
			f.answer(d, 200)
		}
		f.now = f.now.Add(31 * 24 * time.Hour)
		n, err := f.q.Prune(f.ctx, f.now.Add(-30*24*time.Hour), 1000)
		if err != nil || n != 4 { // two attempts, two deliveries
			t.Fatalf("pruned %d, %v", n, err)
		}
		l, _ := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{})
		if l.Total != 1 || l.Items[0].Status != porter.DeliveryPending {
			t.Fatalf("left %+v", l)
		}
		st, err := s.DeliveryStats(f.ctx)
		if err != nil || st.Pending != 1 || st.OldestPendingAt == nil {
			t.Fatalf("stats %+v, %v", st, err)
		}
	})
}

func TestQueueWatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		ctx, cancel := context.WithCancel(f.ctx)
		defer cancel()
		w := s.WatchQueue(ctx)
		drain := func() {
			for {
				select {
				case <-w.Events:
				case <-w.Deliveries:
				case <-time.After(200 * time.Millisecond):
					return
				}
			}
		}
		drain()
		f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		select {
		case <-w.Events:
		case <-time.After(5 * time.Second):
			t.Fatal("no wake-up after an event committed")
		}
		f.fanOut()
		select {
		case <-w.Deliveries:
		case <-time.After(5 * time.Second):
			t.Fatal("no wake-up after deliveries were queued")
		}
	})
}

// A receiver may answer anything; what it sent is stored, made valid text.
func TestQueueBinaryResponse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "A")
		f.fanOut()
		d := f.claim(hook.ID, 1)[0]
		code := 502
		a := &porter.DeliveryAttempt{ID: d.LeaseToken, Number: d.Attempt, StartedAt: f.now, URL: "https://hooks.example.com/porter",
			RequestHeaders: map[string]string{}, ResponseStatus: &code, ResponseBody: "\x00\xff\xfe<html>bad\x00 gateway",
			ResponseHeaders: map[string]string{"X-Junk": "a\x00b\xff"}, Error: "HTTP 502"}
		if _, err := f.q.Record(f.ctx, []*porter.Result{{Delivery: d, Attempt: a}}); err != nil {
			t.Fatal(err)
		}
		got := f.delivery(f.org, d.ID).Attempts[0]
		if got.ResponseBody != "\uFFFD<html>bad gateway" || got.ResponseHeaders["X-Junk"] != "ab\uFFFD" {
			t.Fatalf("stored %q, %q", got.ResponseBody, got.ResponseHeaders["X-Junk"])
		}
	})
}

// A webhook hears what happens from its creation on: an event committed
// before it was made, and still in the outbox when it was (the engine was
// slow to start, or busy), is not sent to it.
func TestQueueWebhookHearsOnlyLaterEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.property(f.org, "Before the webhook")
		f.now = f.now.Add(time.Minute)
		hook := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}})
		f.property(f.org, "After the webhook")
		f.fanOut()
		list, err := f.svc.WebhookDeliveries(f.ctx, f.org, hook.ID, porter.DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 {
			t.Fatalf("deliveries: %d, want 1 (only the property created after the webhook)", len(list.Items))
		}
		after := f.events("property.created")[0] // newest first
		if got := list.Items[0].EventID; got != after.ID() {
			t.Errorf("delivered %s, want %s (the later event)", got, after.ID())
		}
	})
}
