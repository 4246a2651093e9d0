package porter

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Owner is a person or company whose properties the organization manages
// for them: the party monthly statements are drawn up for and owner
// invoices are addressed to.
type Owner struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Phone   string `json:"phone"`
	Company string `json:"company"`
	// PayoutDetails is free text (an IBAN, a RIB, "cheque"): Porter does
	// not move money, it shows the agency where to send it.
	PayoutDetails string    `json:"payout_details"`
	Notes         string    `json:"notes"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// OwnerInput creates an owner; on PATCH, nil fields are left alone.
type OwnerInput struct {
	Name          *string `json:"name"`
	Email         *string `json:"email"`
	Phone         *string `json:"phone"`
	Company       *string `json:"company"`
	PayoutDetails *string `json:"payout_details"`
	Notes         *string `json:"notes"`
}

// Limits on an owner's free-text fields.
const (
	maxOwnerText  = 200
	maxOwnerNotes = 5000
)

func (in OwnerInput) apply(o *Owner) {
	set(&o.Name, in.Name)
	set(&o.Email, in.Email)
	set(&o.Phone, in.Phone)
	set(&o.Company, in.Company)
	set(&o.PayoutDetails, in.PayoutDetails)
	set(&o.Notes, in.Notes)
	o.Email = strings.ToLower(o.Email)
}

func (o *Owner) validate() error {
	var v Validation
	v.Required("name", o.Name)
	if o.Email != "" {
		if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email {
			v.Add("email", "must be an email address")
		}
	}
	for _, f := range []struct{ name, value string }{{"name", o.Name}, {"phone", o.Phone}, {"company", o.Company}} {
		if len(f.value) > maxOwnerText {
			v.Add(f.name, "must be at most %d bytes", maxOwnerText)
		}
	}
	if len(o.PayoutDetails) > maxOwnerNotes {
		v.Add("payout_details", "must be at most %d bytes", maxOwnerNotes)
	}
	if len(o.Notes) > maxOwnerNotes {
		v.Add("notes", "must be at most %d bytes", maxOwnerNotes)
	}
	return v.Err()
}

// Ownership links a property to its owner for a period, with the terms
// the agency manages it on. A property has at most one owner on any day.
type Ownership struct {
	ID         int64 `json:"id"`
	OwnerID    int64 `json:"owner_id"`
	PropertyID int64 `json:"property_id"`
	// CommissionRate is the agency's share of the stays' revenue, in
	// percent (20.00 = 20 %).
	CommissionRate Percent `json:"commission_rate"`
	// ManagementFee is charged to the owner once per month of management;
	// CleaningFee once per booking that checks out. Both in the currency
	// of the bookings they are charged against.
	ManagementFee Money     `json:"management_fee"`
	CleaningFee   Money     `json:"cleaning_fee"`
	StartDate     string    `json:"start_date"` // first day, inclusive
	EndDate       *string   `json:"end_date"`   // last day, inclusive; null while it lasts
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// end is EndDate, "" while it lasts.
func (o *Ownership) end() string {
	if o.EndDate == nil {
		return ""
	}
	return *o.EndDate
}

// Covers reports whether the ownership is in force on date (YYYY-MM-DD).
func (o *Ownership) Covers(date string) bool {
	return o.StartDate <= date && (o.end() == "" || date <= o.end())
}

func (o *Ownership) overlaps(p *Ownership) bool {
	return (o.end() == "" || p.StartDate <= o.end()) && (p.end() == "" || o.StartDate <= p.end())
}

// OwnershipInput links a property to an owner; on PATCH, nil fields are
// left alone and an end_date of "" clears it.
type OwnershipInput struct {
	PropertyID     *int64   `json:"property_id"`
	CommissionRate *Percent `json:"commission_rate"`
	ManagementFee  *Money   `json:"management_fee"`
	CleaningFee    *Money   `json:"cleaning_fee"`
	StartDate      *string  `json:"start_date"`
	EndDate        *string  `json:"end_date"`
}

// OwnerFilter narrows an owner listing.
type OwnerFilter struct {
	ListParams
	Email string
}

// OwnerTx stores owners and their properties.
type OwnerTx interface {
	InsertOwner(ctx context.Context, o *Owner) error
	Owner(ctx context.Context, id int64) (*Owner, error)
	// OwnerForUpdate is Owner, locking the row until the transaction ends
	// where the engine has concurrent writers.
	OwnerForUpdate(ctx context.Context, id int64) (*Owner, error)
	UpdateOwner(ctx context.Context, o *Owner) error
	// DeleteOwner removes an owner with no ownerships and no invoices.
	DeleteOwner(ctx context.Context, id int64) error
	Owners(ctx context.Context, f OwnerFilter) (List[*Owner], error)

	InsertOwnership(ctx context.Context, o *Ownership) error
	Ownership(ctx context.Context, id int64) (*Ownership, error)
	UpdateOwnership(ctx context.Context, o *Ownership) error
	// OwnershipsOfOwner lists an owner's ownerships, latest start first.
	OwnershipsOfOwner(ctx context.Context, ownerID int64) ([]*Ownership, error)
	// OwnershipsOfProperty lists a property's ownerships, latest start first.
	OwnershipsOfProperty(ctx context.Context, propertyID int64) ([]*Ownership, error)
	// OwnerInvoiceCount counts the invoices addressed to an owner.
	OwnerInvoiceCount(ctx context.Context, ownerID int64) (int, error)
}

// CreateOwner adds an owner.
func (s *Service) CreateOwner(ctx context.Context, orgID int64, in OwnerInput) (*Owner, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Owner, error) {
		o := &Owner{CreatedAt: now, UpdatedAt: now}
		in.apply(o)
		if err := o.validate(); err != nil {
			return nil, err
		}
		if err := tx.InsertOwner(ctx, o); err != nil {
			return nil, fmt.Errorf("create owner: %w", err)
		}
		audited(tx, "owner", o.ID, nil, o)
		return o, nil
	})
}

// UpdateOwner edits an owner. Invoices already sent keep the name and
// email they were addressed to.
func (s *Service) UpdateOwner(ctx context.Context, orgID, id int64, in OwnerInput) (*Owner, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Owner, error) {
		o, err := tx.OwnerForUpdate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *o
		in.apply(o)
		if err := o.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, o) {
			return o, nil // an empty edit writes nothing
		}
		o.UpdatedAt = now
		if err := tx.UpdateOwner(ctx, o); err != nil {
			return nil, fmt.Errorf("update owner: %w", err)
		}
		audited(tx, "owner", o.ID, &before, o)
		return o, nil
	})
}

// DeleteOwner removes an owner entered by mistake. One linked to a
// property (even in the past) or billed by an invoice is kept for the
// record: 409.
func (s *Service) DeleteOwner(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		o, err := tx.OwnerForUpdate(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		links, err := tx.OwnershipsOfOwner(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		if len(links) > 0 {
			return struct{}{}, Errorf(ECONFLICT, "owner %d is linked to property %d (ownership %d): end the ownership instead of deleting the owner", id, links[0].PropertyID, links[0].ID)
		}
		n, err := tx.OwnerInvoiceCount(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		if n > 0 {
			return struct{}{}, Errorf(ECONFLICT, "owner %d has %d invoice(s) and is kept for the record", id, n)
		}
		if err := tx.DeleteOwner(ctx, id); err != nil {
			return struct{}{}, err
		}
		audited(tx, "owner", id, o, nil)
		return struct{}{}, nil
	})
	return err
}

// Owner returns one owner.
func (s *Service) Owner(ctx context.Context, orgID, id int64) (*Owner, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Owner, error) { return tx.Owner(ctx, id) })
}

// Owners lists owners, newest first.
func (s *Service) Owners(ctx context.Context, orgID int64, f OwnerFilter) (List[*Owner], error) {
	f.Normalize()
	f.Email = strings.ToLower(f.Email)
	return view(ctx, s, orgID, func(tx Tx) (List[*Owner], error) { return tx.Owners(ctx, f) })
}

// Limits on an ownership's terms.
const (
	MaxCommissionRate Percent = 100_00
)

func (o *Ownership) apply(in OwnershipInput) {
	if in.CommissionRate != nil {
		o.CommissionRate = *in.CommissionRate
	}
	if in.ManagementFee != nil {
		o.ManagementFee = *in.ManagementFee
	}
	if in.CleaningFee != nil {
		o.CleaningFee = *in.CleaningFee
	}
	if in.StartDate != nil {
		o.StartDate = strings.TrimSpace(*in.StartDate)
	}
	if in.EndDate != nil {
		if e := strings.TrimSpace(*in.EndDate); e == "" {
			o.EndDate = nil
		} else {
			o.EndDate = &e
		}
	}
}

func (o *Ownership) validate(v *Validation) {
	if o.CommissionRate < 0 || o.CommissionRate > MaxCommissionRate {
		v.Add("commission_rate", "must be a percentage from 0 to 100, not %s", o.CommissionRate)
	}
	if o.ManagementFee < 0 {
		v.Add("management_fee", "must not be negative")
	}
	if o.CleaningFee < 0 {
		v.Add("cleaning_fee", "must not be negative")
	}
	startOK := true
	if o.StartDate == "" {
		v.Add("start_date", "is required")
		startOK = false
	} else if _, err := ParseDate(o.StartDate); err != nil {
		v.Add("start_date", "%s", err)
		startOK = false
	}
	if e := o.end(); e != "" {
		if _, err := ParseDate(e); err != nil {
			v.Add("end_date", "%s", err)
		} else if startOK && e < o.StartDate {
			v.Add("end_date", "must not be before start_date %s", o.StartDate)
		}
	}
}

// checkOverlap refuses a second owner for a property on the same day,
// naming the ownership in the way. The property row is locked first, so
// that two links made at once take turns.
func checkOverlap(ctx context.Context, tx Tx, o *Ownership) error {
	if _, err := tx.PropertyForUpdate(ctx, o.PropertyID); err != nil {
		return err
	}
	others, err := tx.OwnershipsOfProperty(ctx, o.PropertyID)
	if err != nil {
		return err
	}
	for _, p := range others {
		if p.ID != o.ID && o.overlaps(p) {
			end := p.end()
			if end == "" {
				end = "open-ended"
			}
			return Errorf(ECONFLICT, "property %d is already owned by owner %d from %s to %s (ownership %d): set that ownership's end_date first",
				o.PropertyID, p.OwnerID, p.StartDate, end, p.ID)
		}
	}
	return nil
}

// LinkProperty makes owner ownerID the owner of a property from
// start_date (default: today) until end_date (default: open-ended).
func (s *Service) LinkProperty(ctx context.Context, orgID, ownerID int64, in OwnershipInput) (*Ownership, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Ownership, error) {
		if _, err := tx.Owner(ctx, ownerID); err != nil {
			return nil, err
		}
		o := &Ownership{OwnerID: ownerID, StartDate: now.Format(DateLayout), CreatedAt: now, UpdatedAt: now}
		o.apply(in)
		var v Validation
		if in.PropertyID == nil || *in.PropertyID <= 0 {
			v.Add("property_id", "is required")
		} else {
			o.PropertyID = *in.PropertyID
			if _, err := tx.Property(ctx, o.PropertyID); ErrorCode(err) == ENOTFOUND {
				v.Add("property_id", "%d does not exist", o.PropertyID)
			} else if err != nil {
				return nil, err
			}
		}
		if in.CommissionRate == nil {
			v.Add("commission_rate", "is required: the agency's percentage, e.g. 20.00")
		}
		o.validate(&v)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := checkOverlap(ctx, tx, o); err != nil {
			return nil, err
		}
		if err := tx.InsertOwnership(ctx, o); err != nil {
			return nil, fmt.Errorf("link property: %w", err)
		}
		audited(tx, "ownership", o.ID, nil, o)
		return o, nil
	})
}

// UpdateOwnership edits an ownership's terms or dates; ending it is
// setting end_date. Its property and owner do not change: link anew.
func (s *Service) UpdateOwnership(ctx context.Context, orgID, ownerID, id int64, in OwnershipInput) (*Ownership, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Ownership, error) {
		o, err := tx.Ownership(ctx, id)
		if err != nil {
			return nil, err
		}
		if o.OwnerID != ownerID {
			return nil, NotFound("ownership", id)
		}
		var v Validation
		if in.PropertyID != nil && *in.PropertyID != o.PropertyID {
			v.Add("property_id", "cannot change: end this ownership and link the other property")
		}
		before := *o
		o.apply(in)
		o.validate(&v)
		if err := v.Err(); err != nil {
			return nil, err
		}
		if unchanged(&before, o) {
			return o, nil
		}
		if err := checkOverlap(ctx, tx, o); err != nil {
			return nil, err
		}
		o.UpdatedAt = now
		if err := tx.UpdateOwnership(ctx, o); err != nil {
			return nil, fmt.Errorf("update ownership: %w", err)
		}
		audited(tx, "ownership", o.ID, &before, o)
		return o, nil
	})
}

// OwnerProperties lists an owner's ownerships, latest first.
func (s *Service) OwnerProperties(ctx context.Context, orgID, ownerID int64) ([]*Ownership, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*Ownership, error) {
		if _, err := tx.Owner(ctx, ownerID); err != nil {
			return nil, err
		}
		return tx.OwnershipsOfOwner(ctx, ownerID)
	})
}

// PropertyOwner is who owns a property on a day, and on what terms.
type PropertyOwner struct {
	Ownership *Ownership `json:"ownership"`
	Owner     *Owner     `json:"owner"`
}

// OwnerOn returns the ownership in force for a property on date, or
// ENOTFOUND. Owner statements use it to split a month between owners.
func OwnerOn(ctx context.Context, tx Tx, propertyID int64, date string) (*Ownership, error) {
	links, err := tx.OwnershipsOfProperty(ctx, propertyID)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.Covers(date) {
			return l, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "property %d has no owner on %s", propertyID, date)
}

// PropertyOwner returns the owner of a property on date (default: today).
func (s *Service) PropertyOwner(ctx context.Context, orgID, propertyID int64, date string) (*PropertyOwner, error) {
	if date == "" {
		date = s.now().Format(DateLayout)
	} else if _, err := ParseDate(date); err != nil {
		var v Validation
		v.Add("date", "%s", err)
		return nil, v.Err()
	}
	return view(ctx, s, orgID, func(tx Tx) (*PropertyOwner, error) {
		if _, err := tx.Property(ctx, propertyID); err != nil {
			return nil, err
		}
		l, err := OwnerOn(ctx, tx, propertyID, date)
		if err != nil {
			return nil, err
		}
		o, err := tx.Owner(ctx, l.OwnerID)
		if err != nil {
			return nil, err
		}
		return &PropertyOwner{Ownership: l, Owner: o}, nil
	})
}

// Percent is a percentage with two decimals, kept exactly in hundredths
// of a percent (20.5 % is 2050). It reads and writes JSON as Money does.
type Percent int64

func (p Percent) String() string               { return Money(p).String() }
func (p Percent) MarshalJSON() ([]byte, error) { return Money(p).MarshalJSON() }
func (p *Percent) UnmarshalJSON(b []byte) error {
	var m Money
	if err := m.UnmarshalJSON(b); err != nil {
		return err
	}
	*p = Percent(m)
	return nil
}
