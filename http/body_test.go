package http_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	porterhttp "porter/http"
)

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

// multipartBody encodes fields (and one file part when file is set) as
// multipart/form-data.
func multipartBody(t *testing.T, fields [][2]string, file string) (string, http.Header) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile(file, "x.txt")
		fw.Write([]byte("hello"))
	}
	mw.Close()
	return b.String(), http.Header{"Content-Type": {mw.FormDataContentType()}}
}

// Seed 000 promises 400 {"error"} for bad input, and no-code tools send
// forms: seed endpoints take form bodies mapped like JSON ones, and every
// bad body, too large or of another type included, is a 400 naming it.
func TestSeedFormBodies(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		form := url.Values{"email": {"ann@example.com"}, "first_name": {"Ann"}, "last_name": {"Lee"}, "zap_extra": {"ignored"}}
		tn := a.doKey(a.key, "POST", "/api/action_create_tenant.php", form.Encode(), formHeader).must(t, 200).obj("tenant")
		if tn["email"] != "ann@example.com" || tn["first_name"] != "Ann" {
			t.Fatalf("form tenant: %v", tn)
		}
		// Multipart, with numeric strings for numbers as tools send them.
		body, h := multipartBody(t, [][2]string{{"tenant_id", fmt.Sprint(tn["id"])}, {"amount", "12.50"},
			{"description", "Key copy"}, {"due_date", "2025-06-01"}, {"category", "other"}}, "")
		ch := a.doKey(a.key, "POST", "/api/action_create_charge.php", body, h).must(t, 200).obj("charge")
		if ch["amount"] != 12.5 || ch["tenant_id"] != tn["id"] {
			t.Fatalf("multipart charge: %v", ch)
		}
		// The same form with an Idempotency-Key replays the first answer.
		h2 := http.Header{"Content-Type": formHeader["Content-Type"], "Idempotency-Key": {"form-1"}}
		form2 := url.Values{"email": {"bo@example.com"}, "first_name": {"Bo"}, "last_name": {"Ng"}}
		first := a.doKey(a.key, "POST", "/api/action_create_tenant.php", form2.Encode(), h2).must(t, 200)
		again := a.doKey(a.key, "POST", "/api/action_create_tenant.php", form2.Encode(), h2).must(t, 200)
		if !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("form replay: %s / %s", first.Body, again.Body)
		}

		events := a.eventCount()
		fileBody, fileHeader := multipartBody(t, [][2]string{{"email", "c@example.com"}}, "first_name")
		cases := []struct {
			name   string
			body   string
			header http.Header
			want   string
		}{
			{"field twice", "email=a@example.com&email=b@example.com&first_name=A&last_name=B", formHeader, "email is given more than once"},
			{"invalid UTF-8", "email=a@example.com&first_name=%FF&last_name=B", formHeader, "first_name must be valid UTF-8 text"},
			{"broken escape", "email=%zz", formHeader, "not valid application/x-www-form-urlencoded"},
			{"empty form", "", formHeader, "request body is required"},
			{"missing field", "email=d@example.com", formHeader, "first_name is required"},
			{"file part", fileBody, fileHeader, "first_name is a file"},
			{"no boundary", "x", http.Header{"Content-Type": {"multipart/form-data"}}, "needs a boundary"},
			{"xml", "<tenant/>", http.Header{"Content-Type": {"application/xml"}},
				`Content-Type must be application/json, application/x-www-form-urlencoded or multipart/form-data, not "application/xml"`},
			{"too large", `{"email":"` + strings.Repeat("a", 1<<20) + `"}`, nil, "request body is larger than 1 MiB"},
			{"duplicate JSON key", `{"email":"a@example.com","email":"b@example.com","first_name":"A","last_name":"B"}`, nil, "email is given more than once"},
			{"invalid UTF-8 JSON", "{\"email\":\"a@example.com\",\"first_name\":\"\xff\",\"last_name\":\"B\"}", nil, "first_name must be valid UTF-8 text"},
		}
		for _, c := range cases {
			r := a.doKey(a.key, "POST", "/api/action_create_tenant.php", c.body, c.header)
			msg, _ := r.JSON["error"].(string)
			if r.Status != 400 || !strings.Contains(msg, c.want) || len(r.JSON) != 1 {
				t.Errorf("%s: %d %s, want 400 {\"error\"} with %q", c.name, r.Status, r.Body, c.want)
			}
		}
		if n := a.eventCount(); n != events {
			t.Fatalf("bad bodies recorded %d events", n-events)
		}

		// v1 keeps its JSON-only contract: 415 for a form, 413 when too large.
		a.doKey(a.key, "POST", "/v1/tenants", form.Encode(), formHeader).must(t, 415)
		r := a.do("POST", "/v1/tenants", `{"email":"`+strings.Repeat("a", 1<<20)+`"}`).must(t, 413)
		if !strings.Contains(r.JSON["detail"].(string), "larger than 1 MiB") {
			t.Fatalf("v1 too large: %s", r.Body)
		}
	})
}

