package http_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"porter"
	porterhttp "porter/http"
)

const specBase = "https://porter.example.com"

// spec serves the OpenAPI document of a server with a known base URL and
// version, and returns it decoded, with the server's routes.
func spec(t *testing.T, a *api) (map[string]any, []porterhttp.RouteInfo) {
	t.Helper()
	srv := porterhttp.NewServer(a.svc, porterhttp.Config{BaseURL: specBase + "/", Version: "1.2.3"}, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the spec is not valid JSON: %v", err)
	}
	return doc, porterhttp.Routes(srv)
}

// at walks a decoded JSON document by keys.
func at(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestOpenAPIIsPublic(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		r := a.doKey("", "GET", "/v1/openapi.json", nil, nil).must(t, http.StatusOK)
		if r.JSON["openapi"] != "3.1.0" {
			t.Fatalf("openapi = %v", r.JSON["openapi"])
		}
		if v := at(r.JSON, "info", "version"); v != "dev" {
			t.Fatalf("version without Config.Version = %v, want dev", v)
		}
	})
}

func TestOpenAPIDocument(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		doc, routes := spec(t, a)
		if doc["openapi"] != "3.1.0" {
			t.Errorf("openapi = %v", doc["openapi"])
		}
		if v := at(doc, "info", "version"); v != "1.2.3" {
			t.Errorf("info.version = %v, want Config.Version", v)
		}
		if servers, _ := doc["servers"].([]any); len(servers) != 1 || at(servers[0], "url") != specBase {
			t.Errorf("servers = %v", doc["servers"])
		}
		if at(doc, "components", "securitySchemes", "bearer", "scheme") != "bearer" {
			t.Errorf("no bearer security scheme")
		}

		wildcard := regexp.MustCompile(`\{([^}.]+)(\.\.\.)?\}`)
		for _, rt := range routes {
			p := wildcard.ReplaceAllString(rt.Path, "{$1}")
			op, ok := at(doc, "paths", p, strings.ToLower(rt.Method)).(map[string]any)
			if !ok {
				t.Errorf("%s %s is not in the spec", rt.Method, rt.Path)
				continue
			}
			params := map[string]map[string]any{}
			ps, _ := op["parameters"].([]any)
			for _, p := range ps {
				pm := p.(map[string]any)
				if r, ok := pm["$ref"].(string); ok {
					pm = at(doc, "components", "parameters", strings.TrimPrefix(r, "#/components/parameters/")).(map[string]any)
				}
				params[pm["in"].(string)+":"+pm["name"].(string)] = pm
			}
			for _, m := range wildcard.FindAllStringSubmatch(rt.Path, -1) {
				pp := params["path:"+m[1]]
				if pp == nil || pp["required"] != true {
					t.Errorf("%s %s: path parameter %s missing or not required", rt.Method, rt.Path, m[1])
				}
			}
			responses := op["responses"].(map[string]any)
			if rt.Page {
				if sec, ok := op["security"].([]any); !ok || len(sec) != 0 {
					t.Errorf("%s %s: a public page must have empty security", rt.Method, rt.Path)
				}
				continue
			}
			if rt.Scope != "" {
				if op["x-required-scope"] != rt.Scope || !strings.Contains(op["description"].(string), rt.Scope) {
					t.Errorf("%s %s: x-required-scope %v, description %q, want %s", rt.Method, rt.Path, op["x-required-scope"], op["description"], rt.Scope)
				}
			}
			if rt.Method == "POST" && params["header:Idempotency-Key"] == nil {
				t.Errorf("%s %s: no Idempotency-Key header", rt.Method, rt.Path)
			}
			if at(responses, "401", "$ref") != "#/components/responses/Unauthorized" {
				t.Errorf("%s %s: 401 is %v", rt.Method, rt.Path, responses["401"])
			}
			ok2xx, _ := responses[strconv.Itoa(rt.Status)].(map[string]any)
			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
				if at(ok2xx, "headers", h) == nil {
					t.Errorf("%s %s: success response lacks %s", rt.Method, rt.Path, h)
				}
			}
			if rt.V1 {
				for _, code := range []string{"401", "429"} {
					if responses[code] == nil {
						t.Errorf("%s %s: no %s response", rt.Method, rt.Path, code)
					}
				}
				body := at(ok2xx, "content", "application/json", "schema", "properties")
				if rt.Status == http.StatusNoContent {
					if ok2xx["content"] != nil {
						t.Errorf("%s %s: 204 with a body", rt.Method, rt.Path)
					}
				} else if at(ok2xx, "content", "application/json") != nil && at(body, "data") == nil {
					t.Errorf("%s %s: success body has no data", rt.Method, rt.Path)
				}
				if rt.List && (at(body, "links") == nil || at(body, "meta") == nil) {
					t.Errorf("%s %s: list without links and meta", rt.Method, rt.Path)
				}
			}
			if rt.Seed && at(responses, "400", "$ref") != "#/components/responses/SeedError" {
				t.Errorf("%s %s: seed 400 is %v", rt.Method, rt.Path, responses["400"])
			}
		}

		// The error responses: problem+json for v1 with every status.
		seen := map[string]bool{}
		for _, item := range doc["paths"].(map[string]any) {
			for _, op := range item.(map[string]any) {
				for code := range at(op, "responses").(map[string]any) {
					seen[code] = true
				}
			}
		}
		for _, code := range []string{"400", "401", "403", "404", "409", "413", "415", "422", "429"} {
			if !seen[code] {
				t.Errorf("no operation documents %s", code)
			}
		}
		unauth := at(doc, "components", "responses", "Unauthorized", "content", "application/json", "example")
		if !reflect.DeepEqual(unauth, map[string]any{"error": "unauthorized", "message": "Missing or invalid Bearer token"}) {
			t.Errorf("401 example = %v", unauth)
		}
		problem := at(doc, "components", "responses", "problem-not_found", "content", "application/problem+json")
		if at(problem, "schema", "$ref") != "#/components/schemas/Problem" || at(problem, "example", "type") != specBase+"/docs/problems#problem-not_found" {
			t.Errorf("404 problem = %v", problem)
		}
		for _, f := range []string{"type", "title", "status", "detail", "errors"} {
			if at(doc, "components", "schemas", "Problem", "properties", f) == nil {
				t.Errorf("Problem lacks %s", f)
			}
		}

		// Types by reflection.
		schemas := at(doc, "components", "schemas")
		check := func(path []string, want any) {
			t.Helper()
			if got := at(schemas, path...); !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %#v, want %#v", strings.Join(path, "."), got, want)
			}
		}
		check([]string{"Tenant", "properties", "created_at", "format"}, "date-time")
		check([]string{"Tenant", "properties", "activated_at", "type"}, []any{"string", "null"})
		check([]string{"Tenant", "properties", "id", "type"}, "integer")
		check([]string{"Unit", "properties", "market_rent"}, map[string]any{"type": "number", "description": "amount, two decimals"})
		check([]string{"UnitInput", "properties", "market_rent", "oneOf"}, []any{
			map[string]any{"type": "number"},
			map[string]any{"type": "string", "pattern": `^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$`},
			map[string]any{"type": "null"}})
		if req, _ := at(schemas, "Tenant", "required").([]any); len(req) == 0 {
			t.Errorf("Tenant has no required fields")
		}
		for _, r := range at(schemas, "Tenant", "required").([]any) {
			if r == "accept_url" {
				t.Errorf("omitempty field accept_url is required")
			}
		}
		if at(schemas, "PageMeta", "properties", "last_page") == nil || at(schemas, "PageLinks", "properties", "next") == nil {
			t.Errorf("no Laravel pagination schemas")
		}
	})
}

