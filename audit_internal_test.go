package porter

import (
	"encoding/json"
	"testing"
)

// Actions come from the Service method and the resource it changed.
func TestActionName(t *testing.T) {
	for _, tc := range []struct{ resource, method, want string }{
		{"work_order", "StartWorkOrder", "work_order.start"},
		{"tenant", "CreateTenant", "tenant.create"},
		{"webhook", "RotateWebhookSecret", "webhook.rotate_secret"},
		{"webhook", "Unsubscribe", "webhook.unsubscribe"},
		{"api_key", "CreateAPIKey", "api_key.create"},
		{"inspection", "AddInspectionItem", "inspection.add_item"},
		{"organization", "UpdateOrganization", "organization.update"},
		{"user", "SignInBurst", "user.sign_in_burst"},
		{"payment", "RecordPayment", "payment.record"},
		{"delivery", "ReplayDelivery", "delivery.replay"},
	} {
		if got := actionName(tc.resource, tc.method); got != tc.want {
			t.Errorf("actionName(%q, %q) = %q, want %q", tc.resource, tc.method, got, tc.want)
		}
	}
}

// Secrets are redacted at any depth; times named after secrets are not.
func TestRedact(t *testing.T) {
	in := `{"name":"n","secret":"whsec_x","password_hash":"$argon2id$","signing_secret":"s","token":"t","empty_token":"",` +
		`"secret_rotated_at":"2026-01-01T00:00:00Z","headers":{"api_key":"k","x":"y"},"list":[{"password":"p"}]}`
	var got map[string]any
	if err := json.Unmarshal(redact(json.RawMessage(in)), &got); err != nil {
		t.Fatal(err)
	}
	want := `{"empty_token":"","headers":{"api_key":"[redacted]","x":"y"},"list":[{"password":"[redacted]"}],"name":"n","password_hash":"[redacted]",` +
		`"secret":"[redacted]","secret_rotated_at":"2026-01-01T00:00:00Z","signing_secret":"[redacted]","token":"[redacted]"}`
	if b, _ := json.Marshal(got); string(b) != want {
		t.Fatalf("redacted:\n%s\nwant\n%s", b, want)
	}
}

// redact keeps JSON without a secret-looking word as it was written, and
// decodes whatever might hold one, however its name is spelled.
func TestRedactFastPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"name":"Elm","units":[{"id":9007199254740993}]}`, `{"name":"Elm","units":[{"id":9007199254740993}]}`},
		{`{"Secret":"s","name":"Elm"}`, `{"Secret":"[redacted]","name":"Elm"}`},
		{`{"\u0073ecret":"s"}`, `{"secret":"[redacted]"}`},
		{`{"headers":{"X-Api-Token":"t"}}`, `{"headers":{"X-Api-Token":"[redacted]"}}`},
		{`{"note":"a token of thanks"}`, `{"note":"a token of thanks"}`},
		{`{"name":`, ``},
	} {
		if got := string(redact(json.RawMessage(c.in))); got != c.want {
			t.Errorf("redact(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