// Duplicate keys and invalid UTF-8 are refused on v1 too, naming the field,
// nested ones by their path.
func TestJSONDuplicateKeysAndUTF8(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		a.badRequests(t, "/v1/tenants", []badCase{
			{"duplicate", `{"email":"a@example.com","first_name":"A","first_name":"B","last_name":"C"}`, "first_name is given more than once"},
			{"escaped duplicate", `{"email":"a@example.com","first_name":"A","first\u005fname":"B","last_name":"C"}`, "first_name is given more than once"},
			{"raw invalid UTF-8", "{\"email\":\"a@example.com\",\"first_name\":\"A\xc3\",\"last_name\":\"C\"}", "first_name must be valid UTF-8 text"},
			{"lone surrogate", `{"email":"a@example.com","first_name":"\ud800","last_name":"C"}`, "first_name must be valid UTF-8 text"},
			{"reversed pair", `{"email":"a@example.com","first_name":"\udc00\ud800","last_name":"C"}`, "first_name must be valid UTF-8 text"},
		})
		// A real surrogate pair is one character, kept.
		tn := a.do("POST", "/v1/tenants", `{"email":"e@example.com","first_name":"\ud83d\ude00","last_name":"C"}`).must(t, 201).obj("data")
		if tn["first_name"] != "😀" {
			t.Fatalf("pair: %q", tn["first_name"])
		}
		r := a.do("POST", "/v1/webhooks", `{"url":"https://example.com/h","events":["tenant.created"],"metadata":{"a":1,"a":2}}`).must(t, 400)
		if !strings.Contains(r.JSON["detail"].(string), "metadata.a is given more than once") {
			t.Fatalf("nested duplicate: %s", r.Body)
		}
	})
}

// Actions without a body refuse one: 415 for another Content-Type, 400 for
// JSON other than {}; empty and {} pass. Nothing changes on a refusal.
func TestBodylessActionsRefuseBodies(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		p := a.do("POST", "/v1/properties", map[string]any{"name": "Elm", "address": "1 Elm St"}).must(t, 201).obj("data")
		path := fmt.Sprintf("/v1/properties/%v/archive", p["id"])
		xml := http.Header{"Content-Type": {"application/xml"}}
		events := a.eventCount()
		r := a.doKey(a.key, "POST", path, "<xml/>", xml).must(t, 415)
		if !strings.Contains(r.JSON["detail"].(string), "this action takes no body") {
			t.Fatalf("415: %s", r.Body)
		}
		a.doKey(a.key, "POST", path, "x", http.Header{"Content-Type": {"text/plain"}}).must(t, 415)
		if r := a.do("POST", path, `{"reason":"x"}`).must(t, 400); !strings.Contains(r.JSON["detail"].(string), "reason is not a known field") {
			t.Fatalf("400: %s", r.Body)
		}
		a.do("POST", path, `[]`).must(t, 400)
		a.do("POST", path, `{"a":1`).must(t, 400)
		if n := a.eventCount(); n != events {
			t.Fatalf("refused bodies recorded %d events", n-events)
		}
		if got := a.do("GET", fmt.Sprintf("/v1/properties/%v", p["id"]), nil).must(t, 200).obj("data"); got["status"] != "active" {
			t.Fatalf("refused archive changed the property: %v", got)
		}
		a.do("POST", path, `{}`).must(t, 200)
		// An empty body passes whatever it says it is.
		p2 := a.do("POST", "/v1/properties", map[string]any{"name": "Oak", "address": "2 Oak St"}).must(t, 201).obj("data")
		a.doKey(a.key, "POST", fmt.Sprintf("/v1/properties/%v/archive", p2["id"]), "", xml).must(t, 200)
	})
}

// Every write endpoint refuses an XML body: 415 on v1, 400 on the seed,
// before anything is looked up or written.
func TestEveryWriteRefusesXML(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		events := a.eventCount()
		for _, rt := range porterhttp.Routes(porterhttp.NewServer(a.svc, porterhttp.Config{}, nil)) {
			if rt.Method == http.MethodGet || rt.Page {
				continue
			}
			path := strings.NewReplacer("{id}", "1", "{item_id}", "1").Replace(rt.Path)
			r := a.doKey(a.key, rt.Method, path, "<x/>", http.Header{"Content-Type": {"application/xml"}})
			want := 415
			if rt.Seed {
				want = 400
			}
			if r.Status != want {
				t.Errorf("%s %s: %d %s, want %d", rt.Method, rt.Path, r.Status, r.Body, want)
			}
		}
		if n := a.eventCount(); n != events {
			t.Fatalf("XML bodies recorded %d events", n-events)
		}
	})
}
