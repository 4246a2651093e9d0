package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"porter"
)

// The OpenAPI 3.1 document is built from s.routes and the Go types of
// their bodies on every request (it takes well under a millisecond), so it
// always matches the handlers, whatever routes exist.

func (s *Server) handleOpenAPI() handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		// Public and harmless: let other origins' tools load it.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-cache")
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s.openAPI()); err != nil {
			return fmt.Errorf("encode the OpenAPI document: %w", err)
		}
		w.Header().Set("Content-Type", "application/json")
		serveRevalidated(w, r, body.Bytes())
		return nil
	}
}

// problemCodes are the error codes a v1 endpoint answers with
// problem+json, in status order.
var problemCodes = []string{porter.EINVALID, porter.EFORBIDDEN, porter.ENOTFOUND, porter.ECONFLICT,
	porter.ETOOLARGE, eUnsupportedMedia, porter.EUNPROCESS, porter.ERATELIMIT}

// openAPI returns the document.
func (s *Server) openAPI() map[string]any {
	g := newSchemas()
	version := s.cfg.Version
	if version == "" {
		version = "dev"
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": map[string]any{
			"title":       "Porter API",
			"version":     version,
			"description": apiDescription,
			"license":     map[string]any{"name": "MIT", "identifier": "MIT"},
		},
		"security": []any{map[string]any{"bearer": []string{}}},
		// Without a configured base URL the document is relative to
		// wherever it was loaded from, as OpenAPI defines for "/".
		"servers": []any{map[string]any{"url": "/", "description": "The server this document was loaded from"}},
	}
	if s.cfg.BaseURL != "" {
		doc["servers"] = []any{map[string]any{"url": strings.TrimRight(s.cfg.BaseURL, "/"), "description": "This Porter server"}}
	}

	paths := map[string]any{}
	var tags []any
	seenTag := map[string]bool{}
	for _, rt := range s.routes {
		tag := routeTag(rt)
		if !seenTag[tag] {
			seenTag[tag] = true
			tags = append(tags, map[string]any{"name": tag, "description": tagDescriptions[tag]})
		}
		p := specPath(rt.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(rt.Method)] = s.operation(rt, g)
	}
	doc["paths"] = paths
	doc["tags"] = append(tags, map[string]any{"name": "Webhooks", "description": tagDescriptions["Webhooks"]})
	doc["webhooks"] = webhooks(g)

	// Shared pieces. Built after the operations so that g holds every
	// type they reach.
	g.of(reflect.TypeFor[pageLinks](), asResponse)
	g.of(reflect.TypeFor[pageMeta](), asResponse)
	doc["components"] = map[string]any{
		"securitySchemes": map[string]any{
			"bearer": map[string]any{
				"type": "http", "scheme": "bearer", "bearerFormat": "pm_…",
				"description": "An API key, sent as `Authorization: Bearer pm_…`. Keys are issued per organization and hold scopes; `x:write` includes `x:read`.",
			},
		},
		"schemas":    s.sharedSchemas(g),
		"responses":  s.errorResponses(),
		"headers":    responseHeaders,
		"parameters": sharedParameters,
	}
	return doc
}

func routeTag(rt *route) string {
	switch {
	case rt.Tag != "":
		return rt.Tag
	case rt.API == seedAPI:
		return "Seed API"
	case rt.API == pageAPI:
		return "Pages"
	}
	return "API"
}

