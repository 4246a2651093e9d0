package porter

import "strings"

// Scope is one ability an API key may hold.
type Scope struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ScopeAll is stored for keys created without scopes: full access.
const ScopeAll = "*"

// Scopes is the catalog of abilities: read and write for each residential
// resource, then the 21 abilities of seed 003, word for word.
var Scopes = []Scope{
	{"properties:read", "Read properties and units"},
	{"properties:write", "Create and edit properties"},
	{"units:read", "Read units"},
	{"units:write", "Create and edit units"},
	{"tenants:read", "Read tenants"},
	{"tenants:write", "Invite and edit tenants"},
	{"leases:read", "Read leases"},
	{"leases:write", "Draft, activate, renew and terminate leases"},
	{"charges:read", "Read charges"},
	{"charges:write", "Create and void charges"},
	{"payments:read", "Read payments and their allocations"},
	{"payments:write", "Record payments"},
	{"vendors:read", "Read vendors"},
	{"vendors:write", "Create and edit vendors"},
	{"work_orders:read", "Read work orders"},
	{"work_orders:write", "Open work orders and move them through their states"},
	{"inspections:read", "Read inspections"},
	{"inspections:write", "Schedule and conduct inspections"},
	{"documents:read", "Read documents"},
	{"documents:write", "Upload documents"},
	{"broadcasts:read", "Read broadcasts"},
	{"broadcasts:write", "Send broadcasts"},
	{"staff:read", "Read staff"},
	{"staff:write", "Add and edit staff"},
	{"events:read", "Read the event log and poll triggers"},
	{"webhooks:read", "Read webhook subscriptions and deliveries"},
	{"webhooks:write", "Manage webhook subscriptions"},
	{"settings:read", "Read the organization and its settings"},
	{"settings:write", "Edit the organization's name and settings, such as lease alert days"},
	// Seed 003's abilities.
	{"bookings:read", "Read bookings"},
	{"bookings:write", "Create and cancel bookings"},
	{"owners:read", "Read owners"},
	{"invoices:read", "Read invoices"},
	{"calendar:read", "Read the calendar"},
	{"rates:read", "Read seasonal rates"},
	{"rates:write", "Create, modify and delete seasonal rates"},
	{"cleaning:read", "Read cleaning tasks"},
	{"cleaning:write", "Create and manage cleaning tasks"},
	{"maintenance:read", "Read maintenance tickets (work orders)"},
	{"maintenance:write", "Create and manage maintenance tickets (work orders)"},
	{"whatsapp:read", "Read WhatsApp outbox messages"},
	{"whatsapp:write", "Prepare templated WhatsApp messages"},
	{"reports:read", "Read aggregated reports (occupancy, revenue, ADR, RevPAR)"},
	{"statements:read", "Read owner statements (monthly payouts)"},
	{"audit:read", "Read the audit log"},
	{"reviews:read", "Read guest reviews"},
	{"reviews:write", "Create guest reviews"},
	{"tax_reports:read", "Read tax reports"},
	// Owners, invoices and reviews: the write side seed 003 leaves out.
	{"owners:write", "Create and edit owners and link them to properties"},
	{"invoices:write", "Draft, send, mark paid and void invoices"},
	// Integrations (issue 11).
	{"integrations:read", "Read integrations and their logs"},
	{"integrations:write", "Create, edit and delete integrations, rotate their secrets and retry failed records"},
	// Facility records (seed 002): assets, warranties and certificates.
	{"assets:read", "Read assets, asset categories, warranties and warranty claims"},
	{"assets:write", "Create, edit, transfer and dispose of assets; manage asset categories, warranties and claims"},
	{"certificates:read", "Read compliance certificates"},
	{"certificates:write", "Record and edit compliance certificates"},
	// Facilities and resident events (seed 002).
	{"meters:read", "Read meters, their readings and series"},
	{"meters:write", "Create and edit meters and record readings"},
	{"defects:read", "Read defects and snagging items"},
	{"defects:write", "Record defects and move them through their states"},
	{"visitor_passes:read", "Read visitor passes"},
	{"visitor_passes:write", "Issue visitor passes and check visitors in and out"},
	{"amenities:read", "Read amenities and their bookings"},
	{"amenities:write", "Manage amenities and book them for tenants"},
}

// scopeAliases: seed 003 calls work orders maintenance tickets, so its
// maintenance abilities grant the work-order ones.
var scopeAliases = map[string]string{
	"maintenance:read":  "work_orders:read",
	"maintenance:write": "work_orders:write",
}

// ValidScope reports whether name is in the catalog.
func ValidScope(name string) bool {
	for _, s := range Scopes {
		if s.Name == name {
			return true
		}
	}
	return false
}

// ScopesAllow reports whether a key holding held may use need. An empty
// list or "*" is full access; "x:write" includes "x:read".
func ScopesAllow(held []string, need string) bool {
	if need == "" || len(held) == 0 {
		return true
	}
	for _, h := range held {
		if h == ScopeAll || h == need {
			return true
		}
		if a, ok := scopeAliases[h]; ok && a == need {
			return true
		}
		resource, ability, _ := strings.Cut(h, ":")
		if ability == "write" && need == resource+":read" {
			return true
		}
		if a, ok := scopeAliases[h]; ok && strings.HasSuffix(a, ":write") && need == strings.TrimSuffix(a, ":write")+":read" {
			return true
		}
	}
	return false
}
