package porter

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Statement is an owner's monthly statement in one currency: what the
// stays on their properties earned in the month, night by night, what
// the agency keeps (commission, fees, expenses) and what it pays out.
// It is frozen when drawn up: later changes to bookings or work orders do
// not alter it.
type Statement struct {
	ID         int64           `json:"id"`
	OwnerID    int64           `json:"owner_id"`
	OwnerName  string          `json:"owner_name"`
	Month      string          `json:"month"` // YYYY-MM
	Currency   string          `json:"currency"`
	Lines      []StatementLine `json:"lines"`
	Nights     int64           `json:"nights"`
	Gross      Money           `json:"gross_revenue"`
	Commission Money           `json:"commission"`
	Fees       Money           `json:"fees"`
	Expenses   Money           `json:"expenses"`
	Net        Money           `json:"net_to_disburse"` // gross − commission − fees − expenses
	CreatedAt  time.Time       `json:"created_at"`
}

// StatementLine is one property over the days of the month the owner
// held it (an ownership that starts or ends mid-month gives a shorter
// period; a property changing hands gives each owner their own days).
type StatementLine struct {
	PropertyID     int64   `json:"property_id"`
	PropertyName   string  `json:"property_name"`
	OwnershipID    int64   `json:"ownership_id"`
	From           string  `json:"from"` // first day held in the month, inclusive
	To             string  `json:"to"`   // last day held in the month, inclusive
	CommissionRate Percent `json:"commission_rate"`
	Nights         int64   `json:"nights"`
	Gross          Money   `json:"gross_revenue"`
	Commission     Money   `json:"commission"`
	ManagementFee  Money   `json:"management_fee"`
	Checkouts      int64   `json:"checkouts"`
	CleaningFees   Money   `json:"cleaning_fees"`
	Expenses       Money   `json:"expenses"`
	WorkOrderIDs   []int64 `json:"work_order_ids"`
	Net            Money   `json:"net_to_disburse"`
	// BookingIDs are the stays with a night in the period or checking out in it.
	BookingIDs []int64 `json:"booking_ids"`
}

// StatementSummary is owner.statement_ready's data.statement: the totals
// without the lines (GET /v1/statements/{id} has them).
type StatementSummary struct {
	ID         int64  `json:"id"`
	OwnerID    int64  `json:"owner_id"`
	OwnerName  string `json:"owner_name"`
	Month      string `json:"month"`
	Currency   string `json:"currency"`
	Properties int    `json:"properties"`
	Nights     int64  `json:"nights"`
	Gross      Money  `json:"gross_revenue"`
	Commission Money  `json:"commission"`
	Fees       Money  `json:"fees"`
	Expenses   Money  `json:"expenses"`
	Net        Money  `json:"net_to_disburse"`
}

// Summary is the statement without its lines.
func (st *Statement) Summary() StatementSummary {
	return StatementSummary{ID: st.ID, OwnerID: st.OwnerID, OwnerName: st.OwnerName, Month: st.Month, Currency: st.Currency,
		Properties: len(st.Lines), Nights: st.Nights, Gross: st.Gross, Commission: st.Commission, Fees: st.Fees,
		Expenses: st.Expenses, Net: st.Net}
}

// StatementFilter narrows a statement listing.
type StatementFilter struct {
	ListParams
	OwnerID int64
	Month   string
}

// WorkOrderCost is a completed work order's cost, as a statement charges it.
type WorkOrderCost struct {
	ID          int64
	Title       string
	Cost        Money
	CompletedAt time.Time
}

// StatementTx stores owner statements.
type StatementTx interface {
	// InsertStatement inserts st unless the owner already has a statement
	// for its month and currency; it reports whether it inserted.
	InsertStatement(ctx context.Context, st *Statement) (bool, error)
	Statement(ctx context.Context, id int64) (*Statement, error)
	// OwnerStatementsOfMonth lists an owner's statements of a month, by currency.
	OwnerStatementsOfMonth(ctx context.Context, ownerID int64, month string) ([]*Statement, error)
	Statements(ctx context.Context, f StatementFilter) (List[*Statement], error)
	// CompletedWorkOrderCosts lists a property's work orders completed in
	// [from, to) with a cost, whether verified or closed since.
	CompletedWorkOrderCosts(ctx context.Context, propertyID int64, from, to time.Time) ([]WorkOrderCost, error)
}

// StatementInput asks for an owner's statement of a month.
type StatementInput struct {
	Month *string `json:"month" doc:"YYYY-MM, a month that has ended"`
}

// ParseMonth checks a YYYY-MM month and returns its first day.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return time.Time{}, fmt.Errorf("must be a month YYYY-MM, not %q", s)
	}
	return t, nil
}

