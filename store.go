package porter

import (
	"context"
	"math"
	"time"
)

// Store is a storage engine. Every organization-owned row is reached
// through a Tx bound to one organization, so isolation lives here and not
// in handlers: a Tx cannot see another organization's rows, and reports
// them as not found.
type Store interface {
	// Update runs fn in a write transaction for one organization. The
	// data changes and the events fn records commit together or not at all.
	Update(ctx context.Context, orgID int64, fn func(Tx) error) error
	// View runs fn in a read-only transaction for one organization.
	View(ctx context.Context, orgID int64, fn func(Tx) error) error

	// CreateOrganization inserts org and sets its ID.
	CreateOrganization(ctx context.Context, org *Organization) error
	// Organizations lists every organization, oldest first (for schedulers).
	Organizations(ctx context.Context) ([]*Organization, error)
	// InvitedTenant finds the tenant holding an unused invitation token,
	// by the token's SHA-256, in any organization.
	InvitedTenant(ctx context.Context, tokenHash []byte) (orgID, tenantID int64, err error)
	// APIKeyByHash finds a key by the SHA-256 of its full text, in any
	// organization: authentication happens before the organization is known.
	APIKeyByHash(ctx context.Context, hash []byte) (*APIKey, error)
	// TouchAPIKey records that a key was used.
	TouchAPIKey(ctx context.Context, id int64, at time.Time) error
	// RateLimit counts one request against key in the fixed window that
	// starts at window and returns the count so far in it. SQLite counts in
	// memory (one node); PostgreSQL counts in the database so that the limit
	// holds across nodes.
	RateLimit(ctx context.Context, keyID int64, window time.Time) (int, error)
	// PruneEvents deletes up to limit events fired before before, oldest
	// first, and returns how many it deleted (event retention).
	PruneEvents(ctx context.Context, before time.Time, limit int) (int, error)
	// Audit log: PruneAuditLog deletes up to limit entries written before
	// before, oldest first, in every organization (audit retention).
	PruneAuditLog(ctx context.Context, before time.Time, limit int) (int, error)
	// iCal: ICalExportByToken finds the unit whose feed token has this
	// SHA-256, in any organization (the feed URL carries no API key).
	ICalExportByToken(ctx context.Context, tokenHash []byte) (orgID, unitID int64, err error)
	// Webhook signing: OrganizationByPublicID finds an organization by its
	// public id (the JWKS URL carries no API key); unknown is ENOTFOUND.
	OrganizationByPublicID(ctx context.Context, publicID string) (int64, error)
	// TryLock takes a named lock for one scheduler pass; release undoes it.
	// On PostgreSQL it is an advisory lock, so one node runs the pass.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
	// Integrations: IntegrationByToken finds the integration whose receiver
	// token has this SHA-256, in any organization (the receiver URL carries
	// no API key); PruneIntegrationLog deletes up to limit log rows received
	// before before, in every organization (log retention), and names the
	// integrations that lost a row still counted in their open errors.
	IntegrationByToken(ctx context.Context, tokenHash []byte) (orgID, id int64, err error)
	PruneIntegrationLog(ctx context.Context, before time.Time, limit int) (n int, reopened []IntegrationKey, err error)
	MailOutbox
	QueueStore

	Close() error
}

// Tx is one transaction bound to one organization.
type Tx interface {
	OrgID() int64
	Organization(ctx context.Context) (*Organization, error)
	// OrganizationForUpdate is Organization, locking the row until the
	// transaction ends where the engine has concurrent writers.
	OrganizationForUpdate(ctx context.Context) (*Organization, error)
	UpdateOrganization(ctx context.Context, org *Organization) error

	APIKeyTx
	EventTx
	IdempotencyTx
	PropertyTx
	UnitTx
	TenantTx
	LeaseTx
	MessageTx
	InspectionTx
	DocumentTx
	StaffTx
	BroadcastTx
	ChargeTx
	PaymentTx
	VendorTx
	WorkOrderTx
	WebhookTx
	DeliveryTx
	// Short-term rentals: bookings, blocks, seasonal rates, calendar.
	BookingTx
	BlockTx
	RateTx
	CalendarTx
	// Short-term rentals: owners, invoices and reviews.
	OwnerTx
	InvoiceTx
	ReviewTx
	AuditTx  // audit log
	ReportTx // reports: revenue and occupancy
	// Short-term rentals: cleaning tasks and messages to guests.
	CleaningTx
	GuestMessageTx
	// Short-term rentals: owner statements and tax reports.
	StatementTx
	TaxReportTx
	ICalTx // iCal export feeds and import sources
	// Integrations: connectors, their links and their log.
	IntegrationTx
	IntegrationPollTx // the scheduled REST poll's state (integrationpoll.go)
	// Facility records: assets, warranties and compliance certificates.
	AssetTx
	WarrantyTx
	CertificateTx
	// Facilities and resident events: meters and readings, defects,
	// visitor passes, amenities and their bookings, acknowledgements.
	MeterTx
	DefectTx
	VisitorPassTx
	AmenityTx
	AcknowledgementTx
	// BMS / IoT: the work orders alarms opened, and MQTT subscriptions.
	AlarmTx
	IntegrationMQTTTx
	// ERP / accounting posting: posting rules and postings.
	IntegrationPostingTx
}

// ListParams are the pagination and filters every list shares.
type ListParams struct {
	Page         int // from 1
	PerPage      int // at most MaxPerPage
	UpdatedSince *time.Time
	// After is a cursor (starting_after): only items that come after the
	// one with this id in the list's order. The page then starts there.
	After int64
	// More fetches one item past the page, so that the caller knows
	// whether another page follows without counting.
	More bool
}

const (
	DefaultPerPage = 25
	MaxPerPage     = 100
	// TotalCap bounds the count behind a list's total, so that a page costs
	// the same however many rows match: a larger total reads as TotalCap+1.
	TotalCap = 10000
)

// Paging gives generic code the ListParams embedded in a filter.
func (p *ListParams) Paging() *ListParams { return p }

// Below is the id every item of a newest-first page is below: After, or
// the largest id when there is no cursor. A plain bound, not "0 means
// none", lets the index seek straight to the cursor.
func (p ListParams) Below() int64 {
	if p.After <= 0 {
		return math.MaxInt64
	}
	return p.After
}

// Limit and Offset turn a page into SQL terms.
func (p ListParams) Limit() int {
	if p.More {
		return p.PerPage + 1
	}
	return p.PerPage
}
func (p ListParams) Offset() int { return (p.Page - 1) * p.PerPage }

// Normalize fills defaults.
func (p *ListParams) Normalize() {
	if p.Page < 1 {
		p.Page = 1
	}
	if p.PerPage < 1 {
		p.PerPage = DefaultPerPage
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
}

// List is one page of a listing and the total across all pages.
type List[T any] struct {
	Items []T
	Total int
}
