package porter

import "context"

// MaxCalendarDays bounds a calendar request's range, and MaxCalendarCells
// its units × days, so that one answer stays a few megabytes.
const (
	MaxCalendarDays  = 366
	MaxCalendarCells = 100_000
)

// Calendar is the availability of units day by day, from From to To
// (both included).
type Calendar struct {
	From  string         `json:"from"`
	To    string         `json:"to"`
	Units []CalendarUnit `json:"units"`
}

// CalendarUnit is one unit's days.
type CalendarUnit struct {
	UnitID     int64         `json:"unit_id"`
	UnitName   string        `json:"unit_name"`
	PropertyID int64         `json:"property_id"`
	Days       []CalendarDay `json:"days"`
}

// CalendarDay is one night of one unit: available, booked (by a
// confirmed, checked-in or checked-out booking) or blocked, and the
// nightly rate that applies to it, if any.
type CalendarDay struct {
	Date      string `json:"date"`
	Status    string `json:"status"` // available | booked | blocked
	BookingID *int64 `json:"booking_id,omitempty"`
	Reference string `json:"reference,omitempty"`
	BlockID   *int64 `json:"block_id,omitempty"`
	Reason    string `json:"reason,omitempty"` // the block's kind and reason
	Rate      *Money `json:"rate"`
	Currency  string `json:"currency,omitempty"`
	RateID    *int64 `json:"rate_id"`
	MinStay   *int64 `json:"min_stay"`
}

// CalendarDayStatuses lists a day's statuses.
var CalendarDayStatuses = []string{"available", "booked", "blocked"}

// CalendarTx reads what the calendar needs beyond bookings, blocks and
// rates.
type CalendarTx interface {
	// CalendarUnits returns the units of a property, or every unit (0),
	// by id.
	CalendarUnits(ctx context.Context, propertyID int64) ([]*Unit, error)
}

// CalendarQuery asks for a calendar.
type CalendarQuery struct {
	From, To   string
	PropertyID int64
}

// Calendar answers with four queries (units, stays, blocks, rates),
// whatever the range.
func (s *Service) Calendar(ctx context.Context, orgID int64, q CalendarQuery) (*Calendar, error) {
	var v Validation
	okFrom, okTo := checkDate(&v, "from", q.From), checkDate(&v, "to", q.To)
	if okFrom && okTo {
		if n := daysBetween(q.From, q.To) + 1; n < 1 {
			v.Add("to", "must not be before from")
		} else if n > MaxCalendarDays {
			v.Add("to", "must be at most %d days after from (the range is capped at %d days)", MaxCalendarDays-1, MaxCalendarDays)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return view(ctx, s, orgID, func(tx Tx) (*Calendar, error) {
		if q.PropertyID != 0 {
			if err := refExists(ctx, "property_id", q.PropertyID, tx.Property); err != nil {
				return nil, err
			}
		}
		units, err := tx.CalendarUnits(ctx, q.PropertyID)
		if err != nil {
			return nil, err
		}
		days := daysBetween(q.From, q.To) + 1
		if len(units)*days > MaxCalendarCells {
			return nil, &Error{Code: EINVALID, Message: "the calendar would hold more than 100000 unit-days: narrow from/to or give property_id",
				Fields: []FieldError{{Field: "to", Message: "gives too many unit-days for this many units"}}}
		}
		stays, err := tx.StaysOverlapping(ctx, q.PropertyID, 0, q.From, addDays(q.To, 1), 0)
		if err != nil {
			return nil, err
		}
		blocks, err := tx.BlocksCovering(ctx, q.PropertyID, 0, q.From, q.To, 0)
		if err != nil {
			return nil, err
		}
		rates, err := tx.RatesCovering(ctx, q.PropertyID, q.From, q.To)
		if err != nil {
			return nil, err
		}
		// Each unit looks only at its property's rates.
		byProperty := map[int64][]*Rate{}
		for _, r := range rates {
			byProperty[r.PropertyID] = append(byProperty[r.PropertyID], r)
		}
		// Dates and weekdays once; each unit's rate changes only where one
		// of its rates starts or ends, but checking each day is cheap.
		dates := make([]string, days)
		weekdays := make([]string, days)
		first := mustDate(q.From)
		for i := range dates {
			t := first.AddDate(0, 0, i)
			dates[i], weekdays[i] = t.Format(DateLayout), Weekdays[t.Weekday()]
		}
		// span is the indexes of the days from a (included) to b (excluded).
		span := func(a, b string) (int, int) {
			return max(0, daysBetween(q.From, a)), min(days, daysBetween(q.From, b))
		}
		byUnit := map[int64][]CalendarDay{}
		out := &Calendar{From: q.From, To: q.To, Units: make([]CalendarUnit, 0, len(units))}
		for _, u := range units {
			ds := make([]CalendarDay, days)
			for i := range ds {
				ds[i] = CalendarDay{Date: dates[i], Status: "available"}
				if r := applicableRate(byProperty[u.PropertyID], u.PropertyID, u.ID, dates[i]); r != nil {
					p, id, ms := r.priceOnWeekday(weekdays[i]), r.ID, r.MinStay
					ds[i].Rate, ds[i].Currency, ds[i].RateID, ds[i].MinStay = &p, r.Currency, &id, &ms
				}
			}
			byUnit[u.ID] = ds
			out.Units = append(out.Units, CalendarUnit{UnitID: u.ID, UnitName: u.Name, PropertyID: u.PropertyID, Days: ds})
		}
		for _, k := range blocks {
			ds := byUnit[k.UnitID]
			if ds == nil {
				continue
			}
			reason := k.Kind + ": " + k.Reason
			if k.Reason == "" {
				reason = k.Kind
			}
			from, to := span(k.StartDate, addDays(k.EndDate, 1))
			for i := from; i < to; i++ {
				id := k.ID
				ds[i].Status, ds[i].BlockID, ds[i].Reason = "blocked", &id, reason
			}
		}
		// Stays win over blocks: a night cannot be both, but if an old
		// stay ran over a later block the booking is what happens.
		for _, b := range stays {
			ds := byUnit[b.UnitID]
			if ds == nil {
				continue
			}
			from, to := span(b.CheckIn, b.CheckOut)
			for i := from; i < to; i++ {
				id := b.ID
				ds[i].Status, ds[i].BookingID, ds[i].Reference = "booked", &id, b.Reference
				ds[i].BlockID, ds[i].Reason = nil, ""
			}
		}
		return out, nil
	})
}
