package porter

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Rate is a seasonal nightly price for the units of a property, or for
// one unit. StartDate and EndDate are nights, both included. When several
// rates cover a night, the one that applies is chosen by RatePriority.
type Rate struct {
	ID           int64  `json:"id"`
	PropertyID   int64  `json:"property_id"`
	UnitID       *int64 `json:"unit_id"` // nil: every unit of the property
	Name         string `json:"name"`
	StartDate    string `json:"start_date"`
	EndDate      string `json:"end_date"`
	NightlyPrice Money  `json:"nightly_price"`
	Currency     string `json:"currency"`
	// MinStay is the fewest nights a stay checking in on one of the
	// rate's nights may have.
	MinStay int64 `json:"min_stay"`
	// WeekdayAdjustments are percentages added to the nightly price on
	// some days of the week, keyed mon…sun: {"fri": 20, "sat": 20} makes
	// Friday and Saturday nights 20% dearer, -10 10% cheaper.
	WeekdayAdjustments map[string]int64 `json:"weekday_adjustments"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`

	// n counts the nights from spanStart to spanEnd, once per range.
	spanStart, spanEnd string
	n                  int
}

// Weekdays are the keys of WeekdayAdjustments, indexed by time.Weekday.
var Weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// RatePriority states how overlapping rates resolve, for the docs.
const RatePriority = "a unit's own rate beats its property's; then the rate with the shorter date range; then the most recently created"

// RateFilter narrows a rate listing. From and To (dates, included) keep
// the rates that cover at least one night between them.
type RateFilter struct {
	ListParams
	PropertyID int64
	UnitID     int64
	From, To   string
}

// RateTx stores seasonal rates.
type RateTx interface {
	InsertRate(ctx context.Context, r *Rate) error
	Rate(ctx context.Context, id int64) (*Rate, error)
	UpdateRate(ctx context.Context, r *Rate) error
	DeleteRate(ctx context.Context, id int64) error
	Rates(ctx context.Context, f RateFilter) (List[*Rate], error)
	// RatesCovering returns every rate of the property (all properties
	// when propertyID is 0) covering a night from from to to, included.
	RatesCovering(ctx context.Context, propertyID int64, from, to string) ([]*Rate, error)
}

// RateInput creates a rate. A rate for one unit may name only unit_id.
type RateInput struct {
	PropertyID         *int64            `json:"property_id"`
	UnitID             *int64            `json:"unit_id"`
	Name               *string           `json:"name"`
	StartDate          *string           `json:"start_date"`
	EndDate            *string           `json:"end_date"`
	NightlyPrice       *Money            `json:"nightly_price"`
	Currency           *string           `json:"currency"`
	MinStay            *int64            `json:"min_stay"`
	WeekdayAdjustments *map[string]int64 `json:"weekday_adjustments"`
}

// RatePatch edits a rate; a rate stays on its property or unit.
type RatePatch struct {
	Name               *string           `json:"name"`
	StartDate          *string           `json:"start_date"`
	EndDate            *string           `json:"end_date"`
	NightlyPrice       *Money            `json:"nightly_price"`
	Currency           *string           `json:"currency"`
	MinStay            *int64            `json:"min_stay"`
	WeekdayAdjustments *map[string]int64 `json:"weekday_adjustments"`
}

// RateChange is property.rate_changed's data: what happened to which
// rate, its range and its old and new nightly price (old_price is null for
// a new rate, new_price for a removed one).
type RateChange struct {
	Action     string     `json:"action"` // created | updated | deleted
	RateID     int64      `json:"rate_id"`
	PropertyID int64      `json:"property_id"`
	UnitID     *int64     `json:"unit_id"`
	StartDate  string     `json:"start_date"`
	EndDate    string     `json:"end_date"`
	OldPrice   *Money     `json:"old_price"`
	NewPrice   *Money     `json:"new_price"`
	Currency   string     `json:"currency"`
	Rate       *Rate      `json:"rate"`
	OldRange   *[2]string `json:"old_range,omitempty"` // [start_date, end_date] before an update that moved it
}

func (p RatePatch) apply(r *Rate) {
	set(&r.Name, p.Name)
	set(&r.StartDate, p.StartDate)
	set(&r.EndDate, p.EndDate)
	set(&r.NightlyPrice, p.NightlyPrice)
	set(&r.Currency, p.Currency)
	set(&r.MinStay, p.MinStay)
	if p.WeekdayAdjustments != nil {
		r.WeekdayAdjustments = *p.WeekdayAdjustments
	}
}

