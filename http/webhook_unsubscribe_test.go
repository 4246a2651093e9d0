package http_test

import (
	"testing"
)

// unsubscribe.php removes only what subscribe.php made: a webhook created
// through /v1/webhooks is 400 {"error"} naming it, and stays.
func TestUnsubscribeOnlyRemovesRESTHooks(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		v1 := a.do("POST", "/v1/webhooks", map[string]any{"url": "http://127.0.0.1:9/v1", "events": []string{"tenant.created"}}).must(t, 201).obj("data")
		id := idOf(v1)
		before := a.eventCount()
		r := a.do("POST", "/api/unsubscribe.php", map[string]any{"id": id}).must(t, 400)
		want := "webhook " + itoa(int(id)) + " was created through /v1/webhooks, not subscribe.php, so unsubscribe.php does not remove it; use DELETE /v1/webhooks/" + itoa(int(id))
		if e, _ := r.JSON["error"].(string); e != want || len(r.JSON) != 1 {
			t.Fatalf("unsubscribe of a /v1 webhook: %s\nwant {\"error\": %q}", r.Body, want)
		}
		a.do("GET", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 200)
		if a.eventCount() != before {
			t.Fatal("a refused unsubscribe wrote an event")
		}

		hook := a.do("POST", "/api/subscribe.php", map[string]any{"event": "tenant.created", "target_url": "http://127.0.0.1:9/zap"}).must(t, 200).obj("subscription")
		u := a.do("POST", "/api/unsubscribe.php", map[string]any{"id": idOf(hook)}).must(t, 200)
		if u.JSON["deleted"] != true {
			t.Fatalf("unsubscribe: %s", u.Body)
		}
		a.do("GET", "/v1/webhooks/"+itoa(int(idOf(hook))), nil).must(t, 404)
		a.do("DELETE", "/v1/webhooks/"+itoa(int(id)), nil).must(t, 204)
	})
}