// tagDescriptions introduce each group of operations in the reference.
// TestOpenAPITagsDescribed fails for a tag without one.
var tagDescriptions = map[string]string{
	"Seed API":     "Seed 000's endpoints at their `.php` paths, the contract Zapier, Make and n8n integrations already use: results under a named key, every error HTTP 400 `{\"error\": \"…\"}`; ids and amounts may be sent as numeric strings.",
	"Properties":   "Buildings or sites an organization manages.",
	"Units":        "Rentable units of a property, vacant, occupied or unavailable.",
	"Tenants":      "Residents, invited by email; they activate their account on the invitation page.",
	"Inspections":  "Move-in, move-out and routine inspections with checklists, from scheduled to approved.",
	"Documents":    "Files attached to a property, unit, tenant, lease or work order.",
	"Staff":        "The organization's staff members and their roles.",
	"Broadcasts":   "Messages sent to many tenants at once, queued per recipient and channel.",
	"Charges":      "What tenants owe: rent, utilities, late fees and the like.",
	"Payments":     "Money received from tenants, allocated to their charges oldest first.",
	"Vendors":      "Contractors that work orders can be assigned to.",
	"Work orders":  "Maintenance requests, from open to closed, with service-level due times by priority.",
	"Leases":       "Agreements between a tenant and a unit, from draft to terminated or expired.",
	"Organization": "The caller's organization and its settings.",
	// Short-term rentals: owners, invoices and reviews.
	"Owners":   "Owners of the properties an agency manages for them, and which property each owns when, on what commission and fees.",
	"Invoices": "Invoices to guests or owners: drafts, then sent with a gapless number, paid or voided; rendered as PDF.",
	"Reviews":  "Guest reviews received or imported from platforms, flagged when below the organization's alert threshold.",
	// Short-term rentals: cleaning tasks and messages to guests.
	"Cleaning":           "Cleaning of units between stays: created for each confirmed booking's check-out (high priority on a same-day turnover) or by hand; assigned, started, completed or skipped.",
	"Messages to guests": "Templated messages to a booking's guest (WhatsApp), queued in an outbox and sent by the configured sender.",
	"Statements":         "Owner statements: per owner and month, the stays' revenue night by night, commission, fees, work-order expenses and the net to disburse; CSV and PDF.",
	"Tax reports":        "Tourist tax per property and month: nights, guest-nights and the tax due under the organization's rule.",
	// Facility records (seed 002).
	"Assets":                "Equipment at a property or unit, sorted into the organization's categories: condition, transfer between places, disposal; external_ref lets an integration import the same asset twice without duplicating it.",
	"Warranties":            "Warranties on assets (asset.warranty_expiring at 90, 60 and 30 days before the end) and the claims made under them.",
	"Certificates":          "Compliance certificates (fire safety, elevator, gas, electrical, water) of properties and assets, with expiry alerts and a scanned document.",
	"Events":                "Everything that happened, as sent to webhooks, kept for replay and polling.",
	"Webhook subscriptions": "URLs that receive signed events, with their secrets and health.",
	"Webhook deliveries":    "Every attempt to deliver an event, with replay, recovery and test sends.",
	"Audit log":             "Who changed what: every write, with its author, address and the fields it changed; kept three years.", // audit log
	"Docs":                  "This document and the HTML reference built from it: public, no key.",
	"Pages":                 "Pages for people rather than programs: public, no key.",
	"Webhooks":              webhookDescription,

	// Facilities and resident events (seed 002).
	"Defects":        "Defects and snagging items from handover (or later): their own records, open to resolved or rejected, idempotent by source and external_ref, linked to the work order that fixes them.",
	"Visitor passes": "Passes for tenants' visitors: issued for a unit and a time window with a code, checked in and out at the door.",
	"Amenities":      "Shared facilities tenants book (gym, meeting room, barbecue area), with a capacity of overlapping bookings; their booking.* events carry kind amenity.",
	"Meters":         "Meters on a property, unit or asset and their readings: appended in idempotent batches, listed by time, downsampled for charts.",
}

// pathParam matches a ServeMux wildcard: {id} or {rest...}.
var pathParam = regexp.MustCompile(`\{([^}]*)\}`)

// specPath turns a ServeMux path into an OpenAPI one ({rest...} -> {rest}).
func specPath(p string) string {
	return pathParam.ReplaceAllStringFunc(p, func(m string) string {
		return "{" + strings.TrimSuffix(m[1:len(m)-1], "...") + "}"
	})
}

