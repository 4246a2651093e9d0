package http_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	porterhttp "porter/http"
	"porter/storetest"
)

// starting_after pages by cursor: the items after the one named, with a
// next link carrying the cursor on, has_more, and no page number.
func TestCursorPagination(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		var ids []float64
		for i := 0; i < 5; i++ {
			tn := a.do("POST", "/v1/tenants", map[string]any{"email": fmt.Sprintf("t%d@example.com", i), "first_name": "T", "last_name": "L"}).must(t, 201).obj("data")
			ids = append(ids, tn["id"].(float64))
		}
		// Newest first: ids[4], ids[3], ...
		r := a.do("GET", "/v1/tenants?per_page=2", nil).must(t, 200)
		meta, links := r.obj("meta"), r.obj("links")
		if meta["total"] != 5.0 || meta["total_is_estimate"] != false || meta["has_more"] != true || meta["current_page"] != 1.0 {
			t.Fatalf("page 1 meta: %v", meta)
		}
		if !strings.Contains(links["next"].(string), "page=2") {
			t.Fatalf("page 1 next: %v", links["next"])
		}
		r = a.do("GET", fmt.Sprintf("/v1/tenants?per_page=2&starting_after=%v", ids[3]), nil).must(t, 200)
		data, meta, links := r.JSON["data"].([]any), r.obj("meta"), r.obj("links")
		if len(data) != 2 || data[0].(map[string]any)["id"] != ids[2] || data[1].(map[string]any)["id"] != ids[1] {
			t.Fatalf("cursor page: %s", r.Body)
		}
		if meta["current_page"] != nil || meta["has_more"] != true || meta["total"] != 5.0 || meta["from"] != nil {
			t.Fatalf("cursor meta: %v", meta)
		}
		next, _ := url.Parse(links["next"].(string))
		if next.Query().Get("starting_after") != fmt.Sprint(ids[1]) || next.Query().Get("per_page") != "2" {
			t.Fatalf("cursor next: %v", links["next"])
		}
		r = a.do("GET", next.RequestURI(), nil).must(t, 200)
		if data := r.JSON["data"].([]any); len(data) != 1 || r.obj("meta")["has_more"] != false || r.obj("links")["next"] != nil {
			t.Fatalf("last cursor page: %s", r.Body)
		}
		// Past the end: empty, with the total still there.
		r = a.do("GET", fmt.Sprintf("/v1/tenants?starting_after=%v", ids[0]), nil).must(t, 200)
		if len(r.JSON["data"].([]any)) != 0 || r.obj("meta")["total"] != 5.0 {
			t.Fatalf("past the end: %s", r.Body)
		}
		for _, q := range []string{"starting_after=1&page=2", "starting_after=abc", "starting_after=-4"} {
			if r := a.do("GET", "/v1/tenants?"+q, nil).must(t, 400); !strings.Contains(r.JSON["detail"].(string), "starting_after") {
				t.Fatalf("%s: %s", q, r.Body)
			}
		}
		// A list in ascending order (a broadcast's messages) pages upward.
		b := a.do("POST", "/v1/broadcasts", map[string]any{"subject": "s", "body": "b"}).must(t, 201).obj("data")
		path := fmt.Sprintf("/v1/broadcasts/%v/messages?per_page=2", b["id"])
		first := a.do("GET", path, nil).must(t, 200).JSON["data"].([]any)
		if len(first) != 2 {
			t.Fatalf("messages: %v", first)
		}
		last := first[1].(map[string]any)["id"].(float64)
		r = a.do("GET", fmt.Sprintf("%s&starting_after=%v", path, last), nil).must(t, 200)
		if got := r.JSON["data"].([]any); len(got) != 2 || got[0].(map[string]any)["id"].(float64) <= last || r.obj("meta")["has_more"] != true {
			t.Fatalf("message cursor after %v: %s", last, r.Body)
		}
		// Events take their own ids as cursors.
		r = a.do("GET", "/v1/events?per_page=2", nil).must(t, 200)
		second := r.JSON["data"].([]any)[1].(map[string]any)["id"].(string)
		r = a.do("GET", "/v1/events?per_page=2&starting_after="+second, nil).must(t, 200)
		if got := r.JSON["data"].([]any); len(got) != 2 || !strings.Contains(r.obj("links")["next"].(string), "starting_after=evt_") {
			t.Fatalf("event cursor: %s", r.Body)
		}
	})
}

// Every v1 list takes a cursor: a test that fails when a new list's query
// forgets it.
func TestEveryListTakesACursor(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		for _, rt := range porterhttp.Routes(porterhttp.NewServer(a.svc, porterhttp.Config{}, nil)) {
			if !rt.List {
				continue
			}
			path := strings.ReplaceAll(rt.Path, "{id}", "1")
			r := a.do("GET", path+"?per_page=1&starting_after=1000000", nil)
			if r.Status != 200 && !(strings.Contains(rt.Path, "{id}") && r.Status == 404) {
				t.Errorf("%s: %d %s", rt.Path, r.Status, r.Body)
			}
			if r.Status == 200 {
				if m := r.obj("meta"); m["has_more"] != false || m["current_page"] != nil {
					t.Errorf("%s: meta %v", rt.Path, m)
				}
			}
		}
	})
}

// Past porter.TotalCap matches the total stops counting: it says so, and
// next still leads on.
func TestTotalIsCapped(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		storetest.Exec(t, a.store, fmt.Sprintf(`INSERT INTO events (org_id, type, fired_at, resource_type, resource_id, data)
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10050)
SELECT %d, 'tenant.created', '%s', 'tenant', n, '{}' FROM c`, a.org, storetest.TS))
		r := a.do("GET", "/v1/events?per_page=100&page=100", nil).must(t, 200)
		meta := r.obj("meta")
		if meta["total"] != 10000.0 || meta["total_is_estimate"] != true || meta["last_page"] != 100.0 || meta["has_more"] != true || r.obj("links")["next"] == nil {
			t.Fatalf("capped meta: %v links %v", meta, r.obj("links"))
		}
		r = a.do("GET", "/v1/events?per_page=100&page=101", nil).must(t, 200)
		if len(r.JSON["data"].([]any)) != 50 || r.obj("meta")["has_more"] != false {
			t.Fatalf("page past the cap: %d items, meta %v", len(r.JSON["data"].([]any)), r.obj("meta"))
		}
		r = a.do("GET", "/v1/events?per_page=10", nil).must(t, 200)
		if r.obj("meta")["total"] != 10000.0 || r.obj("meta")["total_is_estimate"] != true {
			t.Fatalf("first page meta: %v", r.obj("meta"))
		}
	})
}
