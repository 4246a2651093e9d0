package http

import (
	"reflect"

	"porter"
)

// fieldRules is what the OpenAPI spec says of a request type's fields
// beyond their Go types: which the domain's validation refuses to do
// without, and the closed lists it checks values against. The lists are
// the domain's own variables, so a value added there is documented here;
// TestOpenAPIRequiredMatchesValidation sends {} to every create endpoint
// and fails when Required and the 400's "is required" fields differ.
type fieldRules struct {
	Required []string            // on create and actions; PATCH leaves every field optional
	Enums    map[string][]string // JSON name -> allowed values
	// BlankIsUnset: seed endpoints take "" for a field left out, as
	// no-code tools send unmapped fields, so "" is allowed too.
	BlankIsUnset bool
}

var requestRules = map[reflect.Type]fieldRules{
	reflect.TypeFor[seedTenantRequest]():      {Required: []string{"email", "first_name", "last_name"}},
	reflect.TypeFor[seedPaymentRequest]():     {Required: []string{"tenant_id", "amount"}},
	reflect.TypeFor[seedChargeRequest]():      {Required: []string{"tenant_id", "amount", "description", "due_date"}},
	reflect.TypeFor[seedWorkOrderRequest]():   {Required: []string{"title", "description", "property_id"}, Enums: map[string][]string{"priority": porter.WorkOrderPriorities}, BlankIsUnset: true},
	reflect.TypeFor[seedBroadcastRequest]():   {Required: []string{"subject", "body"}, Enums: map[string][]string{"audience": porter.BroadcastAudiences, "channel": porter.BroadcastChannels}, BlankIsUnset: true},
	reflect.TypeFor[seedSubscribeRequest]():   {Required: []string{"event", "target_url"}},
	reflect.TypeFor[seedUnsubscribeRequest](): {Required: []string{"id"}},

	// Event stream: `porter trigger`.
	reflect.TypeFor[porter.TriggerInput](): {Required: []string{"event"}},

	reflect.TypeFor[porter.PropertyInput]():       {Required: []string{"name"}},
	reflect.TypeFor[porter.UnitInput]():           {Required: []string{"property_id", "name"}, Enums: map[string][]string{"status": porter.UnitStatuses}},
	reflect.TypeFor[porter.TenantInput]():         {Required: []string{"email", "first_name", "last_name"}},
	reflect.TypeFor[porter.StaffInput]():          {Required: []string{"name"}, Enums: map[string][]string{"role": porter.StaffRoles}},
	reflect.TypeFor[porter.VendorInput]():         {Required: []string{"name"}, Enums: map[string][]string{"status": porter.VendorStatuses}},
	reflect.TypeFor[porter.WorkOrderInput]():      {Required: []string{"property_id", "title", "description"}, Enums: map[string][]string{"priority": porter.WorkOrderPriorities}},
	reflect.TypeFor[porter.WorkOrderPatch]():      {Enums: map[string][]string{"priority": porter.WorkOrderPriorities}},
	reflect.TypeFor[porter.InspectionInput]():     {Required: []string{"property_id", "scheduled_for"}, Enums: map[string][]string{"kind": porter.InspectionKinds}},
	reflect.TypeFor[porter.InspectionItemInput](): {Required: []string{"label"}, Enums: map[string][]string{"result": porter.ItemResults}},
	reflect.TypeFor[porter.InspectionItemSeed]():  {Required: []string{"label"}},
	reflect.TypeFor[porter.RejectInput]():         {Required: []string{"reason"}},
	reflect.TypeFor[porter.BroadcastInput]():      {Required: []string{"subject", "body"}, Enums: map[string][]string{"audience": porter.BroadcastAudiences, "channel": porter.BroadcastChannels}},
	reflect.TypeFor[porter.ChargeInput]():         {Required: []string{"tenant_id", "amount", "description", "due_date"}},
	reflect.TypeFor[porter.PaymentInput]():        {Required: []string{"tenant_id", "amount"}, Enums: map[string][]string{"status": porter.PaymentStatuses}},
	reflect.TypeFor[porter.LeaseInput]():          {Required: []string{"unit_id", "start_date", "end_date"}},
	reflect.TypeFor[porter.RenewInput]():          {Required: []string{"end_date"}},
	reflect.TypeFor[porter.WebhookInput]():        {Required: []string{"url", "events"}, Enums: webhookSigningEnums},
	reflect.TypeFor[porter.WebhookPatch]():        {Enums: webhookSigningEnums},
	reflect.TypeFor[porter.RecoverInput]():        {Required: []string{"since"}},
	// Short-term rentals.
	reflect.TypeFor[porter.BookingInput]():        {Required: []string{"unit_id", "guest_name", "check_in", "check_out"}, Enums: map[string][]string{"status": {porter.BookingPending, porter.BookingConfirmed}, "source": porter.BookingSources}},
	reflect.TypeFor[porter.BookingPatch]():        {Enums: map[string][]string{"source": porter.BookingSources}},
	reflect.TypeFor[porter.CancelInput]():         {Required: []string{"reason"}},
	reflect.TypeFor[porter.BookingPaymentInput](): {Required: []string{"amount"}},
	reflect.TypeFor[porter.BlockInput]():          {Required: []string{"unit_id", "start_date", "end_date"}, Enums: map[string][]string{"kind": porter.BlockKinds}},
	reflect.TypeFor[porter.RateInput]():           {Required: []string{"start_date", "end_date", "nightly_price", "currency"}},
	reflect.TypeFor[documentUpload]():             {Required: []string{"file", "scope", "scope_id"}, Enums: map[string][]string{"scope": porter.DocumentScopes}},
	reflect.TypeFor[acceptForm]():                 {Required: []string{"token", "password"}},
	// Short-term rentals: owners, invoices and reviews.
	reflect.TypeFor[porter.OwnerInput]():       {Required: []string{"name"}},
	reflect.TypeFor[porter.OwnershipInput]():   {Required: []string{"property_id", "commission_rate"}},
	reflect.TypeFor[porter.InvoiceInput]():     {Required: []string{"bill_to_name", "currency"}},
	reflect.TypeFor[porter.InvoiceLineInput](): {Required: []string{"description", "unit_price"}},
	reflect.TypeFor[porter.ReviewInput]():      {Required: []string{"source", "rating"}, Enums: map[string][]string{"source": porter.ReviewSources}},
	// Short-term rentals: cleaning tasks and messages to guests.
	reflect.TypeFor[porter.CleaningTaskInput]():     {Required: []string{"unit_id", "due_from"}, Enums: map[string][]string{"priority": porter.CleaningPriorities}},
	reflect.TypeFor[porter.CleaningSkipInput]():     {Required: []string{"reason"}},
	reflect.TypeFor[porter.WhatsAppTemplateInput](): {Required: []string{"name", "body"}},
	reflect.TypeFor[porter.GuestMessageInput]():     {Required: []string{"booking_id"}},
	// Short-term rentals: owner statements and tax reports.
	reflect.TypeFor[porter.StatementInput](): {Required: []string{"month"}},
	reflect.TypeFor[porter.TaxReportInput](): {Required: []string{"month"}},
	// Facility records: assets, warranties and compliance certificates.
	reflect.TypeFor[porter.AssetCategoryInput](): {Required: []string{"name"}},
	reflect.TypeFor[porter.AssetInput]():         {Required: []string{"property_id", "name"}, Enums: map[string][]string{"condition": porter.AssetConditions}},
	reflect.TypeFor[porter.DisposeInput]():       {Required: []string{"reason"}},
	reflect.TypeFor[porter.WarrantyInput]():      {Required: []string{"provider", "start_date", "end_date"}},
	reflect.TypeFor[porter.WarrantyClaimInput](): {Required: []string{"description"}, Enums: map[string][]string{"status": porter.ClaimStatuses}},
	reflect.TypeFor[porter.CertificateInput]():   {Required: []string{"type", "issue_date", "expiry_date"}, Enums: map[string][]string{"type": porter.CertificateTypes}},
	// Facilities and resident events: meters, defects, visitor passes,
	// amenities and their bookings, acknowledgements.
	reflect.TypeFor[porter.DefectInput]():          {Required: []string{"title"}, Enums: map[string][]string{"severity": porter.DefectSeverities}},
	reflect.TypeFor[porter.DefectResolution]():     {},
	reflect.TypeFor[porter.VisitorPassInput]():     {Required: []string{"unit_id", "visitor_name", "expected_from"}},
	reflect.TypeFor[porter.AmenityInput]():         {Required: []string{"property_id", "name"}, Enums: map[string][]string{"status": porter.AmenityStatuses}},
	reflect.TypeFor[porter.AmenityBookingInput]():  {Required: []string{"amenity_id", "tenant_id", "starts_at", "ends_at"}},
	reflect.TypeFor[porter.AcknowledgementInput](): {Required: []string{"tenant_id"}},
	reflect.TypeFor[porter.MeterInput]():           {Required: []string{"name", "kind", "unit_of_measure"}, Enums: map[string][]string{"kind": porter.MeterKinds}},

	// BMS / IoT: an integration's MQTT subscription.
	reflect.TypeFor[porter.IntegrationMQTTInput](): {Required: []string{"broker_url"}},
	reflect.TypeFor[porter.MQTTTopic]():            {Required: []string{"filter", "entity"}},
}

// withEnum restricts s to values. A field that may be null, or (on seed
// endpoints) blank, keeps those too: both mean "left out".
func withEnum(s map[string]any, values []string, blank bool) map[string]any {
	enum := make([]any, 0, len(values)+2)
	for _, v := range values {
		enum = append(enum, v)
	}
	if blank {
		enum = append(enum, "")
	}
	if types, ok := s["type"].([]string); ok {
		for _, t := range types {
			if t == "null" {
				enum = append(enum, nil)
			}
		}
	}
	s["enum"] = enum
	return s
}

// webhookSigningEnums are the closed lists of a webhook's signing and format.
var webhookSigningEnums = map[string][]string{
	"signature": porter.WebhookSignatures, "payload_format": porter.PayloadFormats, "signature_header": porter.SignatureHeaders}