// operationID is unique per method and path, and stable.
func operationID(method, p string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	under := false
	for _, r := range specPath(p) {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if ok {
			if under {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		}
		under = !ok
	}
	return b.String()
}

func (s *Server) operation(rt *route, g *schemas) map[string]any {
	op := map[string]any{
		"operationId": operationID(rt.Method, rt.Path),
		"tags":        []string{routeTag(rt)},
	}
	op["summary"] = rt.Summary
	if rt.Summary == "" {
		op["summary"] = rt.Method + " " + rt.Path
	}
	var desc string
	switch {
	case rt.API == pageAPI:
		desc = "Public: no API key."
		op["security"] = []any{}
	case rt.API == hookAPI:
		desc = "No API key: the call is authenticated by its signature (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) with the integration's shared secret."
		op["security"] = []any{}
	case rt.Scope != "":
		desc = fmt.Sprintf("Requires an API key with the `%s` scope.", rt.Scope)
		if res, ok := strings.CutSuffix(rt.Scope, ":read"); ok {
			desc = fmt.Sprintf("Requires an API key with the `%s` scope (or `%s:write`).", rt.Scope, res)
		}
		op["x-required-scope"] = rt.Scope
	default:
		desc = "Any valid API key: no particular scope."
	}
	if rt.API == seedAPI {
		desc += " Seed endpoint: errors are `{\"error\": \"…\"}` with HTTP 400."
		if rt.Request != nil {
			desc += " Unknown body fields are ignored, as no-code tools send extras."
		}
	}
	op["description"] = desc

	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		name := strings.TrimSuffix(m[1], "...")
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": pathParamSchema(name, rt.Response)})
	}
	for _, q := range rt.Query {
		p := map[string]any{"name": q.Name, "in": "query", "schema": queryParamSchema(q)}
		if q.Description != "" {
			p["description"] = q.Description
		}
		params = append(params, p)
	}
	authed := rt.API != pageAPI && rt.API != hookAPI
	if authed && rt.Method == http.MethodPost {
		params = append(params, map[string]any{"$ref": "#/components/parameters/Idempotency-Key"})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if body := requestBody(rt, g); body != nil {
		op["requestBody"] = body
	}
	op["responses"] = s.responses(rt, g)
	return op
}

// pathParamSchema: ids are integers unless the resource's own id is not
// (events are "evt_…"); other wildcards are strings.
func pathParamSchema(name string, response any) map[string]any {
	integer := map[string]any{"type": "integer", "minimum": 1}
	switch {
	case name == "id":
		t := typeOf(response)
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) {
			t = t.Elem()
		}
		if t != nil && t.Kind() == reflect.Struct {
			if i, ok := jsonFields(t)["id"]; ok && t.Field(i).Type.Kind() == reflect.String {
				return map[string]any{"type": "string"}
			}
		}
		return integer
	case strings.HasSuffix(name, "_id"):
		return integer
	}
	return map[string]any{"type": "string"}
}

func queryParamSchema(q queryParam) map[string]any {
	var s map[string]any
	switch q.Type {
	case "integer", "number", "boolean":
		s = map[string]any{"type": q.Type}
	case "date-time", "date":
		s = map[string]any{"type": "string", "format": q.Type}
	default:
		s = map[string]any{"type": "string"}
	}
	if len(q.Enum) > 0 {
		s["enum"] = q.Enum
	}
	return s
}

// bodyUse is how rt's request body is described: PATCH sends only what
// changes, anything else every required field.
func bodyUse(rt *route) use {
	if rt.Method == http.MethodPatch {
		return asUpdate
	}
	return asCreate
}

func requestBody(rt *route, g *schemas) map[string]any {
	if rt.API == hookAPI {
		return hookRequestBody()
	}
	if mt, ok := rt.Request.(mediaBody); ok {
		return map[string]any{"required": true, "content": map[string]any{string(mt): map[string]any{"schema": map[string]any{"type": "string", "format": "binary", "contentMediaType": string(mt)}}}}
	}
	if rt.Form {
		return map[string]any{"required": true, "content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": g.of(typeOf(rt.Request), bodyUse(rt))}}}
	}
	if rt.Raw {
		if rt.Request == nil && rt.Method == http.MethodGet {
			return nil
		}
		return map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": formSchema(typeOf(rt.Request), g)}}}
	}
	if rt.Request == nil {
		return nil
	}
	schema := map[string]any{"schema": g.of(typeOf(rt.Request), bodyUse(rt))}
	body := map[string]any{"required": true, "content": map[string]any{"application/json": schema}}
	if rt.API == v1API {
		body["description"] = "A JSON object; unknown fields are rejected with 400. On update, only the fields sent change."
	} else {
		// No-code tools send forms: their fields read as the JSON ones.
		body["content"] = map[string]any{"application/json": schema, "application/x-www-form-urlencoded": schema, "multipart/form-data": schema}
		body["description"] = "A JSON object, or a form (urlencoded or multipart) with the same fields; unknown fields are ignored, as no-code tools send extras."
	}
	return body
}

