package porter_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// integrationFixture is a service with a secret box, a property and a
// handover integration whose mapping has no building entry yet.
type integrationFixture struct {
	ctx  context.Context
	svc  *porter.Service
	org  int64
	prop *porter.Property
	it   *porter.IntegrationWithSecret
}

func newIntegrationFixture(t testing.TB, s porter.Store) *integrationFixture {
	t.Helper()
	f := &integrationFixture{ctx: context.Background()}
	f.svc = porter.NewService(s, "http://porter.test", nil)
	now := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	f.svc.Now = func() time.Time { return now }
	org := &porter.Organization{Name: "Acme", CreatedAt: now, LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(f.ctx, org); err != nil {
		t.Fatal(err)
	}
	f.org = org.ID
	box, err := porter.NewSecretBox(make([]byte, porter.SecretKeySize))
	if err != nil {
		t.Fatal(err)
	}
	f.svc.Secrets = box
	if f.prop, err = f.svc.CreateProperty(f.ctx, f.org, porter.PropertyInput{Name: ptr("Tower A")}); err != nil {
		t.Fatal(err)
	}
	mapping := &porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{
		"defect": {Target: "work_order", Fields: map[string]string{"title": "summary", "building": "$.metadata.building"},
			Defaults: map[string]any{"priority": "high"}},
	}, ValueMaps: map[string]map[string]any{"priority": {"Critical": "emergency"}}}
	f.it, err = f.svc.CreateIntegration(f.ctx, f.org, porter.IntegrationInput{Name: ptr("Arkan Handover"), Type: ptr("handover"), Mapping: mapping})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sign makes a Standard Webhooks call at the service's clock.
func (f *integrationFixture) call(body string, ndjson bool) porter.IntegrationCall {
	stamp := strconv.FormatInt(f.svc.Now().Unix(), 10)
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(f.it.Secret, "whsec_"))
	m := hmac.New(sha256.New, key)
	m.Write([]byte("msg_1." + stamp + "." + body))
	ct := "application/json"
	if ndjson {
		ct = "application/x-ndjson"
	}
	token := f.it.ReceiverURL[strings.LastIndex(f.it.ReceiverURL, "/")+1:]
	return porter.IntegrationCall{Token: token, MessageID: "msg_1", Timestamp: stamp, ContentType: ct, Body: []byte(body),
		Signature: "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))}
}

func (f *integrationFixture) workOrders(t *testing.T) []*porter.WorkOrder {
	t.Helper()
	l, err := f.svc.WorkOrders(f.ctx, f.org, porter.WorkOrderFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// Seed 002's story on the work_order target: a batch with an unmapped
// building is logged as error naming the gap, the integration shows
// error; the mapping is fixed, Retry Failed applies it, the work orders
// exist once and the integration is enabled again.
func TestIntegrationRetryFailedStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		batch := `[{"entity": "defect", "id": "SRC-1", "metadata": {"building": "B-7"}, "data": {"summary": "Cracked tile", "priority": "Critical"}},
			{"entity": "defect", "id": "SRC-2", "metadata": {"building": "B-7"}, "data": {"summary": "Loose handrail"}}]`
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(batch, false))
		if err != nil {
			t.Fatal(err)
		}
		if rc.Failed != 2 || rc.Results[0].Error != "building 'B-7' has no mapping (add it to value_maps.building)" {
			t.Fatalf("receipt = %+v", rc)
		}
		if len(f.workOrders(t)) != 0 {
			t.Fatal("a failed record wrote a work order")
		}
		it, err := f.svc.Integration(f.ctx, f.org, f.it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if it.Status != porter.IntegrationError || it.OpenErrors != 2 || !strings.Contains(it.LastError, "B-7") {
			t.Fatalf("integration = %+v", it)
		}
		// The missing building is mapped; Retry Failed replays both.
		m := it.Mapping
		m.ValueMaps["building"] = map[string]any{"B-7": float64(f.prop.ID)}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Retried != 2 || res.Succeeded != 2 || res.Failed != 0 || res.Integration.Status != porter.IntegrationEnabled {
			t.Fatalf("retry = %+v, integration %+v", res, res.Integration)
		}
		wos := f.workOrders(t)
		if len(wos) != 2 {
			t.Fatalf("%d work orders, want 2", len(wos))
		}
		for _, w := range wos {
			if w.PropertyID != f.prop.ID || (w.Title == "Cracked tile") != (w.Priority == porter.PriorityEmergency) {
				t.Fatalf("work order %+v", w)
			}
		}
		// A second retry has nothing left; the same record again updates.
		if res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, it.ID); err != nil || res.Retried != 0 {
			t.Fatalf("second retry = %+v, %v", res, err)
		}
		again := `{"entity": "defect", "id": "SRC-1", "metadata": {"building": "B-7"}, "data": {"summary": "Cracked tile, lobby"}}`
		rc, err = f.svc.ReceiveIntegration(f.ctx, f.call(again, false))
		if err != nil || rc.Succeeded != 1 {
			t.Fatalf("again = %+v, %v", rc, err)
		}
		wos = f.workOrders(t)
		if len(wos) != 2 || rc.Results[0].Target.ID != wos[1].ID || wos[1].Title != "Cracked tile, lobby" {
			t.Fatalf("the same record made a new work order: %+v", wos)
		}
		log, err := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: it.ID, SourceID: "SRC-1"})
		if err != nil {
			t.Fatal(err)
		}
		if log.Total != 2 || log.Items[1].Status != porter.LogSuccess || log.Items[1].Attempts != 2 || log.Items[1].Target == nil {
			t.Fatalf("log = %+v", log.Items)
		}
	})
}

