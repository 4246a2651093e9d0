package porter_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"porter"
	"porter/storetest"
)

// newService returns a service over s with a fixed clock and one organization.
func newService(t *testing.T, s porter.Store) (*porter.Service, int64) {
	t.Helper()
	svc := porter.NewService(s, "http://porter.test", nil)
	now := time.Date(2025, 5, 9, 14, 30, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	org := &porter.Organization{Name: "Acme", CreatedAt: now, LeaseAlertDays: []int{60}}
	if err := s.CreateOrganization(context.Background(), org); err != nil {
		t.Fatal(err)
	}
	return svc, org.ID
}

func ptr[T any](v T) *T { return &v }

func TestTenantLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("Jane@Example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		if tn.Status != "invited" || tn.Email != "jane@example.com" || !strings.HasPrefix(tn.AcceptURL, "http://porter.test/accept-invite.php?token=") {
			t.Fatalf("tenant = %+v", tn)
		}
		// Duplicate email is a conflict and writes nothing.
		if _, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("J"), LastName: ptr("S")}); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("duplicate: %v", err)
		}
		// Update records previous_attributes.
		if _, err := svc.UpdateTenant(ctx, org, tn.ID, porter.TenantInput{Phone: ptr("+1555")}); err != nil {
			t.Fatal(err)
		}
		evs, err := svc.Events(ctx, org, porter.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if evs.Total != 2 || evs.Items[0].Type != "tenant.updated" || evs.Items[1].Type != "tenant.created" {
			t.Fatalf("events = %+v", evs)
		}
		var prev map[string]any
		json.Unmarshal(evs.Items[0].PreviousAttributes, &prev)
		if len(prev) != 1 || prev["phone"] != "" {
			t.Fatalf("previous_attributes = %s", evs.Items[0].PreviousAttributes)
		}
		if strings.Contains(string(evs.Items[1].Data), "accept_url") {
			t.Fatalf("tenant.created leaks the invitation token: %s", evs.Items[1].Data)
		}
		// Accept the invitation once.
		token := tn.AcceptURL[strings.Index(tn.AcceptURL, "token=")+6:]
		got, err := svc.AcceptInvite(ctx, token, "correct horse")
		if err != nil || got.Status != "active" {
			t.Fatalf("accept = %+v, %v", got, err)
		}
		if _, err := svc.AcceptInvite(ctx, token, "correct horse"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("second accept: %v", err)
		}
		// Another organization cannot see the tenant.
		other := &porter.Organization{Name: "Other", CreatedAt: time.Now()}
		if err := s.CreateOrganization(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Tenant(ctx, other.ID, tn.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("cross-org read: %v", err)
		}
		if _, err := svc.UpdateTenant(ctx, other.ID, tn.ID, porter.TenantInput{Phone: ptr("x")}); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("cross-org update: %v", err)
		}
		list, err := svc.Tenants(ctx, org, porter.TenantFilter{Status: "active"})
		if err != nil || list.Total != 1 || list.Items[0].ID != tn.ID {
			t.Fatalf("list = %+v, %v", list, err)
		}
	})
}

func TestTenantValidationWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		_, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("not-an-email"), FirstName: ptr("")})
		if porter.ErrorCode(err) != porter.EINVALID {
			t.Fatalf("err = %v", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "email must be an email address") || !strings.Contains(msg, "first_name is required") || !strings.Contains(msg, "last_name is required") {
			t.Fatalf("message = %q", msg)
		}
		evs, _ := svc.Events(ctx, org, porter.EventFilter{})
		if evs.Total != 0 {
			t.Fatalf("events written: %d", evs.Total)
		}
	})
}

func TestResendInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		tn, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr("jane@example.com"), FirstName: ptr("Jane"), LastName: ptr("Smith")})
		if err != nil {
			t.Fatal(err)
		}
		oldToken := tn.AcceptURL[strings.Index(tn.AcceptURL, "token=")+6:]
		again, err := svc.ResendInvitation(ctx, org, tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		newToken := again.AcceptURL[strings.Index(again.AcceptURL, "token=")+6:]
		if newToken == oldToken || again.Status != porter.TenantInvited {
			t.Fatalf("resent = %+v", again)
		}
		// Two invitation emails, the second with the new link.
		var msgs []*porter.Message
		if err := s.View(ctx, org, func(tx porter.Tx) error {
			msgs, err = tx.Messages(ctx, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 2 || msgs[0].To != "jane@example.com" || msgs[1].To != "jane@example.com" ||
			!strings.Contains(msgs[0].Body+msgs[1].Body, again.AcceptURL) {
			t.Fatalf("messages = %+v", msgs)
		}
		evs, err := svc.ResourceEvents(ctx, org, "tenant", tn.ID)
		if err != nil || len(evs) != 2 || evs[0].Type != "tenant.invitation_resent" || strings.Contains(string(evs[0].Data), "accept_url") {
			t.Fatalf("events = %+v, %v", evs, err)
		}
		// Only the latest link works.
		if _, err := svc.AcceptInvite(ctx, oldToken, "correct horse"); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("old token: %v", err)
		}
		if _, err := svc.AcceptInvite(ctx, newToken, "correct horse"); err != nil {
			t.Fatal(err)
		}
		// An active tenant has nothing to accept; another organization's
		// tenant is not found.
		if _, err := svc.ResendInvitation(ctx, org, tn.ID); porter.ErrorCode(err) != porter.ECONFLICT {
			t.Fatalf("resend to an active tenant: %v", err)
		}
		other := &porter.Organization{Name: "Other", CreatedAt: time.Now()}
		if err := s.CreateOrganization(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ResendInvitation(ctx, other.ID, tn.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("cross-org resend: %v", err)
		}
	})
}

func TestTenantSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s porter.Store) {
		ctx := context.Background()
		svc, org := newService(t, s)
		for _, n := range [][3]string{{"jane@example.com", "Jane", "Smith"}, {"bob@acme.test", "Bob", "Jones"}, {"a_b@x.test", "Al", "Percent%"}} {
			if _, err := svc.CreateTenant(ctx, org, porter.TenantInput{Email: ptr(n[0]), FirstName: ptr(n[1]), LastName: ptr(n[2])}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			search string
			want   []string
		}{
			{"", []string{"a_b@x.test", "bob@acme.test", "jane@example.com"}},
			{"JANE", []string{"jane@example.com"}},
			{"ane smi", []string{"jane@example.com"}},
			{"acme.test", []string{"bob@acme.test"}},
			{"percent%", []string{"a_b@x.test"}},
			{"a_b", []string{"a_b@x.test"}},
			{"nobody", nil},
		} {
			list, err := svc.Tenants(ctx, org, porter.TenantFilter{Search: tc.search})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tn := range list.Items {
				got = append(got, tn.Email)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") || list.Total != len(tc.want) {
				t.Errorf("search %q = %v (total %d), want %v", tc.search, got, list.Total, tc.want)
			}
		}
	})
}
