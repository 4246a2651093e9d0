package console_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"porter"
	"porter/storetest"
	"porter/webhook"
)

// integrationSite is a site whose Service can hold integrations: a secret
// box, secrets and the URL guard allowing loopback only.
func integrationSite(t *testing.T, st porter.Store) *site {
	t.Helper()
	s := newSite(t, st)
	box, err := porter.NewSecretBox(bytes.Repeat([]byte{9}, 32))
	must(t, err)
	s.svc.Secrets = box
	s.svc.CheckWebhookURL = (&webhook.Guard{AllowPrivate: true}).CheckURL
	s.svc.NewWebhookSecret = webhook.NewSecret
	return s
}

// sendHook posts body to a receiver URL signed the Standard Webhooks way
// with secret at the site's clock, as the integrator's side does.
func (s *site) sendHook(t *testing.T, receiverURL, secret, body string) (int, string) {
	t.Helper()
	stamp := strconv.FormatInt(s.clock().Unix(), 10)
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	must(t, err)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("msg_1." + stamp + "." + body))
	req, _ := http.NewRequest("POST", receiverURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", "msg_1")
	req.Header.Set("webhook-timestamp", stamp)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return do(t, req)
}

const defectBatch = `[{"entity": "defect", "id": "SRC-1", "data": {"summary": "Noisy AHU", "building_code": "B-7"}}]`

func defectMapping(valueMaps string) string {
	return `{"entities": {"defect": {"target": "work_order", "fields": {"title": "summary", "building": "building_code"},
  "defaults": {"priority": "high", "assigned_to": "Facilities team"}}}` + valueMaps + `}`
}

// Seed 002's story in the browser: an integration whose mapping misses a
// building, a signed batch, the log naming the gap, the mapping fixed in
// the page, Retry failed, and the row's work order.
func TestIntegrationConsoleFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		bg := context.Background()
		prop, err := s.svc.CreateProperty(bg, s.org, porter.PropertyInput{Name: ptr("Tower A")})
		must(t, err)
		ctx := tab(t)
		s.signIn(t, ctx, "admin@acme.test", password)

		var secret, receiver string
		run(t, ctx,
			loads(chromedp.Click(`nav a[href="/settings/integrations"]`, chromedp.ByQuery)),
			chromedp.SendKeys("#in-name", "Arkan Handover", chromedp.ByQuery),
			chromedp.SetValue("#mapping", defectMapping(""), chromedp.ByQuery),
			loads(chromedp.Click(`#create-integration button[type="submit"]`, chromedp.ByQuery)),
			chromedp.Value("#newsecret", &secret, chromedp.ByQuery),
			chromedp.Value("#receiverurl", &receiver, chromedp.ByQuery),
			chromedp.WaitVisible(`button[data-copy="#receiverurl"]`, chromedp.ByQuery),
		)
		if !strings.HasPrefix(secret, "whsec_") || !strings.HasPrefix(receiver, s.URL+"/hooks/") || text(t, ctx, "#integration-name") != "Arkan Handover" {
			t.Fatalf("after creating: secret %q, receiver %q", secret, receiver)
		}
		code, body := s.sendHook(t, receiver, secret, defectBatch)
		if code != http.StatusOK || !strings.Contains(body, `"failed":1`) {
			t.Fatalf("receiver: %d %s", code, body)
		}
		list, err := s.svc.Integrations(bg, s.org, porter.IntegrationFilter{})
		must(t, err)
		if list.Total != 1 {
			t.Fatalf("%d integrations", list.Total)
		}
		gap := "building 'B-7' has no mapping (add it to value_maps.building)"
		run(t, ctx, chromedp.Navigate(s.URL+"/settings/integrations/"+itoa(list.Items[0].ID)+"?status=error"))
		if row := text(t, ctx, "#integration-log tbody tr"); !strings.Contains(row, "SRC-1") || !strings.Contains(row, gap) {
			t.Fatalf("log row: %q", row)
		}
		if st := text(t, ctx, "#integration-status"); !strings.HasPrefix(st, "error") || !strings.Contains(st, gap) {
			t.Fatalf("status: %q", st)
		}

		// Fix the mapping in the page, then Retry failed.
		run(t, ctx,
			chromedp.SetValue("#mapping", defectMapping(fmt.Sprintf(`, "value_maps": {"building": {"B-7": %d}}`, prop.ID)), chromedp.ByQuery),
			loads(chromedp.Click("#save-integration", chromedp.ByQuery)),
		)
		if msg := text(t, ctx, "#integration-message"); msg != "Saved." {
			t.Fatalf("after saving: %q", msg)
		}
		run(t, ctx, loads(chromedp.Click("#retry-integration", chromedp.ByQuery)))
		if msg := text(t, ctx, "#integration-message"); !strings.Contains(msg, "1 retried, 1 succeeded") {
			t.Fatalf("after retrying: %q", msg)
		}
		wos, err := s.svc.WorkOrders(bg, s.org, porter.WorkOrderFilter{})
		must(t, err)
		if wos.Total != 1 {
			t.Fatalf("%d work orders", wos.Total)
		}
		woPath := "/work-orders/" + itoa(wos.Items[0].ID)
		if row := text(t, ctx, "#integration-log tbody tr"); !strings.Contains(row, "success") || !strings.Contains(row, "SRC-1") {
			t.Fatalf("log row after retry: %q", row)
		}
		if st := text(t, ctx, "#integration-status"); st != "enabled" {
			t.Fatalf("status after retry: %q", st)
		}
		run(t, ctx, loads(chromedp.Click(`#integration-log a[href="`+woPath+`"]`, chromedp.ByQuery)))
		if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "Noisy AHU") {
			t.Fatalf("the target link opens %q", h1)
		}
	})
}