// A wrong signature or a stale timestamp is unauthorized, logged as
// rejected and counted; nothing else is written.
func TestIntegrationRejectsBadSignatures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		body := `{"entity": "defect", "id": "SRC-1", "data": {"summary": "x"}}`
		bad := f.call(body, false)
		bad.Signature = "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))
		stale := f.call(body, false)
		f.svc.Now = func() time.Time { return time.Date(2025, 5, 9, 14, 36, 0, 0, time.UTC) } // 6 minutes on
		missing := f.call(body, false)
		missing.Signature = ""
		for name, c := range map[string]porter.IntegrationCall{"bad": bad, "stale": stale, "missing": missing} {
			if _, err := f.svc.ReceiveIntegration(f.ctx, c); porter.ErrorCode(err) != porter.EUNAUTHORIZED {
				t.Fatalf("%s: %v", name, err)
			}
		}
		it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		log, _ := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: it.ID, Status: porter.LogRejected})
		if it.RejectedCount != 3 || log.Total != 3 || it.Status != porter.IntegrationEnabled || len(f.workOrders(t)) != 0 {
			t.Fatalf("integration %+v, %d rejected rows", it, log.Total)
		}
		if _, err := f.svc.ReceiveIntegration(f.ctx, porter.IntegrationCall{Token: "nope"}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

// NDJSON batches, the record-count limit, and mapping validation naming
// the path of what is wrong.
func TestIntegrationBatchesAndMappingValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		nd := `{"entity": "defect", "id": 1, "data": {"summary": "A", "property_id": ` + strconv.FormatInt(f.prop.ID, 10) + `}}
{"entity": "snag", "id": "S-1", "data": {}}
not json`
		if _, err := f.svc.ReceiveIntegration(f.ctx, f.call(nd, true)); porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("bad NDJSON line: %v", err)
		}
		nd = strings.TrimSuffix(nd, "not json")
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(nd, true))
		if err != nil || rc.Received != 2 || rc.Succeeded != 1 || rc.Results[1].Error != "entity 'snag' has no mapping (add it to mapping.entities)" {
			t.Fatalf("ndjson = %+v, %v", rc, err)
		}
		many := "[" + strings.TrimSuffix(strings.Repeat(`{"entity":"defect","id":"x","data":{}},`, porter.MaxIntegrationRecords+1), ",") + "]"
		if _, err := f.svc.ReceiveIntegration(f.ctx, f.call(many, false)); porter.ErrorCode(err) != porter.EUNPROCESS {
			t.Fatalf("too many records: %v", err)
		}
		for _, c := range []struct {
			m    porter.IntegrationMapping
			path string
		}{
			{porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{"cert": {Target: "invoice"}}}, "mapping.entities.cert.target"},
			{porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{"defect": {Target: "work_order", Fields: map[string]string{"colour": "c"}}}}, "mapping.entities.defect.fields.colour"},
			{porter.IntegrationMapping{Entities: map[string]*porter.IntegrationEntityMapping{"defect": {Target: "work_order", Defaults: map[string]any{"priority": "urgent"}}}}, "mapping.entities.defect.defaults.priority"},
			{porter.IntegrationMapping{ValueMaps: map[string]map[string]any{"flavour": {"a": "b"}}}, "mapping.value_maps.flavour"},
		} {
			_, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &c.m})
			var pe *porter.Error
			if !errorsAs(err, &pe) || pe.Code != porter.EUNPROCESS || pe.Fields[0].Field != c.path {
				t.Fatalf("%s: %v", c.path, err)
			}
		}
		// asset_category is accepted ahead of the asset target's applier.
		ok := porter.IntegrationMapping{ValueMaps: map[string]map[string]any{"asset_category": {"Construction HVAC unit": "HVAC Equipment"}}}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &ok}); err != nil {
			t.Fatal(err)
		}
		// Credentials are never shown again.
		got, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		b, _ := json.Marshal(got)
		if strings.Contains(string(b), f.it.Secret) || strings.Contains(string(b), `"secret"`) {
			t.Fatalf("integration shows its secret: %s", b)
		}
	})
}