func (r *Rate) validate() error {
	var v Validation
	r.Name = strings.TrimSpace(r.Name)
	if len(r.Name) > 200 {
		v.Add("name", "must be at most 200 characters")
	}
	okStart, okEnd := checkDate(&v, "start_date", r.StartDate), checkDate(&v, "end_date", r.EndDate)
	if okStart && okEnd && r.EndDate < r.StartDate {
		v.Add("end_date", "must not be before start_date")
	}
	if r.NightlyPrice < 0 {
		v.Add("nightly_price", "must not be negative")
	}
	checkCurrency(&v, "currency", &r.Currency, true)
	if r.MinStay < 1 || r.MinStay > 365 {
		v.Add("min_stay", "must be from 1 to 365 nights")
	}
	if r.WeekdayAdjustments == nil {
		r.WeekdayAdjustments = map[string]int64{}
	}
	for _, k := range mapKeys(r.WeekdayAdjustments) {
		pct := r.WeekdayAdjustments[k]
		if !slices.Contains(Weekdays, k) {
			v.Add("weekday_adjustments", "key %q must be one of mon, tue, wed, thu, fri, sat, sun", k)
		} else if pct < -100 || pct > 1000 {
			v.Add("weekday_adjustments", "%s must be a percentage from -100 to 1000", k)
		}
	}
	return v.Err()
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkCurrency upper-cases *code and checks it against ISO 4217.
func checkCurrency(v *Validation, field string, code *string, required bool) {
	*code = strings.ToUpper(strings.TrimSpace(*code))
	switch {
	case *code == "":
		if required {
			v.Add(field, "is required (an ISO 4217 code such as EUR)")
		}
	case !ValidCurrencyCode(*code):
		v.Add(field, "%q is not an ISO 4217 currency code", *code)
	}
}

// ValidCurrencyCode reports whether code is an active ISO 4217 currency
// (the list in currency.go, shared with invoices).
func ValidCurrencyCode(code string) bool {
	_, ok := currencyDigits[code]
	return ok
}

// days counts the nights from start to end, both included.
func (r *Rate) days() int {
	// The calendar asks for every unit and day: count once per range.
	if r.spanStart != r.StartDate || r.spanEnd != r.EndDate {
		r.spanStart, r.spanEnd, r.n = r.StartDate, r.EndDate, daysBetween(r.StartDate, r.EndDate)+1
	}
	return r.n
}

// covers reports whether the rate applies to date for a unit of
// propertyID.
func (r *Rate) covers(propertyID, unitID int64, date string) bool {
	if r.StartDate > date || r.EndDate < date || r.PropertyID != propertyID {
		return false
	}
	return r.UnitID == nil || *r.UnitID == unitID
}

// priceOn is the rate's price for the night of date: the nightly price
// plus that weekday's adjustment, rounded half away from zero to the cent.
func (r *Rate) priceOn(date string) Money {
	return r.priceOnWeekday(Weekdays[mustDate(date).Weekday()])
}

// priceOnWeekday is priceOn for a night on weekday (mon…sun).
func (r *Rate) priceOnWeekday(weekday string) Money {
	n := int64(r.NightlyPrice) * (100 + r.WeekdayAdjustments[weekday])
	if n >= 0 {
		return Money((n + 50) / 100)
	}
	return Money((n - 50) / 100)
}

// applicableRate picks, from rates, the one that applies to the night of
// date on unit unitID of property propertyID (RatePriority), or nil.
func applicableRate(rates []*Rate, propertyID, unitID int64, date string) *Rate {
	var best *Rate
	for _, r := range rates {
		if !r.covers(propertyID, unitID, date) {
			continue
		}
		if best == nil || rateBeats(r, best) {
			best = r
		}
	}
	return best
}

// rateBeats reports whether a has priority over b.
func rateBeats(a, b *Rate) bool {
	if (a.UnitID != nil) != (b.UnitID != nil) {
		return a.UnitID != nil
	}
	if da, db := a.days(), b.days(); da != db {
		return da < db
	}
	return a.ID > b.ID // ids grow with creation
}

// mustDate parses a date already validated.
func mustDate(s string) time.Time {
	t, _ := time.Parse(DateLayout, s)
	return t
}

// addDays is the date n days after s.
func addDays(s string, n int) string { return mustDate(s).AddDate(0, 0, n).Format(DateLayout) }

// rateScope resolves a new rate's property and unit.
func rateScope(ctx context.Context, tx Tx, r *Rate, in RateInput) error {
	var v Validation
	if in.UnitID != nil && *in.UnitID != 0 {
		u, err := tx.Unit(ctx, *in.UnitID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			v.Add("unit_id", "%d does not exist", *in.UnitID)
		case err != nil:
			return err
		default:
			id := u.ID
			r.UnitID = &id
			if in.PropertyID != nil && *in.PropertyID != u.PropertyID {
				v.Add("unit_id", "%d does not belong to property_id %d", u.ID, *in.PropertyID)
			}
			r.PropertyID = u.PropertyID
		}
		return v.Err()
	}
	if in.PropertyID == nil || *in.PropertyID == 0 {
		v.Add("property_id", "or unit_id is required")
		return v.Err()
	}
	r.PropertyID = *in.PropertyID
	return refExists(ctx, "property_id", r.PropertyID, tx.Property)
}

// CreateRate adds a seasonal rate → property.rate_changed.
func (s *Service) CreateRate(ctx context.Context, orgID int64, in RateInput) (*Rate, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Rate, error) {
		r := &Rate{MinStay: 1, CreatedAt: now, UpdatedAt: now}
		RatePatch{Name: in.Name, StartDate: in.StartDate, EndDate: in.EndDate, NightlyPrice: in.NightlyPrice,
			Currency: in.Currency, MinStay: in.MinStay, WeekdayAdjustments: in.WeekdayAdjustments}.apply(r)
		verr := r.validate()
		if in.NightlyPrice == nil {
			var v Validation
			v.Add("nightly_price", "is required")
			verr = mergeInvalid(verr, v.Err())
		}
		if err := rateScope(ctx, tx, r, in); err != nil {
			return nil, mergeInvalid(verr, err)
		}
		if verr != nil {
			return nil, verr
		}
		if err := tx.InsertRate(ctx, r); err != nil {
			return nil, fmt.Errorf("create rate: %w", err)
		}
		p := r.NightlyPrice
		return r, recordRateChange(ctx, tx, now, "created", r, nil, nil, &p)
	})
}