// refs collects every $ref in v.
func refs(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				*out = append(*out, s)
			}
			refs(x, out)
		}
	case []any:
		for _, x := range v {
			refs(x, out)
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		doc, _ := spec(t, a)
		var all []string
		refs(doc, &all)
		if len(all) == 0 {
			t.Fatal("no $ref at all")
		}
		for _, r := range all {
			ptr, ok := strings.CutPrefix(r, "#/")
			if !ok {
				t.Errorf("$ref %q is not local", r)
				continue
			}
			var v any = doc
			for _, k := range strings.Split(ptr, "/") {
				k = strings.NewReplacer("~1", "/", "~0", "~").Replace(k)
				m, ok := v.(map[string]any)
				if !ok || m[k] == nil {
					t.Errorf("$ref %q does not resolve", r)
					break
				}
				v = m[k]
			}
		}
	})
}

func TestOpenAPIWebhooks(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		doc, _ := spec(t, a)
		hooks, _ := doc["webhooks"].(map[string]any)
		if len(hooks) != len(porter.Catalog) {
			t.Errorf("%d webhooks for %d catalog events", len(hooks), len(porter.Catalog))
		}
		for _, e := range porter.Catalog {
			op, ok := at(hooks, e.Name, "post").(map[string]any)
			if !ok {
				t.Errorf("webhook %s missing", e.Name)
				continue
			}
			if op["x-required-scope"] != e.Scope || !strings.Contains(op["description"].(string), e.Description) {
				t.Errorf("%s: scope %v, description %q", e.Name, op["x-required-scope"], op["description"])
			}
			headers := map[string]bool{}
			ps, _ := op["parameters"].([]any)
			for _, p := range ps {
				name, _ := at(p, "name").(string)
				if r, ok := at(p, "$ref").(string); ok {
					name = strings.TrimPrefix(r, "#/components/parameters/")
				}
				headers[name] = true
			}
			for _, h := range []string{"X-PM-Event", "X-PM-Delivery", "X-PM-Signature"} {
				if !headers[h] {
					t.Errorf("%s: no %s header", e.Name, h)
				}
			}
			parts, _ := at(op, "requestBody", "content", "application/json", "schema", "allOf").([]any)
			if len(parts) != 2 || at(parts[1], "properties", "event", "const") != e.Name {
				t.Fatalf("%s: body schema %v", e.Name, parts)
			}
			for _, f := range e.Fields {
				if at(parts[1], "properties", "data", "properties", f) == nil {
					t.Errorf("%s: key field %s not documented", e.Name, f)
				}
			}
		}
		envelope := at(doc, "components", "schemas", "EventView", "properties")
		for _, f := range []string{"event", "id", "fired_at", "data", "previous_attributes"} {
			if at(envelope, f) == nil {
				t.Errorf("event envelope lacks %s", f)
			}
		}
	})
}