// GenerateStatements draws up an owner's statements of a month that has
// ended, one per currency, and announces each as owner.statement_ready.
// Statements already drawn up for that owner-month are returned as they
// are, with created false: asking twice, or racing the monthly pass,
// gives one statement and one event.
func (s *Service) GenerateStatements(ctx context.Context, orgID, ownerID int64, in StatementInput) (sts []*Statement, created bool, err error) {
	// An unknown owner is 404 whatever the body says.
	if _, err := view(ctx, s, orgID, func(tx Tx) (*Owner, error) { return tx.Owner(ctx, ownerID) }); err != nil {
		return nil, false, err
	}
	var v Validation
	month := ""
	if in.Month == nil || *in.Month == "" {
		v.Add("month", "is required: a month YYYY-MM that has ended")
	} else if first, err := ParseMonth(*in.Month); err != nil {
		v.Add("month", "%s", err)
	} else if first.AddDate(0, 1, 0).After(s.now()) {
		v.Add("month", "%s has not ended yet: a statement covers a whole month", *in.Month)
	} else {
		month = *in.Month
	}
	if err := v.Err(); err != nil {
		return nil, false, err
	}
	return s.generateStatements(ctx, orgID, ownerID, month)
}

// generateStatements draws up and stores an owner's statements of month
// in one transaction.
func (s *Service) generateStatements(ctx context.Context, orgID, ownerID int64, month string) ([]*Statement, bool, error) {
	return updateUpsert(ctx, s, orgID, func(tx Tx, now time.Time) ([]*Statement, bool, error) {
		return generateStatements(ctx, tx, now, ownerID, month)
	})
}

// generateStatements is GenerateStatements inside a transaction.
func generateStatements(ctx context.Context, tx Tx, now time.Time, ownerID int64, month string) ([]*Statement, bool, error) {
	o, err := tx.Owner(ctx, ownerID)
	if err != nil {
		return nil, false, err
	}
	if have, err := tx.OwnerStatementsOfMonth(ctx, ownerID, month); err != nil || len(have) > 0 {
		return have, false, err
	}
	sts, err := drawStatements(ctx, tx, o, month, now)
	if err != nil {
		return nil, false, err
	}
	var out []*Statement
	for _, st := range sts {
		inserted, err := tx.InsertStatement(ctx, st)
		if err != nil {
			return nil, false, fmt.Errorf("statement of owner %d for %s: %w", ownerID, month, err)
		}
		if !inserted {
			// Another node drew it up between our read and our insert:
			// theirs stands, and so does their event.
			have, err := tx.OwnerStatementsOfMonth(ctx, ownerID, month)
			return have, false, err
		}
		if err := recordNested(ctx, tx, now, "owner.statement_ready", "statement", st.ID,
			map[string]any{"statement": st.Summary()}, st.Summary(), nil); err != nil {
			return nil, false, err
		}
		out = append(out, st)
	}
	return out, len(out) > 0, nil
}