// UpdateRate edits a rate → property.rate_changed with the old price.
func (s *Service) UpdateRate(ctx context.Context, orgID, id int64, in RatePatch) (*Rate, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*Rate, error) {
		r, err := tx.Rate(ctx, id)
		if err != nil {
			return nil, err
		}
		before := *r
		before.WeekdayAdjustments = clonedMap(r.WeekdayAdjustments)
		in.apply(r)
		if err := r.validate(); err != nil {
			return nil, err
		}
		if unchanged(&before, r) {
			return r, nil
		}
		r.UpdatedAt = now
		if err := tx.UpdateRate(ctx, r); err != nil {
			return nil, fmt.Errorf("update rate: %w", err)
		}
		oldP, newP := before.NightlyPrice, r.NightlyPrice
		return r, recordRateChange(ctx, tx, now, "updated", r, &before, &oldP, &newP)
	})
}

// DeleteRate removes a rate → property.rate_changed with no new price.
func (s *Service) DeleteRate(ctx context.Context, orgID, id int64) error {
	_, err := update(ctx, s, orgID, func(tx Tx, now time.Time) (struct{}, error) {
		r, err := tx.Rate(ctx, id)
		if err != nil {
			return struct{}{}, err
		}
		if err := tx.DeleteRate(ctx, id); err != nil {
			return struct{}{}, fmt.Errorf("delete rate: %w", err)
		}
		p := r.NightlyPrice
		return struct{}{}, recordRateChange(ctx, tx, now, "deleted", r, nil, &p, nil)
	})
	return err
}

func recordRateChange(ctx context.Context, tx Tx, now time.Time, action string, r, before *Rate, oldP, newP *Money) error {
	c := RateChange{Action: action, RateID: r.ID, PropertyID: r.PropertyID, UnitID: r.UnitID, StartDate: r.StartDate,
		EndDate: r.EndDate, OldPrice: oldP, NewPrice: newP, Currency: r.Currency, Rate: r}
	var prev any
	if before != nil {
		if before.StartDate != r.StartDate || before.EndDate != r.EndDate {
			c.OldRange = &[2]string{before.StartDate, before.EndDate}
		}
		prev = before
	}
	return recordNested(ctx, tx, now, "property.rate_changed", "rate", r.ID, c, r, prev)
}

func clonedMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mergeInvalid joins two validation errors so that one 400 names every
// field; any other error wins.
func mergeInvalid(a, b error) error {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	ea, oka := a.(*Error)
	eb, okb := b.(*Error)
	if !oka || !okb || ea.Code != EINVALID || eb.Code != EINVALID {
		if ErrorCode(b) != EINVALID {
			return b
		}
		return a
	}
	var v Validation
	v.fields = append(append(v.fields, ea.Fields...), eb.Fields...)
	return v.Err()
}

// Rate returns one rate.
func (s *Service) Rate(ctx context.Context, orgID, id int64) (*Rate, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Rate, error) { return tx.Rate(ctx, id) })
}

// Rates lists rates, newest first.
func (s *Service) Rates(ctx context.Context, orgID int64, f RateFilter) (List[*Rate], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Rate], error) { return tx.Rates(ctx, f) })
}