// formSchema describes a multipart upload: the fields of t by their json
// (or form) names, files as binary. With no type, one "file" part.
func formSchema(t reflect.Type, g *schemas) map[string]any {
	binary := map[string]any{"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return map[string]any{"type": "object", "properties": map[string]any{"file": binary}, "required": []string{"file"}}
	}
	props := map[string]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("form")
		if name == "" {
			name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		ft := f.Type.String()
		if name == "file" || ft == "[]uint8" || strings.Contains(ft, "multipart.FileHeader") || ft == "io.Reader" {
			props[name] = binary
			continue
		}
		props[name] = g.of(f.Type, asCreate)
	}
	out := map[string]any{"type": "object", "properties": props}
	rules := requestRules[t]
	for name, values := range rules.Enums {
		if p, ok := props[name].(map[string]any); ok {
			props[name] = withEnum(p, values, false)
		}
	}
	if len(rules.Required) > 0 {
		out["required"] = rules.Required
	}
	return out
}

func jsonContent(schema map[string]any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

// successContent is the success body of rt, nil for none.
func successContent(rt *route, g *schemas) map[string]any {
	if mt, ok := rt.Response.(mediaBody); ok {
		out := map[string]any{}
		for _, t := range strings.Split(string(mt), ",") {
			out[strings.TrimSpace(t)] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		return out
	}
	if _, ok := rt.Response.(fileBody); ok {
		// The type the file was sniffed as when uploaded: any at all.
		return map[string]any{"*/*": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	}
	if rt.Bare && rt.Status != http.StatusNoContent {
		// Inline, so that the body's data shows at the top as elsewhere;
		// and before g.of, which would list the type as a component that
		// nothing refers to.
		return jsonContent(g.object(typeOf(rt.Response), asResponse))
	}
	resp := g.of(typeOf(rt.Response), asResponse)
	switch rt.API {
	case pageAPI:
		if rt.Response == nil {
			return map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		return jsonContent(resp)
	case seedAPI:
		if rt.Key == "" {
			return jsonContent(resp)
		}
		return jsonContent(map[string]any{"type": "object", "properties": map[string]any{rt.Key: resp}, "required": []string{rt.Key}})
	}
	if rt.Status == http.StatusNoContent {
		return nil
	}
	if rt.List {
		items := resp
		if t := typeOf(rt.Response); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			items = g.of(t.Elem(), asResponse)
		}
		return jsonContent(map[string]any{
			"type": "object",
			"properties": map[string]any{
				"data":  map[string]any{"type": "array", "items": items},
				"links": ref("schemas", "PageLinks"),
				"meta":  ref("schemas", "PageMeta"),
			},
			"required":    []string{"data", "links", "meta"},
			"description": "One page, as Laravel paginates: `links` to the first, last, previous and next pages, `meta` with the counts.",
		})
	}
	return jsonContent(map[string]any{"type": "object", "properties": map[string]any{"data": resp}, "required": []string{"data"}})
}

// responses lists every status rt can answer, derived from its fields so
// that a new route, or a new rule in a shared layer, is documented by
// construction:
//
//   - API: v1 errors are problem+json, seed errors {"error"} (and every
//     seed 404, 409 and 422 is a 400), pages answer HTML or {"error"};
//   - not a page (a key is needed): 401 with WWW-Authenticate, 429 with
//     Retry-After (per key, and per client address for failed keys);
//   - Scope: 403; a {wildcard} in Path: 404;
//   - a body (Request, Raw, Form) or any POST or PATCH: 400, 413 and 415
//     (actions refuse a body that is not empty or {});
//   - Query: 400; POST, PATCH, DELETE: 409; POST: 422 (Idempotency-Key
//     reused with another body);
//   - Conditional: 206, 304, 412, 416; Also: what else the handler says.
func (s *Server) responses(rt *route, g *schemas) map[string]any {
	ok := map[string]any{"description": successDescription(rt)}
	if c := successContent(rt, g); c != nil {
		ok["content"] = c
	}
	out := map[string]any{strconv.Itoa(rt.Status): ok}
	if rt.Conditional {
		partial := map[string]any{"description": "Part of the content, for a Range request."}
		if c := successContent(rt, g); c != nil {
			partial["content"] = c
		}
		out["206"] = partial
		out["304"] = ref("responses", "NotModified")
		out["412"] = ref("responses", "PreconditionFailed")
		out["416"] = ref("responses", "RangeNotSatisfiable")
	}
	for _, code := range rt.Also {
		switch {
		case code == http.StatusMovedPermanently:
			out["301"] = ref("responses", "MovedPermanently")
		case code == http.StatusOK && rt.Status == http.StatusCreated:
			// An idempotent create: the resource already there, as it is.
			same := map[string]any{"description": "Already there: the existing resource, unchanged."}
			if c := successContent(rt, g); c != nil {
				same["content"] = c
			}
			out["200"] = same
		case rt.API == pageAPI:
			out[strconv.Itoa(code)] = ref("responses", "Page"+strconv.Itoa(code))
		case rt.API == seedAPI && code == http.StatusForbidden:
			out["403"] = ref("responses", "SeedForbidden")
		case rt.API == v1API:
			for _, c := range problemCodes {
				if statusOf(c) == code {
					out[strconv.Itoa(code)] = ref("responses", "problem-"+c)
				}
			}
		}
	}
	if rt.API == pageAPI {
		if pathParam.MatchString(rt.Path) {
			out["404"] = ref("responses", "Page404")
		}
		return out
	}
	if rt.API == hookAPI {
		return hookResponses(out)
	}

	headers := rateLimitHeaders()
	if rt.Method == http.MethodPost {
		headers["Idempotent-Replayed"] = ref("headers", "Idempotent-Replayed")
	}
	if rt.Response != nil {
		if _, ok := rt.Response.(fileBody); ok {
			headers["Content-Disposition"] = map[string]any{"description": "`attachment` with the file's name as uploaded.", "schema": map[string]any{"type": "string"}}
			headers["ETag"] = map[string]any{"description": "The file's SHA-256, quoted.", "schema": map[string]any{"type": "string"}}
		}
	}
	ok["headers"] = headers

	hasBody := rt.Request != nil || rt.Raw || rt.Form
	write := rt.Method == http.MethodPost || rt.Method == http.MethodPatch || rt.Method == http.MethodDelete
	// An action without a body still refuses one (400, 413, 415).
	bodied := hasBody || write
	invalid := bodied || len(rt.Query) > 0 || rt.List

	out["401"] = ref("responses", "Unauthorized")
	if rt.API == seedAPI {
		// Seed 000 answers every validation or processing error with 400,
		// an over-long body or an unreadable Content-Type included.
		out["400"] = ref("responses", "SeedError")
		if rt.Scope != "" {
			out["403"] = ref("responses", "SeedForbidden")
		}
		out["429"] = ref("responses", "SeedRateLimited")
		return out
	}
	add := func(code string, when bool) {
		if when {
			out[strconv.Itoa(statusOf(code))] = ref("responses", "problem-"+code)
		}
	}
	add(porter.EINVALID, invalid)
	add(porter.EFORBIDDEN, rt.Scope != "")
	add(porter.ENOTFOUND, pathParam.MatchString(rt.Path))
	add(porter.ECONFLICT, write)
	add(porter.ETOOLARGE, bodied)
	add(eUnsupportedMedia, bodied)
	add(porter.EUNPROCESS, rt.Method == http.MethodPost)
	add(porter.ERATELIMIT, true)
	return out
}

func successDescription(rt *route) string {
	if rt.Summary != "" {
		return http.StatusText(rt.Status) + ": " + strings.ToLower(rt.Summary[:1]) + rt.Summary[1:]
	}
	return http.StatusText(rt.Status)
}

// rateLimitHeaders are on every answer to a request whose key was
// accepted: the limit is counted before anything else is checked.
func rateLimitHeaders() map[string]any {
	return map[string]any{
		"X-RateLimit-Limit":     ref("headers", "X-RateLimit-Limit"),
		"X-RateLimit-Remaining": ref("headers", "X-RateLimit-Remaining"),
		"X-RateLimit-Reset":     ref("headers", "X-RateLimit-Reset"),
	}
}

// rateLimitedHeaders are a 429's: Retry-After always, the X-RateLimit
// headers when the key was known (not for too many failed keys).
func rateLimitedHeaders() map[string]any {
	h := map[string]any{"Retry-After": ref("headers", "Retry-After")}
	for name, v := range responseHeaders {
		if strings.HasPrefix(name, "X-RateLimit-") {
			optional := map[string]any{}
			for k, x := range v.(map[string]any) {
				if k != "required" {
					optional[k] = x
				}
			}
			h[name] = optional
		}
	}
	return h
}

var responseHeaders = map[string]any{
	"X-RateLimit-Limit":     map[string]any{"required": true, "description": "Requests this key may make per minute.", "schema": map[string]any{"type": "integer"}},
	"X-RateLimit-Remaining": map[string]any{"required": true, "description": "Requests left in the current one-minute window.", "schema": map[string]any{"type": "integer"}},
	"X-RateLimit-Reset":     map[string]any{"required": true, "description": "When the window resets, in Unix seconds.", "schema": map[string]any{"type": "integer"}},
	"Retry-After":           map[string]any{"required": true, "description": "Seconds to wait before retrying.", "schema": map[string]any{"type": "integer", "minimum": 1}},
	"Idempotent-Replayed":   map[string]any{"description": "`true` when this is the stored response to an earlier request with the same Idempotency-Key.", "schema": map[string]any{"type": "string", "enum": []string{"true"}}},
	"WWW-Authenticate":      map[string]any{"required": true, "description": "The scheme to authenticate with (RFC 9110).", "schema": map[string]any{"type": "string", "const": "Bearer"}},
}

var sharedParameters = map[string]any{
	"Idempotency-Key": map[string]any{
		"name": "Idempotency-Key", "in": "header",
		"description": "Any unique string (at most 255 characters). A retry with the same key and body gets the first response again and writes nothing; the same key with another body is 422.",
		"schema":      map[string]any{"type": "string", "maxLength": 255},
	},
	"X-PM-Delivery": map[string]any{
		"name": "X-PM-Delivery", "in": "header", "required": true,
		"description": "Unique id of this delivery attempt. Deduplicate on the body's `id`, which stays the same across retries.",
		"schema":      map[string]any{"type": "string"},
	},
	"X-PM-Signature": map[string]any{
		"name": "X-PM-Signature", "in": "header",
		"description": "`sha256=` and the hex HMAC-SHA256 of the raw body with the subscription's signing secret; sent when the subscription has a secret. Compare in constant time.",
		"schema":      map[string]any{"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
	},
}

// sharedSchemas adds the error bodies to the generated components.
func (s *Server) sharedSchemas(g *schemas) map[string]any {
	g.defs["Problem"] = map[string]any{
		"type":        "object",
		"description": "An RFC 9457 problem, sent as `application/problem+json`. The `type` URI names the kind of error; see /docs/problems.",
		"properties": map[string]any{
			"type":   map[string]any{"type": "string", "format": "uri-reference", "description": "Absolute when the server knows its base URL (PORTER_BASE_URL), else relative."},
			"title":  map[string]any{"type": "string"},
			"status": map[string]any{"type": "integer"},
			"detail": map[string]any{"type": "string"},
			"errors": map[string]any{"type": "array", "items": g.of(reflect.TypeFor[porter.FieldError](), asResponse), "description": "For invalid requests: each field at fault and what is wrong with it."},
		},
		"required": []string{"type", "title", "status", "detail"},
	}
	g.defs["SeedError"] = map[string]any{
		"type":       "object",
		"properties": map[string]any{"error": map[string]any{"type": "string", "description": "A human-readable error message"}},
		"required":   []string{"error"},
	}
	g.defs["Unauthorized"] = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"error":   map[string]any{"type": "string", "const": "unauthorized"},
			"message": map[string]any{"type": "string"},
		},
		"required": []string{"error", "message"},
	}
	g.defs["CodedError"] = map[string]any{
		"type": "object",
		"properties": map[string]any{
			"error":   map[string]any{"type": "string", "description": "The error code"},
			"message": map[string]any{"type": "string"},
		},
		"required": []string{"error", "message"},
	}
	return g.defs
}

func (s *Server) errorResponses() map[string]any {
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	out := map[string]any{
		"Unauthorized": map[string]any{
			"description": "The Bearer key is missing, malformed, unknown, revoked or expired. Every API answers this body (not problem+json).",
			"headers":     map[string]any{"WWW-Authenticate": ref("headers", "WWW-Authenticate")},
			"content": map[string]any{"application/json": map[string]any{
				"schema":  ref("schemas", "Unauthorized"),
				"example": unauthorizedBody,
			}},
		},
		"SeedError": map[string]any{
			"description": "A validation or processing error.",
			"headers":     rateLimitHeaders(),
			"content": map[string]any{"application/json": map[string]any{
				"schema":  ref("schemas", "SeedError"),
				"example": map[string]any{"error": "email is required"},
			}},
		},
		"SeedForbidden": map[string]any{
			"description": "The API key lacks the scope this endpoint needs.",
			"headers":     rateLimitHeaders(),
			"content": map[string]any{"application/json": map[string]any{
				"schema":  ref("schemas", "CodedError"),
				"example": map[string]any{"error": porter.EFORBIDDEN, "message": "this API key lacks the tenants:write scope"},
			}},
		},
		"SeedRateLimited": map[string]any{
			"description": "The key's requests per minute are used up.",
			"headers":     rateLimitedHeaders(),
			"content": map[string]any{"application/json": map[string]any{
				"schema":  ref("schemas", "CodedError"),
				"example": map[string]any{"error": porter.ERATELIMIT, "message": "rate limit of 60 requests per minute exceeded; retry in 12 seconds"},
			}},
		},
		"NotModified":         map[string]any{"description": "Not modified: the copy named by If-None-Match (or If-Modified-Since) is current."},
		"PreconditionFailed":  map[string]any{"description": "Precondition failed: If-Match or If-Unmodified-Since did not hold."},
		"RangeNotSatisfiable": map[string]any{"description": "Range not satisfiable: the Range asked for lies outside the content."},
		"MovedPermanently": map[string]any{
			"description": "Moved permanently, to the Location given.",
			"headers":     map[string]any{"Location": map[string]any{"required": true, "description": "Where it is now.", "schema": map[string]any{"type": "string"}}},
		},
		"HookUnauthorized": hookUnauthorized(), // integrations' receiver
		"HookProblem":      hookProblem(),
		"Page400":          pageError("The form is incomplete or wrong: the page again, saying what to fix."),
		"Page404":          pageError("Not found: a page saying why, such as an invitation token that is unknown, used or expired."),
	}
	for _, code := range problemCodes {
		status := statusOf(code)
		headers := rateLimitHeaders()
		if code == porter.ERATELIMIT {
			headers = rateLimitedHeaders()
		}
		example := map[string]any{
			"type":   base + "/docs/problems#problem-" + code,
			"title":  titleOf(code),
			"status": status,
			"detail": problemDocs[code].Example,
		}
		if code == porter.EINVALID {
			example["errors"] = []porter.FieldError{{Field: "email", Message: "is required"}}
		}
		out["problem-"+code] = map[string]any{
			"description": fmt.Sprintf("%s (`%s`): %s", titleOf(code), code, problemDocs[code].Text),
			"headers":     headers,
			"content": map[string]any{"application/problem+json": map[string]any{
				"schema":  ref("schemas", "Problem"),
				"example": example,
			}},
		}
	}
	return out
}

// pageError is a page's error: HTML for a person, or {"error"} when the
// request could not be read at all.
func pageError(desc string) map[string]any {
	return map[string]any{
		"description": desc,
		"content": map[string]any{
			"text/html":        map[string]any{"schema": map[string]any{"type": "string"}},
			"application/json": map[string]any{"schema": ref("schemas", "SeedError")},
		},
	}
}

// webhooks documents each catalog event as an OpenAPI 3.1 webhook: the
// POST Porter sends to a subscribed URL.
func webhooks(g *schemas) map[string]any {
	envelope := g.of(reflect.TypeFor[eventView](), asResponse)
	out := map[string]any{}
	for _, e := range porter.Catalog {
		props := map[string]any{}
		for _, f := range e.Fields {
			props[f] = eventFieldSchema(f)
		}
		desc := e.Description + ".\n\nKey fields of `data`: " + "`" + strings.Join(e.Fields, "`, `") + "`" + "."
		desc += fmt.Sprintf("\n\nSubscribing to it (and receiving it) requires the `%s` scope.", e.Scope)
		if len(e.Aliases) > 0 {
			desc += " Also accepted under the name" + plural(len(e.Aliases)) + " `" + strings.Join(e.Aliases, "`, `") + "`."
		}
		if e.Pollable {
			desc += " Also offered by `GET /api/trigger_poll.php`."
		}
		out[e.Name] = map[string]any{"post": map[string]any{
			"operationId":      "webhook_" + strings.NewReplacer(".", "_").Replace(e.Name),
			"summary":          e.Name,
			"description":      desc,
			"x-required-scope": e.Scope,
			"security":         []any{},
			"parameters": []any{
				map[string]any{"name": "X-PM-Event", "in": "header", "required": true, "description": "The event name", "schema": map[string]any{"type": "string", "const": e.Name}},
				ref("parameters", "X-PM-Delivery"),
				ref("parameters", "X-PM-Signature"),
			},
			"requestBody": map[string]any{"required": true, "content": jsonContent(map[string]any{
				"allOf": []any{envelope, map[string]any{
					"type": "object",
					"properties": map[string]any{
						"event": map[string]any{"const": e.Name},
						"data":  map[string]any{"type": "object", "properties": props, "required": e.Fields},
						"previous_attributes": map[string]any{"type": "object",
							"description": "On updates: the old values of the fields that changed."},
					},
				}},
			})},
			"responses": map[string]any{
				"2XX": map[string]any{"description": "Delivered. Answer quickly; any other status, or no answer in time, is retried with backoff."},
			},
		}}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// eventFieldSchema guesses a key field's type from its name, as the
// catalog names fields but does not type them.
var eventStringFields = map[string]bool{"status": true, "name": true, "title": true, "email": true, "first_name": true,
	"last_name": true, "priority": true, "method": true, "category": true, "channel": true, "trade": true, "label": true,
	"notes": true, "error": true, "scope": true, "address": true}

func eventFieldSchema(name string) map[string]any {
	switch name { // seed 001's per-model sync events
	case "integration_id":
		return map[string]any{"type": []string{"integer", "null"}, "description": "The integration that imported the record; null when it was not imported"}
	case "record":
		return map[string]any{"type": "object", "description": "The record as GET returns it"}
	case "changed_fields":
		return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "The fields that changed; previous_attributes holds their old values"}
	case "event_type":
		return map[string]any{"type": "string", "enum": []string{porter.SyncDataNew, porter.SyncDataUpdate}}
	case "model", "source_event":
		return map[string]any{"type": "string"}
	}
	switch {
	case name == "id" || strings.HasSuffix(name, "_id") || name == "days_remaining" || name == "recipients":
		return map[string]any{"type": "integer"}
	case strings.HasSuffix(name, "_at"):
		return map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	case strings.HasSuffix(name, "_date"):
		return map[string]any{"type": "string", "format": "date"}
	case name == "amount" || name == "balance" || name == "monthly_rent":
		return map[string]any{"type": "number", "description": "amount, two decimals"}
	case eventStringFields[name]:
		return map[string]any{"type": "string"}
	}
	return map[string]any{}
}

const apiDescription = `Porter's API, generated from the server's own routes.

## Two APIs

* **Seed endpoints** (` + "`/api/*.php`" + `): the contract integrations such as Zapier already use. A success is HTTP 200 with the result under a named key (` + "`{\"tenant\": {…}}`" + `); an error is HTTP 400 ` + "`{\"error\": \"…\"}`" + `.
* **v1** (` + "`/v1/…`" + `): resources as ` + "`{\"data\": …}`" + `, 201 on create, lists paginated as Laravel does (` + "`page`, `per_page`" + ` up to 100, ` + "`updated_since`" + ` for incremental sync), errors as RFC 9457 ` + "`application/problem+json`" + `: see the [problem types](/docs/problems).

## Authentication

Send an API key as ` + "`Authorization: Bearer pm_…`" + `. Each operation names the scope it needs; ` + "`x:write`" + ` includes ` + "`x:read`" + `. A missing or invalid key is 401 ` + "`{\"error\":\"unauthorized\",\"message\":\"Missing or invalid Bearer token\"}`" + ` on every API.

## Rate limits and retries

Every authenticated response carries ` + "`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`" + `; past the limit the answer is 429 with ` + "`Retry-After`" + `. A POST may carry an ` + "`Idempotency-Key`" + `: retrying it with the same body replays the first response without writing again.

## Webhook deliveries

Porter POSTs each event to the subscribed URLs with the envelope ` + "`{event, id, fired_at, data, previous_attributes?}`" + ` and the headers ` + "`X-PM-Event`, `X-PM-Delivery` and, when the subscription has a secret, `X-PM-Signature`" + `. The events are listed under Webhooks.`

const webhookDescription = "Events Porter sends to subscribed URLs. Verify `X-PM-Signature` (`sha256=` + hex HMAC-SHA256 of the raw body) and deduplicate on the event `id`."
