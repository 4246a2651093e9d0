package porter_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

func TestCircuitStateMachine(t *testing.T) {
	p := porter.CircuitPolicy{Threshold: 3, Cooldown: 30 * time.Second, MaxCooldown: 10 * time.Minute}
	t0 := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
	const (
		ok   = porter.OutcomeAnswered
		dead = porter.OutcomeUnreachable
		none = porter.OutcomeOther
	)
	type step struct {
		o     porter.Outcome
		token string
		want  string // transition
	}
	cases := []struct {
		name  string
		start porter.Circuit
		steps []step
		end   porter.Circuit
	}{
		{"answers keep it closed", porter.Circuit{}, []step{{ok, "", ""}, {ok, "", ""}}, porter.Circuit{}},
		{"a 5xx is an answer: the count restarts", porter.Circuit{Failures: 2}, []step{{ok, "", ""}}, porter.Circuit{}},
		{"below the threshold stays closed", porter.Circuit{}, []step{{dead, "", ""}, {dead, "", ""}},
			porter.Circuit{Failures: 2}},
		{"the threshold opens it for the cool-down", porter.Circuit{}, []step{{dead, "", ""}, {dead, "", ""}, {dead, "", porter.CircuitOpen}},
			porter.Circuit{State: porter.CircuitOpen, Failures: 3, Opens: 1, OpenedAt: at(0), ProbeAt: at(30 * time.Second)}},
		{"an answer between failures restarts the count", porter.Circuit{}, []step{{dead, "", ""}, {dead, "", ""}, {ok, "", ""}, {dead, "", ""}},
			porter.Circuit{Failures: 1}},
		{"refused targets and shutdowns say nothing", porter.Circuit{Failures: 2}, []step{{none, "", ""}, {none, "", ""}},
			porter.Circuit{Failures: 2}},
		{"attempts in flight when it opened change nothing",
			porter.Circuit{State: porter.CircuitOpen, Failures: 3, Opens: 1, OpenedAt: at(0), ProbeAt: at(30 * time.Second)},
			[]step{{dead, "att_1", ""}},
			porter.Circuit{State: porter.CircuitOpen, Failures: 4, Opens: 1, OpenedAt: at(0), ProbeAt: at(30 * time.Second)}},
		{"a failed probe re-opens it for twice as long",
			porter.Circuit{State: porter.CircuitHalfOpen, Failures: 3, Opens: 1, OpenedAt: at(-time.Minute), ProbeAt: at(time.Minute), ProbeToken: "att_p"},
			[]step{{dead, "att_p", porter.CircuitOpen}},
			porter.Circuit{State: porter.CircuitOpen, Failures: 4, Opens: 2, OpenedAt: at(0), ProbeAt: at(time.Minute)}},
		{"another attempt failing while half-open is not the probe",
			porter.Circuit{State: porter.CircuitHalfOpen, Failures: 3, Opens: 1, ProbeAt: at(time.Minute), ProbeToken: "att_p"},
			[]step{{dead, "att_x", ""}},
			porter.Circuit{State: porter.CircuitHalfOpen, Failures: 4, Opens: 1, ProbeAt: at(time.Minute), ProbeToken: "att_p"}},
		{"the probe answering closes it",
			porter.Circuit{State: porter.CircuitHalfOpen, Failures: 3, Opens: 4, OpenedAt: at(0), ProbeAt: at(time.Minute), ProbeToken: "att_p"},
			[]step{{ok, "att_p", porter.CircuitClosed}},
			porter.Circuit{State: porter.CircuitClosed}},
		{"any answer closes an open circuit",
			porter.Circuit{State: porter.CircuitOpen, Failures: 3, Opens: 1, OpenedAt: at(0), ProbeAt: at(time.Minute)},
			[]step{{ok, "att_1", porter.CircuitClosed}},
			porter.Circuit{State: porter.CircuitClosed}},
		{"the cool-down stops growing at the cap",
			porter.Circuit{State: porter.CircuitHalfOpen, Opens: 9, ProbeToken: "att_p"},
			[]step{{dead, "att_p", porter.CircuitOpen}},
			porter.Circuit{State: porter.CircuitOpen, Failures: 1, Opens: 10, OpenedAt: at(0), ProbeAt: at(10 * time.Minute)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.start
			for i, s := range c.steps {
				if to := got.Observe(p, s.o, s.token, t0); to != s.want {
					t.Fatalf("step %d: moved to %q, want %q", i, to, s.want)
				}
			}
			if fmt.Sprint(show(got)) != fmt.Sprint(show(c.end)) {
				t.Fatalf("ended at %v, want %v", show(got), show(c.end))
			}
		})
	}

	// The README's cool-downs: 30 s, doubling, at most 10 minutes.
	var c porter.Circuit
	def := porter.DefaultCircuitPolicy()
	if def.Threshold != 3 || def.Cooldown != 30*time.Second || def.MaxCooldown != 10*time.Minute {
		t.Fatalf("default policy %+v, the README documents 3 attempts, 30 s, 10 min", def)
	}
	for i, want := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute} {
		c.State, c.ProbeToken = porter.CircuitHalfOpen, "p"
		if i == 0 {
			c = porter.Circuit{Failures: 2}
		}
		c.Observe(def, dead, "p", t0)
		if got := c.ProbeAt.Sub(t0); got != want {
			t.Fatalf("opening %d: cool-down %s, want %s", i+1, got, want)
		}
		if c.ProbeDue(t0.Add(want-time.Second)) || !c.ProbeDue(t0.Add(want)) {
			t.Fatalf("opening %d: probe due before its cool-down ended, or not after", i+1)
		}
	}
}