// externalURL finds absolute http(s) URLs.
var externalURL = regexp.MustCompile(`https?://[A-Za-z0-9.\-]+`)

// inertHosts are hosts named in the vendored Redoc bundle that the browser
// never fetches: XML namespaces, JSON Schema ids, links in comments and
// error messages, and the "API docs by Redocly" link.
var inertHosts = map[string]bool{
	"www.w3.org": true, "json-schema.org": true, "github.com": true, "redocly.com": true,
	"example.com": true, "raw.githubusercontent.com": true, "api.": true, "stackoverflow.com": true,
	"reactjs.org": true, "marked.js.org": true, "git.io": true, "fb.me": true,
}

// fetchedURL matches a URL in a position the browser would load it from.
var fetchedURL = regexp.MustCompile("((?i:src|srcset)\\s*[:=]|url\\(|@import|fetch\\(|importScripts\\()\\s*(url\\()?[\"'`]?https?://[a-z]")

func TestDocs(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		get := func(path string, header http.Header) *response {
			return a.doKey("", "GET", path, nil, header)
		}
		page := get("/docs", nil).must(t, http.StatusOK)
		if ct := page.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("/docs Content-Type %q", ct)
		}
		if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self'") {
			t.Errorf("/docs CSP %q", csp)
		}
		html := string(page.Body)
		for _, want := range []string{`src="/docs/redoc.standalone.js"`, `src="/docs/docs.js"`, "/docs/problems#problem-invalid"} {
			if !strings.Contains(html, want) {
				t.Errorf("/docs lacks %s", want)
			}
		}
		js := get("/docs/docs.js", nil).must(t, http.StatusOK)
		if !strings.Contains(string(js.Body), "/v1/openapi.json") {
			t.Errorf("docs.js does not load /v1/openapi.json")
		}
		problems := get("/docs/problems", nil).must(t, http.StatusOK)
		for _, code := range []string{"invalid", "forbidden", "not_found", "conflict", "unprocessable", "too_large", "rate_limited", "unsupported_media_type"} {
			if !strings.Contains(string(problems.Body), `id="problem-`+code+`"`) {
				t.Errorf("/docs/problems has no anchor problem-%s", code)
			}
		}
		// Porter's own pages name no other host at all.
		for path, r := range map[string]*response{"/docs": page, "/docs/docs.js": js, "/docs/problems": problems} {
			if u := externalURL.FindString(string(r.Body)); u != "" && !strings.HasPrefix(u, a.srv.URL) {
				t.Errorf("%s names %s", path, u)
			}
		}

		bundle := get("/docs/redoc.standalone.js", http.Header{"Accept-Encoding": {"identity"}}).must(t, http.StatusOK)
		if ct := bundle.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("bundle Content-Type %q", ct)
		}
		if len(bundle.Body) < 500_000 || !strings.Contains(string(bundle.Body), "Redoc") {
			t.Fatalf("bundle is %d bytes", len(bundle.Body))
		}
		for _, u := range externalURL.FindAllString(string(bundle.Body), -1) {
			host := u[strings.Index(u, "//")+2:]
			if !inertHosts[host] {
				t.Errorf("the Redoc bundle names %s: vet it and add it to inertHosts only if it is never fetched", u)
			}
		}
		if m := fetchedURL.FindString(string(bundle.Body)); m != "" {
			t.Errorf("the Redoc bundle loads something from elsewhere: %s", m)
		}
		for _, lic := range []string{"/docs/LICENSE.redoc", "/docs/redoc.standalone.js.LICENSE.txt"} {
			r := get(lic, nil).must(t, http.StatusOK)
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") || !strings.Contains(string(r.Body), "MIT") {
				t.Errorf("%s: %s", lic, r.Header.Get("Content-Type"))
			}
		}

		// Compressed and revalidated, as it is 1 MB.
		gz := get("/docs/redoc.standalone.js", http.Header{"Accept-Encoding": {"gzip"}}).must(t, http.StatusOK)
		if gz.Header.Get("Content-Encoding") != "gzip" || len(gz.Body) >= len(bundle.Body)/2 {
			t.Errorf("gzip: encoding %q, %d bytes", gz.Header.Get("Content-Encoding"), len(gz.Body))
		}
		etag := bundle.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		get("/docs/redoc.standalone.js", http.Header{"If-None-Match": {etag}, "Accept-Encoding": {"identity"}}).must(t, http.StatusNotModified)

		get("/docs/nothing.js", nil).must(t, http.StatusNotFound)
		get("/docs/index.html", nil).must(t, http.StatusOK) // redirected to /docs
	})
}

