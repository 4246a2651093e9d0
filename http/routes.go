package http

import (
	"net/http"

	"porter"
)

// addRoutes declares every endpoint. Each declaration also feeds the
// OpenAPI spec.
func (s *Server) addRoutes() {
	const get, post, patch = http.MethodGet, http.MethodPost, http.MethodPatch

	// Seed 000's endpoints, at their .php paths; the extension-less paths
	// are not routed and so are 404, as the seed documents.
	s.handle(&route{Method: post, Path: "/api/action_create_tenant.php", API: seedAPI, Scope: "tenants:write", Tag: "Seed API",
		Summary: "Invite a new tenant", Request: seedTenantRequest{}, Key: "tenant", Response: tenantView{}}, s.handleSeedCreateTenant())
	s.handle(&route{Method: post, Path: "/api/action_record_payment.php", API: seedAPI, Scope: "payments:write", Tag: "Seed API",
		Summary: "Record a manual payment", Request: seedPaymentRequest{}, Key: "payment", Response: paymentView{}}, s.handleSeedRecordPayment())
	s.handle(&route{Method: post, Path: "/api/action_create_charge.php", API: seedAPI, Scope: "charges:write", Tag: "Seed API",
		Summary: "Add a charge to a tenant", Request: seedChargeRequest{}, Key: "charge", Response: chargeView{}}, s.handleSeedCreateCharge())
	s.handle(&route{Method: post, Path: "/api/action_create_work_order.php", API: seedAPI, Scope: "work_orders:write", Tag: "Seed API",
		Summary: "Open a maintenance request", Request: seedWorkOrderRequest{}, Key: "work_order", Response: workOrderView{}}, s.handleSeedCreateWorkOrder())
	s.handle(&route{Method: get, Path: "/api/triggers.php", API: seedAPI, Tag: "Seed API",
		Summary: "List available webhook events", Key: "triggers", Response: []trigger{}}, s.handleTriggers())
	s.handle(&route{Method: get, Path: "/api/trigger_poll.php", API: seedAPI, Tag: "Seed API", Also: []int{http.StatusForbidden}, // the event's read scope
		Summary: "Polling trigger for Zapier", Response: pollResponse{}, Query: pollParams}, s.handleTriggerPoll())
	s.handle(&route{Method: post, Path: "/api/action_send_message.php", API: seedAPI, Scope: "broadcasts:write", Tag: "Seed API",
		Summary: "Send a broadcast message", Request: seedBroadcastRequest{}, Response: seedBroadcastResponse{}}, s.handleSeedSendMessage())
	s.handle(&route{Method: post, Path: "/api/subscribe.php", API: seedAPI, Scope: "webhooks:write", Tag: "Seed API",
		Summary: "Subscribe a URL to an event (REST hook)", Request: seedSubscribeRequest{}, Key: "subscription", Response: seedSubscription{}}, s.handleSeedSubscribe())
	s.handle(&route{Method: post, Path: "/api/unsubscribe.php", API: seedAPI, Scope: "webhooks:write", Tag: "Seed API",
		Summary: "Remove a subscription (REST hook)", Request: seedUnsubscribeRequest{}, Response: seedUnsubscribeResponse{}}, s.handleSeedUnsubscribe())

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
			queryParam{Name: "status", Type: "string", Enum: []string{"invited", "active"}}, queryParam{Name: "email", Type: "string"},
			queryParam{Name: "search", Type: "string", Description: "Part of the email or of the full name, ignoring case"})}, s.handleListTenants())
	s.handle(&route{Method: post, Path: "/v1/tenants", API: v1API, Scope: "tenants:write", Tag: "Tenants",
		Summary: "Create (invite) a tenant", Request: tenantInput{}, Response: tenantView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateTenant))
	s.handle(&route{Method: get, Path: "/v1/tenants/{id}", API: v1API, Scope: "tenants:read", Tag: "Tenants",
		Summary: "Get a tenant", Response: tenantView{}}, getOne("tenant", s.svc.Tenant))
	s.handle(&route{Method: patch, Path: "/v1/tenants/{id}", API: v1API, Scope: "tenants:write", Tag: "Tenants",
		Summary: "Update a tenant", Request: tenantInput{}, Response: tenantView{}}, updateOne(s, "tenant", s.svc.UpdateTenant))
	s.handle(&route{Method: post, Path: "/v1/tenants/{id}/resend-invitation", API: v1API, Scope: "tenants:write", Tag: "Tenants",
		Summary: "Send an invited tenant a new invitation (the previous link stops working)", Response: tenantView{}}, act("tenant", s.svc.ResendInvitation))

	s.handle(&route{Method: get, Path: "/v1/inspections", API: v1API, Scope: "inspections:read", Tag: "Inspections",
		Summary: "List inspections", Response: []inspectionView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: porter.InspectionStatuses},
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "unit_id", Type: "integer"})}, s.handleListInspections())
	s.handle(&route{Method: post, Path: "/v1/inspections", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Schedule an inspection", Request: inspectionInput{}, Response: inspectionView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateInspection))
	s.handle(&route{Method: get, Path: "/v1/inspections/{id}", API: v1API, Scope: "inspections:read", Tag: "Inspections",
		Summary: "Get an inspection with its items", Response: inspectionView{}}, getOne("inspection", s.svc.Inspection))
	s.handle(&route{Method: post, Path: "/v1/inspections/{id}/start", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Start a scheduled inspection", Response: inspectionView{}}, act("inspection", s.svc.StartInspection))
	s.handle(&route{Method: post, Path: "/v1/inspections/{id}/items", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Add a checklist item to an inspection in progress", Request: inspectionItemInput{}, Response: inspectionView{}, Status: http.StatusCreated}, s.handleAddInspectionItem())
	s.handle(&route{Method: patch, Path: "/v1/inspections/{id}/items/{item_id}", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Record a checklist item's result or notes", Request: inspectionItemInput{}, Response: inspectionView{}}, s.handleUpdateInspectionItem())
	s.handle(&route{Method: post, Path: "/v1/inspections/{id}/submit", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Submit an inspection for review (every item needs a result)", Response: inspectionView{}}, act("inspection", s.svc.SubmitInspection))
	s.handle(&route{Method: post, Path: "/v1/inspections/{id}/approve", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Approve a submitted inspection", Response: inspectionView{}}, act("inspection", s.svc.ApproveInspection))
	s.handle(&route{Method: post, Path: "/v1/inspections/{id}/reject", API: v1API, Scope: "inspections:write", Tag: "Inspections",
		Summary: "Reject a submitted inspection, with a reason", Request: rejectInput{}, Response: inspectionView{}}, actWith(s, "inspection", s.svc.RejectInspection))

	s.handle(&route{Method: get, Path: "/v1/documents", API: v1API, Scope: "documents:read", Tag: "Documents",
		Summary: "List documents", Response: []documentView{}, List: true, Query: append(listParams,
			queryParam{Name: "scope", Type: "string", Enum: porter.DocumentScopes}, queryParam{Name: "scope_id", Type: "integer"})}, s.handleListDocuments())
	s.handle(&route{Method: post, Path: "/v1/documents", API: v1API, Scope: "documents:write", Tag: "Documents", Raw: true,
		Summary: "Upload a document (multipart/form-data: file, title, scope, scope_id)", Request: documentUpload{}, Response: documentView{}, Status: http.StatusCreated}, s.handleUploadDocument())
	s.handle(&route{Method: get, Path: "/v1/documents/{id}", API: v1API, Scope: "documents:read", Tag: "Documents",
		Summary: "Get a document's metadata", Response: documentView{}}, getOne("document", s.svc.Document))
	s.handle(&route{Method: get, Path: "/v1/documents/{id}/download", API: v1API, Scope: "documents:read", Tag: "Documents", Conditional: true,
		Summary: "Download a document's file, with the content type it was sniffed as", Response: fileBody{}}, s.handleDownloadDocument())

	s.handle(&route{Method: get, Path: "/v1/staff", API: v1API, Scope: "staff:read", Tag: "Staff",
		Summary: "List staff", Response: []staffView{}, List: true, Query: append(listParams, queryParam{Name: "role", Type: "string", Enum: porter.StaffRoles})}, s.handleListStaff())
	s.handle(&route{Method: post, Path: "/v1/staff", API: v1API, Scope: "staff:write", Tag: "Staff",
		Summary: "Add a staff member", Request: staffInput{}, Response: staffView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateStaff))
	s.handle(&route{Method: get, Path: "/v1/staff/{id}", API: v1API, Scope: "staff:read", Tag: "Staff",
		Summary: "Get a staff member", Response: staffView{}}, getOne("staff member", s.svc.Staff))
	s.handle(&route{Method: patch, Path: "/v1/staff/{id}", API: v1API, Scope: "staff:write", Tag: "Staff",
		Summary: "Update a staff member", Request: staffInput{}, Response: staffView{}}, updateOne(s, "staff member", s.svc.UpdateStaff))

	s.handle(&route{Method: get, Path: "/v1/broadcasts", API: v1API, Scope: "broadcasts:read", Tag: "Broadcasts",
		Summary: "List broadcasts", Response: []broadcastView{}, List: true, Query: append(listParams, queryParam{Name: "audience", Type: "string", Enum: porter.BroadcastAudiences})}, s.handleListBroadcasts())
	s.handle(&route{Method: post, Path: "/v1/broadcasts", API: v1API, Scope: "broadcasts:write", Tag: "Broadcasts",
		Summary: "Send a broadcast: queue one message per recipient and channel", Request: broadcastInput{}, Response: broadcastView{}, Status: http.StatusCreated}, createOne(s, s.svc.SendBroadcast))
	s.handle(&route{Method: get, Path: "/v1/broadcasts/{id}", API: v1API, Scope: "broadcasts:read", Tag: "Broadcasts",
		Summary: "Get a broadcast", Response: broadcastView{}}, getOne("broadcast", s.svc.Broadcast))
	s.handle(&route{Method: get, Path: "/v1/broadcasts/{id}/messages", API: v1API, Scope: "broadcasts:read", Tag: "Broadcasts",
		Summary: "List a broadcast's outbox messages", Response: []messageView{}, List: true, Query: listParams}, s.handleBroadcastMessages())
	s.handle(&route{Method: get, Path: "/v1/charges", API: v1API, Scope: "charges:read", Tag: "Charges",
		Summary: "List charges", Response: []chargeView{}, List: true, Query: append(listParams,
			queryParam{Name: "tenant_id", Type: "integer"}, queryParam{Name: "lease_id", Type: "integer"},
			queryParam{Name: "status", Type: "string", Enum: []string{"open", "partially_paid", "paid", "void"}},
			queryParam{Name: "overdue_on", Type: "string", Description: "A date (YYYY-MM-DD): only the charges still owing that day whose due date is before it"},
			queryParam{Name: "category", Type: "string", Description: "One of the organization's charge_categories (GET /v1/organization)"})}, s.handleListCharges())
	s.handle(&route{Method: post, Path: "/v1/charges", API: v1API, Scope: "charges:write", Tag: "Charges",
		Summary: "Create a charge", Request: chargeInput{}, Response: chargeView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateCharge))
	s.handle(&route{Method: get, Path: "/v1/charges/{id}", API: v1API, Scope: "charges:read", Tag: "Charges",
		Summary: "Get a charge", Response: chargeView{}}, getOne("charge", s.svc.Charge))
	s.handle(&route{Method: patch, Path: "/v1/charges/{id}", API: v1API, Scope: "charges:write", Tag: "Charges",
		Summary: "Update an open charge", Request: chargeUpdate{}, Response: chargeView{}}, updateOne(s, "charge", s.svc.UpdateCharge))
	s.handle(&route{Method: post, Path: "/v1/charges/{id}/void", API: v1API, Scope: "charges:write", Tag: "Charges",
		Summary: "Void a charge with no payments applied", Response: chargeView{}}, act("charge", s.svc.VoidCharge))

	s.handle(&route{Method: get, Path: "/v1/payments", API: v1API, Scope: "payments:read", Tag: "Payments",
		Summary: "List payments", Response: []paymentView{}, List: true, Query: append(listParams,
			queryParam{Name: "tenant_id", Type: "integer"}, queryParam{Name: "status", Type: "string", Enum: []string{"succeeded", "failed"}},
			queryParam{Name: "method", Type: "string"})}, s.handleListPayments())
	s.handle(&route{Method: post, Path: "/v1/payments", API: v1API, Scope: "payments:write", Tag: "Payments",
		Summary: "Record a payment", Request: paymentInput{}, Response: paymentView{}, Status: http.StatusCreated}, createOne(s, s.svc.RecordPayment))
	s.handle(&route{Method: get, Path: "/v1/payments/{id}", API: v1API, Scope: "payments:read", Tag: "Payments",
		Summary: "Get a payment with its allocations", Response: paymentView{}}, getOne("payment", s.svc.Payment))
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
			queryParam{Name: "vendor_id", Type: "integer"},
			queryParam{Name: "q", Type: "string", Description: "Only work orders whose title contains this text, in any case"},
			queryParam{Name: "overdue", Type: "boolean", Description: "true: only unresolved work orders (open, assigned, in_progress, on_hold) past their due_at"})}, s.handleListWorkOrders())
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
	s.handle(&route{Method: get, Path: "/v1/leases", API: v1API, Scope: "leases:read", Tag: "Leases",
		Summary: "List leases", Response: []leaseView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: leaseStatuses}, queryParam{Name: "unit_id", Type: "integer"},
			queryParam{Name: "tenant_id", Type: "integer"}, queryParam{Name: "property_id", Type: "integer"})}, s.handleListLeases())
	s.handle(&route{Method: post, Path: "/v1/leases", API: v1API, Scope: "leases:write", Tag: "Leases",
		Summary: "Draft a lease", Request: leaseInput{}, Response: leaseView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateLease))
	s.handle(&route{Method: get, Path: "/v1/leases/{id}", API: v1API, Scope: "leases:read", Tag: "Leases",
		Summary: "Get a lease", Response: leaseView{}}, getOne("lease", s.svc.Lease))
	s.handle(&route{Method: patch, Path: "/v1/leases/{id}", API: v1API, Scope: "leases:write", Tag: "Leases",
		Summary: "Update a draft lease", Request: leaseInput{}, Response: leaseView{}}, updateOne(s, "lease", s.svc.UpdateLease))
	s.handle(&route{Method: post, Path: "/v1/leases/{id}/activate", API: v1API, Scope: "leases:write", Tag: "Leases",
		Summary: "Activate (sign) a draft lease; its unit becomes occupied", Response: leaseView{}}, act("lease", s.svc.ActivateLease))
	s.handle(&route{Method: post, Path: "/v1/leases/{id}/terminate", API: v1API, Scope: "leases:write", Tag: "Leases",
		Summary: "Terminate an active lease; its unit becomes vacant", Request: terminateInput{}, Response: leaseView{}}, actWith(s, "lease", s.svc.TerminateLease))
	s.handle(&route{Method: post, Path: "/v1/leases/{id}/renew", API: v1API, Scope: "leases:write", Tag: "Leases",
		Summary: "Renew an active or expired lease to a later end date", Request: renewInput{}, Response: leaseView{}}, actWith(s, "lease", s.svc.RenewLease))

	// Short-term rentals: bookings, blocks, seasonal rates, calendar.
	s.addRentalRoutes()
	// Short-term rentals: reports.
	s.addReportRoutes()

	s.handle(&route{Method: get, Path: "/v1/organization", API: v1API, Scope: "settings:read", Tag: "Organization",
		Summary: "Get the caller's organization and its settings", Response: organizationView{}}, s.handleGetOrganization())
	s.handle(&route{Method: patch, Path: "/v1/organization", API: v1API, Scope: "settings:write", Tag: "Organization",
		Summary: "Update the organization's name, lease alert days or charge categories", Request: organizationInput{}, Response: organizationView{}}, s.handleUpdateOrganization())

	s.handle(&route{Method: get, Path: "/v1/events", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "List events, newest first", Response: []eventView{}, List: true, Query: append(listParams,
			queryParam{Name: "type", Type: "string", Description: "An event name or alias"}, queryParam{Name: "since", Type: "date-time", Description: "Only events fired at or after this time"})}, s.handleListEvents())
	s.handle(&route{Method: get, Path: "/v1/events/stream", API: v1API, Scope: "events:read", Tag: "Events",
		Summary:  "Stream events as they commit (Server-Sent Events): `id:` is the event id, `event:` its name, `data:` the envelope; reconnect with Last-Event-ID to get what was missed first. A comment every 15 s keeps it alive; a client too slow to read is sent a `disconnect` event with the reason",
		Response: mediaBody("text/event-stream"), Query: streamParams, Also: []int{http.StatusNotFound}}, s.handleEventStream())
	s.handle(&route{Method: post, Path: "/v1/events/trigger", API: v1API, Scope: "webhooks:write", Tag: "Events",
		Summary: "Fire an event of one type for the organization (what `porter trigger` calls), with the data of its latest such event or a sample: delivered like any other to the webhooks and streams subscribed to it; the key needs the event's read scope too",
		Request: porter.TriggerInput{}, Response: eventView{}, Status: http.StatusCreated}, s.handleTriggerEvent())
	s.handle(&route{Method: get, Path: "/v1/events/{id}", API: v1API, Scope: "events:read", Tag: "Events",
		Summary: "Get an event", Response: eventView{}}, s.handleGetEvent())

	s.handle(&route{Method: get, Path: "/v1/webhooks", API: v1API, Scope: "webhooks:read", Tag: "Webhook subscriptions",
		Summary: "List webhook subscriptions", Response: []webhookView{}, List: true, Query: webhookListParams}, s.handleListWebhooks())
	s.handle(&route{Method: post, Path: "/v1/webhooks", API: v1API, Scope: "webhooks:write", Sensitive: true, Tag: "Webhook subscriptions",
		Summary: "Subscribe a URL to events (the key needs each event's read scope); the secret is returned only in this response",
		Request: webhookInput{}, Response: webhookWithSecret{}, Status: http.StatusCreated}, s.handleCreateWebhook())
	s.handle(&route{Method: get, Path: "/v1/webhooks/{id}", API: v1API, Scope: "webhooks:read", Tag: "Webhook subscriptions",
		Summary: "Get a webhook subscription", Response: webhookView{}}, getOne("webhook", s.svc.Webhook))
	s.handle(&route{Method: patch, Path: "/v1/webhooks/{id}", API: v1API, Scope: "webhooks:write", Tag: "Webhook subscriptions",
		Summary: "Update a webhook subscription; enabling it clears disabled_reason", Request: webhookPatch{}, Response: webhookView{}}, s.handleUpdateWebhook())
	s.handle(&route{Method: http.MethodDelete, Path: "/v1/webhooks/{id}", API: v1API, Scope: "webhooks:write", Tag: "Webhook subscriptions",
		Summary: "Delete a webhook subscription", Status: http.StatusNoContent}, s.handleDeleteWebhook())
	s.handle(&route{Method: post, Path: "/v1/webhooks/{id}/rotate_secret", API: v1API, Scope: "webhooks:write", Sensitive: true, Tag: "Webhook subscriptions",
		Summary: "Give a webhook a new secret, returned only in this response; the old one keeps signing for 24 hours",
		Request: rotateSecretInput{}, Response: webhookWithSecret{}}, actWith(s, "webhook", s.svc.RotateWebhookSecret))
	// Issue 12, webhook signing: the organization's ed25519 public keys (JWKS).
	s.addWebhookSigningRoutes()
	s.handle(&route{Method: post, Path: "/v1/webhooks/{id}/test", API: v1API, Scope: "webhooks:write", Tag: "Webhook deliveries",
		Summary: "Send a sample payload of one of the webhook's events (default: its first), marked as a test; attempted once, never retried",
		Request: testInput{}, Response: deliveryView{}, Status: http.StatusAccepted}, actWith(s, "webhook", s.svc.TestWebhook))
	s.handle(&route{Method: post, Path: "/v1/webhooks/{id}/recover", API: v1API, Scope: "webhooks:write", Tag: "Webhook deliveries",
		Summary: "Send again every failed delivery of the webhook created since a time, each with a fresh retry schedule",
		Request: recoverInput{}, Response: recoveryView{}, Status: http.StatusAccepted}, actWith(s, "webhook", s.svc.RecoverWebhook))
	s.handle(&route{Method: get, Path: "/v1/webhooks/{id}/deliveries", API: v1API, Scope: "webhooks:read", Tag: "Webhook deliveries",
		Summary: "List the webhook's deliveries, newest first", Response: []deliveryView{}, List: true, Query: webhookDeliveryParams}, s.handleListWebhookDeliveries())
	s.handle(&route{Method: get, Path: "/v1/deliveries", API: v1API, Scope: "webhooks:read", Tag: "Webhook deliveries",
		Summary: "List the organization's deliveries, newest first", Response: []deliveryView{}, List: true, Query: deliveryListParams}, s.handleListDeliveries())
	s.handle(&route{Method: get, Path: "/v1/deliveries/{id}", API: v1API, Scope: "webhooks:read", Tag: "Webhook deliveries",
		Summary: "Get a delivery with every attempt: request headers, response status, headers and body (capped), error", Response: deliveryView{}}, getOne("delivery", s.svc.Delivery))
	s.handle(&route{Method: post, Path: "/v1/deliveries/{id}/replay", API: v1API, Scope: "webhooks:write", Tag: "Webhook deliveries",
		Summary: "Send a delivery again now, whatever its status, with a fresh retry schedule", Response: deliveryView{}, Status: http.StatusAccepted}, act("delivery", s.svc.ReplayDelivery))

	// Short-term rentals: owners, invoices and reviews.
	s.handle(&route{Method: get, Path: "/v1/owners", API: v1API, Scope: "owners:read", Tag: "Owners",
		Summary: "List owners", Response: []ownerView{}, List: true, Query: append(listParams, queryParam{Name: "email", Type: "string"})}, s.handleListOwners())
	s.handle(&route{Method: post, Path: "/v1/owners", API: v1API, Scope: "owners:write", Tag: "Owners",
		Summary: "Create an owner", Request: ownerInput{}, Response: ownerView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateOwner))
	s.handle(&route{Method: get, Path: "/v1/owners/{id}", API: v1API, Scope: "owners:read", Tag: "Owners",
		Summary: "Get an owner", Response: ownerView{}}, getOne("owner", s.svc.Owner))
	s.handle(&route{Method: patch, Path: "/v1/owners/{id}", API: v1API, Scope: "owners:write", Tag: "Owners",
		Summary: "Update an owner", Request: ownerInput{}, Response: ownerView{}}, updateOne(s, "owner", s.svc.UpdateOwner))
	s.handle(&route{Method: http.MethodDelete, Path: "/v1/owners/{id}", API: v1API, Scope: "owners:write", Tag: "Owners",
		Summary: "Delete an owner entered by mistake (409 once linked to a property or invoiced)", Status: http.StatusNoContent}, s.handleDeleteOwner())
	s.handle(&route{Method: get, Path: "/v1/owners/{id}/properties", API: v1API, Scope: "owners:read", Tag: "Owners",
		Summary: "List an owner's property ownerships, latest start first", Response: []ownershipView{}}, s.handleOwnerProperties())
	s.handle(&route{Method: post, Path: "/v1/owners/{id}/properties", API: v1API, Scope: "owners:write", Tag: "Owners",
		Summary: "Link a property to the owner from start_date (default today), with a commission rate and fees; 409 if another owner holds it then",
		Request: ownershipInput{}, Response: ownershipView{}, Status: http.StatusCreated}, actWith(s, "owner", s.svc.LinkProperty))
	s.handle(&route{Method: patch, Path: "/v1/owners/{id}/properties/{ownership_id}", API: v1API, Scope: "owners:write", Tag: "Owners",
		Summary: "Edit an ownership's commission, fees or dates (set end_date to end it)", Request: ownershipInput{}, Response: ownershipView{}}, s.handleUpdateOwnership())
	s.handle(&route{Method: get, Path: "/v1/properties/{id}/owner", API: v1API, Scope: "owners:read", Tag: "Owners",
		Summary:  "Get who owns a property on a date (default today), with the ownership's terms; 404 if nobody does",
		Response: propertyOwner{}, Query: []queryParam{{Name: "date", Type: "string", Description: "A day, YYYY-MM-DD"}}}, s.handlePropertyOwner())

	s.handle(&route{Method: get, Path: "/v1/invoices", API: v1API, Scope: "invoices:read", Tag: "Invoices",
		Summary: "List invoices", Response: []invoiceView{}, List: true, Query: append(listParams,
			queryParam{Name: "status", Type: "string", Enum: porter.InvoiceStatuses}, queryParam{Name: "owner_id", Type: "integer"})}, s.handleListInvoices())
	s.handle(&route{Method: post, Path: "/v1/invoices", API: v1API, Scope: "invoices:write", Tag: "Invoices",
		Summary: "Draft an invoice to an owner (owner_id) or anyone (bill_to_name)", Request: invoiceInput{}, Response: invoiceView{}, Status: http.StatusCreated}, createOne(s, s.svc.CreateInvoice))
	s.handle(&route{Method: get, Path: "/v1/invoices/{id}", API: v1API, Scope: "invoices:read", Tag: "Invoices",
		Summary: "Get an invoice", Response: invoiceView{}}, getOne("invoice", s.svc.Invoice))
	s.handle(&route{Method: patch, Path: "/v1/invoices/{id}", API: v1API, Scope: "invoices:write", Tag: "Invoices",
		Summary: "Edit a draft invoice (lines replaces every line)", Request: invoiceInput{}, Response: invoiceView{}}, updateOne(s, "invoice", s.svc.UpdateInvoice))
	s.handle(&route{Method: post, Path: "/v1/invoices/{id}/send", API: v1API, Scope: "invoices:write", Tag: "Invoices",
		Summary: "Send a draft: it takes the next number, today's date and its due date", Response: invoiceView{}}, act("invoice", s.svc.SendInvoice))
	s.handle(&route{Method: post, Path: "/v1/invoices/{id}/pay", API: v1API, Scope: "invoices:write", Tag: "Invoices",
		Summary: "Mark a sent invoice paid", Request: invoicePayment{}, Response: invoiceView{}}, actWith(s, "invoice", s.svc.PayInvoice))
	s.handle(&route{Method: post, Path: "/v1/invoices/{id}/void", API: v1API, Scope: "invoices:write", Tag: "Invoices",
		Summary: "Void a draft or sent invoice (a sent one keeps its number)", Request: invoiceVoiding{}, Response: invoiceView{}}, actWith(s, "invoice", s.svc.VoidInvoice))
	s.handle(&route{Method: get, Path: "/v1/invoices/{id}/pdf", API: v1API, Scope: "invoices:read", Tag: "Invoices",
		Summary: "Render an invoice as PDF (a draft is marked DRAFT)", Response: mediaBody("application/pdf")}, s.handleInvoicePDF())

	s.handle(&route{Method: get, Path: "/v1/reviews", API: v1API, Scope: "reviews:read", Tag: "Reviews",
		Summary: "List reviews, newest first", Response: []reviewView{}, List: true, Query: append(listParams,
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "source", Type: "string", Enum: porter.ReviewSources},
			queryParam{Name: "rating_min", Type: "integer", Description: "Only ratings at or above, 1 to 5"},
			queryParam{Name: "rating_max", Type: "integer", Description: "Only ratings at or below, 1 to 5"},
			queryParam{Name: "from", Type: "date-time", Description: "Only reviews received at or after (a date or a time)"},
			queryParam{Name: "to", Type: "date-time", Description: "Only reviews received at or before (a bare date includes that whole day)"})}, s.handleListReviews())
	s.handle(&route{Method: post, Path: "/v1/reviews", API: v1API, Scope: "reviews:write", Tag: "Reviews", Also: []int{http.StatusOK},
		Summary: "Receive or import a review (201); the same source and external_id again answers 200 with the review already received",
		Request: reviewInput{}, Response: reviewView{}, Status: http.StatusCreated}, s.handleReceiveReview())
	s.handle(&route{Method: get, Path: "/v1/reviews/{id}", API: v1API, Scope: "reviews:read", Tag: "Reviews",
		Summary: "Get a review", Response: reviewView{}}, getOne("review", s.svc.Review))
	// Short-term rentals: owner statements (seed 003).
	s.handle(&route{Method: get, Path: "/v1/statements", API: v1API, Scope: "statements:read", Tag: "Statements",
		Summary: "List owner statements, newest first", Response: []statementView{}, List: true, Query: append(listParams,
			queryParam{Name: "owner_id", Type: "integer"}, queryParam{Name: "month", Type: "string", Description: "A month, YYYY-MM"})}, s.handleListStatements())
	s.handle(&route{Method: get, Path: "/v1/statements/{id}", API: v1API, Scope: "statements:read", Tag: "Statements",
		Summary: "Get an owner statement with its property lines", Response: statementView{}}, getOne("statement", s.svc.Statement))
	s.handle(&route{Method: get, Path: "/v1/statements/{id}/csv", API: v1API, Scope: "statements:read", Tag: "Statements",
		Summary: "Download a statement as CSV (a header row, a row per property line, a TOTAL row)", Response: mediaBody("text/csv")},
		s.handleStatementDocument("csv", "text/csv; charset=utf-8"))
	s.handle(&route{Method: get, Path: "/v1/statements/{id}/pdf", API: v1API, Scope: "statements:read", Tag: "Statements",
		Summary: "Download a statement as PDF", Response: mediaBody("application/pdf")}, s.handleStatementDocument("pdf", "application/pdf"))
	s.handle(&route{Method: post, Path: "/v1/owners/{id}/statements", API: v1API, Scope: "owners:write", Tag: "Statements", Also: []int{http.StatusOK},
		Summary: "Draw up an owner's statements of a month that has ended, one per currency (201); if already drawn up, 200 with them as they are",
		Request: statementInput{}, Response: []statementView{}, Status: http.StatusCreated}, s.handleGenerateStatements())
	// Short-term rentals: tourist tax rules and reports (seed 003).
	s.handle(&route{Method: get, Path: "/v1/tax_reports", API: v1API, Scope: "tax_reports:read", Tag: "Tax reports",
		Summary: "List tax reports, newest first", Response: []taxReportView{}, List: true, Query: append(listParams,
			queryParam{Name: "property_id", Type: "integer"}, queryParam{Name: "month", Type: "string", Description: "A month, YYYY-MM"})}, s.handleListTaxReports())
	s.handle(&route{Method: post, Path: "/v1/tax_reports", API: v1API, Scope: "properties:write", Tag: "Tax reports", Also: []int{http.StatusOK},
		Summary: "Draw up a month's tax reports, of one property or every property with stays (201); if already drawn up, 200 with them as they are",
		Request: taxReportInput{}, Response: []taxReportView{}, Status: http.StatusCreated}, s.handleGenerateTaxReports())
	s.handle(&route{Method: get, Path: "/v1/tax_rules", API: v1API, Scope: "tax_reports:read", Tag: "Tax reports",
		Summary: "List the tourist tax rules: the organization's default (property_id 0) and the properties' own", Response: []taxRuleView{}}, s.handleTaxRules())
	s.handle(&route{Method: post, Path: "/v1/tax_rules", API: v1API, Scope: "properties:write", Tag: "Tax reports",
		Summary: "Set the organization's default tourist tax rule, or a property's (property_id): per guest per night, percent of accommodation, a cap of nights per stay",
		Request: taxRuleInput{}, Response: taxRuleView{}, Status: http.StatusOK}, createOne(s, s.svc.SetTaxRule))
	// Short-term rentals: iCal export feeds and import sources.
	s.addICalRoutes()

	// Audit log (seed 003).
	s.handle(&route{Method: get, Path: "/v1/audit_log", API: v1API, Scope: "audit:read", Tag: "Audit log",
		Summary:  "List the audit log, newest first: every write by an API key, a console user, the CLI or Porter itself",
		Response: []auditEntryView{}, List: true, Query: auditLogParams}, s.handleListAuditLog())
	// Short-term rentals: cleaning tasks and messages to guests.
	s.addCleaningRoutes()
	// Integrations (issue 11): connectors, their log and the receiver.
	s.addIntegrationRoutes()
	// ERP / accounting posting (issue 11): postings, JSON and CSV.
	s.addIntegrationPostingRoutes()
	// Facility records: assets, warranties and compliance certificates.
	s.addFacilityRoutes()
	// Facilities and resident events: meters, defects, visitor passes,
	// amenities, acknowledgements of broadcasts.
	s.addMeterRoutes()
	s.addDefectRoutes()
	s.addResidentRoutes()

	// The OpenAPI document and the API reference: public.
	s.handle(&route{Method: get, Path: "/v1/openapi.json", API: pageAPI, Tag: "Docs", Conditional: true,
		Summary: "This OpenAPI 3.1 document", Response: map[string]any{}}, s.handleOpenAPI())
	s.handle(&route{Method: get, Path: "/docs", API: pageAPI, Tag: "Docs", Conditional: true,
		Summary: "API reference (HTML, works offline)", Response: mediaBody("text/html")}, s.handleDocs())
	s.handle(&route{Method: get, Path: "/docs/problems", API: pageAPI, Tag: "Docs", Conditional: true,
		Summary: "Problem types of v1 errors (HTML)", Response: mediaBody("text/html")}, s.handleProblems())
	s.handle(&route{Method: get, Path: "/docs/{file}", API: pageAPI, Tag: "Docs", Conditional: true, Also: []int{http.StatusMovedPermanently},
		Summary: "The reference's scripts and their licenses (index.html redirects to /docs)", Response: mediaBody("text/javascript, text/plain")}, s.handleDocsAsset())

	// Pages for people: the invitation a tenant accepts.
	s.handle(&route{Method: get, Path: "/accept-invite.php", API: pageAPI, Tag: "Pages", Also: []int{http.StatusNotFound},
		Summary: "The invitation page: a form to set a password (HTML)", Query: []queryParam{{Name: "token", Type: "string", Description: "The invitation token from the accept_url"}},
		Response: mediaBody("text/html")}, s.handleAcceptPage())
	s.handle(&route{Method: post, Path: "/accept-invite.php", API: pageAPI, Tag: "Pages", Form: true, Also: []int{http.StatusBadRequest, http.StatusNotFound},
		Summary: "Accept an invitation: set the password, the tenant becomes active (HTML)", Request: acceptForm{},
		Response: mediaBody("text/html")}, s.handleAccept())
}