// show prints a circuit with its times.
func show(c porter.Circuit) string {
	tm := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	return fmt.Sprintf("{%s f=%d opens=%d opened=%s probe=%s token=%q}", c.State, c.Failures, c.Opens, tm(c.OpenedAt), tm(c.ProbeAt), c.ProbeToken)
}

// unreachable records d's attempt as one that got no answer; code > 0 records an answer.
func (f *queueFixture) outcome(q *porter.WebhookQueue, d *porter.QueuedDelivery, code int) *porter.Effects {
	f.t.Helper()
	a := &porter.DeliveryAttempt{ID: d.LeaseToken, Number: d.Attempt, StartedAt: f.now, DurationMS: 10000, URL: "https://hooks.example.com/porter",
		RequestHeaders: map[string]string{}, ResponseHeaders: map[string]string{}, Error: "timed out after 10s"}
	r := &porter.Result{Delivery: d, Attempt: a, Outcome: porter.OutcomeUnreachable}
	if code > 0 {
		a.ResponseStatus, a.Error, a.DurationMS, r.Outcome = &code, "", 5, porter.OutcomeAnswered
	}
	fx, err := q.Record(f.ctx, []*porter.Result{r})
	if err != nil {
		f.t.Fatal(err)
	}
	return fx
}

func TestQueueCircuit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		other := porter.NewWebhookQueue(f.svc, "node-b", func() string { return fmt.Sprintf("att_b%d", f.ids.Add(1)) })
		other.Jitter = nil
		w := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{1, 1, 1, 1, 1, 1}})
		circuit := func() porter.CircuitView {
			t.Helper()
			got, err := f.svc.Webhook(f.ctx, f.org, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Health == nil {
				t.Fatal("GET webhook has no health")
			}
			return got.Health.Circuit
		}
		if c := circuit(); c.State != porter.CircuitClosed || c.OpenedAt != nil || c.NextProbeAt != nil {
			t.Fatalf("a new webhook's circuit: %+v", c)
		}
		for i := range 5 {
			f.property(f.org, fmt.Sprint("P", i))
		}
		f.fanOut()
		ds := f.claim(w.ID, 5)
		if len(ds) != 5 {
			t.Fatalf("claimed %d", len(ds))
		}
		// Two without an answer, then a 500 (the receiver talking), then three more.
		f.outcome(f.q, ds[0], 0)
		f.outcome(f.q, ds[1], 0)
		f.outcome(f.q, ds[2], 500)
		if c := circuit(); c.State != porter.CircuitClosed || c.ConsecutiveFailures != 0 {
			t.Fatalf("after an answer: %+v", c)
		}
		f.outcome(f.q, ds[3], 0)
		f.outcome(f.q, ds[4], 0)
		redo := f.claim(w.ID, 5) // the retries, due after 1 s
		if len(redo) != 0 {
			t.Fatalf("retries claimed before they were due: %d", len(redo))
		}
		f.now = f.now.Add(2 * time.Second)
		redo = f.claim(w.ID, 5)
		if len(redo) != 5 {
			t.Fatalf("claimed %d retries, want 5", len(redo))
		}
		fx := f.outcome(f.q, redo[0], 0)
		opened := f.now
		if fx.CircuitsOpened != 1 || len(fx.Held) != 1 || fx.Held[0] != w.ID {
			t.Fatalf("the third attempt in a row without an answer: effects %+v, want the circuit opened", fx)
		}
		c := circuit()
		probeAt := opened.Add(30 * time.Second)
		if c.State != porter.CircuitOpen || c.ConsecutiveFailures != 3 || c.OpenedAt == nil || !c.OpenedAt.Equal(opened) ||
			c.NextProbeAt == nil || !c.NextProbeAt.Equal(probeAt) {
			t.Fatalf("open circuit as GET shows it: %+v, want open at %s, probe at %s", c, opened, probeAt)
		}
		// Attempts in flight when it opened are recorded; they move nothing.
		for _, d := range redo[1:] {
			if fx := f.outcome(f.q, d, 0); fx.CircuitsOpened != 0 {
				t.Fatalf("an attempt in flight re-opened the circuit: %+v", fx)
			}
		}
		// Every pending delivery waits for the probe, a new one included,
		// with no attempt spent on it; no node claims any before then.
		f.property(f.org, "while open")
		f.fanOut()
		l, err := f.svc.WebhookDeliveries(f.ctx, f.org, w.ID, porter.DeliveryFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range l.Items {
			if d.Status != porter.DeliveryPending || d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(probeAt) {
				t.Fatalf("delivery %d: %s, next attempt %v; want pending until the probe at %s", d.ID, d.Status, d.NextAttemptAt, probeAt)
			}
		}
		fresh := l.Items[0] // newest first
		if fresh.AttemptCount != 0 {
			t.Fatalf("a delivery held by the open circuit has %d attempts", fresh.AttemptCount)
		}
		f.now = probeAt.Add(-time.Second)
		for _, q := range []*porter.WebhookQueue{f.q, other} {
			if ds, err := q.Claim(f.ctx, []porter.ClaimWant{{WebhookID: w.ID, N: 10, LeaseUntil: f.now.Add(time.Minute)}}); err != nil || len(ds) != 0 {
				t.Fatalf("%s claimed %d while the circuit is open (%v)", q.Node, len(ds), err)
			}
		}

		// Once the cool-down is over one probe goes, to one node only.
		f.now = probeAt
		probe, err := other.Claim(f.ctx, []porter.ClaimWant{{WebhookID: w.ID, N: 10, LeaseUntil: f.now.Add(time.Minute)}})
		if err != nil || len(probe) != 1 || !probe[0].Probe {
			t.Fatalf("node b claimed %d (%v), want the one probe", len(probe), err)
		}
		if ds := f.claim(w.ID, 10); len(ds) != 0 {
			t.Fatalf("node a claimed %d while the probe is in flight", len(ds))
		}
		if c := circuit(); c.State != porter.CircuitHalfOpen {
			t.Fatalf("with the probe in flight: %+v", c)
		}
		// It fails: open again, for twice as long.
		if fx := f.outcome(other, probe[0], 0); fx.CircuitsOpened != 1 {
			t.Fatalf("failed probe: %+v", fx)
		}
		if c := circuit(); c.State != porter.CircuitOpen || !c.NextProbeAt.Equal(f.now.Add(time.Minute)) {
			t.Fatalf("after a failed probe: %+v, want the next probe in 1 minute", c)
		}
		f.now = f.now.Add(time.Minute)
		probe = f.claim(w.ID, 10)
		if len(probe) != 1 {
			t.Fatalf("second probe: claimed %d", len(probe))
		}
		// It answers: closed, and everything held is due at once.
		fx = f.outcome(f.q, probe[0], 200)
		if fx.CircuitsClosed != 1 || len(fx.Released) != 1 {
			t.Fatalf("probe answered: %+v", fx)
		}
		if c := circuit(); c.State != porter.CircuitClosed || c.ConsecutiveFailures != 0 || c.NextProbeAt != nil {
			t.Fatalf("after the probe answered: %+v", c)
		}
		if rest := f.claim(w.ID, 10); len(rest) != 5 {
			t.Fatalf("after the circuit closed, %d deliveries were due, want the 5 held", len(rest))
		}
		// The webhook's health is its own organization's to see.
		if _, err := f.svc.Webhook(f.ctx, f.other, w.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("another organization reads the webhook: %v", err)
		}
	})
}

func TestWebhookCapPerOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		f.svc.MaxWebhooksPerOrg = 2
		in := porter.WebhookInput{Events: []string{"property.created"}}
		a := f.webhook(f.org, in)
		f.webhook(f.org, in)
		_, err := f.svc.CreateWebhook(f.ctx, f.org, porter.WebhookInput{URL: "https://hooks.example.com/3", Events: []string{"property.created"}})
		if porter.ErrorCode(err) != porter.ECONFLICT || !strings.Contains(err.Error(), "PORTER_WEBHOOK_MAX_PER_ORG") ||
			!strings.Contains(err.Error(), "--webhook-max-per-org") || !strings.Contains(err.Error(), "(2)") {
			t.Fatalf("a third webhook: %v; want a conflict naming the limit and its setting", err)
		}
		if l, _ := f.svc.Webhooks(f.ctx, f.org, porter.WebhookFilter{}); l.Total != 2 {
			t.Fatalf("the refused webhook was written: %d webhooks", l.Total)
		}
		f.webhook(f.other, in) // another organization has its own count
		if _, err := f.svc.DeleteWebhook(f.ctx, f.org, a.ID); err != nil {
			t.Fatal(err)
		}
		f.webhook(f.org, in)
	})
}

func TestWebhookEditClosesCircuit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newQueueFixture(t, s)
		w := f.webhook(f.org, porter.WebhookInput{Events: []string{"property.created"}, RetrySchedule: &[]int{1, 1}})
		for i := range 3 {
			f.property(f.org, fmt.Sprint("P", i))
		}
		f.fanOut()
		for _, d := range f.claim(w.ID, 3) {
			f.outcome(f.q, d, 0)
		}
		state := func() string {
			got, err := f.svc.Webhook(f.ctx, f.org, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Health.Circuit.State
		}
		if state() != porter.CircuitOpen {
			t.Fatalf("circuit %s after three timeouts", state())
		}
		// The subscriber fixes its URL: the new address is tried at once.
		if _, err := f.svc.UpdateWebhook(f.ctx, f.org, w.ID, porter.WebhookPatch{URL: ptr("https://hooks.example.com/fixed")}); err != nil {
			t.Fatal(err)
		}
		if state() != porter.CircuitClosed {
			t.Fatalf("circuit %s after the URL changed", state())
		}
		if ds := f.claim(w.ID, 10); len(ds) != 3 {
			t.Fatalf("after the URL changed %d deliveries were due, want the 3 held", len(ds))
		}
	})
}