func TestOpenAPIOperationIDsUnique(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		doc, _ := spec(t, a)
		seen := map[string]string{}
		for p, item := range doc["paths"].(map[string]any) {
			for m, op := range item.(map[string]any) {
				id, _ := at(op, "operationId").(string)
				if prev, dup := seen[id]; dup || id == "" {
					t.Errorf("operationId %q of %s %s also used by %s", id, m, p, prev)
				}
				seen[id] = m + " " + p
			}
		}
	})
}

// TestOpenAPIWrite writes the document to $PORTER_OPENAPI_OUT, for
// .ci/run to lint with Redocly; without it there is nothing to do.
func TestOpenAPIWrite(t *testing.T) {
	out := os.Getenv("PORTER_OPENAPI_OUT")
	if out == "" {
		t.Skip("PORTER_OPENAPI_OUT is not set")
	}
	srv := porterhttp.NewServer(porter.NewService(nil, "", nil), porterhttp.Config{Version: "dev"}, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, rec.Body.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, pretty.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAPITagsDescribed(t *testing.T) {
	srv := porterhttp.NewServer(porter.NewService(nil, "", nil), porterhttp.Config{}, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		name, _ := at(tag, "name").(string)
		if d, _ := at(tag, "description").(string); d == "" {
			t.Errorf("tag %q has no description", name)
		}
		described[name] = true
	}
	for p, item := range doc["paths"].(map[string]any) {
		for m, op := range item.(map[string]any) {
			tags, _ := at(op, "tags").([]any)
			if len(tags) != 1 || !described[tags[0].(string)] {
				t.Errorf("%s %s: tags %v not among the document's tags", m, p, tags)
			}
			if at(op, "summary") == "" || at(op, "summary") == nil {
				t.Errorf("%s %s: no summary", m, p)
			}
		}
	}
	if at(doc, "info", "license", "name") == nil {
		t.Errorf("no info.license")
	}
	if servers, _ := doc["servers"].([]any); len(servers) != 1 || at(servers[0], "url") != "/" {
		t.Errorf("servers without a base URL = %v, want /", doc["servers"])
	}
}

// TestOpenAPISpecificResponses pins what was once wrong: the download is
// the file, the invitation form has a body and its errors, and a 401 says
// WWW-Authenticate.
func TestOpenAPISpecificResponses(t *testing.T) {
	srv := porterhttp.NewServer(porter.NewService(nil, "", nil), porterhttp.Config{}, nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	download := at(doc, "paths", "/v1/documents/{id}/download", "get", "responses")
	if at(download, "200", "content", "application/json") != nil || at(download, "200", "content", "*/*", "schema", "format") != "binary" {
		t.Errorf("download 200 = %v, want the file", at(download, "200"))
	}
	for _, code := range []string{"206", "304", "401", "403", "404", "429"} {
		if at(download, code) == nil {
			t.Errorf("download: no %s", code)
		}
	}
	accept := at(doc, "paths", "/accept-invite.php", "post")
	form := at(accept, "requestBody", "content", "application/x-www-form-urlencoded", "schema")
	if ref, _ := at(form, "$ref").(string); ref != "" {
		form = at(doc, "components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/"))
	}
	if req, _ := at(form, "required").([]any); len(req) != 2 {
		t.Errorf("accept-invite form = %v, want token and password required", form)
	}
	for _, code := range []string{"200", "400", "404"} {
		if at(accept, "responses", code) == nil {
			t.Errorf("accept-invite POST: no %s", code)
		}
	}
	if at(doc, "components", "responses", "Unauthorized", "headers", "WWW-Authenticate") == nil {
		t.Errorf("401 without WWW-Authenticate")
	}
	if at(doc, "components", "responses", "problem-rate_limited", "headers", "Retry-After") == nil {
		t.Errorf("429 without Retry-After")
	}
	wo := at(doc, "components", "schemas", "WorkOrderInput")
	if enum, _ := at(wo, "properties", "priority", "enum").([]any); len(enum) < len(porter.WorkOrderPriorities) {
		t.Errorf("work order priority enum = %v", at(wo, "properties", "priority"))
	}
	seedCharge := at(doc, "paths", "/api/action_create_charge.php", "post", "requestBody", "content", "application/json", "schema")
	if ref, _ := at(seedCharge, "$ref").(string); ref != "" {
		seedCharge = at(doc, "components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/"))
	}
	if alts, _ := at(seedCharge, "properties", "amount", "oneOf").([]any); len(alts) < 2 {
		t.Errorf("seed amount = %v, want number or numeric string", at(seedCharge, "properties", "amount"))
	}
}

// TestOpenAPIRequiredMatchesValidation sends {} to every endpoint that
// creates something and compares the fields the 400 says are required
// with those the document marks required.
func TestOpenAPIRequiredMatchesValidation(t *testing.T) {
	each(t, func(t *testing.T, a *api) {
		doc, routes := spec(t, a)
		for _, rt := range routes {
			if rt.Method != "POST" || strings.Contains(rt.Path, "{") || rt.Page || rt.Path == "/v1/documents" {
				continue
			}
			schema := at(doc, "paths", rt.Path, "post", "requestBody", "content", "application/json", "schema")
			if schema == nil {
				continue
			}
			if ref, _ := at(schema, "$ref").(string); ref != "" {
				schema = at(doc, "components", "schemas", strings.TrimPrefix(ref, "#/components/schemas/"))
			}
			documented := map[string]bool{}
			req, _ := at(schema, "required").([]any)
			for _, f := range req {
				documented[f.(string)] = true
			}
			r := a.do("POST", rt.Path, `{}`)
			if r.Status != http.StatusBadRequest {
				if len(documented) > 0 {
					t.Errorf("POST %s {}: %d, but %v are documented as required", rt.Path, r.Status, req)
				}
				continue
			}
			faulted := map[string]string{} // field -> message
			if errs, ok := r.JSON["errors"].([]any); ok {
				for _, e := range errs {
					faulted[at(e, "field").(string)] = at(e, "message").(string)
				}
			} else if msg, ok := r.JSON["error"].(string); ok {
				for _, part := range strings.Split(msg, "; ") {
					if field, rest, ok := strings.Cut(part, " "); ok {
						faulted[field] = rest
					}
				}
			}
			for f := range documented {
				if _, ok := faulted[f]; !ok {
					t.Errorf("POST %s: %s is documented as required, but {} is not refused for it: %s", rt.Path, f, r.Body)
				}
			}
			for f, msg := range faulted {
				if strings.HasPrefix(msg, "is required") && !documented[f] {
					t.Errorf("POST %s: {} is refused with %q, but the document does not mark %s required", rt.Path, f+" "+msg, f)
				}
			}
		}
	})
}