func errorsAs(err error, target **porter.Error) bool { return errors.As(err, target) }

// Turning to error fires integration.failed once and mails the admins;
// recovering fires integration.updated.
func TestIntegrationFailedAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		if _, err := f.svc.CreateStaff(f.ctx, f.org, porter.StaffInput{Name: ptr("Ada"), Email: ptr("ada@example.com"), Role: ptr("admin")}); err != nil {
			t.Fatal(err)
		}
		bad := `{"entity": "defect", "id": "D-1", "data": {"summary": "x", "building": "nowhere"}}`
		for range 2 {
			if _, err := f.svc.ReceiveIntegration(f.ctx, f.call(bad, false)); err != nil {
				t.Fatal(err)
			}
		}
		count := func(typ string) int {
			l, err := f.svc.Events(f.ctx, f.org, porter.EventFilter{Types: []string{typ}})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		if count("integration.failed") != 1 {
			t.Fatalf("%d integration.failed events, want 1", count("integration.failed"))
		}
		msgs, err := s.QueuedMessages(f.ctx, "email", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].To != "ada@example.com" || !strings.Contains(msgs[0].Body, "retry_failed") {
			t.Fatalf("mail = %+v", msgs)
		}
		// The second copy of D-1 superseded the first: one open error.
		it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID)
		if it.OpenErrors != 1 {
			t.Fatalf("open errors = %d, want 1 (the same record twice)", it.OpenErrors)
		}
		good := `{"entity": "defect", "id": "D-1", "data": {"summary": "x", "property_id": ` + strconv.FormatInt(f.prop.ID, 10) + `}}`
		if _, err := f.svc.ReceiveIntegration(f.ctx, f.call(good, false)); err != nil {
			t.Fatal(err)
		}
		if it, _ = f.svc.Integration(f.ctx, f.org, f.it.ID); it.Status != porter.IntegrationEnabled || count("integration.updated") != 1 {
			t.Fatalf("after a later success: %+v", it)
		}
	})
}

