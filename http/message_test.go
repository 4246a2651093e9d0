package http_test

import (
	"testing"
)

// 409 messages read as English: the article agrees with the status it
// names, and a webhook disabled through the API does not say "disabled"
// twice.
func TestConflictMessagesReadCorrectly(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		detail := func(method, path string, body any) string {
			t.Helper()
			r := a.do(method, path, body).must(t, 409)
			d, _ := r.JSON["detail"].(string)
			return d
		}
		check := func(got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("detail %q\n          want %q", got, want)
			}
		}

		// Leases.
		_, unit, tenant := leaseSetup(t, a)
		l := a.do("POST", "/v1/leases", map[string]any{"unit_id": unit, "tenant_id": tenant, "start_date": "2025-06-01", "end_date": "2026-05-31", "monthly_rent": 1800}).must(t, 201).obj("data")
		lid := id(l)
		lease := "/v1/leases/" + lid
		check(detail("POST", lease+"/terminate", map[string]any{"reason": "moved"}), "lease "+lid+" is draft; only an active lease can be terminated")
		check(detail("POST", lease+"/renew", map[string]any{"end_date": "2027-05-31"}), "lease "+lid+" is draft; only an active or expired lease can be renewed")
		a.do("POST", lease+"/activate", nil).must(t, 200)
		check(detail("POST", lease+"/activate", nil), "lease "+lid+" is active; only a draft lease can be activated")
		check(detail("PATCH", lease, map[string]any{"deposit": 1}), "lease "+lid+" is active; only a draft lease can be edited")

		// Inspections.
		pid, _ := a.propertyWithUnit(a.key, "Oak House")
		insp := a.do("POST", "/v1/inspections", map[string]any{"property_id": pid, "scheduled_for": "2025-06-01T10:00:00Z"}).must(t, 201).obj("data")
		iid := id(insp)
		check(detail("POST", "/v1/inspections/"+iid+"/submit", nil), "inspection "+iid+" is scheduled; only an in_progress inspection can become submitted")
		check(detail("POST", "/v1/inspections/"+iid+"/approve", nil), "inspection "+iid+" is scheduled; only a submitted inspection can become approved")
		a.do("POST", "/v1/inspections/"+iid+"/start", nil).must(t, 200)
		check(detail("POST", "/v1/inspections/"+iid+"/start", nil), "inspection "+iid+" is in_progress; only a scheduled inspection can become in_progress")

		// Webhooks: disabled through the API, then by the engine with a reason.
		h := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/hook", "events": []string{"tenant.created"}}).must(t, 201).obj("data")
		wid := id(h)
		a.do("PATCH", "/v1/webhooks/"+wid, map[string]any{"enabled": false}).must(t, 200)
		check(detail("POST", "/v1/webhooks/"+wid+"/test", nil), "webhook "+wid+` is disabled; enable it first with PATCH /v1/webhooks/`+wid+` {"enabled": true}`)
		storeDisabledReason(t, a, idOf(h), "the endpoint answered 410 Gone")
		check(detail("POST", "/v1/webhooks/"+wid+"/test", nil), "webhook "+wid+` is disabled (the endpoint answered 410 Gone); enable it first with PATCH /v1/webhooks/`+wid+` {"enabled": true}`)
	})
}
