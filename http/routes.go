package http

import "net/http"

// addRoutes declares every endpoint. Each declaration also feeds the
// OpenAPI spec.
func (s *Server) addRoutes() {
	const get, post, patch = http.MethodGet, http.MethodPost, http.MethodPatch

	// Seed 000's endpoints, at their .php paths; the extension-less paths
	// are not routed and so are 404, as the seed documents.
	s.handle(&route{Method: post, Path: "/api/action_create_tenant.php", API: seedAPI, Scope: "tenants:write", Tag: "Seed API",
		Summary: "Invite a new tenant", Request: seedTenantRequest{}, Key: "tenant", Response: tenantView{}}, s.handleSeedCreateTenant())
	s.handle(&route{Method: get, Path: "/api/triggers.php", API: seedAPI, Tag: "Seed API",
		Summary: "List available webhook events", Key: "triggers", Response: []trigger{}}, s.handleTriggers())
	s.handle(&route{Method: get, Path: "/api/trigger_poll.php", API: seedAPI, Tag: "Seed API",
		Summary: "Polling trigger for Zapier", Response: pollResponse{}, Query: pollParams}, s.handleTriggerPoll())

	// v1 resources.
	s.handle(&route{Method: get, Path: "/v1/properties", API: v1API, Scope: "properties:read", Tag: "Properties",
		Summary: "List properties", Response: []propertyView{}, List: true, Query: append(listParams, queryParam{Name: "status", Type: "string", Enum: []string{"active", "archived"}})}, s.handleListProperties())
	s.handle(&route{Method: post, Path: "/v1/properties", API: v1API, Scope: "properties:write", Tag: "Properties",
		Summary: "Create a property", Request: propertyInput{}, Response: propertyView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateProperty))
	s.handle(&route{Method: get, Path: "/v1/properties/{id}", API: v1API, Scope: "properties:read", Tag: "Properties",
		Summary: "Get a property", Response: propertyView{}}, getOne("property", s.svc.Property))
	s.handle(&route{Method: patch, Path: "/v1/properties/{id}", API: v1API, Scope: "properties:write", Tag: "Properties",
		Summary: "Update a property", Request: propertyInput{}, Response: propertyView{}}, updateOne(s, "property", s.svc.UpdateProperty))
	s.handle(&route{Method: post, Path: "/v1/properties/{id}/archive", API: v1API, Scope: "properties:write", Tag: "Properties",
		Summary: "Archive a property", Response: propertyView{}}, act("property", s.svc.ArchiveProperty))

	s.handle(&route{Method: get, Path: "/v1/units", API: v1API, Scope: "units:read", Tag: "Units",
		Summary: "List units", Response: []unitView{}, List: true, Query: append(listParams,
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "status", Type: "string", Enum: []string{"vacant", "occupied", "unavailable"}})}, s.handleListUnits())
	s.handle(&route{Method: post, Path: "/v1/units", API: v1API, Scope: "units:write", Tag: "Units",
		Summary: "Create a unit", Request: unitInput{}, Response: unitView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateUnit))
	s.handle(&route{Method: get, Path: "/v1/units/{id}", API: v1API, Scope: "units:read", Tag: "Units",
		Summary: "Get a unit", Response: unitView{}}, getOne("unit", s.svc.Unit))
	s.handle(&route{Method: patch, Path: "/v1/units/{id}", API: v1API, Scope: "units:write", Tag: "Units",
		Summary: "Update a unit", Request: unitInput{}, Response: unitView{}}, updateOne(s, "unit", s.svc.UpdateUnit))

	s.handle(&route{Method: get, Path: "/v1/tenants", API: v1API, Scope: "tenants:read", Tag: "Tenants",
		Summary: "List tenants", Response: []tenantView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: []string{"invited", "active"}}, queryParam{Name: "email", Type: "string"})}, s.handleListTenants())
	s.handle(&route{Method: post, Path: "/v1/tenants", API: v1API, Scope: "tenants:write", Tag: "Tenants",
		Summary: "Create (invite) a tenant", Request: tenantInput{}, Response: tenantView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateTenant))
	s.handle(&route{Method: get, Path: "/v1/tenants/{id}", API: v1API, Scope: "tenants:read", Tag: "Tenants",
		Summary: "Get a tenant", Response: tenantView{}}, getOne("tenant", s.svc.Tenant))
	s.handle(&route{Method: patch, Path: "/v1/tenants/{id}", API: v1API, Scope: "tenants:write", Tag: "Tenants",
		Summary: "Update a tenant", Request: tenantInput{}, Response: tenantView{}}, updateOne(s, "tenant", s.svc.UpdateTenant))

	s.handle(&route{Method: get, Path: "/v1/events", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "List events, newest first", Response: []eventView{}, List: true, Query: append(listParams,
			queryParam{Name: "type", Type: "string", Description: "An event name or alias"}, queryParam{Name: "since", Type: "date-time", Description: "Only events fired at or after this time"})}, s.handleListEvents())
	s.handle(&route{Method: get, Path: "/v1/events/{id}", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "Get an event", Response: eventView{}}, s.handleGetEvent())

	// The OpenAPI document and the API reference: public.
	s.handle(&route{Method: get, Path: "/v1/openapi.json", API: pageAPI, Tag: "Docs",
		Summary: "This OpenAPI 3.1 document", Response: map[string]any{}}, s.handleOpenAPI())
	s.handle(&route{Method: get, Path: "/docs", API: pageAPI, Tag: "Docs",
		Summary: "API reference (HTML, works offline)", Response: mediaBody("text/html")}, s.handleDocs())
	s.handle(&route{Method: get, Path: "/docs/problems", API: pageAPI, Tag: "Docs",
		Summary: "Problem types of v1 errors (HTML)", Response: mediaBody("text/html")}, s.handleProblems())
	s.handle(&route{Method: get, Path: "/docs/{file}", API: pageAPI, Tag: "Docs",
		Summary: "The reference's scripts and their licenses", Response: mediaBody("text/javascript")}, s.handleDocsAsset())

	// Pages for people: the invitation a tenant accepts.
	s.handle(&route{Method: get, Path: "/accept-invite.php", API: pageAPI}, s.handleAcceptPage())
	s.handle(&route{Method: post, Path: "/accept-invite.php", API: pageAPI}, s.handleAccept())
}