// Plain HTTP: only admins of the organization reach the pages, bad input
// is refused naming the problem and writes nothing, names render as text.
func TestIntegrationConsoleRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st porter.Store) {
		s := integrationSite(t, st)
		s.addManager(t)
		bg := context.Background()
		m := porter.IntegrationMapping{}
		must(t, json.Unmarshal([]byte(defectMapping("")), &m))
		it, err := s.svc.CreateIntegration(bg, s.org, porter.IntegrationInput{Name: ptr("<script>alert(1)</script>"), Type: ptr("handover"), Mapping: &m})
		must(t, err)
		if code, body := s.sendHook(t, it.ReceiverURL, it.Secret, defectBatch); code != http.StatusOK {
			t.Fatalf("receiver: %d %s", code, body)
		}
		admin, manager, viewer, other := s.session(t, "admin@acme.test"), s.session(t, "manager@acme.test"), s.session(t, "viewer@acme.test"), s.session(t, "admin@other.test")
		ip := "/settings/integrations/" + itoa(it.ID)
		valid := url.Values{"name": {"Renamed"}, "type": {"custom"}, "sync_mode": {"realtime"}, "credential_type": {"shared_secret"}, "mapping": {`{"entities": {}}`}}
		gets := []string{"/settings/integrations", ip, ip + "?status=error&entity=defect"}
		posts := map[string]url.Values{
			"/settings/integrations": valid, ip: valid, ip + "/enable": nil, ip + "/disable": nil, ip + "/delete": {"confirm": {"yes"}},
			ip + "/rotate": nil, ip + "/test": nil, ip + "/retry": nil, ip + "/sync": nil, ip + "/first-sync-complete": nil,
		}
		unchanged := func() {
			t.Helper()
			l, err := s.svc.Integrations(bg, s.org, porter.IntegrationFilter{})
			must(t, err)
			got, err := s.svc.Integration(bg, s.org, it.ID)
			must(t, err)
			log, err := s.svc.IntegrationLog(bg, s.org, porter.IntegrationLogFilter{IntegrationID: it.ID})
			must(t, err)
			if l.Total != 1 || got.Name != it.Name || !got.Enabled || got.OpenErrors != 1 || len(got.Mapping.ValueMaps) != 0 || log.Total != 1 || log.Items[0].Attempts != 1 {
				t.Fatalf("something was written: %d integrations, %+v, %d log rows", l.Total, got, log.Total)
			}
		}
		for _, who := range []struct {
			name string
			ck   *http.Cookie
			code int
		}{{"manager", manager, http.StatusForbidden}, {"viewer", viewer, http.StatusForbidden}, {"other org", other, http.StatusNotFound}} {
			for _, p := range gets {
				if p == "/settings/integrations" && who.code == http.StatusNotFound {
					continue // their own list
				}
				if code, _ := get(t, s.URL+p, who.ck); code != who.code {
					t.Errorf("%s GET %s: %d, want %d", who.name, p, code, who.code)
				}
			}
			for p, form := range posts {
				if p == "/settings/integrations" && who.code == http.StatusNotFound {
					continue
				}
				if code, _ := post(t, s.URL+p, who.ck, form); code != who.code {
					t.Errorf("%s POST %s: %d, want %d", who.name, p, code, who.code)
				}
			}
		}
		unchanged()
		if code, body := get(t, s.URL+"/settings/integrations", other); code != 200 || strings.Contains(body, "alert(1)") {
			t.Fatalf("another org's list: %d, shows Acme's integration: %v", code, strings.Contains(body, "alert(1)"))
		}

		// The name is text, on the list and on the page; the log shows the gap.
		for _, p := range []string{"/settings/integrations", ip} {
			code, body := get(t, s.URL+p, admin)
			if code != 200 || strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Fatalf("GET %s: %d, the name not escaped", p, code)
			}
		}

		// Bad input: 400 naming the problem, nothing written.
		for _, c := range []struct {
			name, path string
			form       url.Values
			want       string
		}{
			{"create, mapping not JSON", "/settings/integrations", with(valid, "mapping", `{"entities": `), "Mapping: not a valid mapping document"},
			{"create, unknown key", "/settings/integrations", with(valid, "mapping", `{"entitys": {}}`), `unknown field "entitys"`},
			{"create, unknown target", "/settings/integrations", with(valid, "mapping", `{"entities": {"defect": {"target": "spaceship"}}}`), "mapping.entities.defect.target"},
			{"create, unknown field", "/settings/integrations", with(valid, "mapping", `{"entities": {"defect": {"target": "work_order", "fields": {"colour": "c"}}}}`), "mapping.entities.defect.fields.colour"},
			{"create, no name", "/settings/integrations", with(valid, "name", ""), "name is required"},
			{"create, bad type", "/settings/integrations", with(valid, "type", "fax"), "type must be one of"},
			{"create, erp without endpoint", "/settings/integrations", with(valid, "type", "erp"), "endpoint_url is required"},
			{"create, api key missing", "/settings/integrations", with(valid, "credential_type", "api_key"), "credentials.api_key is required"},
			{"create, interval", "/settings/integrations", with(valid, "sync_mode", "scheduled"), "sync_interval_seconds"},
			{"create, interval not a number", "/settings/integrations", with(with(valid, "sync_mode", "scheduled"), "sync_interval_seconds", "soon"), "Sync interval"},
			{"edit, mapping not JSON", ip, with(valid, "mapping", "nope"), "Mapping: not a valid mapping document"},
			{"edit, no mapping", ip, with(valid, "mapping", ""), "Mapping: write the mapping document"},
			{"edit, unknown value kind", ip, with(valid, "mapping", defectMapping(`, "value_maps": {"colour": {"a": "b"}}`)), "mapping.value_maps.colour"},
			{"edit, oauth incomplete", ip, with(with(valid, "credential_type", "oauth_client"), "client_id", "abc"), "credentials.token_url is required"},
			{"delete, unconfirmed", ip + "/delete", nil, "tick the box"},
			{"rotate, short secret", ip + "/rotate", url.Values{"secret": {"short"}}, "secret"},
		} {
			code, body := post(t, s.URL+c.path, admin, c.form)
			if code != http.StatusBadRequest || !strings.Contains(body, html.EscapeString(c.want)) {
				t.Errorf("%s: %d, want 400 naming %q", c.name, code, c.want)
			}
		}
		unchanged()
		// A refused edit keeps what was typed.
		if _, body := post(t, s.URL+ip, admin, with(valid, "mapping", "nope")); !strings.Contains(body, ">nope</textarea>") {
			t.Errorf("the refused mapping is not shown back")
		}
		if code, _ := get(t, s.URL+ip+"?status=bogus", admin); code != http.StatusBadRequest {
			t.Errorf("a bad log filter: %d", code)
		}
		if code, _ := get(t, s.URL+"/settings/integrations/99999", admin); code != http.StatusNotFound {
			t.Errorf("an unknown integration: %d", code)
		}

		// New credentials replace the old ones, never shown back.
		if code, _ := post(t, s.URL+ip, admin, with(with(valid, "credential_type", "api_key"), "api_key", "key-0123456789")); code != http.StatusSeeOther {
			t.Errorf("edit with an API key: %d", code)
		}
		if got, err := s.svc.Integration(bg, s.org, it.ID); err != nil || got.CredentialType != "api_key" || got.Name != "Renamed" {
			t.Fatalf("after the edit: %+v, %v", got, err)
		}
		if _, body := get(t, s.URL+ip, admin); strings.Contains(body, "key-0123456789") {
			t.Fatal("the page shows the API key")
		}
		// Sync now needs a poll_url: 409 naming it, nothing polled.
		if code, body := post(t, s.URL+ip+"/sync", admin, nil); code != http.StatusConflict || !strings.Contains(body, "poll_url") {
			t.Errorf("sync without a poll_url: %d", code)
		}
		// Test checks the mapping; disable and delete work for the admin.
		if code, body := post(t, s.URL+ip+"/test", admin, nil); code != 200 || !strings.Contains(body, "Mapping check (entities: none") {
			t.Errorf("test: %d", code)
		}
		if code, _ := post(t, s.URL+ip+"/disable", admin, nil); code != http.StatusSeeOther {
			t.Errorf("disable: %d", code)
		}
		if code, body := get(t, s.URL+"/settings/integrations?status=disabled", admin); code != 200 || !strings.Contains(body, "Renamed") {
			t.Errorf("the disabled list: %d", code)
		}
		if code, _ := post(t, s.URL+ip+"/delete", admin, url.Values{"confirm": {"yes"}}); code != http.StatusSeeOther {
			t.Errorf("delete: %d", code)
		}
		if _, err := s.svc.Integration(bg, s.org, it.ID); porter.ErrorCode(err) != porter.ENOTFOUND {
			t.Fatalf("after delete: %v", err)
		}
	})
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}
