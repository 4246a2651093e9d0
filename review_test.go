package porter_test

import (
	"context"
	"encoding/json"
	"testing"

	"porter"
	"porter/storetest"
)

// TestReviewImport: the same (source, external_id) is one review; the
// threshold flag follows the organization's setting at receipt.
func TestReviewImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		in := porter.ReviewInput{Source: ptr("airbnb"), ExternalID: ptr("HMX-1"), Rating: ptr(3), Text: ptr("Noisy street"), AuthorName: ptr("Karim B.")}
		r, created, err := svc.ReceiveReview(ctx, org, in)
		if err != nil || !created {
			t.Fatalf("first import: %v %v", created, err)
		}
		if !r.BelowThreshold { // default 4: 3 stars alert
			t.Fatalf("3 stars under threshold 4: %+v", r)
		}
		in.Rating = ptr(5) // the platform's copy changed: the first import stands
		again, created, err := svc.ReceiveReview(ctx, org, in)
		if err != nil || created || again.ID != r.ID || again.Rating != 3 {
			t.Fatalf("second import: %v %v %+v", created, err, again)
		}
		// Without an external_id, every review is its own.
		for i := 0; i < 2; i++ {
			if _, created, err := svc.ReceiveReview(ctx, org, porter.ReviewInput{Source: ptr("direct"), Rating: ptr(4)}); err != nil || !created {
				t.Fatalf("direct review: %v %v", created, err)
			}
		}
		// The same external id on another platform is another review.
		if _, created, _ := svc.ReceiveReview(ctx, org, porter.ReviewInput{Source: ptr("booking"), ExternalID: ptr("HMX-1"), Rating: ptr(4)}); !created {
			t.Fatal("booking's HMX-1 was taken for airbnb's")
		}
		if _, err := svc.UpdateOrganization(ctx, org, porter.OrganizationInput{ReviewAlertThreshold: ptr(5)}); err != nil {
			t.Fatal(err)
		}
		four, _, err := svc.ReceiveReview(ctx, org, porter.ReviewInput{Source: ptr("google"), Rating: ptr(4)})
		if err != nil || !four.BelowThreshold {
			t.Fatalf("4 stars under threshold 5: %v %+v", err, four)
		}
		l, _ := svc.Events(ctx, org, porter.EventFilter{ListParams: porter.ListParams{PerPage: 100}, Types: []string{"review.received"}})
		if l.Total != 5 {
			t.Fatalf("%d review.received events, want 5 (none for the duplicate)", l.Total)
		}
		var data struct {
			Review         porter.Review `json:"review"`
			BelowThreshold bool          `json:"below_threshold"`
			AlertThreshold int           `json:"alert_threshold"`
		}
		if err := json.Unmarshal(l.Items[0].Data, &data); err != nil || data.Review.ID != four.ID || !data.BelowThreshold || data.AlertThreshold != 5 {
			t.Fatalf("review.received data %s: %v", l.Items[0].Data, err)
		}
		for _, bad := range []struct {
			in    porter.ReviewInput
			field string
		}{
			{porter.ReviewInput{Source: ptr("airbnb"), Rating: ptr(6)}, "rating"},
			{porter.ReviewInput{Source: ptr("airbnb"), Rating: ptr(0)}, "rating"},
			{porter.ReviewInput{Source: ptr("tripadvisor"), Rating: ptr(5)}, "source"},
			{porter.ReviewInput{Source: ptr("airbnb")}, "rating"},
			{porter.ReviewInput{Source: ptr("airbnb"), Rating: ptr(5), PropertyID: ptr(int64(4242))}, "property_id"},
		} {
			_, _, err := svc.ReceiveReview(ctx, org, bad.in)
			var pe *porter.Error
			if !asError(err, &pe) || pe.Code != porter.EINVALID || pe.Fields[0].Field != bad.field {
				t.Errorf("%+v: %v, want a 400 naming %s", bad.in, err, bad.field)
			}
		}
		if l, _ := svc.Reviews(ctx, org, porter.ReviewFilter{}); l.Total != 5 {
			t.Fatalf("%d reviews after bad input, want 5", l.Total)
		}
	})
}