// drawStatements computes an owner's statements of a month, one per
// currency, without storing them. An owner who held nothing billable in
// the month gets none.
func drawStatements(ctx context.Context, tx Tx, o *Owner, month string, now time.Time) ([]*Statement, error) {
	first, err := ParseMonth(month)
	if err != nil {
		return nil, err
	}
	monthFrom := first.Format(DateLayout)
	monthTo := first.AddDate(0, 1, -1).Format(DateLayout)
	daysInMonth := int64(first.AddDate(0, 1, -1).Day())
	links, err := tx.OwnershipsOfOwner(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	byCurrency := map[string]*Statement{}
	for _, l := range links {
		from, to := max(l.StartDate, monthFrom), monthTo
		if e := l.end(); e != "" {
			to = min(e, monthTo)
		}
		if from > to {
			continue // not held this month
		}
		lines, err := propertyLines(ctx, tx, l, from, to, daysInMonth)
		if err != nil {
			return nil, err
		}
		for cur, line := range lines {
			st := byCurrency[cur]
			if st == nil {
				st = &Statement{OwnerID: o.ID, OwnerName: o.Name, Month: month, Currency: cur, CreatedAt: now}
				byCurrency[cur] = st
			}
			st.Lines = append(st.Lines, *line)
		}
	}
	var out []*Statement
	for _, st := range byCurrency {
		sort.Slice(st.Lines, func(i, j int) bool {
			a, b := st.Lines[i], st.Lines[j]
			if a.PropertyID != b.PropertyID {
				return a.PropertyID < b.PropertyID
			}
			return a.From < b.From
		})
		for _, l := range st.Lines {
			st.Nights += l.Nights
			st.Gross += l.Gross
			st.Commission += l.Commission
			st.Fees += l.ManagementFee + l.CleaningFees
			st.Expenses += l.Expenses
			st.Net += l.Net
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out, nil
}

// propertyLines computes an ownership's lines over [from, to] (days
// inclusive), one per currency its stays were priced in. The management
// fee and the expenses go to the line of the property's main currency:
// the one with the most nights in the period, or, with no stays, the
// currency of the property's latest booking. A property never booked has
// no currency to charge in and gives no line.
func propertyLines(ctx context.Context, tx Tx, l *Ownership, from, to string, daysInMonth int64) (map[string]*StatementLine, error) {
	p, err := tx.Property(ctx, l.PropertyID)
	if err != nil {
		return nil, err
	}
	dayBefore, _ := time.Parse(DateLayout, from)
	dayAfter, _ := time.Parse(DateLayout, to)
	dayAfter = dayAfter.AddDate(0, 0, 1)
	// From the day before: a stay checking out on the first day has no
	// night in the period but its cleaning fee belongs to it.
	stays, err := tx.StaysOverlapping(ctx, l.PropertyID, 0, dayBefore.AddDate(0, 0, -1).Format(DateLayout), dayAfter.Format(DateLayout), 0)
	if err != nil {
		return nil, fmt.Errorf("stays of property %d: %w", l.PropertyID, err)
	}
	lines := map[string]*StatementLine{}
	line := func(cur string) *StatementLine {
		if lines[cur] == nil {
			lines[cur] = &StatementLine{PropertyID: p.ID, PropertyName: p.Name, OwnershipID: l.ID, From: from, To: to,
				CommissionRate: l.CommissionRate, BookingIDs: []int64{}, WorkOrderIDs: []int64{}}
		}
		return lines[cur]
	}
	for _, b := range stays {
		counted := false
		for _, n := range b.NightlyPrices {
			if n.Date >= from && n.Date <= to {
				ln := line(b.Currency)
				ln.Nights++
				ln.Gross += n.Price
				counted = true
			}
		}
		if b.Status == BookingCheckedOut && b.CheckOut >= from && b.CheckOut <= to {
			ln := line(b.Currency)
			ln.Checkouts++
			ln.CleaningFees += l.CleaningFee
			counted = true
		}
		if counted {
			lines[b.Currency].BookingIDs = append(lines[b.Currency].BookingIDs, b.ID)
		}
	}
	main := ""
	for cur, ln := range lines {
		if main == "" || ln.Nights > lines[main].Nights || (ln.Nights == lines[main].Nights && cur < main) {
			main = cur
		}
	}
	if main == "" {
		latest, err := tx.Bookings(ctx, BookingFilter{ListParams: ListParams{Page: 1, PerPage: 1}, PropertyID: l.PropertyID})
		if err != nil {
			return nil, fmt.Errorf("latest booking of property %d: %w", l.PropertyID, err)
		}
		if len(latest.Items) == 0 {
			return nil, nil
		}
		main = latest.Items[0].Currency
	}
	ln := line(main)
	fromDay, _ := time.Parse(DateLayout, from)
	held := int64(dayAfter.Sub(fromDay).Hours()/24 + 0.5)
	// A month held in part pays the fee pro rata of its days.
	ln.ManagementFee = Money(roundHalfUp(int64(l.ManagementFee)*held, daysInMonth))
	costs, err := tx.CompletedWorkOrderCosts(ctx, l.PropertyID, fromDay, dayAfter)
	if err != nil {
		return nil, fmt.Errorf("work orders of property %d: %w", l.PropertyID, err)
	}
	for _, c := range costs {
		ln.Expenses += c.Cost
		ln.WorkOrderIDs = append(ln.WorkOrderIDs, c.ID)
	}
	for _, ln := range lines {
		// The rate is in hundredths of a percent: round the product to the
		// minor unit, half up (20 % of 0.03 is 0.006, charged 0.01).
		ln.Commission = Money(roundHalfUp(int64(ln.Gross)*int64(l.CommissionRate), 100_00))
		ln.Net = ln.Gross - ln.Commission - ln.ManagementFee - ln.CleaningFees - ln.Expenses
		slices.Sort(ln.BookingIDs)
	}
	return lines, nil
}

// roundHalfUp is n/d rounded half away from zero (d > 0).
func roundHalfUp(n, d int64) int64 {
	if n < 0 {
		return -roundHalfUp(-n, d)
	}
	return (n + d/2) / d
}

// Statement returns one statement.
func (s *Service) Statement(ctx context.Context, orgID, id int64) (*Statement, error) {
	return view(ctx, s, orgID, func(tx Tx) (*Statement, error) { return tx.Statement(ctx, id) })
}

// Statements lists statements, newest first.
func (s *Service) Statements(ctx context.Context, orgID int64, f StatementFilter) (List[*Statement], error) {
	f.Normalize()
	return view(ctx, s, orgID, func(tx Tx) (List[*Statement], error) { return tx.Statements(ctx, f) })
}
