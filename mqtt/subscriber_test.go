package mqtt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/delivery"
	"porter/mqtt"
	"porter/mqtt/mqtttest"
	"porter/storetest"
	"porter/webhook"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func ptr[T any](v T) *T { return &v }

// fixture is a service whose integrations may subscribe to a loopback
// broker (the guard allows loopback as PORTER_ALLOW_PRIVATE_WEBHOOKS does),
// an asset in a unit, and a broker.
type fixture struct {
	ctx    context.Context
	svc    *porter.Service
	org    int64
	asset  *porter.Asset
	meter  *porter.Meter
	broker *mqtttest.Broker
	guard  *webhook.Guard
	logs   *mqtttest.SyncBuffer
}

func newFixture(t testing.TB, s porter.Store) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), broker: mqtttest.Start(t), guard: &webhook.Guard{AllowPrivate: true}, logs: &mqtttest.SyncBuffer{}}
	f.svc = porter.NewService(s, "http://porter.test", slog.New(slog.NewTextHandler(f.logs, nil)))
	box, err := porter.NewSecretBox(bytes.Repeat([]byte{7}, porter.SecretKeySize))
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Secrets = box
	f.svc.CheckWebhookURL = f.guard.CheckURL
	f.svc.NewWebhookSecret = webhook.NewSecret
	org, err := f.svc.CreateOrganization(f.ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	f.org = org.ID
	prop, err := f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: ptr("Tower A")})
	if err != nil {
		t.Fatal(err)
	}
	unit, err := f.svc.CreateUnit(f.ctx, f.org, porter.UnitInput{PropertyID: &prop.ID, Name: ptr("Plant room")})
	if err != nil {
		t.Fatal(err)
	}
	if f.asset, err = f.svc.CreateAsset(f.ctx, f.org, porter.AssetInput{PropertyID: &prop.ID, UnitID: &unit.ID, Name: ptr("Boiler 2")}); err != nil {
		t.Fatal(err)
	}
	if f.meter, err = f.svc.CreateMeter(f.ctx, f.org, porter.MeterInput{PropertyID: &prop.ID, Name: ptr("Plant room temperature"),
		Kind: ptr("temperature"), UnitOfMeasure: ptr("°C"), ExternalRef: ptr("bms/tower-a/plant/temperature")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// integration is an iot integration subscribed to the fixture's broker:
// alarms on bms/+/+/alarm (the topic names the asset, through
// value_maps.asset), readings on bms/+/+/temperature (the topic is the
// meter's external_ref).
func (f *fixture) integration(t testing.TB) *porter.IntegrationWithSecret {
	t.Helper()
	it, err := f.svc.CreateIntegration(f.ctx, f.org, porter.IntegrationInput{Name: ptr("Tower A BMS"), Type: ptr("iot"),
		Mapping: &porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{
			"alarm":   {Target: "alarm", Fields: map[string]string{"asset": "$.topic", "title": "message"}},
			"reading": {Target: "meter_reading", Fields: map[string]string{"meter": "$.topic"}},
		}, ValueMaps: map[string]map[string]any{"asset": {"bms/tower-a/boiler-2/alarm": float64(f.asset.ID)}}},
		MQTT: &porter.IntegrationMQTTInput{BrokerURL: f.broker.URL, Topics: []porter.MQTTTopic{
			{Filter: "bms/+/+/alarm", Entity: "alarm", QoS: 1},
			{Filter: "bms/+/+/temperature", Entity: "reading", QoS: 1, SourceID: "seq"},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// run starts a Subscriber as node name until the test ends.
func (f *fixture) run(t *testing.T, name string) *mqtt.Subscriber {
	t.Helper()
	sub := mqtt.New(f.svc, mqtt.Config{Node: name, Guard: f.guard, Poll: 50 * time.Millisecond, Lease: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sub.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("subscriber did not stop")
		}
	})
	return sub
}

// eventually polls cond until it holds, failing after 15 seconds.
func (f *fixture) eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, f.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func holds(s *mqtt.Subscriber, id int64) bool { return slices.Contains(s.Holding(), id) }

func (f *fixture) log(t *testing.T, id int64) []*porter.IntegrationLogEntry {
	t.Helper()
	l, err := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: id, ListParams: porter.ListParams{PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(l.Items) // oldest first
	return l.Items
}

func (f *fixture) workOrders(t *testing.T) []*porter.WorkOrder {
	t.Helper()
	l, err := f.svc.WorkOrders(f.ctx, f.org, porter.WorkOrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// The acceptance story: a leak alarm published to mosquitto opens exactly
// one emergency work order on the mapped asset, and a webhook for
// work_order.created fires to a loopback receiver; the same alarm again
// opens no second one; a reading on another topic of the same
// integration becomes a meter reading; a malformed payload is an error
// row in the integration log.
func TestMQTTLeakAlarmOpensOneWorkOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFixture(t, s)
		got := make(chan map[string]any, 16)
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			got <- m
		}))
		t.Cleanup(recv.Close)
		if _, err := f.svc.CreateWebhook(f.ctx, f.org, porter.WebhookInput{URL: recv.URL + "/hook", Events: []string{"work_order.created"}}); err != nil {
			t.Fatal(err)
		}
		q := porter.NewWebhookQueue(f.svc, "mqtt-test", webhook.NewAttemptID)
		eng := delivery.New(q, s, delivery.Config{SweepInterval: 50 * time.Millisecond, LeaseMargin: 5 * time.Second, DrainTimeout: 5 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		engDone := make(chan error, 1)
		go func() { engDone <- eng.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-engDone })

		it := f.integration(t)
		sub := f.run(t, "node-a")
		f.eventually(t, "the subscription", func() bool { return holds(sub, it.ID) })

		alarm := `{"kind": "leak", "state": "active", "message": "Water under boiler 2"}`
		f.broker.Publish(t, "bms/tower-a/boiler-2/alarm", alarm)
		f.eventually(t, "the alarm's log row", func() bool { return len(f.log(t, it.ID)) == 1 })
		row := f.log(t, it.ID)[0]
		if row.Status != porter.LogSuccess || row.Target == nil || row.Target.Type != "work_order" || row.Entity != "alarm" ||
			!strings.HasPrefix(row.SourceID, "bms/tower-a/boiler-2/alarm@") {
			t.Fatalf("log row = %+v", row)
		}
		wos := f.workOrders(t)
		if len(wos) != 1 || wos[0].Priority != porter.PriorityEmergency || wos[0].PropertyID != f.asset.PropertyID ||
			*wos[0].UnitID != *f.asset.UnitID || wos[0].Title != "Water under boiler 2" {
			t.Fatalf("work orders = %+v", wos)
		}
		select {
		case body := <-got:
			wo, _ := body["data"].(map[string]any)["work_order"].(map[string]any)
			if body["event"] != "work_order.created" || wo == nil || wo["id"].(float64) != float64(wos[0].ID) || wo["priority"] != "emergency" {
				t.Fatalf("delivery = %v", body)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("no work_order.created delivery")
		}

		// The same alarm again; a reading; a malformed payload.
		f.broker.Publish(t, "bms/tower-a/boiler-2/alarm", alarm)
		f.broker.Publish(t, "bms/tower-a/plant/temperature", `{"seq": "T-1", "value": 21.5}`)
		f.broker.Publish(t, "bms/tower-a/boiler-2/alarm", `{"kind": "leak", `)
		f.eventually(t, "three more log rows", func() bool { return len(f.log(t, it.ID)) == 4 })
		// Readings of a batch are logged together, before its other rows,
		// as the receiver's are: find each row by what it is.
		var repeat, reading, malformed *porter.IntegrationLogEntry
		for _, r := range f.log(t, it.ID)[1:] {
			switch {
			case r.Entity == "reading":
				reading = r
			case r.Status == porter.LogError:
				malformed = r
			default:
				repeat = r
			}
		}
		if repeat == nil || repeat.Status != porter.LogSuccess || repeat.Target.ID != wos[0].ID {
			t.Fatalf("repeat = %+v", repeat)
		}
		if reading == nil || reading.Status != porter.LogSuccess || reading.Target.Type != "meter" || reading.SourceID != "T-1" {
			t.Fatalf("reading = %+v", reading)
		}
		if malformed == nil || !strings.Contains(malformed.Error, "not a JSON object") || malformed.Raw != `{"kind": "leak", ` ||
			malformed.SourceID != "bms/tower-a/boiler-2/alarm" || malformed.Replayable {
			t.Fatalf("malformed = %+v", malformed)
		}
		if n := len(f.workOrders(t)); n != 1 {
			t.Fatalf("%d work orders after the repeat", n)
		}
		rd, err := f.svc.MeterReadings(f.ctx, f.org, porter.ReadingFilter{MeterID: f.meter.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rd.Items) != 1 || rd.Items[0].Value != 21.5 {
			t.Fatalf("readings = %+v", rd.Items)
		}
		select {
		case body := <-got:
			t.Fatalf("a second delivery: %v", body)
		case <-time.After(200 * time.Millisecond):
		}
		itNow, err := f.svc.Integration(f.ctx, f.org, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if itNow.Status != porter.IntegrationError || itNow.OpenErrors != 1 || itNow.MQTT == nil || itNow.MQTT.HeldBy != "node-a" {
			t.Fatalf("integration = %+v, mqtt %+v", itNow, itNow.MQTT)
		}
		// The next message on that topic that applies (the alarm cleared)
		// resolves the malformed one's error: nothing is left to replay.
		f.broker.Publish(t, "bms/tower-a/boiler-2/alarm", `{"kind": "leak", "state": "cleared"}`)
		f.eventually(t, "the integration's recovery", func() bool {
			got, err := f.svc.Integration(f.ctx, f.org, it.ID)
			return err == nil && got.Status == porter.IntegrationEnabled && got.OpenErrors == 0
		})
		if n := len(f.workOrders(t)); n != 1 {
			t.Fatalf("%d work orders after the clearing", n)
		}
	})
}

// One node holds a subscription: a second node does not connect while
// the first holds it, and takes it over when the first stops. Edits are
// picked up without a restart: new topics reconnect, a disabled
// integration disconnects, a re-enabled one connects again.
func TestMQTTLeaseAndEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFixture(t, s)
		it := f.integration(t)
		// A long lease: node-b must not get it by node-a being slow to
		// renew on a loaded machine, only by node-a giving it up.
		a := mqtt.New(f.svc, mqtt.Config{Node: "node-a", Guard: f.guard, Poll: 50 * time.Millisecond, Lease: 10 * time.Second,
			Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
		ctxA, stopA := context.WithCancel(context.Background())
		doneA := make(chan struct{})
		go func() { a.Run(ctxA); close(doneA) }()
		t.Cleanup(func() { stopA(); <-doneA })
		f.eventually(t, "node-a's subscription", func() bool { return holds(a, it.ID) })
		b := f.run(t, "node-b")
		time.Sleep(300 * time.Millisecond) // several of node-b's polls
		if holds(b, it.ID) {
			t.Fatal("node-b connected while node-a holds the subscription")
		}
		// node-a stops cleanly: it gives the lease up and node-b takes over
		// at once, not when the lease would have lapsed.
		stopA()
		<-doneA
		f.eventually(t, "node-b's subscription", func() bool { return holds(b, it.ID) })

		// New topics: reconnected with them.
		_, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{MQTT: &porter.IntegrationMQTTInput{
			BrokerURL: f.broker.URL, Topics: []porter.MQTTTopic{{Filter: "site/#", Entity: "alarm", QoS: 1}}}})
		if err != nil {
			t.Fatal(err)
		}
		f.eventually(t, "the reconnection", func() bool { return strings.Contains(f.logs.String(), "subscription changed; reconnecting") })
		f.eventually(t, "the new subscription", func() bool { return holds(b, it.ID) })
		f.broker.Publish(t, "site/tower-a/boiler-2", `{"kind": "leak", "asset_id": `+strconvI(f.asset.ID)+`}`)
		f.eventually(t, "the alarm on the new topic", func() bool { return len(f.workOrders(t)) == 1 })

		// Disabled: disconnected; enabled: connected again.
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Enabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		f.eventually(t, "the disconnection", func() bool { return !holds(b, it.ID) })
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Enabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		f.eventually(t, "the subscription again", func() bool { return holds(b, it.ID) })
	})
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

// A broker that goes away and comes back: the connection is lost, then
// made again with backoff, subscribed again, and messages flow.
func TestMQTTReconnects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFixture(t, s)
		it := f.integration(t)
		sub := mqtt.New(f.svc, mqtt.Config{Node: "node-a", Guard: f.guard, Poll: 50 * time.Millisecond, MaxReconnect: 500 * time.Millisecond,
			DownAfter: 300 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { sub.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		f.eventually(t, "the subscription", func() bool { return holds(sub, it.ID) })
		state := func() *porter.Integration {
			got, err := f.svc.Integration(f.ctx, f.org, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := state(); got.Status != porter.IntegrationEnabled {
			t.Fatalf("connected: status %s (%s)", got.Status, got.LastError)
		}
		f.broker.Stop()
		f.eventually(t, "the lost connection", func() bool { return !holds(sub, it.ID) })
		// Down for longer than DownAfter: the integration shows it, with an
		// error row in its log naming the broker.
		f.eventually(t, "the integration in error", func() bool { return state().Status == porter.IntegrationError })
		if got := state(); !strings.Contains(got.LastError, "mqtt broker mqtt://127.0.0.1") || got.OpenErrors != 1 {
			t.Fatalf("down: %q, %d open errors", got.LastError, got.OpenErrors)
		}
		if rows := f.log(t, it.ID); rows[len(rows)-1].Entity != porter.MQTTEntity || rows[len(rows)-1].Status != porter.LogError {
			t.Fatalf("last log row %+v", rows[len(rows)-1])
		}
		if err := f.broker.Start(); err != nil {
			t.Fatal(err)
		}
		f.eventually(t, "the subscription again", func() bool { return holds(sub, it.ID) })
		f.eventually(t, "the integration recovered", func() bool {
			got := state()
			return got.Status == porter.IntegrationEnabled && got.OpenErrors == 0
		})
		f.broker.Publish(t, "bms/tower-a/boiler-2/alarm", `{"kind": "leak"}`)
		f.eventually(t, "the alarm's work order", func() bool { return len(f.workOrders(t)) == 1 })
		if !strings.Contains(f.logs.String(), "connection lost; reconnecting") {
			t.Fatalf("log:\n%s", f.logs.String())
		}
	})
}

// Within one batch of messages, a malformed message is resolved by a
// later good message on its topic, and only by a later one: the batch is
// logged in arrival order.
func TestMQTTBatchResolvesInArrivalOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newFixture(t, s)
		it := f.integration(t)
		const topic = "bms/tower-a/boiler-2/alarm"
		at := time.Now().UTC()
		msg := func(payload string) porter.MQTTMessage {
			at = at.Add(time.Millisecond)
			return porter.MQTTMessage{Topic: topic, Payload: []byte(payload), ReceivedAt: at}
		}
		state := func() *porter.Integration {
			got, err := f.svc.Integration(f.ctx, f.org, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		// A good message, then a malformed one: the error stays open.
		if _, err := f.svc.ReceiveMQTTMessages(f.ctx, f.org, it.ID, []porter.MQTTMessage{
			msg(`{"kind": "leak", "state": "cleared"}`), msg(`{"kind": `)}); err != nil {
			t.Fatal(err)
		}
		if got := state(); got.Status != porter.IntegrationError || got.OpenErrors != 1 {
			t.Fatalf("good then malformed: %s with %d open errors", got.Status, got.OpenErrors)
		}
		// A malformed one, then a good one: the good one resolves both.
		if _, err := f.svc.ReceiveMQTTMessages(f.ctx, f.org, it.ID, []porter.MQTTMessage{
			msg(`not json`), msg(`{"kind": "leak", "state": "cleared"}`)}); err != nil {
			t.Fatal(err)
		}
		if got := state(); got.Status != porter.IntegrationEnabled || got.OpenErrors != 0 {
			t.Fatalf("malformed then good: %s with %d open errors", got.Status, got.OpenErrors)
		}
	})
}
