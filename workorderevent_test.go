package porter_test

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"

	"porter"
	"porter/storetest"
)

// Seed 002's example work_order.completed payload is what the event's data
// carries under work_order, beside the record's own fields (seed 000).
func TestWorkOrderEventsCarrySeed002Shape(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		p, err := svc.CreateProperty(ctx, org, porter.PropertyInput{Name: ptr("Tower A")})
		if err != nil {
			t.Fatal(err)
		}
		u, err := svc.CreateUnit(ctx, org, porter.UnitInput{PropertyID: &p.ID, Name: ptr("1504")})
		if err != nil {
			t.Fatal(err)
		}
		v, err := svc.CreateVendor(ctx, org, porter.VendorInput{Name: ptr("Ahmed Khaled")})
		if err != nil {
			t.Fatal(err)
		}
		w, err := svc.CreateWorkOrder(ctx, org, porter.WorkOrderInput{PropertyID: &p.ID, UnitID: &u.ID,
			Title: ptr("Leaking bathroom faucet — Unit 1504"), Description: ptr("Drips"), Priority: ptr("normal")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignWorkOrder(ctx, org, w.ID, porter.WorkOrderAssignment{VendorID: &v.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.StartWorkOrder(ctx, org, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CompleteWorkOrder(ctx, org, w.ID, porter.WorkOrderCompletion{ResolutionNotes: ptr("Replaced shower valve cartridge")}); err != nil {
			t.Fatal(err)
		}
		evs, err := svc.Events(ctx, org, porter.EventFilter{ListParams: porter.ListParams{Page: 1, PerPage: 1}, Types: []string{"work_order.completed"}})
		if err != nil || len(evs.Items) != 1 {
			t.Fatalf("events: %v %v", evs, err)
		}
		var data struct {
			ID        int64  `json:"id"`
			Title     string `json:"title"`
			WorkOrder struct {
				ID       int64  `json:"id"`
				Number   string `json:"number"`
				Title    string `json:"title"`
				Status   string `json:"status"`
				Priority string `json:"priority"`
				Building struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"building"`
				Unit struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"unit"`
				CompletedAt string `json:"completed_at"`
				CompletedBy struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				} `json:"completed_by"`
				ResolutionNotes string            `json:"resolution_notes"`
				SLA             map[string]string `json:"sla"`
			} `json:"work_order"`
		}
		e := evs.Items[0]
		if err := json.Unmarshal(e.Data, &data); err != nil {
			t.Fatal(err)
		}
		wo := data.WorkOrder
		if data.ID != w.ID || data.Title != w.Title {
			t.Errorf("the record's own fields are gone: %s", e.Data)
		}
		if !regexp.MustCompile(`^WO-\d{4}-\d{5}$`).MatchString(wo.Number) || wo.ID != w.ID || wo.Title != w.Title ||
			wo.Status != "completed" || wo.Priority != "normal" {
			t.Errorf("work_order: %s", e.Data)
		}
		if wo.Building.ID != p.ID || wo.Building.Name != "Tower A" || wo.Unit.ID != u.ID || wo.Unit.Name != "1504" {
			t.Errorf("building and unit: %s", e.Data)
		}
		if wo.CompletedAt == "" || wo.CompletedBy.ID != v.ID || wo.CompletedBy.Name != "Ahmed Khaled" || wo.ResolutionNotes != "Replaced shower valve cartridge" {
			t.Errorf("completion: %s", e.Data)
		}
		if wo.SLA["response"] != "met" || wo.SLA["resolution"] != "met" {
			t.Errorf("sla: %v", wo.SLA)
		}
		// previous_attributes names the record's own fields only.
		var prev map[string]any
		json.Unmarshal(e.PreviousAttributes, &prev)
		if _, ok := prev["work_order"]; ok || prev["status"] != "in_progress" {
			t.Errorf("previous_attributes: %s", e.PreviousAttributes)
		}
	})
}
