package porter

import (
	"sort"
	"strings"
)

// EventType describes one kind of event. The catalog drives the triggers
// list, subscription validation, the docs and the OpenAPI spec.
type EventType struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Fields      []string `json:"fields"` // the key data fields
	Scope       string   `json:"scope"`  // needed to receive it
	Aliases     []string `json:"aliases,omitempty"`
	Pollable    bool     `json:"-"` // offered by GET /api/trigger_poll.php
	// From lists the named events a per-model sync event derives from
	// (seed 001); empty for every named event.
	From []string `json:"-"`
}

// Catalog lists every event Porter emits. Names and key fields follow seed
// 000 where it names them; seed 002 gives the lifecycle events; aliases
// accept the names other seeds use for the same happening.
var Catalog = []EventType{
	{Name: "property.created", Description: "A property is added", Fields: []string{"id", "name", "address"}, Scope: "properties:read"},
	{Name: "property.updated", Description: "A property is edited", Fields: []string{"id", "name", "address"}, Scope: "properties:read"},
	{Name: "property.archived", Description: "A property is archived", Fields: []string{"id", "name", "archived_at"}, Scope: "properties:read"},
	{Name: "unit.created", Description: "A unit is added to a property", Fields: []string{"id", "property_id", "name"}, Scope: "units:read"},
	{Name: "unit.updated", Description: "A unit is edited", Fields: []string{"id", "property_id", "name", "status"}, Scope: "units:read"},

	{Name: "tenant.created", Description: "A tenant user is invited or created", Fields: []string{"id", "email", "first_name", "last_name"}, Scope: "tenants:read", Pollable: true},
	{Name: "tenant.updated", Description: "A tenant is edited", Fields: []string{"id", "email", "first_name", "last_name", "status"}, Scope: "tenants:read"},
	{Name: "tenant.invitation_resent", Description: "An invited tenant is sent a new invitation; the previous link stops working", Fields: []string{"id", "email", "status"}, Scope: "tenants:read"},
	{Name: "tenant.activated", Description: "A tenant accepts the invitation and sets a password", Fields: []string{"id", "email", "status"}, Scope: "tenants:read"},

	{Name: "lease.created", Description: "A new lease is drafted", Fields: []string{"id", "unit_id", "tenant_id", "start_date", "end_date", "monthly_rent"}, Scope: "leases:read"},
	{Name: "lease.updated", Description: "A lease is edited", Fields: []string{"id", "unit_id", "tenant_id", "status"}, Scope: "leases:read"},
	{Name: "lease.activated", Description: "A lease is signed and becomes active", Fields: []string{"id", "unit_id", "tenant_id", "start_date", "end_date"}, Scope: "leases:read", Aliases: []string{"lease.signed"}},
	{Name: "lease.renewed", Description: "A lease is renewed to a new end date", Fields: []string{"id", "end_date", "monthly_rent"}, Scope: "leases:read", Aliases: []string{"subscription.renewed"}},
	{Name: "lease.expiring_soon", Description: "A lease enters the renewal alert window (default: 60 days before end)", Fields: []string{"id", "tenant_id", "end_date", "days_remaining"}, Scope: "leases:read"},
	{Name: "lease.expired", Description: "A lease passes its end date", Fields: []string{"id", "unit_id", "tenant_id", "end_date"}, Scope: "leases:read"},
	{Name: "lease.terminated", Description: "A lease is terminated before its end", Fields: []string{"id", "unit_id", "tenant_id", "terminated_at"}, Scope: "leases:read"},

	{Name: "organization.updated", Description: "An organization's name or settings (such as its lease alert days or charge categories) change", Fields: []string{"id", "name", "lease_alert_days", "charge_categories"}, Scope: "settings:read"},

	{Name: "charge.created", Description: "A charge is added to a tenant", Fields: []string{"id", "tenant_id", "amount", "due_date", "category"}, Scope: "charges:read"},
	{Name: "charge.updated", Description: "A charge is paid, partly paid, voided or edited", Fields: []string{"id", "tenant_id", "amount", "balance", "status"}, Scope: "charges:read"},

	{Name: "payment.succeeded", Description: "A payment is successfully recorded (Stripe or manual)", Fields: []string{"id", "tenant_id", "amount", "method", "created_at"}, Scope: "payments:read", Aliases: []string{"payment.received"}, Pollable: true},
	{Name: "payment.failed", Description: "A payment attempt fails", Fields: []string{"id", "tenant_id", "amount", "error"}, Scope: "payments:read"},

	{Name: "vendor.created", Description: "A vendor is added", Fields: []string{"id", "name", "trade"}, Scope: "vendors:read"},
	{Name: "vendor.updated", Description: "A vendor is edited", Fields: []string{"id", "name", "trade"}, Scope: "vendors:read"},

	{Name: "work_order.created", Description: "A maintenance request is opened (by tenant or manager)", Fields: []string{"id", "unit_id", "title", "priority", "reported_by"}, Scope: "work_orders:read", Aliases: []string{"maintenance.created", "work_request.submitted"}, Pollable: true},
	{Name: "work_order.updated", Description: "A work order is edited or its status changes", Fields: []string{"id", "unit_id", "title", "status", "priority"}, Scope: "work_orders:read"},
	{Name: "work_order.assigned", Description: "A work order is assigned to a vendor or technician", Fields: []string{"id", "title", "assigned_to", "vendor_id"}, Scope: "work_orders:read", Aliases: []string{"maintenance.assigned"}},
	{Name: "work_order.started", Description: "Work on a work order starts", Fields: []string{"id", "title", "status"}, Scope: "work_orders:read"},
	{Name: "work_order.on_hold", Description: "A work order is put on hold", Fields: []string{"id", "title", "status"}, Scope: "work_orders:read"},
	{Name: "work_order.resumed", Description: "A work order on hold resumes", Fields: []string{"id", "title", "status"}, Scope: "work_orders:read"},
	{Name: "work_order.completed", Description: "A work order status is set to completed", Fields: []string{"id", "unit_id", "title", "completed_at"}, Scope: "work_orders:read", Aliases: []string{"maintenance.resolved"}, Pollable: true},
	{Name: "work_order.verified", Description: "Completed work is verified", Fields: []string{"id", "title", "verified_at"}, Scope: "work_orders:read"},
	{Name: "work_order.closed", Description: "A work order is closed", Fields: []string{"id", "title", "closed_at"}, Scope: "work_orders:read"},
	{Name: "work_order.cancelled", Description: "A work order is cancelled", Fields: []string{"id", "title", "status"}, Scope: "work_orders:read"},
	{Name: "work_order.escalated", Description: "A work order is raised to emergency priority", Fields: []string{"id", "unit_id", "title", "priority"}, Scope: "work_orders:read", Aliases: []string{"maintenance.urgent"}},
	{Name: "work_order.sla_breached", Description: "A work order is still unresolved past its priority's deadline", Fields: []string{"id", "title", "priority", "due_at"}, Scope: "work_orders:read"},

	{Name: "inspection.scheduled", Description: "An inspection is scheduled", Fields: []string{"id", "property_id", "unit_id", "scheduled_for"}, Scope: "inspections:read"},
	{Name: "inspection.started", Description: "An inspection starts", Fields: []string{"id", "property_id", "unit_id", "status"}, Scope: "inspections:read"},
	{Name: "inspection.failed_item", Description: "A checklist item of an inspection is recorded as failed", Fields: []string{"id", "inspection_id", "label", "notes"}, Scope: "inspections:read"},
	{Name: "inspection.submitted", Description: "An inspection is submitted for review", Fields: []string{"id", "property_id", "unit_id", "completed_at"}, Scope: "inspections:read"},
	{Name: "inspection.completed", Description: "An inspection is marked as completed", Fields: []string{"id", "property_id", "unit_id", "completed_at"}, Scope: "inspections:read"},
	{Name: "inspection.approved", Description: "A submitted inspection is approved", Fields: []string{"id", "property_id", "unit_id", "status"}, Scope: "inspections:read"},
	{Name: "inspection.updated", Description: "A checklist item of an inspection in progress is added or recorded", Fields: []string{"id", "property_id", "unit_id", "status", "items"}, Scope: "inspections:read"},
	{Name: "inspection.rejected", Description: "A submitted inspection is rejected", Fields: []string{"id", "property_id", "unit_id", "status"}, Scope: "inspections:read"},

	{Name: "document.uploaded", Description: "A document is uploaded to any record", Fields: []string{"id", "title", "scope", "scope_id"}, Scope: "documents:read"},
	{Name: "staff.created", Description: "A staff member is added", Fields: []string{"id", "name", "email", "role"}, Scope: "staff:read"},
	{Name: "staff.updated", Description: "A staff member is edited", Fields: []string{"id", "name", "email", "role"}, Scope: "staff:read"},
	{Name: "broadcast.sent", Description: "A mass message or announcement is sent", Fields: []string{"id", "channel", "audience", "recipients"}, Scope: "broadcasts:read"},

	// Short-term rentals: bookings and seasonal rates (seed 003). Data is
	// data.booking (data.rate and the change for rates), as the seed shows.
	{Name: "booking.created", Description: "New booking: a stay (data.booking.kind \"stay\": id, reference, status, source, check_in, check_out, guests_count, guest_name, totals) or a tenant's amenity booking (kind \"amenity\": id, amenity_id, property_id, tenant_id, starts_at, ends_at, status); tell them apart by data.booking.kind", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.confirmed", Description: "Booking confirmed (moved from pending to confirmed) (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals)", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.updated", Description: "Booking modified (guest, dates, price); previous_attributes holds the old values (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals)", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.cancelled", Description: "Booking cancelled: a stay, with a reason (data.booking.kind \"stay\": id, reference, status, source, check_in, check_out, guests_count, guest_name, totals, cancellation_reason) or a tenant's amenity booking (kind \"amenity\": id, amenity_id, tenant_id, starts_at, ends_at, status); tell them apart by data.booking.kind", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.checked_in", Description: "Check-in confirmed (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals)", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.checked_out", Description: "Check-out confirmed (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals)", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.no_show", Description: "Guest did not show up (no-show) (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals)", Fields: []string{"booking"}, Scope: "bookings:read"},
	{Name: "booking.payment_received", Description: "Guest deposit or balance collected on a booking (data.booking: id, reference, status, source, check_in, check_out, guests_count, guest_name, totals; data.payment: amount, method, reference)", Fields: []string{"booking", "payment"}, Scope: "bookings:read"},
	{Name: "property.rate_changed", Description: "Seasonal rate added / modified / removed (yield management)", Fields: []string{"action", "rate_id", "property_id", "unit_id", "start_date", "end_date", "old_price", "new_price", "currency"}, Scope: "properties:read"},
	// Short-term rentals: invoices and reviews (seed 003). data carries the
	// resource under its name, as seed 003's examples do.
	{Name: "invoice.sent", Description: "An invoice is sent: it is numbered, dated and due", Fields: []string{"invoice"}, Scope: "invoices:read"},
	{Name: "invoice.paid", Description: "A sent invoice is marked paid", Fields: []string{"invoice"}, Scope: "invoices:read"},
	{Name: "invoice.voided", Description: "A sent invoice is voided; it keeps its number", Fields: []string{"invoice"}, Scope: "invoices:read"},
	{Name: "review.received", Description: "A guest review is received or imported; below_threshold flags a rating under the organization's alert threshold", Fields: []string{"review", "below_threshold", "alert_threshold"}, Scope: "reviews:read"},
	// Short-term rentals: owner statements and tax reports (seed 003).
	{Name: "owner.statement_ready", Description: "An owner's monthly statement is drawn up (on the 1st of the next month, or on demand); data.statement: id, owner_id, owner_name, month, currency, properties, nights, gross_revenue, commission, fees, expenses, net_to_disburse", Fields: []string{"statement"}, Scope: "statements:read"},
	{Name: "tax_report.generated", Description: "A property's monthly tourist tax report is drawn up (on the 1st of the next month, or on demand); data.tax_report: id, property_id, month, currency, nights, guest_nights, taxable_guest_nights, accommodation, tax_due, rule", Fields: []string{"tax_report"}, Scope: "tax_reports:read"},

	// Short-term rentals: cleaning tasks and messages to guests (seed 003).
	{Name: "cleaning.assigned", Description: "A cleaning task is assigned (or reassigned) to a staff member or a vendor (data.cleaning_task: id, unit_id, booking_id, status, priority, due_from, due_by, staff_id, vendor_id, checklist)", Fields: []string{"cleaning_task"}, Scope: "cleaning:read"},
	{Name: "cleaning.completed", Description: "A cleaning task is completed, with its checklist, notes and photo documents (data.cleaning_task)", Fields: []string{"cleaning_task"}, Scope: "cleaning:read"},
	{Name: "cleaning.skipped", Description: "A cleaning task is skipped with a reason, to be rescheduled (data.cleaning_task; data.rescheduled_task when a new date was given)", Fields: []string{"cleaning_task", "rescheduled_task"}, Scope: "cleaning:read"},
	{Name: "whatsapp.message_failed", Description: "A message to a guest could not be sent after its last retry (data.message: id, booking_id, to, status, error, attempts)", Fields: []string{"message"}, Scope: "whatsapp:read"},

	{Name: "webhook.created", Description: "A webhook subscription is created (through the API or a REST hook)", Fields: []string{"id", "url", "events", "source"}, Scope: "webhooks:read"},
	{Name: "webhook.updated", Description: "A webhook subscription is edited, enabled, disabled or has its secret rotated", Fields: []string{"id", "url", "events", "enabled"}, Scope: "webhooks:read"},
	{Name: "webhook.deleted", Description: "A webhook subscription is deleted (or unsubscribed)", Fields: []string{"id", "url", "events"}, Scope: "webhooks:read"},
	{Name: "webhook.disabled", Description: "Porter disables a webhook: its endpoint answered 410 Gone, or its deliveries kept failing", Fields: []string{"id", "url", "events", "disabled_reason"}, Scope: "webhooks:read"},
	{Name: "webhook.delivery_failed", Description: "A delivery failed after its last retry", Fields: []string{"id", "webhook_id", "url", "event", "event_id", "attempts", "response_status", "error"}, Scope: "webhooks:read"},

	// Short-term rentals: iCal sync (seed 003).
	{Name: "ical.conflict_detected", Description: "iCal conflict detected: an imported stay overlaps a confirmed booking or a block of its unit; it is kept as a pending booking (data.source; data.imported: uid, check_in, check_out, booking; data.existing: type, id, reference, check_in, check_out)", Fields: []string{"source", "imported", "existing"}, Scope: "properties:read"},
	{Name: "ical.sync_failed", Description: "iCal sync failure (invalid URL / source down / malformed feed): the source's status is error, and it is retried on the next run (data.source, data.error)", Fields: []string{"source", "error"}, Scope: "properties:read"},

	// Integrations (issue 11, seed 002).
	{Name: "integration.created", Description: "An integration (connector) is added", Fields: []string{"id", "name", "type", "status"}, Scope: "integrations:read"},
	{Name: "integration.updated", Description: "An integration is edited, enabled or disabled, or recovers from error (a retry or a later record succeeded)", Fields: []string{"id", "name", "type", "status"}, Scope: "integrations:read"},
	{Name: "integration.failed", Description: "An integration turns to error: records it received could not be applied (data.last_error names the mapping gap); its admins are mailed", Fields: []string{"id", "name", "status", "last_error", "open_errors"}, Scope: "integrations:read"},
	// ERP / accounting posting (issue 11): the webhook an erp or accounting
	// integration owns delivers these to its endpoint_url.
	{Name: "integration.posting.created", Description: "An erp or accounting integration posts a journal entry (and, when its rules ask, a supplier invoice) for a work order's cost, a month's costs of a property or rent collected; data is the posting (journal_entry.lines: account, debit, credit, cost_centre, supplier_code)", Fields: []string{"id", "integration_id", "source", "rule", "amount", "currency", "journal_entry", "invoice"}, Scope: "integrations:read"},
	// Facility records (seed 002): assets, warranties and compliance
	// certificates. data is the record; the expiry alerts add
	// days_remaining and threshold_days.
	{Name: "asset.created", Description: "An asset is added (by hand or imported by an integration)", Fields: []string{"id", "property_id", "unit_id", "category", "name", "condition"}, Scope: "assets:read"},
	{Name: "asset.updated", Description: "An asset is edited; previous_attributes holds the old values", Fields: []string{"id", "property_id", "unit_id", "category", "name", "condition"}, Scope: "assets:read"},
	{Name: "asset.condition_changed", Description: "An asset's condition changes (new, good, fair, poor, failed); data.previous_condition is the old one", Fields: []string{"id", "name", "condition", "previous_condition"}, Scope: "assets:read"},
	{Name: "asset.transferred", Description: "An asset is moved to another property or unit (data.from and data.to: property_id, unit_id)", Fields: []string{"id", "name", "from", "to"}, Scope: "assets:read"},
	{Name: "asset.disposed", Description: "An asset is disposed of, with a reason; it no longer changes", Fields: []string{"id", "name", "disposal_reason", "disposed_at"}, Scope: "assets:read"},
	{Name: "asset.warranty_expiring", Description: "A warranty on an asset enters its expiry window: 90, 60 and 30 days before its end date (data: the warranty, data.asset, days_remaining, threshold_days)", Fields: []string{"id", "asset_id", "provider", "end_date", "days_remaining", "threshold_days"}, Scope: "assets:read"},
	{Name: "warranty.created", Description: "A warranty is added to an asset", Fields: []string{"id", "asset_id", "provider", "policy_number", "start_date", "end_date"}, Scope: "assets:read"},
	{Name: "warranty.updated", Description: "A warranty is edited; previous_attributes holds the old values", Fields: []string{"id", "asset_id", "provider", "policy_number", "start_date", "end_date"}, Scope: "assets:read"},
	{Name: "warranty.claim_opened", Description: "A claim is opened under a warranty", Fields: []string{"id", "warranty_id", "status", "description", "work_order_id"}, Scope: "assets:read"},
	{Name: "warranty.claim_updated", Description: "A warranty claim is edited or moves on (submitted, approved, rejected, closed); previous_attributes holds the old values", Fields: []string{"id", "warranty_id", "status", "work_order_id"}, Scope: "assets:read"},
	{Name: "certificate.added", Description: "A compliance certificate is recorded", Fields: []string{"id", "type", "property_id", "asset_id", "issue_date", "expiry_date"}, Scope: "certificates:read"},
	{Name: "certificate.updated", Description: "A compliance certificate is edited or renewed (a new expiry date arms its alerts again)", Fields: []string{"id", "type", "property_id", "asset_id", "expiry_date"}, Scope: "certificates:read"},
	{Name: "certificate.expiring_soon", Description: "A compliance certificate enters its expiry window (the organization's certificate_alert_days; default 60, 30 and 7 days before)", Fields: []string{"id", "type", "property_id", "expiry_date", "days_remaining", "threshold_days"}, Scope: "certificates:read"},
	{Name: "certificate.expired", Description: "A compliance certificate's expiry date has passed (sent the day after)", Fields: []string{"id", "type", "property_id", "expiry_date", "days_remaining"}, Scope: "certificates:read"},
	// Facilities and resident events (seed 002). Amenity bookings share
	// booking.created and booking.cancelled with stays: data.booking.kind
	// tells them apart.
	{Name: "defect.created", Description: "A defect or snagging item is recorded, by hand or imported (data.defect: id, property_id, unit_id, asset_id, title, severity, status, source, external_ref, work_order_id)", Fields: []string{"defect"}, Scope: "defects:read"},
	{Name: "defect.updated", Description: "A defect is edited, re-imported with changes, started or rejected; previous_attributes holds the old values (data.defect)", Fields: []string{"defect"}, Scope: "defects:read"},
	{Name: "defect.resolved", Description: "A defect is resolved (data.defect, with its resolution)", Fields: []string{"defect"}, Scope: "defects:read"},
	{Name: "visitor_pass.created", Description: "A visitor pass is issued for a unit (data.visitor_pass: id, unit_id, tenant_id, visitor_name, expected_from, expected_until, status, code)", Fields: []string{"visitor_pass"}, Scope: "visitor_passes:read"},
	{Name: "visitor_pass.checked_in", Description: "A visitor with a pass arrives (data.visitor_pass, with checked_in_at)", Fields: []string{"visitor_pass"}, Scope: "visitor_passes:read"},
	{Name: "visitor_pass.checked_out", Description: "A visitor with a pass leaves (data.visitor_pass, with checked_out_at)", Fields: []string{"visitor_pass"}, Scope: "visitor_passes:read"},
	{Name: "announcement.acknowledged", Description: "A tenant acknowledges a broadcast (announcement), once per tenant (data.acknowledgement: id, broadcast_id, tenant_id, acknowledged_at; data.broadcast: id, subject, audience)", Fields: []string{"acknowledgement", "broadcast"}, Scope: "broadcasts:read"},

	// Per-model sync events (issue 11, seed 001): "<model>.DATA_NEW" and
	// "<model>.DATA_UPDATE", derived at fan-out from the named events in
	// From (syncevent.go), with the same event id. "*" does not include
	// them: they are subscribed to by name, "<model>.*", "*.DATA_NEW" or
	// "*.DATA_UPDATE".
	{Name: "properties.DATA_NEW", Description: "A new property record (from property.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "properties:read", From: []string{"property.created"}},
	{Name: "properties.DATA_UPDATE", Description: "A property record changed (from property.updated, property.archived); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "properties:read", From: []string{"property.updated", "property.archived"}},
	{Name: "units.DATA_NEW", Description: "A new unit record (from unit.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "units:read", From: []string{"unit.created"}},
	{Name: "units.DATA_UPDATE", Description: "A unit record changed (from unit.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "units:read", From: []string{"unit.updated"}},
	{Name: "tenants.DATA_NEW", Description: "A new tenant record (from tenant.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "tenants:read", From: []string{"tenant.created"}},
	{Name: "tenants.DATA_UPDATE", Description: "A tenant record changed (from tenant.updated, tenant.activated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "tenants:read", From: []string{"tenant.updated", "tenant.activated"}},
	{Name: "leases.DATA_NEW", Description: "A new lease record (from lease.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "leases:read", From: []string{"lease.created"}},
	{Name: "leases.DATA_UPDATE", Description: "A lease record changed (from lease.updated, lease.activated, lease.renewed, lease.terminated, lease.expired); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "leases:read", From: []string{"lease.updated", "lease.activated", "lease.renewed", "lease.terminated", "lease.expired"}},
	{Name: "charges.DATA_NEW", Description: "A new charge record (from charge.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "charges:read", From: []string{"charge.created"}},
	{Name: "charges.DATA_UPDATE", Description: "A charge record changed (from charge.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "charges:read", From: []string{"charge.updated"}},
	{Name: "payments.DATA_NEW", Description: "A new payment record (from payment.succeeded, payment.failed); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "payments:read", From: []string{"payment.succeeded", "payment.failed"}},
	{Name: "vendors.DATA_NEW", Description: "A new vendor record (from vendor.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "vendors:read", From: []string{"vendor.created"}},
	{Name: "vendors.DATA_UPDATE", Description: "A vendor record changed (from vendor.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "vendors:read", From: []string{"vendor.updated"}},
	{Name: "work_orders.DATA_NEW", Description: "A new work order record (from work_order.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "work_orders:read", From: []string{"work_order.created"}},
	{Name: "work_orders.DATA_UPDATE", Description: "A work order record changed (from work_order.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "work_orders:read", From: []string{"work_order.updated"}},
	{Name: "assets.DATA_NEW", Description: "A new asset record (from asset.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "assets:read", From: []string{"asset.created"}},
	{Name: "assets.DATA_UPDATE", Description: "A asset record changed (from asset.updated, asset.transferred, asset.disposed); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "assets:read", From: []string{"asset.updated", "asset.transferred", "asset.disposed"}},
	{Name: "warranties.DATA_NEW", Description: "A new warranty record (from warranty.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "assets:read", From: []string{"warranty.created"}},
	{Name: "warranties.DATA_UPDATE", Description: "A warranty record changed (from warranty.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "assets:read", From: []string{"warranty.updated"}},
	{Name: "certificates.DATA_NEW", Description: "A new compliance certificate record (from certificate.added); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "certificates:read", From: []string{"certificate.added"}},
	{Name: "certificates.DATA_UPDATE", Description: "A compliance certificate record changed (from certificate.updated); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "certificates:read", From: []string{"certificate.updated"}},
	{Name: "defects.DATA_NEW", Description: "A new defect record (from defect.created); for records an integration imports, only once its first full sync has completed (data: event_type, model, record_id, integration_id, record, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "source_event"}, Scope: "defects:read", From: []string{"defect.created"}},
	{Name: "defects.DATA_UPDATE", Description: "A defect record changed (from defect.updated, defect.resolved); data.changed_fields names the fields, previous_attributes holds their old values (data: event_type, model, record_id, integration_id, record, changed_fields, source_event)", Fields: []string{"event_type", "model", "record_id", "integration_id", "record", "changed_fields", "source_event"}, Scope: "defects:read", From: []string{"defect.updated", "defect.resolved"}},

	// Audit log (seed 003).
	{Name: "audit.critical_event", Description: "A critical action enters the audit log: an API key created or revoked, a webhook secret rotated or a webhook deleted, a user's role changed or a user deactivated, a mass deletion, a burst of failed sign-ins", Fields: []string{"id", "action", "actor", "resource", "reason"}, Scope: "audit:read"},
}

var (
	catalogIndex = map[string]*EventType{} // canonical names
	aliasIndex   = map[string]string{}     // alias -> canonical
)

func init() {
	for i := range Catalog {
		e := &Catalog[i]
		catalogIndex[e.Name] = e
		for _, a := range e.Aliases {
			aliasIndex[a] = e.Name
		}
	}
}

// LookupEvent resolves an event name or alias to its catalog entry.
func LookupEvent(name string) (EventType, bool) {
	if c, ok := aliasIndex[name]; ok {
		name = c
	}
	e, ok := catalogIndex[name]
	if !ok {
		return EventType{}, false
	}
	return *e, true
}

// EventNames returns every canonical event name, sorted.
func EventNames() []string {
	names := make([]string, 0, len(Catalog))
	for _, e := range Catalog {
		names = append(names, e.Name)
	}
	sort.Strings(names)
	return names
}

// namedEventNames is what "*" covers: every named event, sorted. The
// per-model sync events re-deliver named events in another shape, so a
// catch-all subscription made before they existed does not start getting
// each change twice.
func namedEventNames() []string {
	names := make([]string, 0, len(Catalog))
	for _, e := range Catalog {
		if len(e.From) == 0 {
			names = append(names, e.Name)
		}
	}
	sort.Strings(names)
	return names
}

// ExpandEventPattern resolves one subscription pattern: a name, an alias,
// "family.*", "*" (every named event) or "*.DATA_NEW" / "*.DATA_UPDATE"
// (seed 001's sync events of every model). It returns the canonical names
// it covers.
func ExpandEventPattern(p string) ([]string, bool) {
	if p == "*" {
		return namedEventNames(), true
	}
	// "*.DATA_NEW", "*.DATA_UPDATE": that kind of sync event of every model.
	if kind, ok := strings.CutPrefix(p, "*."); ok {
		var names []string
		for _, e := range Catalog {
			if len(e.From) > 0 && strings.HasSuffix(e.Name, "."+kind) {
				names = append(names, e.Name)
			}
		}
		return names, len(names) > 0
	}
	if family, ok := strings.CutSuffix(p, ".*"); ok {
		var names []string
		for _, e := range Catalog {
			if strings.HasPrefix(e.Name, family+".") || hasAliasIn(e, family) {
				names = append(names, e.Name)
			}
		}
		return names, len(names) > 0
	}
	e, ok := LookupEvent(p)
	if !ok {
		return nil, false
	}
	return []string{e.Name}, true
}

func hasAliasIn(e EventType, family string) bool {
	for _, a := range e.Aliases {
		if strings.HasPrefix(a, family+".") {
			return true
		}
	}
	return false
}
