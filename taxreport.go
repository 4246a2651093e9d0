package porter

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// TaxRule is how tourist tax is due: per_guest_night for every guest and
// taxable night, plus percent of the taxable nights' accommodation (either
// may be 0). A stay's taxable nights are its first max_nights (0: every
// night), as many cities cap the tax per stay. The amount is in the
// currency of the stays it applies to. PropertyID 0 is the
// organization's default; a property's own rule replaces it.
type TaxRule struct {
	PropertyID    int64     `json:"property_id"`
	PerGuestNight Money     `json:"per_guest_night"`
	Percent       Percent   `json:"percent"`
	MaxNights     int64     `json:"max_nights"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TaxRuleInput sets a rule; nil fields are 0.
type TaxRuleInput struct {
	PropertyID    *int64   `json:"property_id" doc:"omit or 0 for the organization's default"`
	PerGuestNight *Money   `json:"per_guest_night"`
	Percent       *Percent `json:"percent"`
	MaxNights     *int64   `json:"max_nights"`
}

// TaxReport is a property's tourist tax for a month in one currency.
type TaxReport struct {
	ID           int64  `json:"id"`
	PropertyID   int64  `json:"property_id"`
	PropertyName string `json:"property_name"`
	Month        string `json:"month"`
	Currency     string `json:"currency"`
	Stays        int64  `json:"stays"`
	Nights       int64  `json:"nights"`       // nights sold in the month
	GuestNights  int64  `json:"guest_nights"` // guests × nights
	// TaxableGuestNights are the guest-nights within each stay's cap.
	TaxableGuestNights int64     `json:"taxable_guest_nights"`
	Accommodation      Money     `json:"accommodation"` // the month's nights' prices
	TaxDue             Money     `json:"tax_due"`
	Rule               TaxRule   `json:"rule"` // the rule applied, as it was
	CreatedAt          time.Time `json:"created_at"`
}

// TaxReportFilter narrows a tax report listing.
type TaxReportFilter struct {
	ListParams
	PropertyID int64
	Month      string
}

// TaxReportInput asks for a month's tax reports, of one property or all.
type TaxReportInput struct {
	Month      *string `json:"month" doc:"YYYY-MM, a month that has ended"`
	PropertyID *int64  `json:"property_id" doc:"omit for every property"`
}

// TaxReportTx stores tax rules and reports.
type TaxReportTx interface {
	UpsertTaxRule(ctx context.Context, r *TaxRule) error
	TaxRules(ctx context.Context) ([]*TaxRule, error)
	// InsertTaxReport inserts r unless the property has a report for its
	// month and currency; it reports whether it inserted.
	InsertTaxReport(ctx context.Context, r *TaxReport) (bool, error)
	TaxReportsOfMonth(ctx context.Context, propertyID int64, month string) ([]*TaxReport, error)
	TaxReports(ctx context.Context, f TaxReportFilter) (List[*TaxReport], error)
}

// Limits on a tax rule.
const maxTaxNights = 365

// SetTaxRule sets the organization's default rule or a property's.
func (s *Service) SetTaxRule(ctx context.Context, orgID int64, in TaxRuleInput) (*TaxRule, error) {
	return update(ctx, s, orgID, func(tx Tx, now time.Time) (*TaxRule, error) {
		r := &TaxRule{UpdatedAt: now}
		setID := func(p *int64) int64 {
			if p == nil {
				return 0
			}
			return *p
		}
		r.PropertyID = setID(in.PropertyID)
		r.MaxNights = setID(in.MaxNights)
		if in.PerGuestNight != nil {
			r.PerGuestNight = *in.PerGuestNight
		}
		if in.Percent != nil {
			r.Percent = *in.Percent
		}
		var v Validation
		if r.PropertyID < 0 {
			v.Add("property_id", "must be a property id, or 0 for the organization's default")
		} else if r.PropertyID > 0 {
			if _, err := tx.Property(ctx, r.PropertyID); ErrorCode(err) == ENOTFOUND {
				v.Add("property_id", "%d does not exist", r.PropertyID)
			} else if err != nil {
				return nil, err
			}
		}
		if r.PerGuestNight < 0 {
			v.Add("per_guest_night", "must not be negative")
		}
		if r.Percent < 0 || r.Percent > MaxCommissionRate {
			v.Add("percent", "must be a percentage from 0 to 100, not %s", r.Percent)
		}
		if r.MaxNights < 0 || r.MaxNights > maxTaxNights {
			v.Add("max_nights", "must be from 0 (no cap) to %d", maxTaxNights)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if err := tx.UpsertTaxRule(ctx, r); err != nil {
			return nil, fmt.Errorf("set tax rule: %w", err)
		}
		return r, nil
	})
}

// TaxRules lists the organization's default rule (property_id 0) and
// the properties' own.
func (s *Service) TaxRules(ctx context.Context, orgID int64) ([]*TaxRule, error) {
	return view(ctx, s, orgID, func(tx Tx) ([]*TaxRule, error) { return tx.TaxRules(ctx) })
}

// GenerateTaxReports draws up a month's tax reports (one property's, or
// every property's with stays in it) and announces each new one as
// tax_report.generated. Reports already drawn up are returned as they
// are; created says whether any is new.
func (s *Service) GenerateTaxReports(ctx context.Context, orgID int64, in TaxReportInput) ([]*TaxReport, bool, error) {
	var v Validation
	month := ""
	if in.Month == nil || *in.Month == "" {
		v.Add("month", "is required: a month YYYY-MM that has ended")
	} else if first, err := ParseMonth(*in.Month); err != nil {
		v.Add("month", "%s", err)
	} else if first.AddDate(0, 1, 0).After(s.now()) {
		v.Add("month", "%s has not ended yet: a report covers a whole month", *in.Month)
	} else {
		month = *in.Month
	}
	if in.PropertyID != nil && *in.PropertyID <= 0 {
		v.Add("property_id", "must be a property id")
	} else if in.PropertyID != nil {
		_, err := view(ctx, s, orgID, func(tx Tx) (*Property, error) { return tx.Property(ctx, *in.PropertyID) })
		if ErrorCode(err) == ENOTFOUND {
			v.Add("property_id", "%d does not exist", *in.PropertyID)
		} else if err != nil {
			return nil, false, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	if in.PropertyID != nil {
		return s.generateTaxReports(ctx, orgID, *in.PropertyID, month)
	}
	return s.everyTaxReport(ctx, orgID, month)
}

// eachProperty calls fn with every property's id, newest first, each
// page read in a transaction of its own; one property's failure spares
// the others.
func (s *Service) eachProperty(ctx context.Context, orgID int64, fn func(id int64) error) error {
	var errs []error
	err := pageProperties(func(f PropertyFilter) (List[*Property], error) {
		return view(ctx, s, orgID, func(tx Tx) (List[*Property], error) { return tx.Properties(ctx, f) })
	}, func(id int64) error {
		if err := fn(id); err != nil {
			errs = append(errs, fmt.Errorf("property %d: %w", id, err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

// pageProperties calls fn with the id of every property that read
// returns, a page at a time, until fn fails.
func pageProperties(read func(PropertyFilter) (List[*Property], error), fn func(id int64) error) error {
	after := int64(0)
	for {
		page, err := read(PropertyFilter{ListParams: ListParams{Page: 1, PerPage: MaxPerPage, After: after}})
		if err != nil {
			return err
		}
		for _, p := range page.Items {
			after = p.ID
			if err := fn(p.ID); err != nil {
				return err
			}
		}
		if len(page.Items) < MaxPerPage {
			return nil
		}
	}
}

// generateTaxReports draws up and stores a property's reports of month
// in one transaction.
func (s *Service) generateTaxReports(ctx context.Context, orgID, propertyID int64, month string) ([]*TaxReport, bool, error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) ([]*TaxReport, bool, error) {
		return propertyTaxReports(ctx, tx, now, propertyID, month)
	})
}

// everyTaxReport draws up and stores the reports of month of every
// property in one transaction: the response to the request is then
// committed with all it drew up (an Idempotency-Key's, see CommitHook).
func (s *Service) everyTaxReport(ctx context.Context, orgID int64, month string) ([]*TaxReport, bool, error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) ([]*TaxReport, bool, error) {
		var all []*TaxReport
		created := false
		err := pageProperties(func(f PropertyFilter) (List[*Property], error) { return tx.Properties(ctx, f) }, func(id int64) error {
			rs, c, err := propertyTaxReports(ctx, tx, now, id, month)
			if err != nil {
				return fmt.Errorf("property %d: %w", id, err)
			}
			all, created = append(all, rs...), created || c
			return nil
		})
		return all, created, err
	})
}

// propertyTaxReports is generateTaxReports inside a transaction.
func propertyTaxReports(ctx context.Context, tx Tx, now time.Time, propertyID int64, month string) ([]*TaxReport, bool, error) {
	p, err := tx.Property(ctx, propertyID)
	if err != nil {
		return nil, false, err
	}
	if have, err := tx.TaxReportsOfMonth(ctx, propertyID, month); err != nil || len(have) > 0 {
		return have, false, err
	}
	rs, err := drawTaxReports(ctx, tx, p, month, now)
	if err != nil {
		return nil, false, err
	}
	for _, rep := range rs {
		inserted, err := tx.InsertTaxReport(ctx, rep)
		if err != nil {
			return nil, false, fmt.Errorf("tax report of property %d for %s: %w", propertyID, month, err)
		}
		if !inserted { // another node was first: theirs stands
			have, err := tx.TaxReportsOfMonth(ctx, propertyID, month)
			return have, false, err
		}
		if err := recordNested(ctx, tx, now, "tax_report.generated", "tax_report", rep.ID,
			map[string]any{"tax_report": rep}, rep, nil); err != nil {
			return nil, false, err
		}
	}
	return rs, len(rs) > 0, nil
}

// drawTaxReports computes a property's reports of month, one per
// currency its stays were priced in; a month without stays gives none.
// The stays counted are the confirmed, checked-in and checked-out ones.
func drawTaxReports(ctx context.Context, tx Tx, p *Property, month string, now time.Time) ([]*TaxReport, error) {
	first, err := ParseMonth(month)
	if err != nil {
		return nil, err
	}
	from, to := first.Format(DateLayout), first.AddDate(0, 1, 0).Format(DateLayout)
	rules, err := tx.TaxRules(ctx)
	if err != nil {
		return nil, err
	}
	rule := TaxRule{}
	for _, r := range rules {
		if r.PropertyID == 0 || r.PropertyID == p.ID {
			rule = *r // sorted by property_id: the property's own comes last
		}
	}
	stays, err := tx.StaysOverlapping(ctx, p.ID, 0, from, to, 0)
	if err != nil {
		return nil, fmt.Errorf("stays of property %d: %w", p.ID, err)
	}
	byCurrency := map[string]*TaxReport{}
	for _, b := range stays {
		rep := byCurrency[b.Currency]
		if rep == nil {
			rep = &TaxReport{PropertyID: p.ID, PropertyName: p.Name, Month: month, Currency: b.Currency, Rule: rule, CreatedAt: now}
			byCurrency[b.Currency] = rep
		}
		rep.Stays++
		var taxable Money
		for i, n := range b.NightlyPrices {
			if n.Date < from || n.Date >= to {
				continue
			}
			rep.Nights++
			rep.GuestNights += b.GuestsCount
			rep.Accommodation += n.Price
			if rule.MaxNights == 0 || int64(i) < rule.MaxNights {
				rep.TaxableGuestNights += b.GuestsCount
				taxable += n.Price
			}
		}
		rep.TaxDue += Money(roundHalfUp(int64(taxable)*int64(rule.Percent), 100_00))
	}
	var out []*TaxReport
	for _, rep := range byCurrency {
		rep.TaxDue += rule.PerGuestNight * Money(rep.TaxableGuestNights)
		out = append(out, rep)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, nil
}

// TaxReports lists tax reports, newest first.
func (s *Service) TaxReports(ctx context.Context, orgID int64, f TaxReportFilter) (List[*TaxReport], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*TaxReport], error) { return tx.TaxReports(ctx, f) })
}