// A building becomes a property; defects naming that building then land
// in it without a value map. A record over 64 KiB is logged cut and is
// not replayed; the log is pruned after its retention.
func TestIntegrationPropertyTargetAndLogBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		m := f.it.Mapping
		m.Entities["building"] = &porter.IntegrationEntityMapping{Target: "property", Fields: map[string]string{"name": "label"}}
		if _, err := f.svc.UpdateIntegration(f.ctx, f.org, f.it.ID, porter.IntegrationInput{Mapping: &m}); err != nil {
			t.Fatal(err)
		}
		batch := `[{"entity": "building", "id": "B-9", "data": {"label": "Tower B"}},
			{"entity": "defect", "id": "D-9", "metadata": {"building": "B-9"}, "data": {"summary": "Door"}}]`
		rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(batch, false))
		if err != nil || rc.Succeeded != 2 {
			t.Fatalf("batch = %+v, %v", rc, err)
		}
		p, err := f.svc.Property(f.ctx, f.org, rc.Results[0].Target.ID)
		if err != nil || p.Name != "Tower B" {
			t.Fatalf("property = %+v, %v", p, err)
		}
		if w, err := f.svc.WorkOrder(f.ctx, f.org, rc.Results[1].Target.ID); err != nil || w.PropertyID != p.ID {
			t.Fatalf("work order = %+v, %v", w, err)
		}
		big := `{"entity": "defect", "id": "D-big", "data": {"summary": "` + strings.Repeat("x", porter.MaxIntegrationRaw) + `"}}`
		rc, err = f.svc.ReceiveIntegration(f.ctx, f.call(big, false))
		if err != nil || rc.Failed != 1 {
			t.Fatalf("big = %+v, %v", rc, err)
		}
		res, err := f.svc.RetryFailedIntegration(f.ctx, f.org, f.it.ID)
		if err != nil || res.Skipped != 1 || res.Retried != 0 {
			t.Fatalf("retry = %+v, %v", res, err)
		}
		log, _ := f.svc.IntegrationLog(f.ctx, f.org, porter.IntegrationLogFilter{IntegrationID: f.it.ID, SourceID: "D-big"})
		if log.Items[0].Replayable || len(log.Items[0].Raw) != porter.MaxIntegrationRaw {
			t.Fatalf("big row: replayable %v, %d bytes", log.Items[0].Replayable, len(log.Items[0].Raw))
		}
		f.svc.Now = func() time.Time { return time.Date(2025, 6, 9, 14, 30, 1, 0, time.UTC) }
		if it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID); it.Status != porter.IntegrationError || it.OpenErrors != 1 {
			t.Fatalf("before pruning: %s with %d open errors", it.Status, it.OpenErrors)
		}
		if n, err := f.svc.PruneIntegrationLog(f.ctx, porter.DefaultIntegrationLogRetention); err != nil || n != 3 {
			t.Fatalf("pruned %d, %v; want 3", n, err)
		}
		// The open error aged out with its row: nothing is left to retry, so
		// the integration is counted again and recovers.
		if it, _ := f.svc.Integration(f.ctx, f.org, f.it.ID); it.Status != porter.IntegrationEnabled || it.OpenErrors != 0 {
			t.Fatalf("after pruning: %s with %d open errors", it.Status, it.OpenErrors)
		}
	})
}

// Calls carrying the same source record at once make one work order.
func TestIntegrationConcurrentSameRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		f := newIntegrationFixture(t, s)
		body := `{"entity": "defect", "id": "D-1", "data": {"summary": "x", "property_id": ` + strconv.FormatInt(f.prop.ID, 10) + `}}`
		errs := make(chan error, 6)
		for range 6 {
			go func() {
				_, err := f.svc.ReceiveIntegration(f.ctx, f.call(body, false))
				errs <- err
			}()
		}
		for range 6 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.workOrders(t)); n != 1 {
			t.Fatalf("%d work orders from one source record", n)
		}
	})
}

// BenchmarkIntegrationReceive applies batches of 100 defects, each a new
// work order in its own transaction.
func BenchmarkIntegrationReceive(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			s := storetest.Open(b, engine)
			f := newIntegrationFixture(b, s)
			n := 0
			b.ResetTimer()
			for b.Loop() {
				var sb strings.Builder
				sb.WriteString("[")
				for i := range 100 {
					if i > 0 {
						sb.WriteString(",")
					}
					n++
					sb.WriteString(`{"entity":"defect","id":"D-` + strconv.Itoa(n) + `","data":{"summary":"x","property_id":` + strconv.FormatInt(f.prop.ID, 10) + `}}`)
				}
				sb.WriteString("]")
				if rc, err := f.svc.ReceiveIntegration(f.ctx, f.call(sb.String(), false)); err != nil || rc.Succeeded != 100 {
					b.Fatalf("%+v %v", rc, err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
