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
	s.handle(&route{Method: post, Path: "/api/action_create_work_order.php", API: seedAPI, Scope: "work_orders:write", Tag: "Seed API",
		Summary: "Open a maintenance request", Request: seedWorkOrderRequest{}, Key: "work_order", Response: workOrderView{}}, s.handleSeedCreateWorkOrder())
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

	s.handle(&route{Method: get, Path: "/v1/vendors", API: v1API, Scope: "vendors:read", Tag: "Vendors",
		Summary: "List vendors", Response: []vendorView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: []string{"active", "inactive"}}, queryParam{Name: "trade", Type: "string"})}, s.handleListVendors())
	s.handle(&route{Method: post, Path: "/v1/vendors", API: v1API, Scope: "vendors:write", Tag: "Vendors",
		Summary: "Create a vendor", Request: vendorInput{}, Response: vendorView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateVendor))
	s.handle(&route{Method: get, Path: "/v1/vendors/{id}", API: v1API, Scope: "vendors:read", Tag: "Vendors",
		Summary: "Get a vendor", Response: vendorView{}}, getOne("vendor", s.svc.Vendor))
	s.handle(&route{Method: patch, Path: "/v1/vendors/{id}", API: v1API, Scope: "vendors:write", Tag: "Vendors",
		Summary: "Update a vendor", Request: vendorInput{}, Response: vendorView{}}, updateOne(s, "vendor", s.svc.UpdateVendor))

	s.handle(&route{Method: get, Path: "/v1/work_orders", API: v1API, Scope: "work_orders:read", Tag: "Work orders",
		Summary: "List work orders", Response: []workOrderView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: workOrderStatuses},
			queryParam{Name: "priority", Type: "string", Enum: workOrderPriorities},
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "vendor_id", Type: "integer"})}, s.handleListWorkOrders())
	s.handle(&route{Method: post, Path: "/v1/work_orders", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Open a work order (due_at: emergency 4h, high 24h, normal 72h, low 7 days after creation)",
		Request: workOrderInput{}, Response: workOrderView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateWorkOrder))
	s.handle(&route{Method: get, Path: "/v1/work_orders/{id}", API: v1API, Scope: "work_orders:read", Tag: "Work orders",
		Summary: "Get a work order", Response: workOrderView{}}, getOne("work order", s.svc.WorkOrder))
	s.handle(&route{Method: patch, Path: "/v1/work_orders/{id}", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Update a work order", Request: workOrderPatch{}, Response: workOrderView{}}, updateOne(s, "work order", s.svc.UpdateWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/assign", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Assign an open or assigned work order", Request: workOrderAssignment{}, Response: workOrderView{}}, actWith(s, "work order", s.svc.AssignWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/start", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Start an assigned work order", Response: workOrderView{}}, act("work order", s.svc.StartWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/hold", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Put a work order in progress on hold", Response: workOrderView{}}, act("work order", s.svc.HoldWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/resume", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Resume a work order on hold", Response: workOrderView{}}, act("work order", s.svc.ResumeWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/complete", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Complete a work order in progress", Request: workOrderCompletion{}, Response: workOrderView{}}, actWith(s, "work order", s.svc.CompleteWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/verify", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Verify a completed work order", Response: workOrderView{}}, act("work order", s.svc.VerifyWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/close", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Close a verified work order", Response: workOrderView{}}, act("work order", s.svc.CloseWorkOrder))
	s.handle(&route{Method: post, Path: "/v1/work_orders/{id}/cancel", API: v1API, Scope: "work_orders:write", Tag: "Work orders",
		Summary: "Cancel a work order that is not closed or cancelled", Response: workOrderView{}}, act("work order", s.svc.CancelWorkOrder))

	s.handle(&route{Method: get, Path: "/v1/events", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "List events, newest first", Response: []eventView{}, List: true, Query: append(listParams,
			queryParam{Name: "type", Type: "string", Description: "An event name or alias"}, queryParam{Name: "since", Type: "date-time", Description: "Only events fired at or after this time"})}, s.handleListEvents())
	s.handle(&route{Method: get, Path: "/v1/events/{id}", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "Get an event", Response: eventView{}}, s.handleGetEvent())

	// Pages for people: the invitation a tenant accepts.
	s.handle(&route{Method: get, Path: "/accept-invite.php", API: pageAPI}, s.handleAcceptPage())
	s.handle(&route{Method: post, Path: "/accept-invite.php", API: pageAPI}, s.handleAccept())
}
